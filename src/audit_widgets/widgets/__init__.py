"""Reusable ipywidgets, each bound to a store record."""
