"""survey channels and the certification body's call-backs (XBHT-GZ-038 5.1a): each survey
response keeps its channel (existing ones are questionnaires), and an audit's call-back draw and
calls have tables of their own.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("survey_responses", sa.Column("channel", sa.String(length=32), nullable=False,
                                                server_default="questionnaire"))
    op.create_table(
        "callback_samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audits.id"), nullable=False),
        sa.Column("population_hash", sa.String(length=64), nullable=False),
        sa.Column("population_size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("drawn_ids", sa.JSON(), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_callback_samples_audit_id", "callback_samples", ["audit_id"])
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sample_id", sa.Integer(), sa.ForeignKey("callback_samples.id"), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("called_on", sa.Date(), nullable=False),
        sa.Column("called_by", sa.String(length=64), nullable=False),
        sa.UniqueConstraint("sample_id", "customer_id"),
    )


def downgrade() -> None:
    op.drop_table("callbacks")
    op.drop_index("ix_callback_samples_audit_id", table_name="callback_samples")
    op.drop_table("callback_samples")
    with op.batch_alter_table("survey_responses") as batch:
        batch.drop_column("channel")
