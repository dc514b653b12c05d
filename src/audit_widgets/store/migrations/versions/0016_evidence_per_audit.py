"""evidence per audit: an import names the audit it was made for and the first and last day of
its records; `audit_evidence` says which import of each kind an audit reads. Existing imports
become the applicant's newest audit's, and every earlier audit keeps reading the import it was
scored on (the newest complete one of its kind, as the store read it until now), so no recorded
result changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# The date column of each kind's records, and its table.
DATED = {"work_orders": ("work_orders", "opened_at"), "surveys": ("survey_responses", "submitted_at")}


def upgrade() -> None:
    # Added in place (SQLite takes a REFERENCES column that defaults to NULL): rebuilding the
    # table would have to drop it under the work orders that reference it.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE imports ADD COLUMN audit_id INTEGER REFERENCES audits (id)")
    else:
        op.add_column("imports", sa.Column("audit_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_imports_audit_id_audits", "imports", "audits", ["audit_id"], ["id"])
    op.add_column("imports", sa.Column("first_on", sa.Date(), nullable=True))
    op.add_column("imports", sa.Column("last_on", sa.Date(), nullable=True))
    op.create_table("audit_evidence",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("audit_id", sa.Integer(), nullable=False),
                    sa.Column("kind", sa.String(length=32), nullable=False),
                    sa.Column("import_id", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["audit_id"], ["audits.id"]),
                    sa.ForeignKeyConstraint(["import_id"], ["imports.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("audit_id", "kind"))
    bind = op.get_bind()
    for kind, (table, column) in DATED.items():
        newest = bind.execute(sa.text(
            "SELECT applicant_id, MAX(id) FROM imports WHERE kind = :k AND complete = :t GROUP BY applicant_id"),
            {"k": kind, "t": True}).all()
        for applicant_id, import_id in newest:
            first, last = bind.execute(sa.text(
                f"SELECT MIN({column}), MAX({column}) FROM {table} WHERE import_id = :i"), {"i": import_id}).one()
            audits = [a for (a,) in bind.execute(sa.text(
                "SELECT id FROM audits WHERE applicant_id = :a ORDER BY id"), {"a": applicant_id})]
            bind.execute(sa.text("UPDATE imports SET audit_id = :audit, first_on = :f, last_on = :l WHERE id = :i"),
                         {"audit": audits[-1] if audits else None, "f": str(first)[:10] if first else None,
                          "l": str(last)[:10] if last else None, "i": import_id})
            for audit_id in audits:
                bind.execute(sa.text("INSERT INTO audit_evidence (audit_id, kind, import_id) VALUES (:a, :k, :i)"),
                             {"a": audit_id, "k": kind, "i": import_id})


def downgrade() -> None:
    op.drop_table("audit_evidence")
    for column in ("last_on", "first_on", "audit_id"):
        op.drop_column("imports", column)
