"""The database's own protection of the audit trail: triggers that refuse to change or remove
its rows. `db upgrade` puts them back if someone dropped them, and `verify` reports them missing."""
from __future__ import annotations

from sqlalchemy import Connection, text

TRIGGERS = {
    "sqlite": {
        "audit_trail_no_update": "CREATE TRIGGER IF NOT EXISTS audit_trail_no_update BEFORE UPDATE ON audit_trail "
                                 "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END",
        "audit_trail_no_delete": "CREATE TRIGGER IF NOT EXISTS audit_trail_no_delete BEFORE DELETE ON audit_trail "
                                 "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END",
    },
    "postgresql": {
        "audit_trail_no_change": "CREATE OR REPLACE TRIGGER audit_trail_no_change BEFORE UPDATE OR DELETE ON audit_trail "
                                 "FOR EACH ROW EXECUTE FUNCTION audit_trail_append_only()",
    },
}
PG_FUNCTION = ("CREATE OR REPLACE FUNCTION audit_trail_append_only() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION 'audit_trail is append-only'; END; $$ LANGUAGE plpgsql")


def present_triggers(connection: Connection) -> set[str]:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    if dialect == "postgresql":
        return set(connection.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
    return set()


def missing_triggers(connection: Connection) -> list[str]:
    expected = TRIGGERS.get(connection.dialect.name, {})
    return sorted(set(expected) - present_triggers(connection))


def restore_triggers(connection: Connection) -> list[str]:
    """Create the protective triggers that are missing; return their names."""
    missing = missing_triggers(connection)
    if missing and connection.dialect.name == "postgresql":
        connection.execute(text(PG_FUNCTION))
    for name in missing:
        connection.execute(text(TRIGGERS[connection.dialect.name][name]))
    return missing
