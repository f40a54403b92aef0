"""Chart building blocks. Every chart has a title, a plain-words summary with its exact
definition a click away, and a table with CSV.

Colours come from the theme in .streamlit/config.toml (colour-blind-safe palettes). The charts
themselves are built, once per distinct data, by ui/chart_specs.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from data_access.indicators.breakdowns import TEAMS_SHOWN, SeriesPoint
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import Target
from data_access.reports.exports import csv_text
from ui import chart_specs, server_guards
from ui import format as fmt
from ui.chart_specs import Spec


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class TeamSearch:
    """A box to find a team in a chart that shows at most TEAMS_SHOWN teams: drawn under the
    chart's title (where it belongs), read before the chart is computed (`searched`)."""

    key: str
    #: Which teams the chart shows otherwise ("those lowest in the latest month").
    which: str
    #: Teams in scope that match: the box is offered only when the chart cannot show them all
    #: (or a search is already typed).
    matching: int

    def draw(self) -> None:
        if self.matching <= TEAMS_SHOWN and not searched(self.key):
            return
        st.text_input(
            "Find a team in this chart",
            key=self.key,
            placeholder="part of a team's name",
            help=f"The chart shows at most {TEAMS_SHOWN} teams: {self.which}, or those whose "
            "name contains what you type here.",
        )


def searched(key: str) -> str:
    """What the team search box `key` holds (read before the box is drawn under its title)."""
    return str(st.session_state.get(key) or "")


def chart_block(
    title: str,
    summary: str,
    chart: Spec | None,
    table: pd.DataFrame,
    *,
    metrics: Sequence[str] = (),
    how: str = "",
    height: int = 330,
    empty_message: str = "No data for this scope and date.",
    on_download: Callable[[], None] | None = None,
    search: TeamSearch | None = None,
) -> None:
    """A titled chart (a spec from ui/chart_specs.py) with a "Table" tab and a CSV download.

    Under the title, `summary` says in plain words what the chart shows; the exact rules (the
    definitions of `metrics`, then `how`) wait behind "How it is calculated", for whoever
    needs them. `height` is the chart element's height in pixels, axes and legend included.
    `on_download` marks a table that holds names (see `csv_download`); `search` puts a box to
    find a team under the title.
    """
    st.subheader(title)
    if summary:
        st.caption(summary)
    explain(metrics, how)
    if search is not None:
        search.draw()
    if table.empty or chart is None:
        st.info(empty_message)
        return
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.vega_lite_chart(
            spec=chart,
            width="stretch",
            height=height,
            alt=f"{title}. {summary} The same figures are in the Table tab.",
        )
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch", placeholder="–")
        csv_download(table, title, on_download=on_download)


def explain(metrics: Sequence[str] = (), how: str = "") -> None:
    """A closed "How it is calculated" expander: each metric's exact definition, then `how`."""
    if not metrics and not how:
        return
    lines = [
        f"**{fmt.plain(METRICS[name].label)}**: {fmt.plain(METRICS[name].definition)}"
        for name in metrics
    ]
    if how:
        lines.append(fmt.plain(how))
    with st.expander("How it is calculated"):
        st.markdown("\n\n".join(lines))


def csv_download(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    title: str,
    file_stem: str | None = None,
    *,
    label: str = "Download CSV",
    on_download: Callable[[], None] | None = None,
) -> None:
    """A download button (`label`) for `table` as CSV (see `csv_text`), or for the table a
    function makes (called only when the button is pressed: a long list is not built on
    every run to show its first rows).

    The file is made only when the button is pressed (Streamlit's deferred download), so no
    file sits on the server waiting to be fetched. `on_download` marks a table that holds
    names: it runs when the file is made (to log the download), and the file is served once,
    to that press, then deleted (ui/server_guards.py)."""

    def make() -> bytes:
        if on_download is not None:
            on_download()
        return csv_text(table() if callable(table) else table)

    st.download_button(
        label,
        server_guards.register_names_download(make) if on_download else make,
        file_name=f"{file_stem or slug(title)}.csv",
        mime="text/csv",
        key=f"download-{slug(title)}",
        on_click="ignore",
    )


def target_rules(
    names: Sequence[str], targets: Mapping[str, Target], unit: str = "%"
) -> list[tuple[float, str]]:
    """The dashed target lines of the named metrics (those with a target): one line per target
    value ("target 90%"), named after its metrics when a chart's metrics have different
    targets ("Reflective supervision: target 80%")."""
    by_value: dict[float, list[str]] = {}
    for name in names:
        if name in targets:
            by_value.setdefault(targets[name].value, []).append(name)
    if len(by_value) == 1:
        return [(value, f"target {value:g}{unit}") for value in by_value]
    return [
        (value, " and ".join(METRICS[name].label for name in owners) + f": target {value:g}{unit}")
        for value, owners in sorted(by_value.items())
    ]


def trend_against_targets(
    points: Iterable[SeriesPoint],
    names: Sequence[str],
    targets: Mapping[str, Target],
    *,
    title: str | None = None,
    y_title: str = "%",
    unit: str = "%",
    note: str = "",
    reference: tuple[float, str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    **options: Any,
) -> None:
    """The metrics `names` over a period (`points`, from `queries.series`), a line each, with
    their targets dashed across (`target_rules`, in `unit`) or instead a `reference` line (its
    value, label and the sentence saying what it is); titled `title` (default: the one
    metric's label), summarised by the metrics' own words and `note`. Its table has a row per
    month and a column per metric, headed by `columns` (metric name -> heading; default its
    label). `options` go to the chart (`chart_specs.trend`)."""
    labels = {name: METRICS[name].label for name in names}
    data = pd.DataFrame(
        [
            {"month": point.month, "series": labels[point.metric], "value": point.value}
            for point in points
            if point.metric in labels and point.value is not None
        ],
        columns=["month", "series", "value"],
    )
    if reference is not None:
        value, label, lines = reference
        rules = [(value, label)]
    else:
        rules = target_rules(names, targets, unit)
        lines = {0: "", 1: "The dashed line is the target."}.get(
            len(rules), "The dashed lines are the targets."
        )
    summary = " ".join(METRICS[name].summary for name in names)
    table = data.pivot(index="month", columns="series", values="value").reset_index()
    table["month"] = table["month"].map(lambda day: day.strftime("%m/%Y"))
    headings = {labels[name]: (columns or {}).get(name, labels[name]) for name in names}
    chart = (
        chart_specs.trend(data, y_title=y_title, rules=rules, **options) if not data.empty else None
    )
    chart_block(
        title or labels[names[0]],
        " ".join(part for part in (summary, note, lines) if part),
        chart,
        table.rename(columns={"month": "Month", **headings}),
        metrics=tuple(names),
    )
