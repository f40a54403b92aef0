"""Entry point: page set-up, database preparation and navigation.

Run with `streamlit run app.py`. With no DATABASE_URL, the embedded SQLite database is used and,
on first start, the demo organisation is loaded into it.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.config import using_default_database
from data_access.setup import prepare_database

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

navigation = st.navigation(
    [st.Page("pages/headlines.py", title="Headlines", icon=":material/dashboard:", default=True)]
)
navigation.run()
