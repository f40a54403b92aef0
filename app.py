"""Entry point: page set-up, database preparation, the global filters and navigation.

Run with `streamlit run app.py`. With no DATABASE_URL, the embedded SQLite database is used and,
on first start, the demo organisation is loaded into it.
"""

from __future__ import annotations

import logging
import os

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.access import Grant
from data_access.config import using_default_database
from data_access.setup import prepare_database
from ui import auth, cache_guard
from ui.filters import draw_filters, open_on_home_team, remember

logger = logging.getLogger("workforce_dashboard")

st.set_page_config(
    page_title="Social work workforce dashboard",
    page_icon=":material/groups:",
    layout="wide",
)


@st.cache_resource(show_spinner="Preparing the database (the first start loads the demo data)...")
def _prepare_database() -> None:
    load_demo = using_default_database() or os.environ.get("WORKFORCE_LOAD_DEMO") == "1"
    prepare_database(load_demo_if_empty=load_demo)


try:
    _prepare_database()
except SQLAlchemyError as error:
    st.error(
        "The dashboard cannot reach its database. Check DATABASE_URL and that the database "
        f"server is running.\n\nDetail: {type(error).__name__}: {str(error).splitlines()[0]}"
    )
    st.stop()

cache_guard.install()
grant = auth.establish()
cache_guard.note_session(grant)


def pages_for(grant: Grant) -> dict[str, list[st.Page]]:
    """The pages, with those this user may not use hidden from the menu. A hidden page's
    address still opens it, to say plainly that it is not for this user (each such page checks
    the grant itself), and whatever data it would show is narrowed by the grant in data_access
    all the same."""

    def shown(allowed: bool) -> str:
        return "visible" if allowed else "hidden"

    sections = {
        "Headlines": [
            st.Page(
                "app_pages/overview.py",
                title="Overview",
                icon=":material/dashboard:",
                default=True,
            ),
        ],
        "Workforce": [
            st.Page(
                "app_pages/stability.py", title="Workforce stability", icon=":material/groups:"
            ),
        ],
        "Practice": [
            st.Page("app_pages/supervision.py", title="Supervision", icon=":material/forum:"),
            st.Page("app_pages/caseloads.py", title="Caseloads", icon=":material/folder_open:"),
        ],
        "Benchmarks": [
            st.Page(
                "app_pages/benchmarks.py",
                title="National benchmarks",
                icon=":material/leaderboard:",
            ),
        ],
        "Teams": [
            st.Page(
                "app_pages/team.py",
                title="Team",
                icon=":material/badge:",
                visibility=shown(grant.sees_names),
            )
        ],
        "Data": [
            st.Page(
                "app_pages/data.py",
                title="Data",
                icon=":material/upload_file:",
                visibility=shown(grant.may_use_data_page),
            )
        ],
        "Administration": [
            st.Page(
                "app_pages/access.py",
                title="Access",
                icon=":material/admin_panel_settings:",
                visibility=shown(grant.may_administer),
            )
        ],
        "About": [
            st.Page(
                "app_pages/accessibility.py",
                title="Accessibility statement",
                icon=":material/accessibility:",
                url_path="accessibility",
            ),
        ],
    }
    return sections


navigation = st.navigation(pages_for(grant))
try:
    open_on_home_team(grant)
    remember(draw_filters())
    navigation.run()
except SQLAlchemyError:
    logger.exception("database error on page %s", navigation.title)
    st.error(
        "This page could not read the database just now. Reload the page in a minute; if it "
        "keeps happening, tell the dashboard's maintainers (the detail is in the server log)."
    )
except Exception:
    # A reader must never see a traceback; the maintainers find it in the server log.
    logger.exception("unexpected error on page %s", navigation.title)
    st.error(
        "Something went wrong while drawing this page. The error has been logged for the "
        "dashboard's maintainers; other pages should still work."
    )
