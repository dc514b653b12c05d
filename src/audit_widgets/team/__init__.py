"""The team deployment (issue 27): JupyterHub logs people in, and the workbench service, the
only holder of the store's keys, acts for the person the hub says a token belongs to."""
