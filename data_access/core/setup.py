"""Getting a database ready for the dashboard."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.core.db import init_db, session_scope
from data_access.demo.organisation import database_is_empty, load_demo
from data_access.indicators.stored_parts import ensure_stored_parts


def prepare_database(engine: Engine | None = None, *, load_demo_if_empty: bool) -> bool:
    """Bring the schema up to date and, if asked and the database is empty, load the demo.

    Returns True when the demo organisation was loaded by this call.
    """
    init_db(engine)
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
