"""Chart building blocks. Every chart has a title, its definition, and a table with CSV.

Colours come from the theme in .streamlit/config.toml (colour-blind-safe palettes). The charts
themselves are built, once per distinct data, by ui/chart_specs.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_access.reports.exports import csv_text
from ui.chart_specs import Spec


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chart_block(
    title: str,
    definition: str,
    chart: Spec | None,
    table: pd.DataFrame,
    *,
    height: int = 330,
    empty_message: str = "No data for this scope and date.",
) -> None:
    """A titled chart (a spec from ui/chart_specs.py) with its definition, a "Table" tab and a
    CSV download.

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
        st.vega_lite_chart(
            spec=chart,
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
    """A "Download CSV" button for `table` (see `csv_text`). `on_download` runs when it is
    pressed (to log a download of names)."""
    st.download_button(
        "Download CSV",
        csv_text(table),
        file_name=f"{file_stem or slug(title)}.csv",
        mime="text/csv",
        key=f"download-{slug(title)}",
        on_click=on_download or "rerun",
    )
