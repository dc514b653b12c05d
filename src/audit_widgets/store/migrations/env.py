"""Alembic environment: runs on the connection the workbench hands over."""
from alembic import context
from sqlalchemy import create_engine

from audit_widgets.store.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # the plain `alembic` command, e.g. for `alembic revision --autogenerate`
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as fresh:
        run(fresh)
