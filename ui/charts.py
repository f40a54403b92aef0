"""Chart building blocks. Every chart has a title, its definition, and a table with CSV.

Colours come from the theme in .streamlit/config.toml (colour-blind-safe palettes); lines that
mark a target or reference are dashed and labelled, so they never depend on colour alone.
Percentage axes are fixed (0-100 for shares, 0-50 for rates) so charts can be compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=-40, title=None, tickCount="month")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chart_block(
    title: str,
    definition: str,
    chart: alt.TopLevelMixin | None,
    table: pd.DataFrame,
    *,
    height: int = 330,
    empty_message: str = "No data for this scope and date.",
) -> None:
    """A titled chart with its definition, a "Table" tab and a CSV download.

    `height` is the chart element's height in pixels, axes and legend included.
    """
    st.subheader(title)
    if definition:
        st.caption(definition)
    if table.empty or chart is None:
        st.info(empty_message)
        return
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.altair_chart(
            chart,
            width="stretch",
            height=height,
            alt=f"{title}. {definition} The same figures are in the Table tab.",
        )
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch")
        csv_download(table, title)


def csv_download(
    table: pd.DataFrame,
    title: str,
    file_stem: str | None = None,
    *,
    on_download: Callable[[], None] | None = None,
) -> None:
    """A "Download CSV" button for `table` (UTF-8, no index). `on_download` runs when it is
    pressed (to log a download of names)."""
    st.download_button(
        "Download CSV",
        table.to_csv(index=False).encode("utf-8"),
        file_name=f"{file_stem or slug(title)}.csv",
        mime="text/csv",
        key=f"download-{slug(title)}",
        on_click=on_download or "rerun",
    )


def rule(value: float, label: str, axis: str = "y") -> alt.LayerChart:
    """A dashed, labelled line at `value` (a target or reference)."""
    frame = pd.DataFrame({"value": [value], "label": [label]})
    base = alt.Chart(frame)
    if axis == "y":
        line = base.mark_rule(strokeDash=[6, 4], color="#333333").encode(y="value:Q")
        text = base.mark_text(align="left", dx=4, dy=-7, color="#333333").encode(
            y="value:Q", text="label:N", x=alt.value(0)
        )
    else:
        line = base.mark_rule(strokeDash=[6, 4], color="#333333").encode(x="value:Q")
        text = base.mark_text(align="left", dx=4, dy=-110, color="#333333").encode(
            x="value:Q", text="label:N"
        )
    return line + text


def trend_chart(
    frame: pd.DataFrame,
    *,
    y_title: str,
    percent: bool = True,
    y_max: float = 100,
    rules: list[tuple[float, str]] = (),
    height: int = 260,
) -> alt.LayerChart:
    """Lines of `value` by `month`, one per `series`, with optional target/reference lines.

    Percentages use a fixed 0 to `y_max` axis (100 for shares, 50 for rates such as agency
    and turnover) so that charts of the same kind can be compared side by side.
    """
    scale = alt.Scale(domain=[0, y_max], clamp=False) if percent else alt.Scale(zero=True)
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("month:T", axis=MONTH_AXIS),
            y=alt.Y("value:Q", title=y_title, scale=scale),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("series:N", title="Indicator"),
                alt.Tooltip("value:Q", title=y_title, format=".1f"),
            ],
        )
    )
    layers = [lines] + [rule(value, label) for value, label in rules]
    return alt.layer(*layers).properties(height=height)
