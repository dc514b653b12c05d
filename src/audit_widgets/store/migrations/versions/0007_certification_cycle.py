"""the certification cycle: decisions after every audit, reissued certificates, special audits,
complaints and appeals

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

Plain ADD COLUMNs only (no batch table copies), so the trail's triggers are untouched.
Decisions recorded before this revision were initial ones: their outcome is certify or refuse.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('decisions', sa.Column('outcome', sa.String(length=32), nullable=False, server_default=''))
    op.execute("UPDATE decisions SET outcome = CASE WHEN certified THEN 'certify' ELSE 'refuse' END")
    op.add_column('decisions', sa.Column('status_reason', sa.String(length=64), nullable=True))
    op.add_column('decisions', sa.Column('deadline', sa.Date(), nullable=True))
    op.add_column('certificates', sa.Column('replaces', sa.String(length=64), nullable=True))
    op.add_column('applications', sa.Column('reason', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'complaints',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('complainant', sa.String(length=200), nullable=False),
        sa.Column('complainant_kind', sa.String(length=32), nullable=False),
        sa.Column('about', sa.String(length=32), nullable=False),
        sa.Column('applicant_id', sa.String(length=64), sa.ForeignKey('applicants.id'), nullable=True, index=True),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('acknowledged_on', sa.Date(), nullable=True),
        sa.Column('investigator', sa.String(length=64), nullable=True),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('findings', sa.Text(), nullable=False, server_default=''),
        sa.Column('action', sa.String(length=32), nullable=True),
        sa.Column('audit_id', sa.Integer(), sa.ForeignKey('applications.id'), nullable=True),
        sa.Column('replied_on', sa.Date(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=False, server_default=''),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
    )
    op.create_table(
        'appeals',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('application_id', sa.Integer(), sa.ForeignKey('applications.id'), nullable=False, index=True),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('appellant', sa.String(length=200), nullable=False),
        sa.Column('grounds', sa.Text(), nullable=False),
        sa.Column('acknowledged_on', sa.Date(), nullable=True),
        sa.Column('handler', sa.String(length=64), nullable=True),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=False, server_default=''),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('replied_on', sa.Date(), nullable=True),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('appeals')
    op.drop_table('complaints')
    op.drop_column('applications', 'reason')
    op.drop_column('certificates', 'replaces')
    op.drop_column('decisions', 'deadline')
    op.drop_column('decisions', 'status_reason')
    op.drop_column('decisions', 'outcome')
