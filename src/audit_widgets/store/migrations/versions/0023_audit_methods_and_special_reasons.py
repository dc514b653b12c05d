"""what each audit covers and why a special audit was opened (issue 22 §2, §3): the methods an
audit covers are fixed when it is opened (its type's, the survey at the second surveillance, the
new domains' veto methods of a scope extension, every method of a re-grading); a special audit
keeps its reason and, at short notice, the day it is due by. Audits opened before keep NULL
(read as their type's methods, reason `other`).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("methods", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("special_reason", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("due_by", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("due_by")
        batch.drop_column("special_reason")
        batch.drop_column("methods")
