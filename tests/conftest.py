"""Shared fixtures: the real scheme, a real SQLite database per test, the real command."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from audit_widgets.cli import cli
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.scheme import load_scheme
from audit_widgets.store.database import get_engine, upgrade
from audit_widgets.store.repository import Workbench

ROOT = Path(__file__).resolve().parents[1]
# Generated files and evidence go to a scratch folder, never into the working tree; kernels
# started by papermill inherit these.
SCRATCH = Path(tempfile.mkdtemp(prefix="audit-workbench-tests-"))
os.environ["AUDIT_WORKBENCH_OUTPUTS"] = str(SCRATCH / "outputs")
os.environ["AUDIT_WORKBENCH_DATA"] = str(SCRATCH / "data")
os.environ.pop("AUDIT_WORKBENCH_DB", None)
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")  # no `audit-workbench login` of this machine's user
# Every write is checked against the people records: the tests (the command line and the
# kernels they start included) act as the demo's programme manager, also its administrator,
# unless a test says otherwise.
PROGRAMME_MANAGER = "P01"
os.environ["AUDIT_WORKBENCH_USER"] = PROGRAMME_MANAGER
os.environ.pop("JUPYTERHUB_USER", None)
SCHEME_DIR = ROOT / "parameters" / "scheme"
APPLICANTS_DIR = ROOT / "parameters" / "applicants"


@pytest.fixture(scope="session")
def scheme():
    return load_scheme(SCHEME_DIR)


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """The store's tests (modules marked both_backends) run once per backend, as JupyterHub's
    CI runs its database tests per JUPYTERHUB_TEST_DB_URL."""
    if ("backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends")
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        only = metafunc.definition.get_closest_marker("postgresql_only")
        metafunc.parametrize("backend", ("postgresql",) if only else BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the session, started on first use."""
    from tests.postgres import PostgresServer
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_on_postgresql(demo_db, postgres_server) -> str:
    """The demo store moved to the test server with `db copy` (read it, or take copy_of() it)."""
    url = postgres_server.database(migrated=False)
    assert Command(demo_db)("db", "copy", "--to", url).exit_code == 0
    return url


@pytest.fixture
def db_path(tmp_path, backend) -> Path:
    """The SQLite store's file (a test that asks for it is a test of SQLite)."""
    assert backend == "sqlite", "a test that reads the SQLite file is marked sqlite_only"
    path = tmp_path / "workbench.sqlite"
    upgrade(get_engine(f"sqlite:///{path}"))
    return path


@pytest.fixture
def db_url(request, backend, tmp_path) -> str:
    """A new store at the newest schema: a SQLite file, or a database on the test server."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_server").database()
    return f"sqlite:///{request.getfixturevalue('db_path')}"


@pytest.fixture
def workbench(db_url, scheme) -> Workbench:
    """A store with the demo people registered, acting as their programme manager."""
    from audit_widgets.demo.audits import register_auditors
    workbench = Workbench(db_url, scheme, actor=PROGRAMME_MANAGER)
    register_auditors(workbench)
    return workbench


@pytest.fixture
def consumer(workbench, scheme) -> str:
    data = read_applicant_file(APPLICANTS_DIR / "demo-consumer.yaml", scheme)
    workbench.add_applicant(data)
    return data.id


def store_with_consumer(url: str, scheme) -> Workbench:
    """The store at `url`, migrated, with the demo people and demo-consumer; its programme
    manager's workbench (for tests with a store of their own, outside the `workbench` fixture)."""
    upgrade(get_engine(url))
    workbench = Workbench(url, scheme, actor=PROGRAMME_MANAGER)
    from audit_widgets.demo.audits import register_auditors
    register_auditors(workbench)
    workbench.add_applicant(read_applicant_file(APPLICANTS_DIR / "demo-consumer.yaml", scheme))
    return workbench


@pytest.fixture
def staffed_audit(db_url, scheme, consumer) -> tuple[str, int]:
    """demo-consumer with the demo auditors, a team led by A02 and audit dates: ready to audit."""
    return consumer, staff_audit(db_url, scheme, consumer)


