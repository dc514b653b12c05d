"""the case sample keeps its lots (DOMAIN.md 5.1c: a stratum's result is weighted by its lot's
size): each lot's size and the cases drawn from it. A sample drawn before has no lots and is
read as one pooled lot.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_samples", sa.Column("lots", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_samples") as batch:
        batch.drop_column("lots")
