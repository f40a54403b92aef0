"""What every page starts with: its title and the line saying what is shown and how fresh."""

from __future__ import annotations

import streamlit as st

from ui import format as fmt
from ui import queries
from ui.filters import Filters


def page_header(title: str, filters: Filters, purpose: str) -> bool:
    """Draw the page title and header line. Returns False (after saying so) with no data."""
    st.title(title)
    if filters.as_at is None:
        st.info(
            "There is no data yet. Load the council's files with "
            "`python -m data_access import FOLDER` (see the README), then reload this page."
        )
        return False
    freshness = queries.freshness()
    st.caption(
        f"**{filters.scope_label}** · as at **{fmt.uk_date(filters.as_at)}** · data last "
        f"loaded {fmt.uk_datetime(freshness.last_import_at)} "
        f"({freshness.last_import_source}), latest record dated "
        f"{fmt.uk_date(freshness.latest_data_date)}"
    )
    st.markdown(purpose)
    return True


def grid(count: int, per_row: int) -> list:
    """`count` cells laid out `per_row` to a row, created row by row so that the reading
    order (and a screen reader's) follows the layout rather than running down each column."""
    cells = [cell for _ in range(0, count, per_row) for cell in st.columns(per_row)]
    return cells[:count]
