"""Getting a database ready for the dashboard and the command line alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from data_access.core.config import migrate_at_start
from data_access.core.db import init_db, schema_at_latest_revision, session_scope
from data_access.demo.organisation import (
    database_is_empty,
    holds_only_demo,
    load_demo,
    load_demo_national_figures,
)
from data_access.indicators.stored_parts import ensure_stored_parts


class SchemaNotReady(RuntimeError):
    """The schema is behind the code and this process may not migrate it."""


@dataclass(frozen=True)
class Prepared:
    """What `prepare_database` did besides checking the schema."""

    #: The demo organisation was loaded into the empty database.
    demo_loaded: bool = False
    #: A demo database from before the demo had national figures was given them.
    demo_national_added: bool = False
    #: Month ends whose stored parts were built (a database from before they existed).
    months_stored: int = 0


def prepare_database(
    engine: Engine | None = None, *, load_demo_if_empty: bool, migrate: bool | None = None
) -> Prepared:
    """Bring the schema up to date and, if asked and the database is empty, load the demo
    (with its made-up national figures; a demo database from before them gets them).

    `migrate` (default: `WORKFORCE_MIGRATE_AT_START`, on unless set to 0) says whether this
    call may migrate: with several processes (scripts/serve.py) the schema is only checked,
    since migrations are `init-db`'s job, run once before the processes start.
    """
    if migrate if migrate is not None else migrate_at_start():
        init_db(engine)
    elif not schema_at_latest_revision(engine):
        raise SchemaNotReady(
            "the database schema is not up to date: run `python -m data_access init-db` once, "
            "then start the dashboard"
        )
    with session_scope(engine) as session:
        # A database from before the stored parts existed gets them once.
        months = ensure_stored_parts(session)
    if not load_demo_if_empty:
        return Prepared(months_stored=months)
    if database_is_empty(engine):
        result = load_demo(engine)
        if not result.loaded:
            problems = "; ".join(str(problem) for problem in result.problems[:5])
            raise RuntimeError(f"the demo organisation failed validation: {problems}")
        return Prepared(demo_loaded=True, months_stored=months)
    with session_scope(engine) as session:
        demo = holds_only_demo(session)
    return Prepared(
        demo_national_added=demo and load_demo_national_figures(engine=engine),
        months_stored=months,
    )
