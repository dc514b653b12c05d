"""one name for an audit: the table `applications` is `audits`, its `stage` (the audit type) is
`audit_type`, every `application_id` is `audit_id`, and a site sample names its `audit_type`.
The data is kept as it is; trail entries written before keep the names they were written with
(the trail is append-only and hash-chained).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Every table with a column naming its audit, at revision 0014.
AUDIT_COLUMNS = ("stage_results", "audit_programmes", "application_reviews", "audit_plans", "contracts",
                 "team_members", "checklist_answers", "submitted_documents", "score_adjustments", "case_samples",
                 "findings", "decisions", "certificates", "appeals")


def _rename(old_table: str, new_table: str, old_type: str, new_type: str, old_id: str, new_id: str) -> None:
    op.drop_index(f"ix_appeals_{old_id}", table_name="appeals")
    op.execute(f"ALTER TABLE {old_table} RENAME TO {new_table}")  # references follow the table
    op.execute(f"ALTER TABLE {new_table} RENAME COLUMN {old_type} TO {new_type}")
    for table in AUDIT_COLUMNS:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old_id} TO {new_id}")
    op.create_index(f"ix_appeals_{new_id}", "appeals", [new_id])
    bind = op.get_bind()
    # The programme's site sample names its audit type under the column's name. It is not
    # covered by a signature (stage results are), so its key can follow.
    for row_id, sample in bind.execute(sa.text(
            "SELECT id, site_sample FROM audit_programmes WHERE site_sample IS NOT NULL")).all():
        sample = json.loads(sample) if isinstance(sample, str) else dict(sample)
        if old_type in sample:
            sample[new_type] = sample.pop(old_type)
            bind.execute(sa.text("UPDATE audit_programmes SET site_sample = :s WHERE id = :i"),
                         {"s": json.dumps(sample, ensure_ascii=False), "i": row_id})


def upgrade() -> None:
    _rename("applications", "audits", "stage", "audit_type", "application_id", "audit_id")


def downgrade() -> None:
    _rename("audits", "applications", "audit_type", "stage", "audit_id", "application_id")
