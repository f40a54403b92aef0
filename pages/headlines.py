"""Headlines: the organisation's key indicators at the latest month, against targets."""

from __future__ import annotations

import streamlit as st

from data_access.dates import add_months
from data_access.scope import Scope
from ui import format as fmt
from ui import queries

st.title("Children's social work workforce")

as_at = queries.default_as_at()
if as_at is None:
    st.info(
        "There is no data yet. Load the council's files with "
        "`python -m data_access import FOLDER` (see the README), then reload this page."
    )
    st.stop()

freshness = queries.freshness()
st.caption(
    f"Whole organisation · as at {fmt.uk_date(as_at)} · data last loaded "
    f"{fmt.uk_datetime(freshness.last_import_at)} ({freshness.last_import_source}), "
    f"latest record dated {fmt.uk_date(freshness.latest_data_date)}"
)

st.subheader(f"Headline indicators, {fmt.uk_month(as_at)}")
year_earlier = add_months(as_at, -12)
figures = queries.headlines(as_at, Scope())
# Row by row, so that the reading order (and a screen reader's) matches what the eye sees.
cells = [cell for _ in range(0, len(figures), 4) for cell in st.columns(4)]
for item, cell in zip(figures, cells, strict=False):
    with cell, st.container(border=True):
        st.metric(
            item.label,
            fmt.figure(item.value, item.unit),
            delta=fmt.change(item.change, item.unit),
            delta_color="inverse" if item.target_better == "lower" else "normal",
            delta_description=f"since {fmt.uk_month(year_earlier)}" if item.change else None,
            help=item.definition,
        )
        badge = fmt.status_badge(item.status, item.target, item.target_better, item.unit)
        if badge:
            st.badge(badge.text, icon=badge.icon, color=badge.color)
