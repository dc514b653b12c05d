"""roles: what a person is to the workbench besides auditor and committee member
(administrator, programme manager), given in the people file

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('auditors', sa.Column('roles', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    op.drop_column('auditors', 'roles')
