"""the corrective action as a record (ISO/IEC 17021-1 §9.4.9–9.4.10): the correction, the root
cause and the evidence of implementation beside the action itself, and who accepted the plan.
Existing actions keep their plan as the action; the new fields are empty.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TEXTS = ("correction", "root_cause", "implementation_evidence")


def upgrade() -> None:
    for column in TEXTS:
        op.add_column("corrective_actions", sa.Column(column, sa.Text(), nullable=False, server_default=""))
    op.add_column("corrective_actions", sa.Column("accepted_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for column in ("accepted_by", *reversed(TEXTS)):
        op.drop_column("corrective_actions", column)
