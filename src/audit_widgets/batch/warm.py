"""A warm kernel for JupyterLab (issue 25 §9): the kernel spec `audit-workbench`, whose
jupyter_client provisioner forks each kernel from the same warm process the batch uses
(zygote.py) instead of starting Python and importing the workbench again (about 5 s of CPU).

The provisioner is registered through the `jupyter_client.kernel_provisioners` entry point
(pyproject.toml); the kernel spec names it in its metadata, and `install_kernel_spec` puts the
spec in this environment's `share/jupyter/kernels`. The per-person copies of the stage notebooks
name this spec (workspace.py), so opening one in `make lab` finds its kernel ready.

One zygote serves the server that loaded the provisioner; it starts on the first kernel (or
when JupyterLab lists the kernel specs) and its kernels die with it (zygote.py).
"""
from __future__ import annotations

import atexit
import json
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from ..processes import owned_temporary
from .kernels import RUNTIME_PREFIX, Zygote

KERNEL_SPEC = "audit-workbench"
PROVISIONER = "audit-workbench-warm"
DISPLAY_NAME = "审核工作簿 Audit workbench (Python 3)"

_zygote: Zygote | None = None
_lock = threading.Lock()


def warm_zygote() -> Zygote:
    """This server's warm parent of kernels, started on first use."""
    global _zygote
    with _lock:
        if _zygote is None or _zygote.process.poll() is not None:
            runtime = owned_temporary(Path(tempfile.gettempdir()), RUNTIME_PREFIX, directory=True)
            _zygote = Zygote(runtime)
            atexit.register(_zygote.close)
        return _zygote


class WarmProvisioner(LocalProvisioner):
    """LocalProvisioner, but the kernel is a fork of the warm zygote with the same connection
    file, working folder and environment the command would have had."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict:
        connection_file = cmd[cmd.index("-f") + 1]
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = {key: str(value) for key, value in (kwargs.get("env") or {}).items()}
        process = warm_zygote().fork(connection_file, cwd, env)
        self.process = process  # type: ignore[assignment]  (a Popen-like handle on a pid)
        self.pid = self.pgid = process.pid  # the kernel leads its own process group (setsid)
        self.cwd = cwd
        return self.connection_info


def kernel_spec() -> dict:
    return {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python",
            "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER}}}


def install_kernel_spec() -> Path:
    """Write the kernel spec into this environment (idempotent): where JupyterLab looks first."""
    folder = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_SPEC
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kernel.json"
    text = json.dumps(kernel_spec(), ensure_ascii=False, indent=1)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


# jupyter_client imports this module when a Jupyter server first reads the kernel spec (JupyterLab
# lists the specs as its page loads): start warming up then, so that the first notebook opened
# does not wait for the imports (about 3 s more than the next ones, measured). Elsewhere (a test,
# the batch) nothing starts.
if "jupyter_server.serverapp" in sys.modules:
    warm_zygote()
