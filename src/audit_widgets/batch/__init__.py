"""Batch runs of the stage workbooks: papermill on forked, pre-warmed kernels, a ledger of
every run in the store, and the executed notebooks kept as documents."""
# papermill.engines loads the `papermill.engine` entry points when it is first imported,
# ours (batch.engine) among them. Importing it here, before batch.engine, keeps that order in
# every process; the other order would have papermill load batch.engine half-imported.
import papermill.engines  # noqa: F401
