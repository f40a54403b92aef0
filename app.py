"""Entry point: page set-up, database preparation, the global filters and navigation.

Run with `streamlit run app.py`. With no DATABASE_URL, the embedded SQLite database is used and,
on first start, the demo organisation is loaded into it.
"""

from __future__ import annotations

import logging
import os
from typing import NoReturn

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.access.grants import Grant
from data_access.core.config import PROJECT_ROOT, using_default_database
from data_access.core.db import DatabaseUnavailable, health_of
from data_access.setup import SchemaNotReady, prepare_database
from ui import auth, server_guards, warm
from ui.filters import draw_filters, open_on_home_team, remember
from ui.pages import PAGES

logger = logging.getLogger("workforce_dashboard")

st.set_page_config(
    page_title="Social work workforce dashboard",
    # Served by this server: a Material icon here would make every browser fetch the
    # favicon from Google's font servers.
    page_icon=str(PROJECT_ROOT / "ui" / "icon.png"),
    layout="wide",
    # Wide enough for the longest team name in the Team box (a box cannot wrap its text).
    initial_sidebar_state=330,
)
# How the pages print (A4, without the sidebar and buttons): ui/print.css; what only a phone
# shows: ui/screen.css.
st.html(
    "<style>"
    + "".join((PROJECT_ROOT / "ui" / name).read_text() for name in ("print.css", "screen.css"))
    + "</style>"
)


#: How often a page that could not read the database tries again by itself.
RETRY_SECONDS = 15


@st.fragment(run_every=RETRY_SECONDS)
def _try_again_when_the_database_answers() -> None:
    """Run the whole page again once the database may be answering (data_access/core/db.py
    refuses at once while it is known not to), so the page recovers without a reload."""
    health = health_of()
    if health.healthy or health.may_try_again:
        st.rerun(scope="app")


def database_trouble(error: SQLAlchemyError, context: str) -> None:
    """Tell the reader plainly (never the server's details, which name its host and user) and
    keep trying."""
    if isinstance(error, DatabaseUnavailable):
        logger.warning("%s: refused at once, the database did not answer moments ago", context)
    else:
        logger.exception(context)
    unhealthy = not health_of().healthy
    st.error(
        "This page cannot read the database just now. "
        + (
            f"It tries again by itself every {RETRY_SECONDS} seconds (or reload the page in a "
            "minute)"
            if unhealthy
            else "Reload the page in a minute"
        )
        + "; if it keeps happening, tell the dashboard's maintainers (the detail is in the "
        "server log)."
    )
    if unhealthy:  # a timeout or an outage, which passes: keep trying
        _try_again_when_the_database_answers()


@st.cache_resource(show_spinner="Preparing the database (the first start loads the demo data)...")
def _prepare_database() -> None:
    load_demo = using_default_database() or os.environ.get("WORKFORCE_LOAD_DEMO") == "1"
    prepare_database(load_demo_if_empty=load_demo)
    warm.freeze_what_the_start_made()
    if os.environ.get("WORKFORCE_WARM_AT_START") == "1":  # scripts/serve.py sets it
        warm.start()


def pages_for(grant: Grant | None) -> dict[str, list[st.Page]]:
    """The pages (ui/pages.py), with those this user may not use hidden from the menu. A
    hidden page's address still opens it, to say plainly that it is not for this user (each
    such page checks the grant itself), and whatever data it would show is narrowed by the
    grant in data_access all the same. With no grant (the run stopped before the reader was
    known) every page is hidden."""
    sections: dict[str, list[st.Page]] = {}
    for entry in PAGES:
        sections.setdefault(entry.section, []).append(
            st.Page(
                entry.path,
                title=entry.title,
                icon=entry.icon,
                url_path=entry.url_path or None,
                default=entry.default,
                visibility="visible" if grant and entry.shown_to(grant) else "hidden",
            )
        )
    return sections


def stop_on_the_page_asked_for() -> NoReturn:
    """End a run that failed before the menu could be drawn, still on the page the reader
    opened: the pages are declared (no menu, nothing run) so that this run, and the retry the
    message starts, belong to that page's address rather than to the default page's."""
    st.navigation(pages_for(None), position="hidden")
    st.stop()


try:
    _prepare_database()
    server_guards.install()
    grant = auth.establish()
except SchemaNotReady:
    logger.exception("the database schema is not up to date")
    st.error(
        "The dashboard is being updated: its database is not ready yet. Reload the page in a "
        "few minutes."
    )
    stop_on_the_page_asked_for()
except SQLAlchemyError as error:
    database_trouble(error, "the database could not be reached")
    stop_on_the_page_asked_for()


navigation = st.navigation(pages_for(grant))
try:
    open_on_home_team(grant)
    remember(draw_filters())
    navigation.run()
except SQLAlchemyError as error:
    database_trouble(error, f"database error on page {navigation.title}")
except Exception:
    # A reader must never see a traceback; the maintainers find it in the server log.
    logger.exception("unexpected error on page %s", navigation.title)
    st.error(
        "Something went wrong while drawing this page. The error has been logged for the "
        "dashboard's maintainers; other pages should still work."
    )
