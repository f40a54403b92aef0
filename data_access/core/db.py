"""The one engine, sessions, and schema set-up through Alembic."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine

from data_access.core.config import database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: PostgreSQL: how long to wait for the server to accept a connection, seconds.
CONNECT_TIMEOUT_SECONDS = 5
#: PostgreSQL: the longest one statement may run, so that a database that hangs (locked,
#: overloaded) gives the pages a clear message instead of an endless spinner. The slowest page
#: statement at national size takes about a second; imports and migrations lift the limit for
#: their own transaction (`allow_long_statements`). With `UNHEALTHY_SECONDS` below, a reader
#: waits at most about twice this for the message, however many are waiting.
STATEMENT_TIMEOUT_MS = 5_000
#: After a statement times out or the server cannot be reached, every statement is refused at
#: once for this long (`DatabaseUnavailable`), instead of each waiting out its own timeout in
#: turn; then one statement at a time tries again until one succeeds.
UNHEALTHY_SECONDS = 10.0
#: SQLite: how long a statement waits for another connection's write lock.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How long to wait for a free connection from the pool, seconds.
POOL_TIMEOUT_SECONDS = 10


class DatabaseUnavailable(SQLAlchemyError):
    """The database timed out or could not be reached moments ago: refused without asking it."""


class _Health:
    """Whether the database answered lately (a circuit breaker, one per process).

    Healthy: every statement runs. After a timeout or a failed connection: unhealthy for
    UNHEALTHY_SECONDS, every statement refused at once. Then one thread's statement is let
    through as a probe while the others are still refused: success makes it healthy again,
    another timeout starts a new unhealthy spell. So a hung database costs each reader at most
    one timeout, and recovers by itself when the lock or the outage goes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._unhealthy_until = 0.0
        self._probe: int | None = None

    def before_statement(self) -> None:
        with self._lock:
            if not self._unhealthy_until:
                return
            me = threading.get_ident()
            if time.monotonic() < self._unhealthy_until or self._probe not in (None, me):
                raise DatabaseUnavailable("the database did not answer moments ago")
            self._probe = me

    def answered(self) -> None:
        with self._lock:
            if self._probe == threading.get_ident():
                self._unhealthy_until, self._probe = 0.0, None

    def failed(self) -> None:
        with self._lock:
            self._unhealthy_until = time.monotonic() + UNHEALTHY_SECONDS
            self._probe = None

    def abandoned(self) -> None:
        """The probe failed for a reason that says nothing about the database's health."""
        with self._lock:
            if self._probe == threading.get_ident():
                self._probe = None

    @property
    def healthy(self) -> bool:
        with self._lock:
            return not self._unhealthy_until

    @property
    def may_try_again(self) -> bool:
        """Unhealthy, but long enough ago that one statement may probe."""
        with self._lock:
            return bool(self._unhealthy_until) and time.monotonic() >= self._unhealthy_until


#: Each engine's health (one database, one breaker).
_health: weakref.WeakKeyDictionary[Engine, _Health] = weakref.WeakKeyDictionary()


def health_of(engine: Engine | None = None) -> _Health:
    """Whether the engine's database answered lately (see `_Health`)."""
    engine = engine or get_engine()
    if engine not in _health:
        _health[engine] = _Health()
    return _health[engine]


def _watch_health(engine: Engine) -> None:
    """Keep the engine's health from what its statements and connections do (PostgreSQL)."""
    health = health_of(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(*_args: object) -> None:
        health.before_statement()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_args: object) -> None:
        health.answered()

    @event.listens_for(engine, "handle_error")
    def _error(context: Any) -> None:
        error = context.original_exception
        # A statement cancelled by its timeout (SQLSTATE 57014), or no connection at all.
        if (
            getattr(error, "sqlstate", None) == "57014"
            or context.is_disconnect
            or (context.connection is None and isinstance(error, psycopg.OperationalError))
        ):
            health.failed()
        else:
            health.abandoned()


def make_engine(url: str) -> Engine:
    """Create an engine for `url`. Only `get_engine` and the tests call this."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
            # SQLite ignores foreign keys unless asked; PostgreSQL always enforces them, and
            # both must behave alike.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    engine = create_engine(
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
    _watch_health(engine)
    return engine


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
        except PoolTimeout:
            # Every connection is busy waiting on the database: as unhealthy as a timeout.
            health_of(engine or get_engine()).failed()
            session.rollback()
            raise
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
