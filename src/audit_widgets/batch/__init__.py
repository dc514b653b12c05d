"""Batch runs of the stage workbooks: papermill on forked, pre-warmed kernels, a ledger of
every run in the store, and the executed notebooks kept as documents.

`engine.py` is loaded by papermill itself, through the `papermill.engine` entry point, when
papermill.engines is first imported; nothing here imports it directly (importing it before
papermill would have papermill load it half-imported)."""
