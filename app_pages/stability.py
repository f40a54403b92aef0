"""Workforce stability: agency use, turnover, vacancies, stability; starters and leavers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.indicators.breakdowns import SERVICE_BANDS
from data_access.indicators.metrics import METRICS
from ui import chart_specs, queries
from ui.auth import current_grant
from ui.charts import chart_block
from ui.filters import current
from ui.layout import grid, page_header
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
headline_tiles(
    [figure for figure in queries.headlines(as_at, scope, policy) if figure.name in INDICATORS],
    as_at,
)
months = choose_period("stability-period")

points = queries.series(INDICATORS, as_at, months, scope)
frame = pd.DataFrame(
    [{"month": p.month, "metric": p.metric, "value": p.value} for p in points]
).dropna(subset=["value"])

for cell, name in zip(grid(len(INDICATORS), 2), INDICATORS, strict=True):
    metric = METRICS[name]
    target = policy.targets.get(name)
    data = frame[frame["metric"] == name].assign(series=metric.label)
    rules = [(target.value, f"target {target.value:g}%")] if target else []
    table = data.assign(month=data["month"].map(lambda d: d.strftime("%m/%Y")))[
        ["month", "value"]
    ].rename(columns={"month": "Month", "value": f"{metric.label} (%)"})
    with cell:
        chart_block(
            metric.label,
            metric.definition,
            chart_specs.trend(
                data,
                y_title="%",
                rules=rules,
                y_max=50 if target and target.better == "lower" else 100,
            )
            if not data.empty
            else None,
            table,
        )

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
    id_vars=["month", "employment_type"], value_vars=["Starters", "Leavers"], var_name="movement"
)
long["signed"] = long["value"].where(long["movement"] == "Starters", -long["value"])
movement_table = movements.assign(month=movements["month"].map(lambda d: d.strftime("%m/%Y")))
chart_block(
    "Starters and leavers each month",
    "Workers whose start_date (starters) or end_date (leavers) falls in the month, by "
    "contract. Headcount, all roles.",
    chart_specs.movements(long),
    movement_table.rename(columns={"month": "Month", "employment_type": "Contract"}),
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
        "Permanent workers whose end_date is in the 12 months to the chosen date, by the "
        "leaving reason recorded (the leavers counted in turnover).",
        chart_specs.leaving_reasons(reasons) if not reasons.empty else None,
        reasons,
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
        "Workers in post at the chosen date, by time since their start_date, and contract.",
        chart_specs.service_bands(bands, SERVICE_BANDS) if bands["Workers"].sum() > 0 else None,
        bands,
    )

units = queries.compare(as_at, scope, INDICATORS, policy, current_grant())
if units:
    plural = {"area": "Areas", "hub": "Hubs", "team": "Teams"}[units[0].unit.kind]
    unit_table(f"{plural} compared", units, INDICATORS, policy)
