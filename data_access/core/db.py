"""The one engine, sessions, and schema set-up through Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, inspect
from sqlmodel import Session, create_engine

from data_access.core.config import database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create an engine for `url`. Only `get_engine` and the tests call this."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # SQLite ignores foreign keys unless asked; PostgreSQL always enforces them, and
            # both must behave alike.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The application's engine, from `DATABASE_URL` (default: the embedded SQLite file)."""
    return make_engine(database_url())


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine()) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def init_db(engine: Engine | None = None) -> None:
    """Bring the schema up to the latest Alembic revision (creating it when absent)."""
    engine = engine or get_engine()
    command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine | None = None) -> bool:
    """True when the tables exist (the database has been initialised)."""
    return inspect(engine or get_engine()).has_table("team")
