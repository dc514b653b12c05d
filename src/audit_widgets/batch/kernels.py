"""Kernels for batch runs: forked from the warm zygote, talking over IPC, one notebook each.

`KernelPool` keeps a few kernels forked ahead, so that a notebook finds its kernel started and
the workbench imported. A kernel is handed out once and killed after its notebook.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from ..errors import WorkbenchError
from ..processes import alive, owned_temporary

KERNEL_NAME = "python3"
# Libraries that start helper threads at import (OpenBLAS's workers, pyarrow's jemalloc
# background thread) would make forking the zygote unsafe; one kernel per core needs neither.
# debugpy, imported by the zygote, warns about frozen modules at import unless told not to.
FORK_SAFE_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false",
                 "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
ZYGOTE_START_SECONDS = 120
RUNTIME_PREFIX = "aw-kernels-"  # the pool's folder in the system's temporary folder


class ForkedProcess:
    """The zygote's child, watched by pid (it is not our child: the zygote forked it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not alive(self.pid):
            self.returncode = -signal.SIGKILL  # gone; its exit status went to its parent
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner for a kernel that is already running."""

    def adopt(self, process: ForkedProcess, connection_info: dict) -> None:
        self.process = process
        self.pid = self.pgid = process.pid  # the kernel leads its own process group (setsid)
        self.connection_info = connection_info


class Zygote:
    """The warm parent process (see zygote.py) and the pipe to it. It starts at once and warms
    up while its caller goes on; the first fork waits until it is ready."""

    def __init__(self, runtime: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "audit_widgets.batch.zygote", str(runtime)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1, start_new_session=True, env={**os.environ, **FORK_SAFE_ENV})
        self.lock = threading.Lock()
        self.ready = False

    def _wait_ready(self) -> None:
        if not self.ready:
            self._answer()  # {"ready": true} once the workbench is imported
            self.ready = True

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise WorkbenchError("批量运行的内核母进程未能启动（导入工作台失败）",
                                 "The batch kernels' parent process did not start (importing the workbench failed)")
        return json.loads(line)

    def fork(self, connection_file: str, cwd: str, env: dict[str, str]) -> ForkedProcess:
        with self.lock:
            self._wait_ready()
            self.process.stdin.write(json.dumps({"connection_file": connection_file, "cwd": cwd, "env": env}) + "\n")
            answer = self._answer()
        if "error" in answer:
            raise WorkbenchError("无法启动内核", f"Could not start a kernel: {answer['error']}")
        return ForkedProcess(answer["pid"])

    def close(self) -> None:
        """Stop the zygote (its kernels are stopped by the pool, one by one)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process.stdin.close()
        self.process.stdout.close()


class KernelPool:
    """Kernels forked ahead of need. `take(cwd)` returns a started kernel manager; `release`
    kills it. Kernels are forked for one working directory (the workbooks folder)."""

    def __init__(self, ahead: int = 2, env: dict[str, str] | None = None):
        self.ahead = ahead
        self.env = env or {}
        # IPC sockets and connection files; one a killed batch left is removed (processes.py)
        self.runtime = owned_temporary(Path(tempfile.gettempdir()), RUNTIME_PREFIX, directory=True)
        self._zygote: Zygote | None = None
        self._ready: dict[str, deque[AsyncKernelManager]] = {}
        self._in_use: set[AsyncKernelManager] = set()
        self.closed = False
        self.lock = threading.Lock()

    @property
    def zygote(self) -> Zygote:
        with self.lock:
            if self.closed:
                raise WorkbenchError("批量运行已停止", "The batch was stopped: no more kernels are started")
            if self._zygote is None:
                self._zygote = Zygote(self.runtime)
            return self._zygote

    def start(self) -> None:
        """Start warming up now (a caller with its own imports to do calls this first)."""
        self.zygote  # noqa: B018  (the property starts it)

    def _fork(self, cwd: str) -> AsyncKernelManager:
        name = f"kernel-{uuid.uuid4().hex[:12]}"
        manager = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(self.runtime / name),
                                     connection_file=str(self.runtime / f"{name}.json"))
        manager.write_connection_file()
        process = self.zygote.fork(manager.connection_file, cwd, self.env)
        provisioner = ForkedProvisioner(kernel_id=name, kernel_spec=manager.kernel_spec, parent=manager)
        provisioner.adopt(process, manager.get_connection_info())
        manager.provisioner = provisioner
        return manager

    def take(self, cwd: str | Path) -> AsyncKernelManager:
        cwd = str(cwd)
        with self.lock:
            waiting = self._ready.setdefault(cwd, deque())
            manager = waiting.popleft() if waiting else None
        manager = manager or self._fork(cwd)
        with self.lock:
            self._in_use.add(manager)
        self._refill(cwd)
        return manager

    def _refill(self, cwd: str) -> None:
        while True:
            with self.lock:
                if len(self._ready.setdefault(cwd, deque())) >= self.ahead:
                    return
            manager = self._fork(cwd)
            with self.lock:
                self._ready[cwd].append(manager)

    def release(self, manager: AsyncKernelManager) -> None:
        """Kill the kernel and remove its connection file and sockets. (Not a polite shutdown:
        its notebook is finished, and jupyter_client's shutdown would first interrupt it.)"""
        with self.lock:
            self._in_use.discard(manager)
        _kill(manager)
        manager.cleanup_connection_file()
        manager.cleanup_ipc_files()
        if manager._created_context:  # the zmq context the kernel's client was made with
            manager.context.destroy(linger=0)

    def close(self) -> None:
        """Kill every kernel, waiting or in use (an interrupted batch), and the zygote; a closed
        pool starts no more kernels."""
        with self.lock:
            self.closed = True
            waiting = [m for queue in self._ready.values() for m in queue]
            in_use = list(self._in_use)
            self._ready.clear()
            zygote, self._zygote = self._zygote, None
        for manager in waiting:
            self.release(manager)
        # A kernel in use is only killed: its notebook's thread sees it die and releases it,
        # since a zmq context must not be torn down under the thread that polls its sockets.
        for manager in in_use:
            _kill(manager)
        if zygote is not None:
            zygote.close()
        shutil.rmtree(self.runtime, ignore_errors=True)


def _kill(manager: AsyncKernelManager) -> None:
    """SIGKILL to the kernel's process group (the kernel and whatever it started)."""
    process = manager.provisioner.process if manager.provisioner else None
    if process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


_pool: KernelPool | None = None
_pool_lock = threading.Lock()


def kernel_pool() -> KernelPool:
    """The process's pool (papermill's engine and the runner share it)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = KernelPool()
            atexit.register(_pool.close)
        return _pool
