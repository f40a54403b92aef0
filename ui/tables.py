"""Tables of indicators by area, hub or team, each cell flagged against its target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from data_access.access.grants import SMALL_GROUP_MINIMUM, SUPPRESSED
from data_access.core.models import CensusFigures
from data_access.indicators.breakdowns import UnitFigures
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import Policy, TargetStatus
from data_access.national.census import (
    ALLOWANCE_FIELDS,
    ALLOWANCE_OFFERED,
    FIGURE_LABELS,
    PAY_FIGURES,
)
from ui import format as fmt
from ui.charts import csv_download, slug
from ui.replay import replayed

#: Column headings short enough for every headline column to fit the page at 1280 pixels
#: without scrolling sideways; the full label and unit are in each heading's tooltip and the
#: CSV.
SHORT_HEADINGS = {
    "headcount": "Headcount",
    "fte_in_post": "FTE",
    "agency_rate_fte": "Agency",
    "turnover_rate_fte": "Turnover",
    "vacancy_rate_fte": "Vacancy",
    "vacancies_fte": "Vacant FTE",
    "stability_index": "Stability",
    "caseload_average": "Caseload",
    "caseload_over_threshold_share": "Over limit",
    "supervision_coverage": "In date",
    "supervision_agreement_share": "Agreed",
    "agreement_within_3_months_share": "Agreed ≤3m",
    "supervisor_training_share": "Trained",
    "new_manager_training_share": "New mgrs",
    "reflective_share": "Reflective",
    "childs_views_share": "Child's views",
    "supervision_duration_standard_share": "1.5 hours",
    "audit_good_or_better_share": "Audits",
    "appraisal_share": "Appraisals",
}

#: The unit table's choice that shows every indicator at once.
EVERY_INDICATOR = "Every indicator"

# Symbols (fmt.STATUS_SYMBOL) as well as colours, so the flag survives colour blindness and
# printing.
STATUS_BACKGROUND = {
    TargetStatus.MET: "background-color: #d9f0e3",
    TargetStatus.CLOSE: "background-color: #fdebc8",
    TargetStatus.MISSED: "background-color: #f9d4d0",
    None: "",
}


def _formatter(name: str, policy: Policy) -> Callable[[Any], str]:
    unit = METRICS[name].unit
    target = policy.targets.get(name)

    # Any: the Styler passes each cell as pandas holds it (a numpy scalar, float or None).
    def show(value: Any) -> str:
        if value is None or pd.isna(value):
            return "no data"
        text = f"{value:.1f}%" if unit == "%" else f"{value:.1f}"
        if target is None:
            return text
        return f"{text} {fmt.STATUS_SYMBOL[target.status(float(value))]}"

    return show


def unit_table(
    title: str, units: list[UnitFigures], names: tuple[str, ...], policy: Policy
) -> None:
    """A sortable table (one row per unit, one column per indicator, or one chosen indicator,
    which fits a phone) with a CSV download of every indicator."""
    st.subheader(title)
    if not units:
        st.info("There is nothing below this level to compare: choose a wider scope.")
        return
    every = tuple(names)
    chosen = st.selectbox(
        "Indicators",
        [EVERY_INDICATOR, *every],
        format_func=lambda name: name if name == EVERY_INDICATOR else METRICS[name].label,
        key=f"compare-{slug(title)}",
        help="One indicator at a time fits a phone's screen without scrolling sideways.",
    )
    _flagged_table(units, every if chosen == EVERY_INDICATOR else (chosen,), policy)
    csv_download(_unit_rows(units, every), title)


def _unit_label(unit: UnitFigures) -> str:
    return f"{unit.unit.label} ({SUPPRESSED})" if unit.suppressed else unit.unit.label


@replayed
def _flagged_table(units: list[UnitFigures], names: tuple[str, ...], policy: Policy) -> None:
    """The units' figures for `names`, each cell flagged against its target (a symbol and a
    colour), and the key to the flags. Drawn once per distinct figures and replayed: the
    Styler is most of the cost of a page that compares 150 areas."""
    kind = units[0].unit.kind.capitalize()
    labels = {name: METRICS[name].label for name in names}
    frame = pd.DataFrame(
        [{kind: _unit_label(unit), **{labels[n]: unit.values[n] for n in names}} for unit in units]
    )
    statuses = pd.DataFrame(
        [
            {kind: "", **{labels[n]: STATUS_BACKGROUND[unit.statuses[n]] for n in names}}
            for unit in units
        ]
    )
    styled = frame.style.format({labels[n]: _formatter(n, policy) for n in names}).apply(
        lambda _: statuses, axis=None
    )
    headings = {
        labels[name]: st.column_config.Column(
            SHORT_HEADINGS[name],
            help=f"{labels[name]}: {METRICS[name].summary}",
            width="small",
        )
        for name in names
    }
    st.dataframe(styled, hide_index=True, width="stretch", column_config=headings)
    note = "✓ target met · ~ close to target · ✗ target missed. Click a heading to sort."
    if any(unit.suppressed for unit in units):
        note += (
            f" ({SUPPRESSED}) figures suppressed: fewer than {SMALL_GROUP_MINIMUM} people in post, "
            "in a team whose names your access does not cover, or figures that would give such "
            "a team's away by subtraction."
        )
    st.caption(note)


def _unit_rows(units: list[UnitFigures], names: tuple[str, ...]) -> pd.DataFrame:
    """The CSV's rows: every indicator's value and status for each unit."""
    kind = units[0].unit.kind.capitalize()
    return pd.DataFrame(
        [
            {
                kind: _unit_label(unit),
                **{METRICS[n].label: unit.values[n] for n in names},
                **{f"{METRICS[n].label} status": unit.statuses[n] or "" for n in names},
            }
            for unit in units
        ]
    )


def uk_date_columns(*names: str) -> dict:
    """`column_config` that shows these date columns as 31/10/2026 and sorts them as dates."""
    return {name: st.column_config.DateColumn(name, format="DD/MM/YYYY") for name in names}


def census_figure_rows(figures: CensusFigures) -> list[dict[str, str]]:
    """A census return's figures as a reader sees them: one row per figure, labelled, the
    2025 layout's pay and allowances only for a return that has them (allowances in words)."""
    values = figures.as_json()
    rows = []
    for key, label in FIGURE_LABELS.items():
        value = values[key]
        if key in PAY_FIGURES and figures.salaried_workers is None:
            continue  # a layout before 2025: no pay items
        rows.append({"Figure": label, "Value": "no value" if value is None else str(value)})
    for label, offered in allowances_offered(figures):
        figure = label if label == OTHER_ALLOWANCES else f"Allowance: {label}"
        rows.append({"Figure": figure, "Value": offered})
    return rows


OTHER_ALLOWANCES = "Other allowances"


def allowances_offered(figures: CensusFigures) -> list[tuple[str, str]]:
    """The 2025 layout's allowances a return gives, each with whom it is offered to in words,
    then its other allowances' text, if any (none for an earlier layout)."""
    offered = [
        (label, ALLOWANCE_OFFERED[code])
        for field_name, label in ALLOWANCE_FIELDS.items()
        if (code := getattr(figures, field_name)) is not None
    ]
    if figures.other_allowances:
        offered.append((OTHER_ALLOWANCES, figures.other_allowances))
    return offered
