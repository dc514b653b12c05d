"""Every migration, on both backends: up from an empty database, and from each earlier revision
to the newest, with the trail's protection in place afterwards."""
from __future__ import annotations

import pytest
from alembic import command as alembic
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from audit_widgets.store.database import MIGRATIONS, alembic_config, current_revision, get_engine, head_revision, upgrade

pytestmark = pytest.mark.both_backends


def empty_store(backend: str, request, tmp_path, name: str) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_server").database(migrated=False)
    return f"sqlite:///{tmp_path / f'{name}.sqlite'}"


def revisions() -> list[str]:
    """Oldest first."""
    return [script.revision for script in reversed(list(ScriptDirectory(str(MIGRATIONS)).walk_revisions()))]


def test_every_earlier_revision_upgrades_to_the_newest_with_the_trail_protected(backend, request, tmp_path):
    every = revisions()
    assert len(every) > 20 and every[-1] == head_revision()
    for revision in [None, *every[:-1]]:  # None: up from an empty database in one go
        engine = get_engine(empty_store(backend, request, tmp_path, revision or "empty"))
        if revision is not None:
            config = alembic_config(engine)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                alembic.upgrade(config, revision)
            assert current_revision(engine) == revision
        assert upgrade(engine) == head_revision(), revision
        with engine.begin() as connection:  # a row may be added, never changed or removed (row triggers)
            connection.execute(text("INSERT INTO audit_trail (at, actor, action, entity, entity_id, detail) "
                                    "VALUES ('2026-01-01', 'P01', 'test', 'test', 'x', '{}')"))
        for change in ("UPDATE audit_trail SET actor = 'M01'", "DELETE FROM audit_trail"):
            with pytest.raises(DBAPIError), engine.begin() as connection:  # the database itself refuses it
                connection.execute(text(change))
        engine.dispose()
