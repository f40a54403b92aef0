"""Getting a database ready for the dashboard."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.core.config import migrate_at_start
from data_access.core.db import init_db, schema_at_latest_revision, session_scope
from data_access.demo.organisation import database_is_empty, load_demo
from data_access.indicators.stored_parts import ensure_stored_parts


class SchemaNotReady(RuntimeError):
    """The schema is behind the code and this process may not migrate it."""


def prepare_database(engine: Engine | None = None, *, load_demo_if_empty: bool) -> bool:
    """Bring the schema up to date and, if asked and the database is empty, load the demo.
    With `WORKFORCE_MIGRATE_AT_START=0` (several processes, see scripts/serve.py) the schema
    is only checked: migrations are `init-db`'s job, run once before the processes start.

    Returns True when the demo organisation was loaded by this call.
    """
    if migrate_at_start():
        init_db(engine)
    elif not schema_at_latest_revision(engine):
        raise SchemaNotReady(
            "the database schema is not up to date: run `python -m data_access init-db` once, "
            "then start the dashboard"
        )
    with session_scope(engine) as session:
        # A database from before the stored parts existed gets them once.
        ensure_stored_parts(session)
    if load_demo_if_empty and database_is_empty(engine):
        result = load_demo(engine)
        if not result.loaded:
            problems = "; ".join(str(problem) for problem in result.problems[:5])
            raise RuntimeError(f"the demo organisation failed validation: {problems}")
        return True
    return False
