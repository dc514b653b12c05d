"""a person's login (issue 27 §1): the hub user name a person signs in with, when it is not
their id (an LDAP or single sign-on name). Given and changed like a role, through a role change
a second person approves (store/roles.py); one person per login.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("auditors", sa.Column("login", sa.String(length=64), nullable=True))
    op.create_index("ix_auditors_login", "auditors", ["login"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_auditors_login", "auditors")
    with op.batch_alter_table("auditors") as table:
        table.drop_column("login")
