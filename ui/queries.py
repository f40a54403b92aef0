"""Cached calls into data_access. Every argument that changes the answer is in the cache key.

Cached values are shared by every user of the server, so the scope and date are always
arguments, never read from a global. Entries expire after `TTL_SECONDS` so a new import shows.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access.db import session_scope
from data_access.scope import Scope
from data_access.summary import (
    Freshness,
    HeadlineFigure,
    data_freshness,
    headline_figures,
    latest_complete_month_end,
)

TTL_SECONDS = 600


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def default_as_at() -> date | None:
    with session_scope() as session:
        return latest_complete_month_end(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def freshness() -> Freshness:
    with session_scope() as session:
        return data_freshness(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Computing the headline figures...")
def headlines(as_at: date, scope: Scope) -> list[HeadlineFigure]:
    with session_scope() as session:
        return headline_figures(session, as_at, scope)
