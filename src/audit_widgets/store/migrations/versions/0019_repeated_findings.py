"""repeated findings (ISO/IEC 17021-1 §9.6.2.2): a nonconformity on the item or clause of one
of an earlier audit of the cycle names that finding, and keeps the grade the auditor gave when
the scheme raises a repeat (finding_grades.repeat_raises_to). Existing findings are not repeats.
repeat_of has no foreign key: the earlier audit's records may be disposed of first.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("repeat_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("graded_as", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("graded_as")
        batch.drop_column("repeat_of")
