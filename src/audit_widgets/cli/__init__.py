"""The `audit-workbench` command, one module per topic; each registers its commands on the
root group (root.py), which holds only the group, the state its commands share and the helpers.

Errors meant for people (WorkbenchError) are printed in Chinese and English without a
traceback; anything unexpected is reported in one line (set AUDIT_WORKBENCH_DEBUG=1 for the
traceback). Each command imports what it needs when it runs, so that `--help` and the `calc`
commands start without loading pandas, SQLAlchemy or Jupyter.
"""
from . import applicants, batch, calc, cycle, documents, scheme, store, team, workspace  # noqa: F401  (register the commands)
from .root import cli


def main() -> None:
    cli(prog_name="audit-workbench")


__all__ = ["cli", "main"]
