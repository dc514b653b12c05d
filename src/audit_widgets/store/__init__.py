"""The store: SQLAlchemy models, migrations and the Workbench API that writes them."""
