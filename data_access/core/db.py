"""The one engine, sessions, and schema set-up through Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlmodel import Session, create_engine

from data_access.core.config import database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: PostgreSQL: how long to wait for the server to accept a connection, seconds.
CONNECT_TIMEOUT_SECONDS = 5
#: PostgreSQL: the longest one statement may run, so that a database that hangs (locked,
#: overloaded) gives the pages a clear message instead of an endless spinner. The slowest page
#: statement at national size takes about a second; imports and migrations lift the limit for
#: their own transaction (`allow_long_statements`).
STATEMENT_TIMEOUT_MS = 10_000
#: SQLite: how long a statement waits for another connection's write lock.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How long to wait for a free connection from the pool, seconds.
POOL_TIMEOUT_SECONDS = 10


def make_engine(url: str) -> Engine:
    """Create an engine for `url`. Only `get_engine` and the tests call this."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # SQLite ignores foreign keys unless asked; PostgreSQL always enforces them, and
            # both must behave alike.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            # A server that stops answering on the network is noticed within seconds.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
        },
    )


def allow_long_statements(connection: Session | Connection) -> None:
    """Lift the statement timeout for the rest of the current transaction (imports, the
    stored parts' refresh and migrations run for minutes at national size)."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if bind.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL statement_timeout = 0"))


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


def schema_at_latest_revision(engine: Engine | None = None) -> bool:
    """True when the database's Alembic revision is the code's latest (nothing to migrate)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = engine or get_engine()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
