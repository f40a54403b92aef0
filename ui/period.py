"""The trend period control shared by the trend pages (not part of the URL filters)."""

from __future__ import annotations

import streamlit as st

PERIODS = {"12 months": 12, "24 months": 24, "3 years": 36, "5 years": 60}


def choose_period(key: str) -> int:
    """How many months of history the page's trend charts show (default 24)."""
    choice = st.segmented_control(
        "Trend period", list(PERIODS), default="24 months", key=key, required=True
    )
    return PERIODS[choice or "24 months"]
