"""the ledger names the process running each notebook (issue 24 §9): a run is recorded as
`running` before its notebook starts, with its runner ("host:pid"); a run still `running` whose
runner is gone was killed with its batch, and the next batch records it as `died`.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notebook_runs", sa.Column("runner", sa.String(length=128), nullable=True))
    op.create_index("ix_notebook_runs_status", "notebook_runs", ["status"])


def downgrade() -> None:
    op.drop_index("ix_notebook_runs_status", "notebook_runs")
    with op.batch_alter_table("notebook_runs") as table:
        table.drop_column("runner")
