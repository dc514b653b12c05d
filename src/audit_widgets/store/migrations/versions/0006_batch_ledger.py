"""batch ledger: one row per notebook run; the applicant each trail entry concerns

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

The trail gains its column with a plain ADD COLUMN (not a batch table copy, which would drop
the triggers that keep it append-only). Entries written before this revision keep no
applicant: the trail cannot be updated, and the ledger only needs the entries to come.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_trail', sa.Column('applicant_id', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_trail_applicant_id', 'audit_trail', ['applicant_id'])
    op.create_table(
        'notebook_runs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('run_id', sa.String(length=32), nullable=False),
        sa.Column('applicant_id', sa.String(length=64), nullable=False),
        sa.Column('notebook', sa.String(length=128), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('outputs', sa.JSON(), nullable=False),
        sa.Column('inputs_hash', sa.String(length=64), nullable=False),
        sa.Column('inputs', sa.JSON(), nullable=False),
        sa.Column('failed_cell', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False, server_default=''),
    )
    op.create_index('ix_notebook_runs_run_id', 'notebook_runs', ['run_id'])
    op.create_index('ix_notebook_runs_applicant_id', 'notebook_runs', ['applicant_id'])


def downgrade() -> None:
    op.drop_index('ix_notebook_runs_applicant_id', 'notebook_runs')
    op.drop_index('ix_notebook_runs_run_id', 'notebook_runs')
    op.drop_table('notebook_runs')
    op.drop_index('ix_audit_trail_applicant_id', 'audit_trail')
    op.drop_column('audit_trail', 'applicant_id')
