"""The pages' charts, each built once per distinct data and kept as a finished Vega-Lite spec.

Building an Altair chart and turning it into Vega-Lite costs 15-45 ms a chart (Altair copies
and validates its schema objects), which on a page of eight charts was most of a warm run.
Every builder here is wrapped by `cached_chart`: the spec is built the first time a given frame
and set of options is drawn and then served from Streamlit's cache, shared by every visitor
with the same data (the data is part of the key, so nobody is served a chart of data they were
not given). `ui.charts.chart_block` draws the spec.

The trend lines and target rules themselves are in data_access/reports/charts.py, shared with
the board pack so that a chart means the same on the screen and on paper.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data_access.reports import charts as shared

#: A finished Vega-Lite specification, data included.
Spec = dict[str, Any]

_BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {}


@st.cache_data(show_spinner=False, max_entries=2000, ttl=3600)
def _spec(builder: str, *args: Any, **options: Any) -> Spec:
    return _BUILDERS[builder](*args, **options).to_dict()


def cached_chart(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., Spec]:
    """`builder` returning its chart as a cached Vega-Lite spec (a dict)."""
    name = builder.__qualname__
    _BUILDERS[name] = builder

    @functools.wraps(builder)
    def spec(*args: Any, **options: Any) -> Spec:
        return _spec(name, *args, **options)

    return spec


def _month_axis(label_format: str = "%b %Y", angle: int = -40) -> alt.Axis:
    return alt.Axis(format=label_format, labelAngle=angle)


trend = cached_chart(shared.trend_chart)


@cached_chart
def movements(long: pd.DataFrame) -> alt.Chart:
    """Starters above zero and leavers below, per month, by contract (`month`,
    `employment_type`, `movement`, `value`, `signed`)."""
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=None, axis=_month_axis()),
            y=alt.Y("sum(signed):Q", title="Workers (leavers below 0)"),
            color=alt.Color("employment_type:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("employment_type:N", title="Contract"),
                alt.Tooltip("movement:N", title="Movement"),
                alt.Tooltip("value:Q", title="Workers"),
            ],
        )
        .properties(height=260)
    )


@cached_chart
def leaving_reasons(reasons: pd.DataFrame) -> alt.Chart:
    """Leavers by reason, the most common first."""
    return (
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            x=alt.X("Leavers:Q"),
            y=alt.Y("Leaving reason:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
            tooltip=["Leaving reason", "Leavers", alt.Tooltip("FTE:Q", format=".1f")],
        )
        .properties(height=max(120, 28 * len(reasons)))
    )


@cached_chart
def service_bands(bands: pd.DataFrame, band_order: Sequence[str]) -> alt.Chart:
    """Workers in post by length-of-service band (in `band_order`) and contract."""
    return (
        alt.Chart(bands)
        .mark_bar()
        .encode(
            x=alt.X("sum(Workers):Q", title="Workers in post"),
            y=alt.Y("Length of service:N", sort=list(band_order), title=None),
            color=alt.Color("Contract:N", legend=alt.Legend(orient="bottom")),
            tooltip=["Length of service", "Contract", "Workers"],
        )
        .properties(height=200)
    )


@cached_chart
def coverage_heat(heat: pd.DataFrame) -> alt.Chart:
    """Supervision coverage per team (rows) and month end (columns), weakest teams at the
    bottom (`Team`, `month`, `value`, `eligible`)."""
    return (
        alt.Chart(heat)
        .mark_rect()
        .encode(
            x=alt.X("yearmonth(month):O", title=None, axis=_month_axis("%b %y", 0)),
            y=alt.Y(
                "Team:N",
                title=None,
                sort=alt.EncodingSortField("value", op="mean", order="descending"),
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            color=alt.Color(
                "value:Q", title="% in date", scale=alt.Scale(domain=[40, 100], clamp=True)
            ),
            tooltip=[
                "Team",
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("value:Q", title="% in date", format=".1f"),
                alt.Tooltip("eligible:Q", title="Eligible workers"),
            ],
        )
        .properties(height=max(160, 22 * heat["Team"].nunique()))
    )


@cached_chart
def audit_grades(grades: pd.DataFrame, grade_order: Sequence[str]) -> alt.Chart:
    """Each quarter's audits as shares by grade, stacked in `grade_order`."""
    return (
        alt.Chart(grades)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(quarter):O", title="Quarter ending", axis=_month_axis(angle=0)),
            y=alt.Y(
                "Audits:Q", stack="normalize", title="Share of audits", axis=alt.Axis(format="%")
            ),
            color=alt.Color("Grade:N", sort=list(grade_order), scale=alt.Scale(domain=grade_order)),
            order=alt.Order("grade_rank:Q"),
            tooltip=[
                alt.Tooltip("quarter:T", title="Quarter ending", format="%B %Y"),
                "Grade",
                "Audits",
            ],
        )
        .transform_calculate(
            grade_rank=" + ".join(
                f"(datum.Grade == '{grade}') * {rank}" for rank, grade in enumerate(grade_order)
            )
        )
        .properties(height=260)
    )


