"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

#: The embedded default: a SQLite file beside the code, ignored by git.
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "workforce.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_PATH}"


def normalise_database_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain PostgreSQL URLs.

    `postgresql://user@host/db` would make SQLAlchemy look for psycopg2, which we do not
    install; people paste URLs in that plain form, so we accept it.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    """The database to use: `DATABASE_URL`, or the embedded SQLite file."""
    return normalise_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def migrate_at_start() -> bool:
    """Whether the dashboard brings the schema up to date when it starts (the default). A
    deployment of several processes sets `WORKFORCE_MIGRATE_AT_START=0` and runs
    `python -m data_access init-db` once, before starting them (scripts/serve.py)."""
    return os.environ.get("WORKFORCE_MIGRATE_AT_START", "1") != "0"


def using_default_database() -> bool:
    """True when no `DATABASE_URL` is set and the embedded SQLite file is in use."""
    return not os.environ.get("DATABASE_URL")


def load_demo_into_empty_database() -> bool:
    """Whether an empty database gets the demo organisation when it is prepared, by the
    dashboard at its start or by any command of the command line: always for the embedded
    SQLite file (the demo's), for a `DATABASE_URL` only with `WORKFORCE_LOAD_DEMO=1`."""
    return using_default_database() or os.environ.get("WORKFORCE_LOAD_DEMO") == "1"
