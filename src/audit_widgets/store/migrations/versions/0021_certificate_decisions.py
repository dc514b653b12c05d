"""the committee's decisions between audits (issue 22 §1): a suspension, withdrawal,
cancellation, reinstatement or scope reduction decided on grounds (a complaint, the holder's
request, a regulator's order …), signed when recorded and carried out on the certificate
afterwards by someone who does not manage the applicant.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("certificate_number", sa.String(length=64), sa.ForeignKey("certificates.number"), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("grounds", sa.String(length=64), nullable=False),
        sa.Column("grounds_detail", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.String(length=64), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("scope", sa.JSON(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("carried_out_on", sa.Date(), nullable=True),
        sa.Column("carried_out_by", sa.String(length=64), nullable=True),
        sa.Column("result_number", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_certificate_decisions_certificate_number", "certificate_decisions", ["certificate_number"])


def downgrade() -> None:
    op.drop_index("ix_certificate_decisions_certificate_number", table_name="certificate_decisions")
    op.drop_table("certificate_decisions")
