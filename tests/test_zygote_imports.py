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
