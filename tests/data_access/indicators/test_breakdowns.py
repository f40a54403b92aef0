"""Trends and breakdowns against values worked out by hand on tests/fixtures/small_org."""

from __future__ import annotations

from datetime import date

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.access.grants import Grant, GrantScope
from data_access.core.dates import months_ending
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators import breakdowns, roster
from data_access.ingest.importer import import_files

EVERY_NAME = Grant("dcs@council.example", "leader", (GrantScope("organisation", "*"),))
T1_MANAGER = Grant("t1@council.example", "manager", (GrantScope("team", "T1"),))
#: A board member never sees names, even with a grant recorded against them.
BOARD = Grant("board@council.example", "board", (GrantScope("organisation", "*"),))

D = date(2025, 3, 31)


@pytest.fixture
def session(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        yield session


def test_months_ending():
    assert months_ending(date(2025, 3, 15), 3) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]


def test_child_units_go_one_level_down(session):
    def labels(scope):
        return [(unit.kind, unit.label) for unit in breakdowns.child_units(scope, session=session)]

    assert labels(Scope()) == [("area", "North"), ("area", "South")]
    assert labels(Scope(area="North")) == [("hub", "Hub A")]
    assert labels(Scope(hub="Hub A")) == [
        ("team", "Alpha family support"),
        ("team", "Alpha safeguarding"),
    ]
    assert labels(Scope(team_id="T1")) == []


def test_metric_series_matches_single_dates(session):
    points = breakdowns.metric_series(
        ["agency_rate_fte"], [date(2024, 3, 31), D], Scope(), session=session
    )
    # 2024-03-31: 1.5 agency / 6.4 (see test_summary.py); D: 25.0.
    assert [(p.month, p.value) for p in points] == [(date(2024, 3, 31), 23.4), (D, 25.0)]


def test_starters_and_leavers(session):
    movements = breakdowns.starters_and_leavers([date(2025, 2, 28), D], Scope(), session=session)
    found = {(m.month, m.employment_type): (m.starters, m.leavers) for m in movements}
    assert found == {
        (date(2025, 2, 28), "permanent"): (1, 0),  # S15 starts 2025-02-28
        (date(2025, 2, 28), "agency"): (0, 0),
        (D, "permanent"): (1, 1),  # S06 starts on D; S04 leaves on D
        (D, "agency"): (0, 0),
    }
    # Months that are not consecutive: S15's start on 2025-02-28 is in neither December 2024
    # nor March 2025; S13 leaves on 2024-12-31.
    movements = breakdowns.starters_and_leavers([date(2024, 12, 31), D], Scope(), session=session)
    found = {(m.month, m.employment_type): (m.starters, m.leavers) for m in movements}
    assert found == {
        (date(2024, 12, 31), "permanent"): (0, 1),
        (date(2024, 12, 31), "agency"): (0, 0),
        (D, "permanent"): (1, 1),
        (D, "agency"): (0, 0),
    }


def test_coverage_by_team(session):
    rows = breakdowns.coverage_by_team([D], Scope(), grant=EVERY_NAME, session=session)
    assert [(r.team_id, r.value, r.denominator, r.suppressed) for r in rows] == [
        ("T2", 66.7, 3, False),  # S08 S10 in date; S15 overdue
        ("T1", 50.0, 4, False),
        ("T3", 100.0, 1, False),
    ]


def test_coverage_by_team_suppresses_a_small_team_outside_the_grant(session):
    """T3 has one eligible worker (S11): its 100% is S11's own status, so it is suppressed for
    anyone without its names. T3 is Hub B and South on its own, and the organisation minus North
    would be T3 again, so North's smallest other team outside the grant, T2 (3 eligible: S08,
    S10, S15), is suppressed with it (complementary suppression): for T1's manager, who sees T1
    by name, and for a board member alike. T1 (4 eligible) stays: 50.0%."""
    for grant in (T1_MANAGER, BOARD):
        rows = breakdowns.coverage_by_team([D], Scope(), grant=grant, session=session)
        assert [(r.team_id, r.value, r.suppressed) for r in rows] == [
            ("T2", None, True),
            ("T1", 50.0, False),
            ("T3", None, True),
        ]
    south = Grant("south@council.example", "leader", (GrantScope("area", "South"),))
    rows = breakdowns.coverage_by_team([D], Scope(), grant=south, session=session)
    assert [(r.team_id, r.value) for r in rows][2] == ("T3", 100.0)


def test_the_weakest_teams_are_ranked_at_the_latest_month_and_only_theirs_are_read(session):
    """At D (hand-worked above): T1 50.0%, T2 66.7%, T3 100.0%. The two weakest are T1 and
    T2, both months of each; for a board member T2 and T3 are suppressed (None, last)."""
    months = [date(2025, 2, 28), D]
    found = breakdowns.weakest_coverage(months, Scope(), grant=EVERY_NAME, count=2, session=session)
    assert {row.team_id for row in found.rows} == {"T1", "T2"}
    assert [(r.month, r.team_id) for r in found.rows if r.month == D] == [(D, "T2"), (D, "T1")]
    assert (found.matching, found.suppressed) == (3, [])
    board = breakdowns.weakest_coverage(months, Scope(), grant=BOARD, count=2, session=session)
    assert [(r.team_id, r.value) for r in board.rows if r.month == D] == [
        ("T2", None),
        ("T1", 50.0),
    ]
    assert board.suppressed == sorted(
        {
            row.team_name
            for row in breakdowns.coverage_by_team(months, Scope(), grant=BOARD, session=session)
            if row.suppressed
        }
    )
    assert len(board.suppressed) == 2
    searched = breakdowns.weakest_coverage(
        months, Scope(), grant=EVERY_NAME, search="zzz", session=session
    )
    assert (searched.rows, searched.matching) == ([], 0)


