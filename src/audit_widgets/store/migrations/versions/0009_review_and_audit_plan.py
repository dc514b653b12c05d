"""the application review and the audit plan, records of their own; the holder's obligations
kept with the contract; an applicant's changes of name or address

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'application_reviews',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('application_id', sa.Integer(), sa.ForeignKey('applications.id'), nullable=False, unique=True),
        sa.Column('licences', sa.JSON(), nullable=False),
        sa.Column('credit_clear', sa.Boolean(), nullable=False),
        sa.Column('credit_evidence', sa.String(length=300), nullable=False),
        sa.Column('parent_authorisation', sa.String(length=300), nullable=False),
        sa.Column('domain_reason', sa.Text(), nullable=False),
        sa.Column('assessment', sa.JSON(), nullable=False),
        sa.Column('accepted', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=64), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=False),
    )
    op.create_table(
        'audit_plans',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('application_id', sa.Integer(), sa.ForeignKey('applications.id'), nullable=False, unique=True),
        sa.Column('team_sent_on', sa.Date(), nullable=True),
        sa.Column('objections', sa.JSON(), nullable=False),
        sa.Column('agenda', sa.JSON(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
    )


    op.add_column('contracts', sa.Column('obligations', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    op.drop_column('contracts', 'obligations')
    op.drop_table('audit_plans')
    op.drop_table('application_reviews')
