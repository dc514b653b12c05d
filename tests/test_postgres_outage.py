"""What a bad day looks like (issue 26 §4): the PostgreSQL server stops in the middle of an
import or a batch, then starts again. The command says so plainly, nothing of the import counts, and the
next import completes. The test runs its own server, since it stops it."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from audit_widgets.demo.data import work_order_log, write_csv
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.settings import OUTPUTS_ENV
from audit_widgets.store.repository import Workbench

from .conftest import APPLICANTS_DIR, count_rows, store_with_consumer
from .postgres import PostgresServer


def slow_import_command(url: str, csv: str) -> subprocess.Popen:
    """`audit-workbench import work-orders` in steps of 300 rows, each a third of a second."""
    code = textwrap.dedent(f"""
        import sys, time
        from audit_widgets.store import applicants
        applicants.INSERT_BATCH_ROWS = 300
        plain = applicants._driver_rows
        def slow(*args, **kwargs):
            time.sleep(0.3)
            return plain(*args, **kwargs)
        applicants._driver_rows = slow
        from audit_widgets.cli import cli
        cli(["--db", {url!r}, "--as", "P01", "import", "work-orders", "--applicant", "demo-consumer", {csv!r}],
            prog_name="audit-workbench")
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_server_stopped_mid_import_leaves_nothing_half_written_and_the_next_import_completes(scheme, tmp_path):
    server = PostgresServer()
    try:
        url = server.database()
        workbench = store_with_consumer(url, scheme)
        audit = workbench.open_audit("demo-consumer")
        orders = write_csv(work_order_log(3000, seed=12), tmp_path / "orders.csv")
        importing = slow_import_command(url, str(orders))
        while count_rows(url, "SELECT count(*) FROM work_orders") < 600:  # two steps are written
            assert importing.poll() is None, importing.communicate()
            time.sleep(0.1)
        server.halt()
        out, err = importing.communicate(timeout=60)
        assert importing.returncode == 1
        assert "数据库连接中断" in out + err and "database connection lost" in (out + err).lower()
        assert "Traceback" not in out + err
        server.start()
        assert workbench.work_orders(audit).empty  # the interrupted import never counted
        done = workbench.import_work_orders("demo-consumer", read_work_orders(orders))
        assert done["rows"] == len(workbench.work_orders(audit)) > 2900  # the log's few bad rows are refused
        assert count_rows(url, "SELECT count(*) FROM work_orders") == done["rows"]  # the interrupted rows are gone
        assert count_rows(url, "SELECT count(*) FROM imports WHERE NOT complete") == 0
    finally:
        server.stop()


def test_a_read_waits_out_a_restart_and_a_write_is_never_retried(scheme, monkeypatch):
    """The server stops and starts again a second later. A write meanwhile fails at once with
    the plain message (never tried again behind the caller's back); a read tries again with
    back-off and gets its answer once the server is back. A read past every pause says so."""
    import threading
    from types import SimpleNamespace

    from audit_widgets.errors import DatabaseConnectionLost
    from audit_widgets.store import database
    pauses: list[float] = []
    monkeypatch.setattr(database, "time", SimpleNamespace(sleep=lambda s: (pauses.append(s), time.sleep(s))))
    server = PostgresServer()
    try:
        url = server.database()
        workbench = store_with_consumer(url, scheme)
        server.halt()
        with pytest.raises(DatabaseConnectionLost):
            workbench.add_applicant(read_applicant_file(APPLICANTS_DIR / "demo-special.yaml", scheme))
        assert pauses == []  # the write was not retried
        restart = threading.Timer(1.0, server.start)
        restart.start()
        assert workbench.get_applicant("demo-consumer").id == "demo-consumer"
        restart.join()
        assert pauses and pauses == list(database.READ_RETRY_PAUSES[:len(pauses)])
        assert [a.id for a in workbench.list_applicants()] == ["demo-consumer"]  # the failed write stayed failed

        server.halt()
        monkeypatch.setattr(database, "READ_RETRY_PAUSES", (0.05, 0.05))
        pauses.clear()
        with pytest.raises(DatabaseConnectionLost, match="数据库连接中断"):
            workbench.list_applicants()
        assert pauses == [0.05, 0.05]
    finally:
        server.stop()


@pytest.mark.notebooks
def test_a_server_stopped_mid_batch_ends_it_plainly_and_the_next_run_picks_up(demo_db, tmp_path):
    """The server stops while `run` is under way, and starts again. The batch ends with the plain
    message and no traceback; none of its notebooks counts as done that did not finish; the next
    `run --only-changed` settles the interrupted rows and runs what is left, and the store verifies."""
    from .conftest import Command
    server = PostgresServer()
    try:
        url = server.database(migrated=False)
        assert Command(demo_db)("db", "copy", "--to", url).exit_code == 0
        from audit_widgets.batch.runner import plan_batch
        planned = {j.notebook for j in plan_batch(Workbench(url), ["demo-composite"], database_url=url).jobs[
            "demo-composite"]}
        env = {**os.environ, OUTPUTS_ENV: str(tmp_path / "outputs")}
        command = [str(Path(sys.executable).parent / "audit-workbench"), "--db", url, "--as", "P01", "run",
                   "--applicant", "demo-composite", "--workers", "1", "--no-documents"]
        batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        while count_rows(url, "SELECT count(*) FROM notebook_runs WHERE status = 'ok'") < 1:
            assert batch.poll() is None, batch.communicate()
            time.sleep(0.2)
        server.halt()
        out, err = batch.communicate(timeout=600)
        assert batch.returncode != 0, out
        assert "数据库连接中断" in out + err and "database connection lost" in (out + err).lower()
        assert "Traceback" not in out + err
        server.start()
        done = count_rows(url, "SELECT count(*) FROM notebook_runs WHERE status = 'ok'")
        assert done < len(planned)  # the server went away before the batch's end
        again = subprocess.run([*command, "--only-changed"], capture_output=True, text=True, env=env, timeout=600)
        assert again.returncode == 0, again.stdout + again.stderr
        assert count_rows(url, "SELECT count(*) FROM notebook_runs WHERE status = 'running'") == 0  # settled
        assert count_rows(url, "SELECT count(*) FROM notebook_runs WHERE status = 'ok'") > done
        ledger = Workbench(url).runs(limit=1000)
        assert {r.notebook for r in ledger if r.status == "ok"} == planned  # all of it done, once
        assert len([r for r in ledger if r.status == "ok"]) == len(planned)
        assert any(r.status in ("died", "failed", "interrupted") for r in ledger)  # the interrupted one is not ok
        assert Command(url)("verify").exit_code == 0
    finally:
        server.stop()