def staff_audit(db_url: str, scheme, applicant_id: str) -> int:
    """A registered applicant's new audit, with a team led by A02 (A01 a member), audit dates
    and a plan: ready to audit. Returns the audit's id."""
    from audit_widgets.demo.audits import accept_review, declare_team, register_auditors
    from audit_widgets.rules.planning import CaseLots, plan_programme
    admin = Workbench(db_url, scheme, actor=PROGRAMME_MANAGER)
    register_auditors(admin)
    audit = admin.open_audit(applicant_id)
    start = date.today() - timedelta(days=3)
    accept_review(admin, audit, start)
    admin.set_team(audit, [("A02", "leader"), ("A01", "member")])
    declare_team(admin, applicant_id, ["A02", "A01"], start)
    programme = plan_programme(scheme, admin.get_applicant(applicant_id), CaseLots(0, 0), start, date.today())
    admin.save_programme(audit, programme)
    # no MD1 judgement: every site; 8.5 person-days, 7 on site: two auditors for the four days deliver it
    admin.save_audit_plan(audit, team_sent_on=None, objections=[],
                          agenda=agenda_for(programme.site_sample.sites, start, 4, ["A02", "A01"]))
    return audit


def agenda_for(sites, start, days: int, auditors: list[str]) -> list[dict]:
    """An audit plan's agenda: every site on the first day, then the central function each further day."""
    lines = [{"day": start, "site": site, "activity": "现场测评 on-site evaluation", "auditors": auditors}
             for site in sites]
    lines += [{"day": start + timedelta(days=d), "site": sites[0], "activity": "体系审核 system audit",
               "auditors": auditors} for d in range(1, days)]
    return lines


@pytest.fixture
def auditor(staffed_audit, workbench) -> Workbench:
    """The store as A02, who leads demo-consumer's staffed audit (team work is the team's)."""
    return workbench.acting_as("A02")


def sign_report(workbench: Workbench, audit_id: int, leader: str) -> None:
    """Bare stage results up to the report, the report computed and signed by the leader: what
    a decision needs, for tests about the decision and what follows it."""
    from audit_widgets.stages import run_stage
    scheme, audit = workbench.scheme, workbench.audit(audit_id)
    for stage in scheme.procedure_stages:
        if stage.id in scheme.stages_before("report") and stage.applies_to(audit.audit_type):
            workbench.record_stage_result(audit_id, stage.id, {})
    state_particulars(workbench.acting_as(leader), audit_id)
    run_stage(workbench, "report", audit.applicant_id, audit_id)
    workbench.acting_as(leader).sign_off(audit_id, "report")


def state_particulars(workbench: Workbench, audit_id: int) -> None:
    """What the report must state beside the checklists, as a team writes it."""
    audit_type = workbench.audit(audit_id).audit_type
    workbench.save_particulars(audit_id, {
        p.id: p.choices[0].id if p.choices else f"测试：{p.name}"
        for p in workbench.scheme.report_particulars if audit_type in p.required_for})


def suspend(workbench: Workbench, number: str, on: date, reason: str = "holder_request") -> None:
    """Suspend a demo certificate as the committee does between audits: M01 decides on the
    holder's request, P02 (who manages no demo applicant) carries it out."""
    decision = workbench.acting_as("M01").decide_on_certificate(
        number, outcome="suspend", grounds="holder_request", grounds_detail="持证方来函申请暂停", decided_on=on,
        members=["M01"], reasons="持证方申请", status_reason=reason, deadline=on + timedelta(days=90))
    workbench.acting_as("P02").carry_out_certificate_decision(decision, max(on, date.today()))


def import_demo_orders(workbench: Workbench, applicant_id: str, folder: Path, orders: int = 300, seed: int = 3) -> None:
    """A generated work-order log, imported through the real reader."""
    from audit_widgets.demo.data import work_order_log, write_csv
    from audit_widgets.imports.work_orders import read_work_orders
    workbench.import_work_orders(applicant_id, read_work_orders(write_csv(work_order_log(orders, seed=seed),
                                                                          folder / "orders.csv")))


