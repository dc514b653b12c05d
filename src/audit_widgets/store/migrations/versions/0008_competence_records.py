"""competence records: auditors' registration, evidence per domain, impartiality declarations

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('auditors', sa.Column('registration_no', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('auditors', sa.Column('registration_expires', sa.Date(), nullable=True))
    op.create_table(
        'competence_evidence',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('auditor_id', sa.String(length=64), sa.ForeignKey('auditors.id'), nullable=False, index=True),
        sa.Column('domain', sa.String(length=8), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('reference', sa.String(length=300), nullable=False),
        sa.Column('on', sa.Date(), nullable=True),
    )
    op.create_table(
        'impartiality_declarations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('auditor_id', sa.String(length=64), sa.ForeignKey('auditors.id'), nullable=False),
        sa.Column('applicant_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('declared_on', sa.Date(), nullable=False),
        sa.Column('conflicts', sa.Text(), nullable=False, server_default=''),
        sa.UniqueConstraint('auditor_id', 'applicant_id', 'year'),
    )


def downgrade() -> None:
    op.drop_table('impartiality_declarations')
    op.drop_table('competence_evidence')
    op.drop_column('auditors', 'registration_expires')
    op.drop_column('auditors', 'registration_no')
