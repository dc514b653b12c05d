"""a disposed audit leaves its row (issue 22 §4): when, by whom and on what basis its records were
disposed of, so that its certificates, their status histories and its decision, which are never
deleted, still name an audit that resolves.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("disposed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("disposed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("disposal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("disposal_reason")
        batch.drop_column("disposed_by")
        batch.drop_column("disposed_on")
