"""The landing page's figures worked out while the first people are still signing in.

Everyone who signs in lands on the Overview of the whole organisation (or of their team) at the
latest month. In a process just started, the first to arrive would wait about a second at
national size while its figures are read, and everyone arriving with them would wait behind
that (ui/queries.py computes each figure once, for all). `start`, called
once per process as the database is prepared (app.py, on the process's first visit: the
sign-in page), does that work in a thread of its own while people are at their identity
provider. It reads only what the page reads, through the same cached calls with the same
arguments, so a visitor finds it there; figures that depend on a user's grant (the units
compared, suppression) are still worked out for each user. scripts/serve.py turns it on
(`WORKFORCE_WARM_AT_START=1`); a process run by hand, and the tests, do without.
"""

from __future__ import annotations

import functools
import gc
import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from data_access.core.scope import Scope
from ui import queries
from ui.filters import MAX_CHOICES, MONTHS_OFFERED

logger = logging.getLogger("workforce_dashboard")


def landing_page() -> None:
    """Read the whole organisation's landing figures into the caches (the sidebar's lists,
    the freshness line, the headline and agency tiles)."""
    months = queries.month_options(MONTHS_OFFERED)
    queries.freshness()
    queries.area_names()
    queries.hub_names(None)
    queries.team_choices(Scope(), MAX_CHOICES)
    if not months:
        return
    as_at, scope = months[0], Scope()
    policy = queries.policy()
    queries.headlines(as_at, scope, policy)
    queries.agency_headlines(as_at, scope)


def _warm() -> None:
    try:
        landing_page()
    except SQLAlchemyError:
        # The first visitor meets the same trouble and is told plainly (app.py).
        logger.warning("the landing page's figures could not be read ahead", exc_info=True)


def start() -> threading.Thread:
    """Work out the landing page's figures in a background thread (see the module's doc)."""
    thread = threading.Thread(target=_warm, name="warm-landing-page", daemon=True)
    thread.start()
    return thread


@functools.cache  # once per process
def freeze_what_the_start_made() -> int:
    """Leave every object alive now (the modules of Streamlit, pandas, Altair, SQLAlchemy and
    ours, read at the process's start and kept for its life) out of Python's cyclic garbage
    collector from now on; return how many objects that is.

    Python's full collection walks every object the process holds. At national size each
    took about 85 ms in a dashboard process and came about once a cold page: 8% of the page.
    Frozen objects are still freed when nothing refers to them (reference counting is
    untouched); only cycles among them would stay, and objects alive at the start live as
    long as the process anyway. Garbage is collected first, so none of it is frozen. Done
    once per process, as the database is first prepared (app.py): a later call (the database
    prepared again after Streamlit's caches were emptied, as the tests do) does nothing."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
