"""staged imports: a work-order import is written in short steps and becomes the applicant's
data only when complete, so no write lock is held for long. A work order belongs to its
import (whose applicant it is): two imports of the same log coexist while one replaces the
other, so order ids are unique per import, which the importer checks

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = ("id, import_id, order_id, customer_id, product_id, service_type, is_complaint, issue, "
           "opened_at, closed_at, due_at, resolved, first_visit_fix, complaint_satisfied")


def _work_orders_table(name: str, *, with_applicant: bool) -> None:
    op.create_table(name,
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('import_id', sa.Integer(), nullable=False),
                    *([sa.Column('applicant_id', sa.String(length=64), nullable=False)] if with_applicant else []),
                    sa.Column('order_id', sa.String(length=64), nullable=False),
                    sa.Column('customer_id', sa.String(length=64), nullable=False),
                    sa.Column('product_id', sa.String(length=64), nullable=False),
                    sa.Column('service_type', sa.String(length=64), nullable=False),
                    sa.Column('is_complaint', sa.Boolean(), nullable=False),
                    sa.Column('issue', sa.String(length=100), nullable=False),
                    sa.Column('opened_at', sa.DateTime(), nullable=False),
                    sa.Column('closed_at', sa.DateTime(), nullable=True),
                    sa.Column('due_at', sa.DateTime(), nullable=False),
                    sa.Column('resolved', sa.Boolean(), nullable=False),
                    sa.Column('first_visit_fix', sa.Boolean(), nullable=False),
                    sa.Column('complaint_satisfied', sa.Boolean(), nullable=True),
                    *([sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id']),
                       sa.UniqueConstraint('applicant_id', 'order_id')] if with_applicant else []),
                    sa.ForeignKeyConstraint(['import_id'], ['imports.id']),
                    sa.PrimaryKeyConstraint('id'))


def upgrade() -> None:
    op.add_column('imports', sa.Column('complete', sa.Boolean(), nullable=False, server_default=sa.true()))
    _work_orders_table('work_orders_new', with_applicant=False)
    op.execute(f"INSERT INTO work_orders_new ({COLUMNS}) SELECT {COLUMNS} FROM work_orders")
    op.drop_table('work_orders')
    op.rename_table('work_orders_new', 'work_orders')
    op.create_index('ix_work_orders_import_id', 'work_orders', ['import_id'])


def downgrade() -> None:
    _work_orders_table('work_orders_old', with_applicant=True)
    op.execute(f"INSERT INTO work_orders_old (applicant_id, {COLUMNS}) SELECT imports.applicant_id, "
               f"{', '.join('work_orders.' + c.strip() for c in COLUMNS.split(','))} FROM work_orders "
               "JOIN imports ON imports.id = work_orders.import_id")
    op.drop_table('work_orders')
    op.rename_table('work_orders_old', 'work_orders')
    op.create_index('ix_work_orders_applicant_id', 'work_orders', ['applicant_id'])
    op.drop_column('imports', 'complete')
