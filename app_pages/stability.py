"""Workforce stability: agency use, turnover, vacancies, stability; starters and leavers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.indicators.breakdowns import SERVICE_BANDS
from data_access.indicators.metrics import METRICS
from ui import chart_specs, queries
from ui.auth import current_grant
from ui.charts import chart_block, trend_against_targets
from ui.filters import current
from ui.layout import grid, page_header, sections
from ui.period import choose_period
from ui.tables import unit_table
from ui.tiles import headline_tiles

INDICATORS = ("agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte", "stability_index")

filters = current()
if not page_header(
    "Workforce stability",
    filters,
    "Fewer agency staff, lower turnover and vacancies, and people staying: the trends, who is "
    "joining and leaving, and how long people have been with us.",
):
    st.stop()
as_at, scope = filters.as_at, filters.scope
policy = queries.policy()
#: The indicators, the vacancy rate beside the number of vacant posts behind it, three a row.
TILES = (
    "agency_rate_fte",
    "turnover_rate_fte",
    "stability_index",
    "vacancy_rate_fte",
    "vacancies_fte",
)
headline_tiles(queries.headlines(as_at, scope, policy, names=TILES), as_at, per_row=3)
months = choose_period("stability-period")

points = queries.series(INDICATORS, as_at, months, scope)


def indicators() -> None:
    """The four indicators over the period, then the units within the scope compared."""
    for cell, name in zip(grid(len(INDICATORS), 2), INDICATORS, strict=True):
        target = policy.targets.get(name)
        with cell:
            trend_against_targets(
                points,
                (name,),
                policy.targets,
                columns={name: f"{METRICS[name].label} (%)"},
                y_max=50 if target and target.better == "lower" else 100,
            )

    units = queries.compare(as_at, scope, INDICATORS, policy, current_grant())
    if units:
        plural = {"area": "Areas", "hub": "Hubs", "team": "Teams"}[units[0].unit.kind]
        unit_table(f"{plural} compared", units, INDICATORS, policy)


def movements() -> None:
    """Who joined and left, why permanent staff left, and how long those here have been here."""
    movements = pd.DataFrame(
        [
            {
                "month": m.month,
                "employment_type": m.employment_type,
                "Starters": m.starters,
                "Leavers": m.leavers,
            }
            for m in queries.movements(as_at, months, scope)
        ]
    )
    long = movements.melt(
        id_vars=["month", "employment_type"],
        value_vars=["Starters", "Leavers"],
        var_name="movement",
    )
    long["signed"] = long["value"].where(long["movement"] == "Starters", -long["value"])
    movement_table = movements.assign(month=movements["month"].map(lambda d: d.strftime("%m/%Y")))
    chart_block(
        "Starters and leavers each month",
        "People who joined (above the line) and left (below it) each month, employed and agency, "
        "in every role.",
        chart_specs.movements(long),
        movement_table.rename(columns={"month": "Month", "employment_type": "Contract"}),
        how="Starters: workers whose start_date falls in the calendar month; leavers: whose "
        "end_date does. Counted by head, by employment_type.",
    )

    left, right = st.columns(2)
    with left:
        reasons = pd.DataFrame(
            [
                {"Leaving reason": r.reason, "Leavers": r.leavers, "FTE": r.fte}
                for r in queries.leaving_reasons(as_at, scope)
            ]
        )
        chart_block(
            "Why permanent staff left, last 12 months",
            "Why the permanent staff who left in the past year went, as their leaving was "
            "recorded.",
            chart_specs.leaving_reasons(reasons) if not reasons.empty else None,
            reasons,
            how="Permanent workers whose end_date is in (D - 12 months, D], by leaving_reason "
            '("Not recorded" when blank): the leavers counted in turnover.',
            height=max(200, 32 * len(reasons) + 80),
            empty_message="No permanent worker left in the 12 months to this date.",
        )
    with right:
        bands = pd.DataFrame(
            [
                {"Length of service": b.band, "Contract": b.employment_type, "Workers": b.workers}
                for b in queries.service_bands(as_at, scope)
            ]
        )
        chart_block(
            "Length of service of those in post",
            "How long the people here now have been with us, employed and agency.",
            chart_specs.service_bands(bands, SERVICE_BANDS) if bands["Workers"].sum() > 0 else None,
            bands,
            how="Workers in post at D by time since start_date; each band includes its upper bound "
            "(a start exactly 12 months before D is in 1 to 2 years).",
        )


sections("section", {"Indicators": indicators, "Starters and leavers": movements})
