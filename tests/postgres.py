"""A throwaway PostgreSQL server for the store tests: Debian's binaries, a data folder of its own,
127.0.0.1 on a free port, stopped and removed at the end of the session.

`initdb` refuses to run as root, and CI runs as root: there the server runs as an unprivileged
system account (SERVER_ACCOUNT, created if missing); anyone else runs it as themselves."""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.browser import free_port

SERVER_ACCOUNT = "aw-postgres"
SUPERUSER = "postgres"


def binaries() -> Path:
    """Debian's PostgreSQL binaries (`make system-packages` installs them), newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]), reverse=True)
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make system-packages` (Debian's postgresql package)")
    return Path(found[0]).parent


def _account() -> list[str]:
    """The command prefix that runs the server's programs as an unprivileged account."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_ACCOUNT],
                       check=True)
    return ["runuser", "-u", SERVER_ACCOUNT, "--"]


class PostgresServer:
    """One server; `database()` makes a fresh, migrated database and returns its URL."""

    def __init__(self) -> None:
        self.bin, self.port = binaries(), free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="aw-postgres-"))
        self.data = self.folder / "data"
        self.prefix = _account()
        if self.prefix:
            shutil.chown(self.folder, SERVER_ACCOUNT)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.start()
        self._template: str | None = None

    def start(self) -> None:
        # A test server: durability off, so that a test's commits do not wait for the disk.
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")

    def halt(self) -> None:
        """Stop the server as a crash or an operator would, its data kept (start() again)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.prefix, str(self.bin / program), *args], check=True, capture_output=True, cwd=self.folder)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def database(self, migrated: bool = True) -> str:
        """A new database: migrated to the newest revision (a copy of one migrated template,
        which is much faster than migrating each), or empty."""
        name = f"t_{secrets.token_hex(6)}"
        if not migrated:
            self.execute(f"CREATE DATABASE {name}")
            return self.url(name)
        if self._template is None:
            from audit_widgets.store.database import get_engine, upgrade
            self._template = f"template_{secrets.token_hex(4)}"
            self.execute(f"CREATE DATABASE {self._template}")
            engine = get_engine(self.url(self._template))
            upgrade(engine)
            engine.dispose()
        self.execute(f"CREATE DATABASE {name} TEMPLATE {self._template}")
        return self.url(name)

    def copy_of(self, url: str) -> str:
        """A new database with the contents of the database at `url` on this server (its
        connections are closed first: PostgreSQL copies a template nobody is connected to)."""
        from sqlalchemy.engine import make_url

        from audit_widgets.store.database import get_engine
        get_engine(url).dispose()
        name = f"t_{secrets.token_hex(6)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {make_url(url).database}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (if a test halted it, it is stopped already) and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
