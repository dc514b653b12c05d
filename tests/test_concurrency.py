"""Concurrent edits lose nothing and fail loudly (issue 12 §3): real processes writing one
SQLite file, two widgets on one applicant, and a write while another holds the database."""
import subprocess
import sys
import textwrap

import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import ConflictError
from audit_widgets.store.database import get_engine
from audit_widgets.store.repository import Workbench
from audit_widgets.widgets.checklist import ChecklistWidget

from .conftest import count_rows, store_digest

pytestmark = pytest.mark.both_backends

ITEM = "E01"
WRITES = 200


def _writer(db_url: str, audit: int, name: str) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        from audit_widgets.domain import Answer
        from audit_widgets.store.repository import Workbench
        workbench = Workbench({db_url!r}, actor="A02")
        for i in range({WRITES}):
            workbench.save_answer({audit}, {ITEM!r}, Answer("conform"), note="{name}-%d" % i)
        print("done")
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_writing_one_item_get_every_version_once(staffed_audit, db_url, scheme):
    _, audit = staffed_audit
    writers = [_writer(db_url, audit, name) for name in ("first", "second")]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip() == "done", err
    workbench = Workbench(db_url, scheme)
    versions = [e.detail["version"] for e in workbench.trail("checklist_answer") if e.entity_id.endswith(ITEM)]
    assert sorted(versions) == list(range(1, 2 * WRITES + 1))  # 400 writes, 400 versions, none twice
    assert workbench.answer_records(audit)[ITEM].version == 2 * WRITES
    assert workbench.verify().ok  # and the trail's chain is whole


def test_a_stale_widget_cannot_overwrite_anothers_answer(staffed_audit, db_url, scheme):
    applicant, audit = staffed_audit
    leader = ChecklistWidget(Workbench(db_url, scheme, actor="A02"), applicant, "5.2a")
    member = ChecklistWidget(Workbench(db_url, scheme, actor="A01"), applicant, "5.2a")  # open before the change
    leader.rows[0].note.value = "收费标准缺失"
    leader.rows[0].result.value = "nonconform"
    member.rows[0].note.value = "已核对"  # A01 edits only the note, on a screen that still shows 未答
    assert "A02" in member.message.value and "not saved" in member.message.value
    assert member.rows[0].result.value == "nonconform" and member.rows[0].note.value == "收费标准缺失"
    stored = Workbench(db_url, scheme).answer_records(audit)[ITEM]
    assert (stored.answer.result, stored.note, stored.answered_by) == ("nonconform", "收费标准缺失", "A02")
    member.rows[0].note.value = "已核对，同意"  # now current, the edit is saved
    assert Workbench(db_url, scheme).answer_records(audit)[ITEM].note == "已核对，同意"


