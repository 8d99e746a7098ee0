"""Opening the database: engine, sessions, and schema migrations (Alembic) on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from cchc.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")


def open_database(url: str, *, migrate: bool = True, create: bool = True) -> sessionmaker[Session]:
    """An engine for ``url`` with the schema at the latest migration.

    ``create=False`` refuses a SQLite file that does not exist yet: a mistyped path must not
    become an empty database whose verdicts are all "shortfall"."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not create and not path.exists():
            raise ConfigError(f"Không có cơ sở dữ liệu {path}. Kiểm tra CCHC_DATABASE_URL, hoặc "
                              "tạo mới bằng `cchc db upgrade`.")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as error:
        raise ConfigError(f"CCHC_DATABASE_URL không dùng được ({error}); dùng sqlite:////duong/dan"
                          "/cchc.db hoặc postgresql+psycopg://user:pass@host/db.") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise ConfigError(
            f"Không kết nối được cơ sở dữ liệu {engine.url.render_as_string(hide_password=True)}: "
            f"{error.orig}. Kiểm tra CCHC_DATABASE_URL và máy chủ CSDL."
        ) from error


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
