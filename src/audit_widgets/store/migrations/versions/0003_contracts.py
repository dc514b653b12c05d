"""contracts: the certification contract as a record of its own

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Until now the contract was kept as the contract stage's result JSON, so nothing validated it
outside the widget. Existing contracts move into the new table.
"""
import json
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    contracts = op.create_table(
        'contracts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('contract_no', sa.String(length=64), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('fee', sa.Float(), nullable=False),
        sa.Column('person_days', sa.Float(), nullable=True),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id'),
    )
    rows = op.get_bind().execute(sa.text(
        "SELECT application_id, result FROM stage_results WHERE stage = 'contract'")).all()
    moved = []
    for application_id, result in rows:
        result = json.loads(result) if isinstance(result, str) else result
        if result.get("contract_no") and result.get("signed_on"):
            moved.append({"application_id": application_id, "contract_no": result["contract_no"],
                          "signed_on": date.fromisoformat(result["signed_on"]), "fee": result.get("fee") or 0.0,
                          "person_days": result.get("person_days"), "recorded_by": "migration 0003",
                          "recorded_at": datetime.now(timezone.utc)})
    if moved:
        op.bulk_insert(contracts, moved)


def downgrade() -> None:
    op.drop_table('contracts')
