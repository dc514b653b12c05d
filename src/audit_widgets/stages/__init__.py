"""The procedure stages: the registry, the built-in stages and `run_stage`."""
from . import procedure  # noqa: F401  (registers the built-in stages)
from .registry import Stage, StageOutcome, StageRegistry, StageView, registry
from .run import run_stage

__all__ = ["Stage", "StageOutcome", "StageRegistry", "StageView", "registry", "run_stage"]
