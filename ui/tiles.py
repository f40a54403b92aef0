"""Headline tiles: a figure, its change over the year, its recent trend and its target status."""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access.core.dates import add_months
from data_access.indicators.summary import HeadlineFigure
from ui import format as fmt
from ui.layout import grid


def headline_tiles(figures: list[HeadlineFigure], as_at: date, per_row: int = 4) -> None:
    """One bordered tile per figure, laid out row by row."""
    year_earlier = add_months(as_at, -12)
    for item, cell in zip(figures, grid(len(figures), per_row), strict=True):
        with cell, st.container(border=True):
            trend = [value for _, value in item.history if value is not None]
            unchanged = item.change is not None and round(item.change, 1) == 0
            st.metric(
                item.label,
                fmt.figure(item.value, item.unit),
                # An unchanged figure is neither better nor worse: grey, with no arrow.
                delta="no change" if unchanged else fmt.change(item.change, item.unit),
                delta_color="off"
                if unchanged
                else ("inverse" if item.target_better == "lower" else "normal"),
                delta_arrow="off" if unchanged else "auto",
                delta_description=f"since {fmt.uk_month(year_earlier)}"
                if item.change is not None
                else None,
                help=item.definition,
                chart_data=trend or None,
                chart_type="line",
            )
            badge = fmt.status_badge(item.status, item.target, item.target_better, item.unit)
            if badge:
                st.badge(badge.text, icon=badge.icon, color=badge.color)