@pytest.fixture
def scheme_copy(tmp_path) -> Path:
    """A copy of the default scheme folder, to edit one rule and load it."""
    folder = tmp_path / "scheme"
    shutil.copytree(SCHEME_DIR, folder)
    return folder


def edit_scheme_file(folder: Path, filename: str, change) -> None:
    path = folder / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, scheme) -> str:
    """One demo store for every test that reads it (tests must not write to it)."""
    from audit_widgets.demo import create_demo
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    upgrade(get_engine(url))
    create_demo(Workbench(url, scheme, actor="P01"), echo=lambda _: None)
    return url


@pytest.fixture
def cycle_db(demo_db, tmp_path) -> str:
    """A copy of the demo store to write to: its histories, to carry further."""
    return f"sqlite:///{copy_database(demo_db, tmp_path / 'cycle.sqlite')}"


def copy_database(url: str, path: Path) -> Path:
    """A copy of a store to write to, through SQLite's backup: the newest writes may still be in
    the WAL file, which a plain file copy would miss."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return path


@pytest.fixture
def demo_copy(request, backend, demo_db, tmp_path) -> str:
    """A copy of the demo store to change, on the test's backend: a SQLite file, or a database
    on the test server (the demo moved there with `db copy`, then copied as a template)."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_server").copy_of(request.getfixturevalue("demo_on_postgresql"))
    return f"sqlite:///{copy_database(demo_db, tmp_path / 'demo-copy.sqlite')}"


def insider_sql(url: str, *statements: str, **parameters) -> list[tuple]:
    """Statements run as an insider would run them, with the database's own tools and not the
    workbench: a plain connection (on SQLite, foreign keys off as in sqlite3), one transaction.
    Returns the last statement's rows, if it has any."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool
    engine = create_engine(url, poolclass=NullPool)
    rows: list[tuple] = []
    with engine.begin() as connection:
        for statement in statements:
            result = connection.execute(text(statement), parameters)
            rows = [tuple(r) for r in result] if result.returns_rows else []
    engine.dispose()
    return rows


def json_value(value):
    """A JSON column's value as read with plain SQL: text on SQLite, decoded on PostgreSQL."""
    import json
    return json.loads(value) if isinstance(value, str) else value


def store_at_revision(path: Path, revision: str):
    """A new SQLite store at an earlier schema revision (to be upgraded by the test); its engine."""
    from alembic import command as alembic

    from audit_widgets.store.database import alembic_config
    engine = get_engine(f"sqlite:///{path}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        alembic.upgrade(config, revision)
    return engine


def reseal(url: str) -> None:
    """Seal every sealed row as it now stands, under the key: what the workbench would have sealed
    had a test's SQL edit come through it (a fixture that plants text, not an attack)."""
    from sqlalchemy import select

    from audit_widgets.store import sealing
    from audit_widgets.store.database import write_transaction
    workbench = Workbench(url, actor="test")
    with write_transaction(workbench.engine) as session:
        pending = session.info.setdefault(sealing.PENDING, {})
        for model in sealing.SEALED:
            pending.update({(model, sealing.row_key(row)): (row, False) for row in session.scalars(select(model))})
        workbench._end_write(session)


def database_digest(path: Path) -> str:
    """A hash of every row of every table: equal digests mean the database did not change."""
    connection = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in connection.iterdump():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()
    finally:
        connection.close()


def store_digest(url: str) -> str:
    """database_digest on either backend: every row of every table of the schema, in key order."""
    from sqlalchemy import select

    from audit_widgets.store.models import Base
    digest = hashlib.sha256()
    with get_engine(url).connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode("utf-8"))
    return digest.hexdigest()


def count_rows(url: str, sql: str) -> int:
    """One count through the store's engine, on either backend."""
    from sqlalchemy import text
    with get_engine(url).connect() as connection:
        return connection.execute(text(sql)).scalar_one()


class Command:
    """Runs the real `audit-workbench` command in-process against the test database."""

    def __init__(self, db_url: str):
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(cli, ["--db", self.db_url, *map(str, args)], catch_exceptions=False)


@pytest.fixture
def command(db_url) -> Command:
    return Command(db_url)
