"""Alembic environment: runs on the connection handed over by monitor.database.upgrade,
or on ``sqlalchemy.url`` when invoked from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from monitor.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
