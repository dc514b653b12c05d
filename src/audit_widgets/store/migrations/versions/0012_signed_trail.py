"""signed trail: each trail entry's link in the hash chain, the key id a stage was signed
with and the imports its signature covers, and the store's settings (the id of the key it is signed with)

Existing entries are chained here, in order, under the store's key: the protective triggers
are lifted for that one update and put back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TRIGGERS = {
    "sqlite": (["DROP TRIGGER IF EXISTS audit_trail_no_update", "DROP TRIGGER IF EXISTS audit_trail_no_delete"],
               ["CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail "
                "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END",
                "CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail "
                "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END"]),
    "postgresql": (["ALTER TABLE audit_trail DISABLE TRIGGER audit_trail_no_change"],
                   ["ALTER TABLE audit_trail ENABLE TRIGGER audit_trail_no_change"]),
}


def upgrade() -> None:
    op.add_column('audit_trail', sa.Column('chain', sa.String(length=64), nullable=True))
    op.add_column('stage_results', sa.Column('key_id', sa.String(length=16), nullable=True))
    op.add_column('stage_results', sa.Column('signed_imports', sa.JSON(), nullable=True))
    op.create_table('workbench_settings',
                    sa.Column('name', sa.String(length=64), primary_key=True),
                    sa.Column('value', sa.String(length=200), nullable=False))
    _chain_existing_entries(op.get_bind())


def _chain_existing_entries(bind) -> None:
    from audit_widgets.store import signing
    from audit_widgets.store.trail_chain import GENESIS, link_values
    rows = bind.execute(sa.text("SELECT id, at, actor, action, entity, entity_id, detail, applicant_id "
                                "FROM audit_trail ORDER BY id")).all()
    if not rows:
        return
    lift, restore = TRIGGERS.get(bind.dialect.name, ([], []))
    for statement in lift:
        bind.execute(sa.text(statement))
    previous = GENESIS
    for row in rows:
        previous = link_values(previous, *row[1:])
        bind.execute(sa.text("UPDATE audit_trail SET chain = :chain WHERE id = :id"), {"chain": previous, "id": row[0]})
    for statement in restore:
        bind.execute(sa.text(statement))
    bind.execute(sa.text("INSERT INTO workbench_settings (name, value) VALUES ('signing_key_id', :key)"),
                 {"key": signing.key_id()})


def downgrade() -> None:
    op.drop_table('workbench_settings')
    op.drop_column('stage_results', 'signed_imports')
    op.drop_column('stage_results', 'key_id')
    op.drop_column('audit_trail', 'chain')
