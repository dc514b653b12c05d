"""What the kernel zygote imports before any kernel exists (batch/zygote.py) must not make a
widget: a widget made there has no comm, and every kernel forked later would show it to the
browser as "widget model not found" (a module constant Layout did exactly that to 02's form)."""
from __future__ import annotations

import subprocess
import sys


def test_no_module_the_zygote_imports_makes_a_widget():
    script = ("import importlib\nfrom audit_widgets.batch.zygote import CORE_MODULES, LATER_MODULES\n"
              "for name in CORE_MODULES + LATER_MODULES:\n    importlib.import_module(name)\n"
              "from ipywidgets.widgets import widget\nprint(len(widget._instances))")
    made = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert made.strip() == "0"
    from audit_widgets.batch.zygote import LATER_MODULES
    assert "audit_widgets.widgets.review" in LATER_MODULES  # every widget module, listed from the package


def test_a_forked_kernel_inherits_the_warm_store_and_a_frozen_heap(tmp_path):
    """The ORM's mappers are configured once in the zygote, and what the kernel inherits is out
    of its collector's sight (gc.freeze): neither is paid again in each kernel."""
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file

    from audit_widgets.batch.kernels import Zygote
    zygote = Zygote(tmp_path)
    try:
        connection_file = str(tmp_path / "kernel.json")
        write_connection_file(connection_file)
        kernel = zygote.fork(connection_file, str(tmp_path), {})
        client = BlockingKernelClient(connection_file=connection_file)
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        lines: list[str] = []
        client.execute_interactive(
            "import gc\nfrom audit_widgets.store.models import Audit\n"
            "print(gc.get_freeze_count(), Audit.__mapper__.configured)",
            timeout=60, output_hook=lambda m: lines.append(m["content"].get("text", "")))
        client.stop_channels()
        kernel.kill()
    finally:
        zygote.close()
    frozen, configured = "".join(lines).split()
    assert int(frozen) > 100_000 and configured == "True"
