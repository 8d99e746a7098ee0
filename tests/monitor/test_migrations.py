"""The Alembic migrations create exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from monitor.models import Base


def test_migrations_match_the_models(sessions) -> None:
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    from monitor.database import open_database

    for _ in range(2):
        factory = open_database(database_url)
        factory.kw["bind"].dispose()