@pytest.fixture
def held_database(db_url, monkeypatch):
    """Another process holds the write lock for a few seconds; writes here wait one second."""
    monkeypatch.setenv("AUDIT_WORKBENCH_BUSY_SECONDS", "1")
    if db_url.startswith("sqlite"):
        code = (f"import sqlite3, time\nc = sqlite3.connect({db_url.removeprefix('sqlite:///')!r}, isolation_level=None)\n"
                "c.execute('BEGIN IMMEDIATE')\nprint('locked', flush=True)\ntime.sleep(4)\nc.execute('COMMIT')\n")
    else:  # the advisory lock every write takes (store/database.py)
        code = ("import time\nfrom sqlalchemy import text\nfrom audit_widgets.store.database import WRITE_LOCK_ID, get_engine\n"
                f"with get_engine({db_url!r}).begin() as c:\n"
                "    c.execute(text(f'SELECT pg_advisory_xact_lock({WRITE_LOCK_ID})'))\n"
                "    print('locked', flush=True)\n    time.sleep(4)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    yield holder
    holder.wait(timeout=30)


@pytest.fixture
def open_widget(staffed_audit, db_url, scheme):
    return ChecklistWidget(Workbench(db_url, scheme, actor="A02"), staffed_audit[0], "5.2a")


def test_a_busy_database_is_a_plain_message_and_the_value_waits_for_a_retry(open_widget, held_database,
                                                                            command, db_url, scheme):
    from .conftest import APPLICANTS_DIR
    before = store_digest(db_url)
    result = command("applicant", "add", APPLICANTS_DIR / "demo-special.yaml")
    assert result.exit_code == 1 and "数据库正忙" in result.output and "busy" in result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
    open_widget.rows[0].result.value = "conform"
    assert "数据库正忙" in open_widget.message.value and open_widget.retry.layout.display is None
    assert open_widget.rows[0].result.value == "conform"  # kept on screen, not saved
    held_database.wait(timeout=30)
    assert store_digest(db_url) == before  # nothing was half-written
    open_widget.retry.click()
    assert "已保存" in open_widget.message.value and open_widget.retry.layout.display == "none"
    assert Workbench(db_url, scheme).answers(open_widget.audit_id)[ITEM].result == "conform"


def _import_in_a_process(db_url: str, csv: str, *, step_rows: int, die_after_steps: int | None = None,
                         pause_seconds: float = 0):
    """`audit-workbench import work-orders` as a separate process, in steps of `step_rows`;
    with `die_after_steps`, it is killed (os._exit, as kill -9 would) after that many steps;
    with `pause_seconds`, each step is that much slower (a large file on a slow machine)."""
    code = textwrap.dedent(f"""
        import os, time
        from audit_widgets.imports.work_orders import read_work_orders
        from audit_widgets.store import applicants
        from audit_widgets.store.repository import Workbench
        applicants.INSERT_BATCH_ROWS = {step_rows}
        steps, plain = [], applicants._driver_rows
        def counted(*args, **kwargs):
            if {die_after_steps!r} is not None and len(steps) == {die_after_steps!r}:
                os._exit(9)
            steps.append(1)
            time.sleep({pause_seconds!r})
            return plain(*args, **kwargs)
        applicants._driver_rows = counted
        print(Workbench({db_url!r}, actor="P01").import_work_orders("demo-consumer", read_work_orders({csv!r}))["rows"])
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_import_leaves_the_data_in_force_and_the_next_one_clears_its_rows(staffed_audit, db_url,
                                                                                  scheme, tmp_path):
    from audit_widgets.demo.data import work_order_log, write_csv

    from .conftest import import_demo_orders
    workbench = Workbench(db_url, scheme, actor="P01")
    import_demo_orders(workbench, "demo-consumer", tmp_path, orders=300)
    before = workbench.work_orders(workbench.current_audit("demo-consumer"))
    big = write_csv(work_order_log(2000, seed=9), tmp_path / "big.csv")
    killed = _import_in_a_process(db_url, str(big), step_rows=300, die_after_steps=3)
    killed.communicate(timeout=120)
    assert killed.returncode == 9
    assert workbench.work_orders(workbench.current_audit("demo-consumer")).equals(before)  # the killed import never counted
    assert [i.rows for i in workbench.imports("demo-consumer") if i.kind == "work_orders"] == [len(before)]
    finished = _import_in_a_process(db_url, str(big), step_rows=300)
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    rows = len(workbench.work_orders(workbench.current_audit("demo-consumer")))
    assert rows == int(out) > len(before)
    # neither the killed import's rows nor the replaced ones stay
    assert count_rows(db_url, "SELECT count(*) FROM work_orders") == rows


def test_other_writes_go_through_while_a_large_import_runs(staffed_audit, db_url, scheme, tmp_path):
    import time

    from audit_widgets.demo.data import work_order_log, write_csv
    big = write_csv(work_order_log(60_000, seed=10), tmp_path / "big.csv")
    importing = _import_in_a_process(db_url, str(big), step_rows=5_000)
    leader = Workbench(db_url, scheme, actor="A02")
    written = 0
    while importing.poll() is None:  # each of these waits at most one step of the import
        leader.save_answer(staffed_audit[1], ITEM, Answer("conform"), note=f"写入 {written}")
        written += 1
        time.sleep(0.05)  # a person's pace, however quick: the import's steps get their turn too
    out, err = importing.communicate(timeout=60)
    assert importing.returncode == 0, err
    assert written >= 3 and leader.answer_records(staffed_audit[1])[ITEM].version == written


def test_the_store_refuses_a_version_issued_twice(auditor, consumer, db_url):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError
    audit = auditor.current_audit(consumer)
    auditor.save_answer(audit, ITEM, Answer("conform"))
    with get_engine(db_url).begin() as connection, pytest.raises(IntegrityError, match="(?i)unique|ux_answer_versions"):
        connection.execute(text("INSERT INTO audit_trail (at, actor, action, entity, entity_id, detail) "
                                "VALUES ('2026-01-01', 'A02', 'answer', 'checklist_answer', :entity, :detail)"),
                           {"entity": f"{audit}:{ITEM}", "detail": '{"version": 1}'})


def test_a_second_import_while_one_is_written_waits_its_turn(staffed_audit, db_url, scheme, tmp_path):
    """Two people import the same applicant's work orders at once: the second is told plainly
    that the first is running, and the first completes with every row."""
    import time

    from audit_widgets.demo.data import work_order_log, write_csv
    from audit_widgets.imports.work_orders import read_work_orders
    big = write_csv(work_order_log(3000, seed=11), tmp_path / "big.csv")
    first = _import_in_a_process(db_url, str(big), step_rows=300, pause_seconds=0.5)
    reader = Workbench(db_url, scheme, actor="P01")
    while not _unfinished_imports(db_url):  # the first has begun writing
        assert first.poll() is None, first.communicate()
        time.sleep(0.1)
    with pytest.raises(ConflictError, match="正在为「demo-consumer」导入工单") as refused:
        reader.import_work_orders("demo-consumer", read_work_orders(write_csv(work_order_log(50, seed=1),
                                                                               tmp_path / "small.csv")))
    assert "import again once it has finished" in refused.value.render()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert len(reader.work_orders(reader.current_audit("demo-consumer"))) == int(out) and _unfinished_imports(db_url) == 0


def _unfinished_imports(db_url) -> int:
    return count_rows(db_url, "SELECT count(*) FROM imports WHERE NOT complete")


@pytest.fixture
def two_staffed_audits(staffed_audit, db_url, scheme, workbench) -> dict[str, int]:
    """demo-consumer's and demo-composite's audits, each ready to audit by A02 and A01."""
    from audit_widgets.imports.applicants import read_applicant_file

    from .conftest import APPLICANTS_DIR, staff_audit
    other = read_applicant_file(APPLICANTS_DIR / "demo-composite.yaml", scheme)
    workbench.add_applicant(other)
    return {staffed_audit[0]: staffed_audit[1], other.id: staff_audit(db_url, scheme, other.id)}


def _holding_a_write(db_url: str, audit: int) -> subprocess.Popen:
    """Another process in the middle of an auditor's write on `audit`, for four seconds."""
    code = textwrap.dedent(f"""
        import time
        from audit_widgets.contract import Action
        from audit_widgets.store.repository import Workbench
        with Workbench({db_url!r}, actor="A02")._writing_session(Action.EVALUATION, audit={audit}):
            print("writing", flush=True)
            time.sleep(4)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "writing"
    return holder


def test_on_postgresql_writes_for_different_applicants_do_not_wait_for_each_other(
        two_staffed_audits, db_url, scheme, monkeypatch):
    """While one auditor's write on demo-consumer is under way, a write on demo-composite goes
    through at once; a write on demo-consumer itself, and a store-wide write, wait (and, past
    the one-second busy limit set here, say "busy" and write nothing)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time, whatever it writes")
    from audit_widgets.errors import DatabaseBusy
    from audit_widgets.imports.applicants import read_applicant_file

    from .conftest import APPLICANTS_DIR
    monkeypatch.setenv("AUDIT_WORKBENCH_BUSY_SECONDS", "1")
    consumer, composite = two_staffed_audits["demo-consumer"], two_staffed_audits["demo-composite"]
    leader = Workbench(db_url, scheme, actor="A02")
    holder = _holding_a_write(db_url, consumer)
    try:
        leader.save_answer(composite, ITEM, Answer("conform"), note="另一申请方 another applicant")
        before = store_digest(db_url)
        with pytest.raises(DatabaseBusy):
            leader.save_answer(consumer, ITEM, Answer("conform"), note="同一申请方 the same applicant")
        with pytest.raises(DatabaseBusy):  # store-wide: a new applicant
            Workbench(db_url, scheme, actor="P01").add_applicant(
                read_applicant_file(APPLICANTS_DIR / "demo-special.yaml", scheme))
        assert store_digest(db_url) == before
    finally:
        holder.wait(timeout=30)
    assert leader.answer_records(composite)[ITEM].note == "另一申请方 another applicant"


def test_writers_on_different_applicants_side_by_side_keep_one_whole_chain(two_staffed_audits, db_url, scheme):
    """Two processes, each writing its own applicant's answer 200 times at once: every version
    once per applicant, and the trail's one hash chain whole (on PostgreSQL their entries are
    chained at commit, one write after the other)."""
    writers = [_writer(db_url, audit, applicant) for applicant, audit in two_staffed_audits.items()]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip() == "done", err
    workbench = Workbench(db_url, scheme)
    for applicant, audit in two_staffed_audits.items():
        versions = [e.detail["version"] for e in workbench.trail("checklist_answer") if e.entity_id == f"{audit}:{ITEM}"]
        assert sorted(versions) == list(range(1, WRITES + 1)), applicant
    assert workbench.verify().ok


def test_two_first_writes_at_once_record_the_stores_key_once(two_staffed_audits, db_url, scheme):
    """The first write records which signing key the store is under. A store that has no such
    record yet (here: removed, as in a store from before it was kept) and two auditors' first
    writes at the same moment on different applicants: the second waits for the first, finds
    the key recorded, and both writes are kept (on PostgreSQL each took only its applicant's lock)."""
    from sqlalchemy import text

    from audit_widgets.store.base import SIGNING_KEY_SETTING
    from audit_widgets.store.signing import key_id
    with get_engine(db_url).begin() as connection:
        connection.execute(text("DELETE FROM workbench_settings WHERE name = :name"), {"name": SIGNING_KEY_SETTING})
    consumer, composite = two_staffed_audits["demo-consumer"], two_staffed_audits["demo-composite"]
    holder = _holding_a_write(db_url, consumer)  # its first write, under way: it has added the key's record
    try:
        Workbench(db_url, scheme, actor="A02").save_answer(composite, ITEM, Answer("conform"), note="first")
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0
    with get_engine(db_url).connect() as connection:
        recorded = connection.execute(text("SELECT value FROM workbench_settings WHERE name = :name"),
                                      {"name": SIGNING_KEY_SETTING}).scalars().all()
    assert recorded == [key_id()]
    assert Workbench(db_url, scheme).answer_records(composite)[ITEM].note == "first"
