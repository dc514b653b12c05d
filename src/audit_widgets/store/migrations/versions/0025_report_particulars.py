"""what the audit team states in the report beside the checklists (issue 23 §3, ISO/IEC 17021-1
§9.4.8): one row per audit and particular (the scheme's report_particulars), with who wrote it.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_particulars",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audits.id"), nullable=False),
        sa.Column("particular", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("audit_id", "particular", name="uq_report_particulars_audit_particular"),
    )


def downgrade() -> None:
    op.drop_table("report_particulars")
