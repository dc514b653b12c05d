"""scope extension: the scope a special audit was opened to extend the certificate to

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('applications', sa.Column('requested_scope', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('applications', 'requested_scope')
