"""Supervision: is every social worker supervised often enough, reflectively, with the
child's views recorded?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.core.models import AUDIT_GRADES
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import CHILDS_VIEWS_BASELINE
from ui import chart_specs, queries
from ui import format as fmt
from ui.auth import current_grant
from ui.charts import chart_block
from ui.filters import current
from ui.layout import page_header, suppressed_note, team_search, teams_shown_note
from ui.period import choose_period

filters = current()
if not page_header(
    "Supervision",
    filters,
    "Regular, reflective supervision for every social worker: weekly for the first six weeks "
    "of the ASYE, fortnightly to six months, then at least monthly (LGA standard 5).",
):
    st.stop()
as_at, scope = filters.as_at, filters.scope

counts = queries.supervision_counts(as_at, scope)
if counts.eligible == 0:
    st.warning(f"No social workers were in post in {fmt.plain(filters.scope_label)} on this date.")
    st.stop()
tiles = st.columns(4)
tiles[0].metric(
    "Supervision in date",
    f"{counts.in_date} of {counts.eligible}",
    help=METRICS["supervision_coverage"].definition,
    border=True,
)
tiles[1].metric(
    "Due within 7 days",
    counts.due_within_7_days,
    help="In date now, but overdue within a week unless supervised.",
    border=True,
)
tiles[2].metric(
    "Overdue",
    counts.overdue,
    help="Eligible workers whose latest held session is older than their required interval.",
    border=True,
)
tiles[3].metric(
    "Never supervised",
    counts.never_supervised,
    help="Eligible workers with no held session recorded on or before this date.",
    border=True,
)
st.caption("The Team page lists who is overdue, team by team.")

months = choose_period("supervision-period")


def trend(names: tuple[str, ...]) -> pd.DataFrame:
    points = queries.series(names, as_at, months, scope)
    frame = pd.DataFrame(
        [{"month": p.month, "series": METRICS[p.metric].label, "value": p.value} for p in points]
    )
    return frame.dropna(subset=["value"])


def as_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.pivot(index="month", columns="series", values="value").reset_index()
    table["month"] = table["month"].map(lambda day: day.strftime("%m/%Y"))
    return table.rename(columns={"month": "Month"})


coverage = trend(("supervision_coverage",))
target = queries.policy().targets["supervision_coverage"].value
chart_block(
    "Supervision in date",
    METRICS["supervision_coverage"].definition,
    chart_specs.trend(coverage, y_title="% in date", rules=[(target, f"target {target:g}%")])
    if not coverage.empty
    else None,
    as_table(coverage) if not coverage.empty else coverage,
)

search = team_search("heat-search", "those lowest in the latest month")
ranked = queries.weakest_coverage(as_at, 12, scope, current_grant(), search)
shown_rows, matching = ranked.rows, ranked.matching
heat = pd.DataFrame(
    [
        {"Team": row.team_name, "month": row.month, "value": row.value, "eligible": row.denominator}
        for row in shown_rows
    ]
)
heat_table = (
    heat.assign(month=heat["month"].map(lambda day: day.strftime("%m/%Y")))
    .pivot(index="Team", columns="month", values="value")
    .reset_index()
    if not heat.empty
    else heat
)
shown_teams = heat["Team"].nunique() if not heat.empty else 0
chart_block(
    "Supervision in date by team, last 12 months",
    teams_shown_note(shown_teams, matching, search, "lowest in the latest month")
    + "Each cell is supervision_coverage for one team at one month end; weakest teams at the "
    "bottom. " + METRICS["supervision_coverage"].definition,
    chart_specs.coverage_heat(heat.dropna(subset=["value"]))
    if not heat.empty and heat["value"].notna().any()
    else None,
    heat_table,
    height=max(330, 22 * heat["Team"].nunique() + 90) if not heat.empty else 330,
)
suppressed_note(ranked.suppressed, "eligible workers")

left, right = st.columns(2)
with left:
    agreements = trend(("supervision_agreement_share", "supervisor_training_share"))
    chart_block(
        "Supervision agreements and supervisor training",
        f"{METRICS['supervision_agreement_share'].definition} "
        f"{METRICS['supervisor_training_share'].definition}",
        chart_specs.trend(agreements, y_title="%") if not agreements.empty else None,
        as_table(agreements) if not agreements.empty else agreements,
    )
with right:
    quality = trend(("reflective_share", "childs_views_share"))
    chart_block(
        "Reflective supervision and the child's views",
        f"{METRICS['reflective_share'].definition} {METRICS['childs_views_share'].definition} "
        "The dashed line is Coventry's 2015 starting point: 42% of staff used children's views "
        "in supervision.",
        chart_specs.trend(
            quality, y_title="% of sessions", rules=[(CHILDS_VIEWS_BASELINE, "42% (2015)")]
        )
        if not quality.empty
        else None,
        as_table(quality) if not quality.empty else quality,
    )

grades = pd.DataFrame(
    [
        {"quarter": g.quarter_end, "Grade": g.grade.replace("_", " "), "Audits": g.audits}
        for g in queries.audit_grades(as_at, 8, scope)
    ]
)
grade_order = [grade.replace("_", " ") for grade in AUDIT_GRADES]
chart_block(
    "Supervision audit grades, last 8 quarters",
    "Sample audits of supervision quality by quarter, as a share of the audits in each "
    f"quarter. Headline indicator: {METRICS['audit_good_or_better_share'].definition}",
    chart_specs.audit_grades(grades, grade_order) if not grades.empty else None,
    grades.assign(quarter=grades["quarter"].map(lambda day: day.strftime("%m/%Y")))
    if not grades.empty
    else grades,
    empty_message="No supervision audits are recorded for this scope in the last 8 quarters.",
)
