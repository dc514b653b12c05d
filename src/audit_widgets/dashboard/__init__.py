"""The certification committee's read-only Voila dashboard: read model, pages, server."""