def test_status_counts_include_workers_never_supervised(session):
    counts = breakdowns.supervision_status_counts(D, Scope(team_id="T1"), session=session)
    # S06 has no session at all but is in date by the start rule, and due within 7 days.
    # Never supervised: S03 (agency since 2024-06-01: overdue) and S06 (started on D: in date).
    assert counts == breakdowns.SupervisionStatusCounts(
        eligible=4,
        in_date=2,
        due_soon=2,
        overdue=2,
        never_supervised=2,
        never_supervised_overdue=1,
    )


def test_audit_grades_by_quarter(session):
    grades = breakdowns.audit_grades_by_quarter([date(2024, 12, 31), D], Scope(), session=session)
    assert sorted((g.quarter_end, g.grade, g.audits) for g in grades) == [
        (D, "good", 1),
        (D, "inadequate", 1),
        (D, "requires_improvement", 1),
    ]


def test_worker_sessions_only_within_their_team(session):
    since = date(2025, 1, 1)
    rows = roster.worker_sessions("S02", since, D, "T1", grant=T1_MANAGER, session=session)
    assert [(r.session_date, r.status, r.supervisor) for r in rows] == [
        (date(2025, 2, 27), "held", "Eve Eden"),
        (date(2025, 3, 20), "cancelled", "Eve Eden"),
    ]
    assert roster.worker_sessions("S02", since, D, "T2", grant=EVERY_NAME, session=session) == []


def test_a_supervisor_from_a_team_outside_the_grant_is_not_named(session):
    # Ivy Ince (S09) manages T2; here she supervises Ann Archer (S01, T1) once.
    from data_access.core.models import SupervisionSession

    session.add(
        SupervisionSession(
            session_id="X99",
            staff_id="S01",
            supervisor_id="S09",
            session_date=date(2025, 3, 25),
            status="held",
            duration_minutes=60,
            reflective=True,
            childs_views_recorded=True,
        )
    )
    session.flush()
    since = date(2025, 3, 1)
    hub_a = Grant("hos@council.example", "leader", (GrantScope("hub", "Hub A"),))
    shown = {
        grant.email: [
            r.supervisor
            for r in roster.worker_sessions("S01", since, D, "T1", grant=grant, session=session)
        ]
        for grant in (T1_MANAGER, hub_a, EVERY_NAME)
    }
    assert shown == {
        "t1@council.example": ["a supervisor outside your access"],
        "hos@council.example": ["Ivy Ince"],
        "dcs@council.example": ["Ivy Ince"],
    }


def test_worker_sessions_only_within_the_grant(session):
    since = date(2025, 1, 1)
    t2_manager = Grant("t2@council.example", "manager", (GrantScope("team", "T2"),))
    for grant in (t2_manager, BOARD):
        assert roster.worker_sessions("S02", since, D, "T1", grant=grant, session=session) == []


def test_weakest_teams_keeps_charts_to_a_readable_number(session):
    """At D: T2 66.7%, T1 50.0%, T3 100.0% (test_coverage_by_team)."""
    months = [date(2025, 2, 28), D]
    rows = breakdowns.coverage_by_team(months, Scope(), grant=EVERY_NAME, session=session)
    shown, matching = breakdowns.weakest_teams(rows, count=2)
    assert matching == 3
    assert {row.team_id for row in shown} == {"T1", "T2"}  # the two lowest at D
    assert len(shown) == 4  # both months of each
    shown, matching = breakdowns.weakest_teams(rows, search=" BETA ")
    assert (matching, {row.team_id for row in shown}) == (1, {"T3"})
    assert breakdowns.weakest_teams(rows, search="nothing like it") == ([], 0)
    assert breakdowns.weakest_teams([]) == ([], 0)


def test_most_over_threshold_keeps_the_caseload_chart_readable(session):
    """At the 31/03/2025 snapshot: T1 holders S01 20, S02 10, S03 18, S06 17 (in the ASYE,
    limit 16.2): S01 and S06 over, 2 of 4 = 50.0%; T3 S11 16 of 16.2: 0.0%; T2 has no case
    holder (S08 holds 0 cases), so no figure."""
    rows = breakdowns.caseloads_by_team(D, Scope(), grant=EVERY_NAME, session=session)
    shown, matching = breakdowns.most_over_threshold(rows, count=2)
    assert matching == 3
    assert [(r.team_id, r.over_threshold_share) for r in shown] == [("T1", 50.0), ("T3", 0.0)]
    shown, matching = breakdowns.most_over_threshold(rows, search="alpha")
    assert matching == 2
    assert [(r.team_id, r.over_threshold_share) for r in shown] == [("T1", 50.0), ("T2", None)]


def test_the_asye_chart_shows_the_most_stretched_teams_first():
    """Worked by hand: team A's most stretched worker holds 18 of 16.2 (111%), team B's 9 of
    16.2 (56%), team C's 14 of 14.4 (97%)."""
    from data_access.indicators.breakdowns import AsyeCaseload, most_stretched_asye_teams

    rows = [
        AsyeCaseload("Team A", 3, 18, 16.2),
        AsyeCaseload("Team A", 8, 5, 16.2),
        AsyeCaseload("Team B", 1, 9, 16.2),
        AsyeCaseload("Team C", 11, 14, 14.4),
    ]
    shown, matching = most_stretched_asye_teams(rows, count=2)
    assert matching == 3
    assert [(row.team_name, row.open_cases) for row in shown] == [
        ("Team A", 18), ("Team A", 5), ("Team C", 14),
    ]  # fmt: skip
    assert most_stretched_asye_teams(rows, search="team b") == ([rows[2]], 1)
    assert most_stretched_asye_teams([], search="x") == ([], 0)
