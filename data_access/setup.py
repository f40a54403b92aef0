"""Getting a database ready for the dashboard and the command line alike.

This module orchestrates the layers below it (the schema in `core`, the stored values in
`indicators`, the import lock in `ingest`, the demo in `demo`), so it sits above them all, beside
the command line: nothing in `data_access` imports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine

from data_access.core.config import migrate_at_start
from data_access.core.db import init_db, schema_at_latest_revision, session_scope
from data_access.demo.organisation import (
    database_is_empty,
    holds_only_demo,
    load_demo,
    load_demo_national_figures,
)
from data_access.indicators.stored_parts import (
    changed_rules,
    ensure_stored_parts,
    stored_values_are_current,
)
from data_access.ingest.importer import ImportBusy, take_import_lock

logger = logging.getLogger(__name__)


class SchemaNotReady(RuntimeError):
    """The schema is behind the code and this process may not migrate it."""


@dataclass(frozen=True)
class Prepared:
    """What `prepare_database` did besides checking the schema."""

    #: The demo organisation was loaded into the empty database.
    demo_loaded: bool = False
    #: A demo database from before the demo had national figures was given them.
    demo_national_added: bool = False
    #: Month ends whose stored parts were built (a database from before they existed, or
    #: one whose values were derived under other rules).
    months_stored: int = 0
    #: The rules that differed from those the stored values were derived under (see
    #: data_access/indicators/stored_parts.py), which is why they were rebuilt.
    rules_changed: tuple[str, ...] = field(default=())


def bring_stored_values_up_to_date(engine: Engine | None = None) -> Prepared:
    """Build the stored parts if they were never built, and rebuild them with the staff rows'
    derived dates if the code's rules differ from those they were derived under. Done under
    the import lock, so that two processes starting at once (scripts/serve.py) build once and
    an import running meanwhile is waited for; if that import outlasts the lock's wait, it
    brings the values up to date itself (every import does), and this returns without."""
    with session_scope(engine) as session:
        if stored_values_are_current(session=session):
            return Prepared()
    try:
        with session_scope(engine) as session:
            take_import_lock(session=session)
            changed = tuple(changed_rules(session=session))
            months = ensure_stored_parts(session=session)
    except ImportBusy:
        logger.warning("an import is running: it brings the stored figures up to date itself")
        return Prepared()
    if changed:
        logger.warning(
            "rules changed since the stored figures were derived (%s): %d month ends rebuilt",
            "; ".join(changed),
            months,
        )
    return Prepared(months_stored=months, rules_changed=changed)


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
    stored = bring_stored_values_up_to_date(engine)
    if not load_demo_if_empty:
        return stored
    if database_is_empty(engine):
        result = load_demo(engine)
        if not result.loaded:
            problems = "; ".join(str(problem) for problem in result.problems[:5])
            raise RuntimeError(f"the demo organisation failed validation: {problems}")
        return Prepared(demo_loaded=True, months_stored=stored.months_stored)
    with session_scope(engine) as session:
        demo = holds_only_demo(session=session)
    return Prepared(
        demo_national_added=demo and load_demo_national_figures(engine=engine),
        months_stored=stored.months_stored,
        rules_changed=stored.rules_changed,
    )
