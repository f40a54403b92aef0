"""Supervision: is every social worker supervised often enough, reflectively, with the
child's views recorded?"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from data_access.core.models import AUDIT_GRADES
from data_access.indicators.breakdowns import ELIGIBLE, IN_POST
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import (
    CHILDS_VIEWS_BASELINE,
    DUE_SOON_DAYS,
    SupervisionStatus,
    TargetStatus,
)
from data_access.indicators.survey import SURVEY_MIN_RESPONSES, SURVEY_RULE
from ui import chart_specs, queries
from ui import format as fmt
from ui.auth import current_grant
from ui.charts import TeamSearch, chart_block, searched, trend_against_targets
from ui.filters import current
from ui.layout import page_header, sections, suppressed_note, teams_shown_note
from ui.period import choose_period

filters = current()
if not page_header(
    "Supervision",
    filters,
    "Regular, reflective supervision for every social worker: weekly for the first six weeks "
    "of the ASYE, fortnightly to six months, then at least monthly (LGA standard 5).",
    populations=(IN_POST, ELIGIBLE),
):
    st.stop()
as_at, scope = filters.as_at, filters.scope

counts = queries.supervision_counts(as_at, scope)
if counts.eligible == 0:
    st.warning(f"No social workers were in post in {fmt.plain(filters.scope_label)} on this date.")
    st.stop()
tiles = st.columns(4)
tiles[0].metric(
    "In date",
    f"{counts.in_date} of {counts.eligible}",
    help=METRICS["supervision_coverage"].summary,
    border=True,
)
tiles[1].metric(
    "Overdue",
    counts.overdue,
    help="Eligible workers whose latest held session is older than their required interval. "
    "In date and overdue add up to every eligible worker.",
    border=True,
)
tiles[2].metric(
    SupervisionStatus.DUE_SOON.label,
    counts.due_soon,
    help=f"Of those in date: overdue within {DUE_SOON_DAYS} days unless supervised.",
    border=True,
)
tiles[3].metric(
    "Never supervised",
    counts.never_supervised,
    help="Eligible workers with no held session recorded on or before this date: new starters "
    "whose first session is not due yet are in date, the others overdue.",
    border=True,
)
st.caption(
    f"{counts.in_date} in date + {counts.overdue} overdue = {counts.eligible} social workers. "
    f"{SupervisionStatus.DUE_SOON.label} is part of the {counts.in_date} in date. Of the "
    f"{counts.never_supervised} never supervised, {counts.never_supervised_overdue} "
    f"{'is' if counts.never_supervised_overdue == 1 else 'are'} overdue and the rest are new "
    "starters still in date. The Team page lists who, team by team."
)

months = choose_period("supervision-period")


policy = queries.policy()


def metric_chart(title: str, names: tuple[str, ...], **options: Any) -> None:
    """A trend of one or more metrics over the period against their targets (see
    `trend_against_targets`)."""
    points = queries.series(names, as_at, months, scope)
    trend_against_targets(points, names, policy.targets, title=title, **options)


def in_date() -> None:
    """Coverage over time and by team: who is supervised as often as the standard asks."""
    metric_chart("Supervision in date", ("supervision_coverage",), y_title="% in date")

    search = searched("heat-search")
    ranked = queries.weakest_coverage(as_at, 12, scope, current_grant(), search)
    shown_rows, matching = ranked.rows, ranked.matching
    coverage_target = policy.targets["supervision_coverage"]
    heat = pd.DataFrame(
        [
            {
                "Team": row.team_name,
                "month": row.month,
                "value": row.value,
                "eligible": row.denominator,
                "status": coverage_target.status(row.value),
            }
            for row in shown_rows
        ],
        columns=["Team", "month", "value", "eligible", "status"],
    )
    heat_table = (
        heat.assign(month=heat["month"].map(lambda day: day.strftime("%m/%Y")))
        .pivot(index="Team", columns="month", values="value")
        .reset_index()
        if not heat.empty
        else heat
    )
    goal, margin = coverage_target.value, coverage_target.close_margin
    bands = {
        TargetStatus.MET: f"{TargetStatus.MET.symbol} met: {goal:g}% or more",
        TargetStatus.CLOSE: f"{TargetStatus.CLOSE.symbol} close: {goal - margin:g}% to {goal:g}%",
        TargetStatus.MISSED: f"{TargetStatus.MISSED.symbol} missed: under {goal - margin:g}%",
    }
    shown_teams = heat["Team"].nunique() if not heat.empty else 0
    chart_block(
        "Supervision in date by team, last 12 months",
        teams_shown_note(shown_teams, matching, search, "lowest in the latest month")
        + "Each cell is a team's share of social workers supervised in date at a month end, "
        f"against the {goal:g}% target; weakest teams at the bottom.",
        chart_specs.coverage_heat(heat.dropna(subset=["value"]), bands)
        if not heat.empty and heat["value"].notna().any()
        else None,
        heat_table,
        metrics=("supervision_coverage",),
        height=max(330, 24 * heat["Team"].nunique() + 150) if not heat.empty else 330,
        search=TeamSearch("heat-search", "those lowest in the latest month", matching),
    )
    suppressed_note(ranked.suppressed, "eligible workers")


def agreements_and_training() -> None:
    """The conditions for good supervision: agreements, trained supervisors, appraisals."""
    left, right = st.columns(2)
    with left:
        metric_chart(
            "Supervision agreements",
            ("supervision_agreement_share", "agreement_within_3_months_share"),
        )
    with right:
        metric_chart(
            "Supervision training for managers",
            ("supervisor_training_share", "new_manager_training_share"),
        )

    metric_chart("Annual appraisals", ("appraisal_share",))


def quality() -> None:
    """How good supervision is: reflective, with the child's views, long enough, as audited,
    and as staff say."""
    left, right = st.columns(2)
    with left:
        metric_chart(
            "Reflective supervision and the child's views",
            ("reflective_share", "childs_views_share"),
            y_title="% of sessions",
            reference=(
                CHILDS_VIEWS_BASELINE,
                "42% (2015)",
                "The dashed line is Coventry's 2015 starting point: 42% of staff used children's "
                "views in supervision.",
            ),
        )
    with right:
        metric_chart(
            "Sessions of 1.5 hours or more",
            ("supervision_duration_standard_share",),
            note="The LGA standard asks for at least an hour and a half of uninterrupted "
            "supervision.",
            y_title="% of sessions",
        )

    left, right = st.columns(2)
    with left:
        grades = pd.DataFrame(
            [
                {"quarter": g.quarter_end, "Grade": g.grade.replace("_", " "), "Audits": g.audits}
                for g in queries.audit_grades(as_at, 8, scope)
            ]
        )
        grade_order = [grade.replace("_", " ") for grade in AUDIT_GRADES]
        chart_block(
            "Supervision audit grades, last 8 quarters",
            "How the supervision records sampled each quarter were graded, as shares of that "
            "quarter's audits.",
            chart_specs.audit_grades(grades, grade_order) if not grades.empty else None,
            grades.assign(quarter=grades["quarter"].map(lambda day: day.strftime("%m/%Y")))
            if not grades.empty
            else grades,
            metrics=("audit_good_or_better_share",),
            how="Audits of in-scope supervisees dated in each calendar quarter, by grade.",
            empty_message="No supervision audits are recorded for this scope in the last 8 "
            "quarters.",
        )
    with right:
        answers = queries.survey(as_at, scope)
        survey = pd.DataFrame(
            [
                {
                    "survey_date": point.survey_date,
                    "question": point.question,
                    "share": point.share,
                    "responses": point.responses,
                    "agree": point.agree,
                    "basis": point.basis,
                }
                for point in answers
            ],
            columns=["survey_date", "question", "share", "responses", "agree", "basis"],
        )
        whose = (
            "the whole organisation"
            if scope.is_whole_organisation
            else fmt.plain(filters.scope_label)
        )
        stand_in = survey["basis"].eq("organisation").any()
        survey_table = pd.DataFrame(
            {
                "Survey": survey["survey_date"].map(fmt.uk_date),
                "Question": survey["question"],
                "Responses": survey["responses"],
                "Agreeing": survey["agree"],
                "% agreeing": survey["share"],
                "Figures for": survey["basis"].map(
                    {"scope": filters.scope_label, "organisation": "Whole organisation"}
                ),
            }
        )
        chart_block(
            "Staff survey: supervision",
            "The share of staff agreeing with each supervision question of the annual staff "
            f"survey, for {whose}."
            + (
                " Where this part of the organisation has no team results, the whole "
                "organisation's figure is shown (see the table)."
                if stand_in and not scope.is_whole_organisation
                else ""
            ),
            chart_specs.survey_trend(survey) if survey["share"].notna().any() else None,
            survey_table,
            how=SURVEY_RULE + " A question is about supervision when its text contains “supervis”.",
            empty_message="No staff survey with supervision questions is loaded for this date "
            "(staff_survey.csv, optional: see the Data page)."
            if survey.empty
            else f"Too few people answered for a share to be shown (fewer than "
            f"{SURVEY_MIN_RESPONSES} for each question).",
        )


sections(
    "section",
    {
        "In date": in_date,
        "Agreements and training": agreements_and_training,
        "Quality": quality,
    },
)
