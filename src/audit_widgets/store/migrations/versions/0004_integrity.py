"""integrity: findings from checklist rows, stage redo marks, decision override reasons,
who recorded a status change

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('item_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('stage_results') as batch:
        batch.add_column(sa.Column('redo_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('override_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('status_changes') as batch:
        batch.add_column(sa.Column('recorded_by', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('status_changes') as batch:
        batch.drop_column('recorded_by')
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('override_reason')
    with op.batch_alter_table('stage_results') as batch:
        batch.drop_column('redo_reason')
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_on')
        batch.drop_column('item_id')
