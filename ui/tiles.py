"""Headline tiles: a figure, its change over the year, its recent trend and its target status."""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access.core.dates import add_months
from data_access.indicators.summary import HeadlineFigure
from ui import chart_specs
from ui import format as fmt
from ui.layout import grid
from ui.replay import replayed


@replayed
def headline_tiles(figures: list[HeadlineFigure], as_at: date, per_row: int = 4) -> None:
    """One bordered tile per figure, laid out row by row: the title (wrapping, never cut),
    the figure and its change since a year earlier, the last months as a line with the
    target dashed across it, and the status against the target. Drawn once per distinct
    figures and replayed after (ui/replay.py): a row of tiles is some 80 elements."""
    year_earlier = add_months(as_at, -12)
    for item, cell in zip(figures, grid(len(figures), per_row), strict=True):
        with cell, st.container(border=True, gap="small"):
            st.markdown(
                f"**{fmt.plain(item.label)}**",
                help=f"{item.summary}\n\nHow it is calculated: {item.definition}",
            )
            unchanged = item.change is not None and round(item.change, 1) == 0
            # Green for better, red for worse, by the target's direction or else the metric's;
            # grey for an unchanged figure and for one that is neither (a headcount).
            better = item.target_better or item.better
            st.metric(
                item.label,
                fmt.figure(item.value, item.unit),
                delta="no change" if unchanged else fmt.change(item.change, item.unit),
                delta_color="off"
                if unchanged or better is None
                else ("inverse" if better == "lower" else "normal"),
                delta_arrow="off" if unchanged else "auto",
                label_visibility="collapsed",
            )
            if item.change is not None:
                st.caption(f"Change since {fmt.uk_month(year_earlier)}")
            if any(value is not None for _, value in item.history):
                # An image, not a chart: a chart cost the browser some 70 ms to set up.
                st.image(
                    chart_specs.tile_sparkline(tuple(item.history), item.target),
                    width="stretch",
                    alt=f"{item.label}: the last {len(item.history)} months"
                    + (f", against the target of {item.target:g}" if item.target else "")
                    + ". The same figures are on the topic page.",
                )
            badge = fmt.status_badge(item.status)
            target = fmt.target_text(item.target, item.target_better, item.unit)
            if badge or target:
                # The status and the target side by side (wrapping on a narrow tile): together
                # in one badge they were cut short.
                with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                    if badge:
                        st.badge(badge.text, icon=badge.icon, color=badge.color)
                    if target:
                        st.caption(f"target {target}")
