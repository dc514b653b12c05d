"""Reusable ipywidgets, each bound to a store record."""
from .shared_models import share_default_models

share_default_models()  # before any widget is made: the defaults are shared (shared_models.py)
