"""The staff survey: how many staff agree with each supervision question, survey by survey.

Coventry's scrutiny report (recommendation 9) asks for an annual staff survey to oversee the
impact of the supervision policy. `staff_survey.csv` holds, per survey date and question,
how many answered and how many agreed: for the whole organisation (team_id blank) and, if the
council has them, for each team. Only counts are stored, never a person's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_access.core.models import StaffSurveyResult
from data_access.core.scope import Scope
from data_access.indicators.metrics import percentage

#: A question is about supervision when its text contains this (in any case).
SUPERVISION_QUESTION_MARK = "supervis"
#: A share agreeing is shown only when at least this many people answered: below it a figure
#: could tell a manager how one person answered.
SURVEY_MIN_RESPONSES = 5

Basis = Literal["scope", "organisation"]


@dataclass(frozen=True)
class SurveyPoint:
    """One question of one survey: the counts the share is taken from, and whose they are."""

    survey_date: date
    question: str
    responses: int
    agree: int
    #: None when fewer than SURVEY_MIN_RESPONSES answered.
    share: float | None
    #: "scope": the teams in scope (or the organisation's own row, for the whole organisation);
    #: "organisation": the scope has no team results for this question, so the whole
    #: organisation's figure stands in, and says so.
    basis: Basis


def is_supervision_question(question: str) -> bool:
    """Whether a survey question is about supervision: its text contains "supervis"
    ("supervision", "supervisor", "supervised"), in any case."""
    return SUPERVISION_QUESTION_MARK in question.lower()


def survey_agreement_share(responses: int, agree: int) -> float | None:
    """The share of staff agreeing with a survey question: agree / responses x 100, summed
    over the survey's rows for the teams in scope. For the whole organisation it is the
    organisation's own row (team_id blank) when the survey has one, else the sum of its team
    rows; for an area, hub or team without team rows for that survey and question, the
    organisation's figure stands in, marked as such. A share from fewer than 5 responses is not
    shown, since it could identify how someone answered."""
    if responses < SURVEY_MIN_RESPONSES:
        return None
    return percentage(agree, responses)


def survey_trend(
    as_at: date, scope: Scope, *, session: Session, supervision_only: bool = True
) -> list[SurveyPoint]:
    """Every survey dated on or before `as_at`, question by question (supervision questions
    only, unless `supervision_only` is False), as `survey_agreement_share` defines: two
    statements, whatever the number of surveys, questions or teams."""
    results = StaffSurveyResult
    team_rows = (
        select(
            col(results.survey_date),
            col(results.question),
            func.sum(col(results.responses)),
            func.sum(col(results.agree)),
        )
        .where(col(results.team_id) != "", col(results.survey_date) <= as_at)
        .group_by(col(results.survey_date), col(results.question))
    )
    condition = scope.contains_team(col(results.team_id))
    if condition is not None:
        team_rows = team_rows.where(condition)
    organisation_rows = select(
        col(results.survey_date), col(results.question), col(results.responses), col(results.agree)
    ).where(col(results.team_id) == "", col(results.survey_date) <= as_at)

    teams = {
        (day, question): (int(responses), int(agree))
        for day, question, responses, agree in session.execute(team_rows)
    }
    organisation = {
        (day, question): (int(responses), int(agree))
        for day, question, responses, agree in session.execute(organisation_rows)
    }
    points = []
    for key in sorted(set(teams) | set(organisation)):
        day, question = key
        if supervision_only and not is_supervision_question(question):
            continue
        basis: Literal["scope", "organisation"]
        if scope.is_whole_organisation:
            counts, basis = organisation.get(key) or teams[key], "scope"
        elif key in teams:
            counts, basis = teams[key], "scope"
        else:
            counts, basis = organisation[key], "organisation"
        responses, agree = counts
        points.append(
            SurveyPoint(
                day, question, responses, agree, survey_agreement_share(responses, agree), basis
            )
        )
    return points


#: The survey rule in words, for the pages (the docstring of `survey_agreement_share`).
SURVEY_RULE = " ".join((survey_agreement_share.__doc__ or "").split())
