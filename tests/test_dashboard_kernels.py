"""The dashboard's kernels, token and signals (issue 24 §7), on the real `audit-workbench serve`
with its real Voila: kernels capped and culled when idle, a busy page beyond the cap, the token
kept off every command line, the kernels' environment holding a read-only store URL and no key,
and SIGTERM or kill -9 of `serve` leaving no Voila and no kernel behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit_widgets.cli import cli
from audit_widgets.settings import DASHBOARD_TOKEN_ENV as TOKEN_ENV

from .browser import free_port
from .conftest import ROOT, copy_database, database_digest
from .test_dashboard_browser import http_status

TOKEN = "kernels-test-token-7f3a"
MAX_KERNELS = 3
IDLE_MINUTES = 0.2  # 12 s


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, frontier = [pid], [pid]
    while frontier:
        children = []
        for parent in frontier:
            try:
                children += [int(c) for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
            except OSError:
                pass
        found += children
        frontier = children
    return found


def _kernels(pids: list[int]) -> list[int]:
    return [pid for pid in pids if b"ipykernel_launcher" in _read(f"/proc/{pid}/cmdline")]


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _serve(database: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, TOKEN_ENV: TOKEN}
    return subprocess.Popen(
        [sys.executable, "-m", "audit_widgets.cli", "--db", f"sqlite:///{database}", "serve", f"--port={port}",
         f"--max-kernels={MAX_KERNELS}", f"--idle-minutes={IDLE_MINUTES}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(what)
        time.sleep(0.5)


def _all_gone(processes: list[int], what: str) -> None:
    _wait_until(lambda: not [pid for pid in processes if Path(f"/proc/{pid}").exists()
                             and b"zombie" not in _read(f"/proc/{pid}/status").lower()], 30, what)


def _started(process: subprocess.Popen, base: str) -> None:
    _wait_until(lambda: http_status(base + "/")[0] in (200, 302) or process.poll() is not None, 90,
                "the dashboard did not start")
    assert process.poll() is None, "serve ended at start"
    _wait_until(lambda: len(_kernels(_tree(process.pid))) >= 2, 60, "the preheated kernels did not start")


@pytest.mark.notebooks
def test_kernels_are_capped_and_culled_the_token_stays_off_the_command_line_and_sigterm_stops_all(
        demo_db, tmp_path):
    database = copy_database(demo_db, tmp_path / "demo.sqlite")
    before = database_digest(database)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(database, port)
    try:
        _started(process, base)
        processes = _tree(process.pid)
        for pid in processes:  # what `ps` shows every local user
            assert TOKEN.encode() not in _read(f"/proc/{pid}/cmdline"), pid
        for pid in _kernels(processes):
            environment = dict(line.split(b"=", 1) for line in _read(f"/proc/{pid}/environ").split(b"\0") if b"=" in line)
            assert b"mode=ro" in environment[b"AUDIT_WORKBENCH_DB"]
            assert TOKEN_ENV.encode() not in environment and b"AUDIT_WORKBENCH_SECRET" not in environment
            assert TOKEN.encode() not in _read(f"/proc/{pid}/environ")
        assert http_status(f"{base}/?token=wrong")[0] in (302, 403)  # the login page, never data

        # Page views that never close (plain GETs): the cap holds, and the next is told plainly.
        statuses = [http_status(f"{base}/?token={TOKEN}") for _ in range(MAX_KERNELS + 2)]
        assert [status for status, _ in statuses[:MAX_KERNELS]] == [200] * MAX_KERNELS
        status, page = statuses[-1]
        assert status == 503 and "看板繁忙" in page.decode() and "The dashboard is busy" in page.decode()
        assert len(_kernels(_tree(process.pid))) <= MAX_KERNELS
        # Idle kernels are culled: the dashboard serves again.
        _wait_until(lambda: http_status(f"{base}/?token={TOKEN}")[0] == 200, 90, "no kernel was culled")
        assert len(_kernels(_tree(process.pid))) <= MAX_KERNELS

        processes = _tree(process.pid)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        _all_gone(processes, "Voila or a kernel outlived serve's SIGTERM")
    finally:
        _stop(process)
    assert database_digest(database) == before


@pytest.mark.notebooks
def test_serve_killed_outright_takes_voila_and_its_kernels_with_it(demo_db, tmp_path):
    database = copy_database(demo_db, tmp_path / "demo.sqlite")
    port = free_port()
    process = _serve(database, port)
    try:
        _started(process, f"http://127.0.0.1:{port}")
        processes = _tree(process.pid)
        assert len(processes) >= 4  # serve, Voila, two preheated kernels
        process.kill()
        process.wait(timeout=30)
        _all_gone(processes, "Voila or a kernel outlived serve killed with kill -9")
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


def test_serve_refuses_a_signing_key_in_the_environment(db_url, monkeypatch):
    monkeypatch.setenv("AUDIT_WORKBENCH_SECRET", "k" * 64)
    result = CliRunner().invoke(cli, ["--db", db_url, "serve"])
    assert result.exit_code == 1 and "signing.key" in result.output and "AUDIT_WORKBENCH_SECRET" in result.output
    assert "Traceback" not in result.output