@cached_chart
def caseload_distribution(distribution: pd.DataFrame, threshold: float) -> alt.LayerChart:
    """Case holders by number of open cases, with the threshold as a dashed line."""
    bars = (
        alt.Chart(distribution)
        .mark_bar()
        .encode(
            x=alt.X("Open cases:Q", title="Open cases", axis=alt.Axis(format="d")),
            y=alt.Y("Case holders:Q"),
            tooltip=["Open cases", "Case holders", "Over their limit"],
        )
    )
    return (bars + shared.rule(threshold, f"threshold {threshold:g}", axis="x")).properties(
        height=260
    )


@cached_chart
def over_threshold_by_team(teams: pd.DataFrame) -> alt.Chart:
    """Each team's share of case holders over their limit, the highest first."""
    return (
        alt.Chart(teams)
        .mark_bar()
        .encode(
            x=alt.X("% over threshold:Q", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("Team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["Team", "Case holders", "Average caseload", "% over threshold"],
        )
        .properties(height=max(120, 20 * len(teams)))
    )


@cached_chart
def asye_caseloads(asye: pd.DataFrame, limit: float) -> alt.LayerChart:
    """One dot per ASYE worker (open cases, by team) against the protected limit."""
    points = (
        alt.Chart(asye)
        .mark_circle(size=80, opacity=0.8)
        .encode(
            x=alt.X("Open cases:Q", scale=alt.Scale(zero=True)),
            y=alt.Y("Team:N", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["Team", "Month of ASYE", "Open cases", "Protected limit"],
        )
    )
    return (points + shared.rule(limit, f"protected limit {limit:g}", axis="x")).properties(
        height=max(140, 22 * asye["Team"].nunique())
    )


@cached_chart
def session_timeline(sessions: pd.DataFrame, since: date, as_at: date) -> alt.Chart:
    """One worker's held and cancelled sessions between `since` and `as_at`, shaped by whether
    they were reflective (`date`, `Status`, `Reflective`, `childs_views`, `Minutes`,
    `Supervisor`; a Vega field name cannot hold an apostrophe)."""
    return (
        alt.Chart(sessions)
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                scale=alt.Scale(domain=[since.isoformat(), as_at.isoformat()]),
                axis=alt.Axis(format="%b %Y"),
            ),
            y=alt.Y("Status:N", title=None, sort=["held", "cancelled"]),
            shape=alt.Shape("Reflective:N", legend=alt.Legend(title="Reflective")),
            color=alt.Color("Status:N", legend=None),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%d/%m/%Y"),
                "Status",
                "Reflective",
                alt.Tooltip("childs_views:N", title="Child's views"),
                "Minutes",
                "Supervisor",
            ],
        )
        .properties(height=140)
    )


@cached_chart
def benchmark_trend(
    points: pd.DataFrame, *, unit: str, label: str, series_order: Sequence[str]
) -> alt.Chart:
    """A published indicator by year, one line per series (ours, England, region,
    neighbours) in `series_order`."""
    return (
        alt.Chart(points)
        .mark_line(point=alt.OverlayMarkDef(size=40))
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "series:N",
                title=None,
                sort=list(series_order),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None, sort=list(series_order)),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("series:N", title="Line"),
                alt.Tooltip("value:Q", title=label, format=".1f"),
            ],
        )
    )


@cached_chart
def benchmark_ranking(
    ranked: pd.DataFrame,
    *,
    unit: str,
    label: str,
    england: float | None,
    colours: tuple[str, str],
) -> alt.LayerChart:
    """Every authority's bar, lowest to highest, ours coloured and named (`Rank`, `Authority`,
    `Region`, `value`, `who`), with England as a dashed line. `colours`: ours, the others."""
    order = list(ranked["Authority"])
    bars = (
        alt.Chart(ranked)
        .mark_bar()
        .encode(
            x=alt.X("Authority:N", sort=order, axis=None, title="Authorities, lowest to highest"),
            y=alt.Y("value:Q", title=unit),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(domain=["Ours", "Other authorities"], range=list(colours)),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("Rank:Q"),
                alt.Tooltip("Authority:N"),
                alt.Tooltip("Region:N"),
                alt.Tooltip("value:Q", title=label, format=".1f"),
            ],
        )
    )
    ours = (
        alt.Chart(ranked[ranked["who"] == "Ours"])
        .mark_text(dy=-10, fontWeight="bold", color="#222222")
        .encode(x=alt.X("Authority:N", sort=order), y="value:Q", text=alt.Text("Authority:N"))
    )
    layers = [bars, ours]
    if england is not None:
        layers.append(shared.rule(england, f"England {england:.1f}"))
    return alt.layer(*layers)
