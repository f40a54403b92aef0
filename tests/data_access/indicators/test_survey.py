"""The staff survey: its import rules, and the share agreeing by hand on tests/fixtures/small_org
(staff_survey.csv), as at D = 2025-03-31."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.db import session_scope
from data_access.core.models import StaffSurveyResult
from data_access.core.scope import Scope
from data_access.indicators.survey import (
    is_supervision_question,
    survey_agreement_share,
    survey_trend,
)
from data_access.ingest.importer import import_files

D = date(2025, 3, 31)
REFLECT = "My supervision helps me reflect on my practice"
MONTHLY = "I get supervision at least monthly"
RECOMMEND = "I would recommend the council as a place to work"
TEAMS = b"team_id,team_name,team_type,hub,area\nT1,One,safeguarding,Hub,North\n"
HEADER = "survey_date,team_id,question,responses,agree\n"


@pytest.fixture
def small_org(engine):
    result = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    assert result.loaded, [str(problem) for problem in result.problems]
    return engine


def trend(engine, scope: Scope, **options) -> list[tuple]:
    with session_scope(engine) as session:
        points = survey_trend(D, scope, **options, session=session)
    return [(p.survey_date, p.question, p.responses, p.agree, p.share, p.basis) for p in points]


def test_the_organisation_uses_its_own_row_else_its_teams(small_org):
    assert trend(small_org, Scope()) == [
        # The organisation's rows: 6 of 10, 8 of 11 (T1 and T2's rows are not summed over it).
        (date(2024, 6, 30), REFLECT, 10, 6, 60.0, "scope"),
        # Only T3 answered this one, and 2 people are too few to show.
        (date(2025, 3, 31), MONTHLY, 2, 2, None, "scope"),
        (date(2025, 3, 31), REFLECT, 11, 8, 72.7, "scope"),
        # The "recommend" question is not about supervision; 2025-04-30 is after D.
    ]


def test_a_hub_sums_its_teams_and_falls_back_to_the_organisation(small_org):
    assert trend(small_org, Scope(hub="Hub A")) == [
        # No team rows in 2024: the organisation's figure, marked as such.
        (date(2024, 6, 30), REFLECT, 10, 6, 60.0, "organisation"),
        # T1 4 of 5 + T2 2 of 4 = 6 of 9. T3's question is not Hub A's.
        (date(2025, 3, 31), REFLECT, 9, 6, 66.7, "scope"),
    ]


def test_a_team_below_five_responses_is_not_shown(small_org):
    assert trend(small_org, Scope(team_id="T3")) == [
        (date(2024, 6, 30), REFLECT, 10, 6, 60.0, "organisation"),
        (date(2025, 3, 31), MONTHLY, 2, 2, None, "scope"),
        (date(2025, 3, 31), REFLECT, 11, 8, 72.7, "organisation"),
    ]
    assert trend(small_org, Scope(team_id="T1"))[1] == (D, REFLECT, 5, 4, 80.0, "scope")


def test_every_question_when_asked(small_org):
    questions = {point[1] for point in trend(small_org, Scope(), supervision_only=False)}
    assert questions == {REFLECT, MONTHLY, RECOMMEND}
    assert (D, RECOMMEND, 11, 5, 45.5, "scope") in trend(small_org, Scope(), supervision_only=False)


@pytest.mark.parametrize(
    ("question", "about_supervision"),
    [(REFLECT, True), (MONTHLY, True), ("My SUPERVISOR listens", True), (RECOMMEND, False)],
)
def test_supervision_questions(question, about_supervision):
    assert is_supervision_question(question) is about_supervision


def test_the_share_needs_five_responses():
    assert survey_agreement_share(4, 4) is None
    assert survey_agreement_share(5, 4) == 80.0
    assert survey_agreement_share(8, 0) == 0.0


def survey_problems(engine, rows: str) -> list[str]:
    result = import_files(
        {"teams.csv": TEAMS, "staff_survey.csv": (HEADER + rows).encode()}, engine=engine
    )
    assert not result.loaded
    return [str(problem) for problem in result.problems]


def test_agree_cannot_exceed_responses(engine):
    assert survey_problems(engine, f"2025-06-30,T1,{REFLECT},10,11\n") == [
        "staff_survey.csv, line 2, agree: agree (11) cannot be more than responses (10)"
    ]


def test_a_duplicate_organisation_row_is_refused(engine):
    rows = f"2025-06-30,,{REFLECT},10,5\n30/06/2025,,{REFLECT},12,6\n2025-06-30,T1,{REFLECT},5,2\n"
    assert survey_problems(engine, rows) == [
        "staff_survey.csv, line 3, survey_date+team_id+question: duplicate key "
        f'"2025-06-30, , {REFLECT}": already on line 2'
    ]


def test_an_unknown_team_is_refused(engine):
    assert survey_problems(engine, f"2025-06-30,T9,{REFLECT},10,5\n") == [
        'staff_survey.csv, line 2, team_id: unknown team_id "T9": not in teams.csv nor in the '
        "database"
    ]


def test_a_blank_team_is_the_organisation_and_a_reload_replaces_counts(engine):
    first = f"2025-06-30,,{REFLECT},10,5\n2025-06-30,T1,{REFLECT},6,3\n"
    files = {"teams.csv": TEAMS, "staff_survey.csv": (HEADER + first).encode()}
    assert import_files(files, engine=engine).loaded
    files["staff_survey.csv"] = (HEADER + f"2025-06-30,,{REFLECT},10,7\n").encode()
    result = import_files(files, engine=engine)
    assert result.loaded
    survey = next(count for count in result.counts if count.file == "staff_survey.csv")
    assert (survey.added, survey.replaced, survey.unchanged) == (0, 1, 0)
    with session_scope(engine) as session:
        stored = session.execute(
            select(StaffSurveyResult.team_id, StaffSurveyResult.agree).order_by(
                StaffSurveyResult.team_id
            )
        ).all()
    assert stored == [("", 7), ("T1", 3)]
