"""The kernel zygote: a process that imports the workbench once, then forks a fresh kernel
for each notebook.

Starting a kernel and importing the workbench (pandas, SQLAlchemy, ipywidgets, Altair, the
validated scheme) costs about 5 s of CPU; a fork of this warm process costs milliseconds, and
the child shares the parent's memory until it writes. Every child serves one notebook and is
then killed, so nothing defined in one notebook is visible in the next.

Protocol, one JSON object per line: the parent writes {"connection_file", "cwd", "env"} on
stdin; the zygote answers {"pid": N} on stdout (or {"error": "..."}). The zygote opens no
sockets and no database before forking, and is started with the libraries' helper threads
turned off (kernels.FORK_SAFE_ENV), which is what makes forking it safe. Its kernels die with
it (PR_SET_PDEATHSIG). When its pipe closes (the batch is over, or its runner was killed) it
kills them and removes the kernels' folder, its one argument.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import select
import shutil
import signal
import sys

import audit_widgets.widgets as widget_modules
from audit_widgets.batch.lean import skip_iri_grammars
from audit_widgets.processes import die_with_parent

# What every stage notebook imports: the zygote says it is ready once these are in.
# ipykernel.debugger (debugpy) is what every kernel imports as it starts: 0.1 s of each kernel's
# start in JupyterLab, measured, paid once here instead.
CORE_MODULES = ("ipykernel.kernelapp", "ipykernel.debugger", "IPython", "audit_widgets.notebook",
                "audit_widgets.evaluation")
# What some stages import (every widget module, imported lazily by the registry, and the chart
# renderer): imported while no fork is asked for. A kernel forked before one of them is in
# imports it itself. The widget modules are listed from the package, so a new one is never missed.
LATER_MODULES = (
    *(f"audit_widgets.widgets.{module.name}" for module in pkgutil.iter_modules(widget_modules.__path__)),
    "audit_widgets.enforcement", "audit_widgets.timeline", "altair", "vl_convert",
)
# Kernels of a batch keep no input history: 200 kernels writing one history.sqlite would
# queue on its lock, and nobody reads a batch kernel's history.
KERNEL_ARGS = ("--HistoryManager.enabled=False",)


def warm_up() -> None:
    for name in CORE_MODULES:
        importlib.import_module(name)
    from audit_widgets.scheme import load_scheme
    from audit_widgets.store.database import warm_up as warm_store
    load_scheme()  # cached by content: a notebook on the same scheme skips validation
    warm_store()


def serve_kernel(connection_file: str, cwd: str, env: dict[str, str]) -> None:
    """In the forked child: become an ipykernel on `connection_file`, and never return."""
    try:
        die_with_parent()  # the kernel is killed when the zygote ends, however it ends
        os.setsid()  # its own process group: a kill reaches the kernel and anything it started
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the kernel's own console chatter stays out of the batch's output
            os.dup2(devnull, fd)
        os.chdir(cwd)
        os.environ.update(env)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        from ipykernel.kernelapp import IPKernelApp
        app = IPKernelApp.instance()
        app.initialize(["-f", connection_file, *KERNEL_ARGS])
        app.start()
    finally:
        os._exit(0)


def main(runtime: str | None = None) -> None:
    protocol = sys.stdout
    sys.stdout = sys.stderr  # nothing imported may write into the protocol stream
    skip_iri_grammars()
    warm_up()
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    if threads != 1:  # a thread started at import would make every fork below unsafe
        raise SystemExit(f"the kernel zygote has {threads} threads after its imports; it must have one")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    protocol.write(json.dumps({"ready": True}) + "\n")
    protocol.flush()
    later = list(LATER_MODULES)
    children: list[int] = []
    while True:
        if later and not select.select([sys.stdin], [], [], 0)[0]:
            importlib.import_module(later.pop(0))  # one at a time, between requests
            continue
        line = sys.stdin.readline()
        if not line:
            break
        request = json.loads(line)
        # Everything made so far is the kernels' shared inheritance: out of the collector's
        # sight, a kernel's collections neither walk it (0.15 s a collection, measured) nor
        # write to its pages, which would copy them one by one.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError as exc:
            protocol.write(json.dumps({"error": str(exc)}) + "\n")
            protocol.flush()
            continue
        if pid == 0:
            serve_kernel(request["connection_file"], request["cwd"], request.get("env") or {})
        children.append(pid)
        protocol.write(json.dumps({"pid": pid}) + "\n")
        protocol.flush()
    for pid in children:  # the batch is over or its runner is gone: no kernel outlives it
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if runtime:
        shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else None)
    except BrokenPipeError:  # the runner went away first (a batch refused before its first notebook)
        os._exit(0)
