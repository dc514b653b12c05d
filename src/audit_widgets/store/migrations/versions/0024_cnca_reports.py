"""what was reported to CNCA's platform for which month (issue 23 §4): one row per reported line,
so that a later correction of a month is reported as a change, and the month's report shows as due
until it is made.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cnca_reported",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sheet", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=128), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_cnca_reported_month", "cnca_reported", ["month"])


def downgrade() -> None:
    op.drop_index("ix_cnca_reported_month", table_name="cnca_reported")
    op.drop_table("cnca_reported")
