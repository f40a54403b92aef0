"""The agency figures for a scope and month end, against the values worked out by hand in
tests/support/agency.py."""

from __future__ import annotations

from datetime import date

import pytest
from support.agency import D

from data_access.access.grants import Grant, GrantScope
from data_access.agency.figures import (
    agency_figures,
    agency_headlines,
    agency_held,
    agency_period,
    agency_suppressed,
    agency_trend,
    budget_status,
    context_notes,
    named_assignments,
)
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators.agency_rules import Context
from data_access.indicators.policy import TargetStatus
from data_access.ingest.importer import import_files
from data_access.settings import change_agency_monthly_budget


def test_the_whole_organisation_at_the_end_of_march(agency_org):
    with session_scope(agency_org) as session:
        figures = agency_figures(D, Scope(), session=session)
    assert figures.as_json() == {
        "agency_assignments_active": 3,
        "agency_cost_month": 19689.48,
        "agency_compliant_share": 33.3,
        "agency_cap_breaches_unsigned": 1,
    }
    assert figures.rule_shares == {
        "experience": 66.7,
        "cooling_off": 66.7,
        "price_cap": 33.3,
        "references": 66.7,
        "notice": 66.7,
    }
    assert figures.rule_outcomes["price_cap"] == {
        "compliant": 1,
        "not_compliant": 1,
        "no_cap_set": 1,
    }
    assert figures.rule_outcomes["notice"] == {"compliant": 2, "not_recorded": 1}
    assert (figures.running_over_12_months, figures.ending_within_4_weeks) == (1, 1)
    assert figures.by_agency == {"Acme": 2, "Best": 1}
    assert figures.by_cover_reason == {"absence": 1, "project": 1, "vacancy": 1}
    assert (figures.project_team_assignments, figures.project_team_cost_month) == (1, 5544.0)


def test_a_scope_counts_only_its_teams_workers(agency_org):
    with session_scope(agency_org) as session:
        south = agency_figures(D, Scope(area="South"), session=session)
        team = agency_figures(D, Scope(team_id="T1"), session=session)
    # South is T2: AS3 alone, 5,166.00, compliant with none of the five rules.
    assert south.as_json() == {
        "agency_assignments_active": 1,
        "agency_cost_month": 5166.0,
        "agency_compliant_share": 0.0,
        "agency_cap_breaches_unsigned": 0,
    }
    # T1: AS1 and AS2 active; 7,179.48 + 5,544.00 + 1,800.00 = 14,523.48; AS1 compliant.
    assert team.as_json() == {
        "agency_assignments_active": 2,
        "agency_cost_month": 14523.48,
        "agency_compliant_share": 50.0,
        "agency_cap_breaches_unsigned": 1,
    }


def test_a_month_with_no_assignment_has_no_cost_and_no_share(agency_org):
    with session_scope(agency_org) as session:
        figures = agency_figures(date(2023, 10, 31), Scope(), session=session)
    assert figures.as_json() == {
        "agency_assignments_active": 0,
        "agency_cost_month": 0.0,
        "agency_compliant_share": None,
        "agency_cap_breaches_unsigned": 0,
    }


def test_the_trend_month_by_month(agency_org):
    """January 2025: AS1 (from 6 January) and AS3 active at the end, AS1 compliant and AS3
    not: 50.0%; the costs are the return's (tests/support/agency.py). March: as above, the
    project team's part AS2's 5,544.00."""
    months = [date(2025, 1, 31), date(2025, 2, 28), D]
    with session_scope(agency_org) as session:
        trend = agency_trend(months, Scope(), session=session)
    assert [
        (p.month, p.cost, p.project_team_cost, p.active, p.compliant_share, p.cap_breaches_unsigned)
        for p in trend
    ] == [
        (date(2025, 1, 31), 13521.24, 0.0, 2, 50.0, 0),
        (date(2025, 2, 28), 11757.6, 0.0, 2, 50.0, 0),
        (D, 19689.48, 5544.0, 3, 33.3, 1),
    ]
    assert trend[-1].other_cost == 14145.48


def test_a_trend_in_a_teams_scope(agency_org):
    """Team T2 holds AS3 only: 41.00 x 30 x 21 / 5 in March."""
    with session_scope(agency_org) as session:
        trend = agency_trend([D], Scope(team_id="T2"), session=session)
    assert [(p.cost, p.active, p.compliant_share) for p in trend] == [(5166.0, 1, 0.0)]


def test_names_only_inside_the_grant(agency_org):
    beta = Grant("leader@x.test", "leader", (GrantScope("team", "T2", "Beta"),))
    everyone = Grant("admin@x.test", "admin", (GrantScope("organisation", "*"),))
    board = Grant("board@x.test", "board", (GrantScope("organisation", "*"),))
    with session_scope(agency_org) as session:
        narrow = named_assignments(D, Scope(), beta, session=session)
        wide = named_assignments(D, Scope(), everyone, session=session)
        none = named_assignments(D, Scope(), board, session=session)
        north = named_assignments(D, Scope(area="North"), everyone, session=session)
    assert ([row.display_name for row in narrow.rows], narrow.outside_grant) == (["Ada"], 2)
    assert ([row.assignment_id for row in wide.rows], wide.outside_grant) == (
        ["AS3", "AS1", "AS2"],  # oldest first
        0,
    )
    assert (none.rows, none.outside_grant) == ([], 3)
    assert [row.assignment_id for row in north.rows] == ["AS1", "AS2"]
    ada, ann, abe = wide.rows
    assert ada.rules_not_met == (
        "Experience not recorded",
        "Returned within 3 months of a post in the region",
        "No price cap set for the role",
        "Fewer than 2 references",
        "Notice not recorded",
    )
    assert (ada.running_long, ada.ending_soon, ada.days_left, ada.cap) == (True, False, None, None)
    assert ann.rules_not_met == ()
    # AS2 ends 18/04/2025, 18 days after D; 57.00 over the 55.00 cap, signed by the DCS only.
    assert (abe.ending_soon, abe.days_left, abe.cap_breach_unsigned, abe.cap) == (
        True,
        18,
        True,
        55.0,
    )
    assert abe.rules_not_met == ("Over the price cap without both sign-offs",)
    assert (abe.rules_not_met_text, ann.rules_not_met_text) == (
        "Over the price cap without both sign-offs",
        "none",
    )


def test_the_headline_figures_and_a_year_earlier(agency_org):
    """March 2024: only AS3 active, 41.00 x 30 x 21 / 5 = 5,166.00 (March 2024 has 21
    weekdays), not compliant."""
    with session_scope(agency_org) as session:
        figures = {f.name: f for f in agency_headlines(D, Scope(), session=session)}
    assert list(figures) == [
        "agency_cost_month",
        "agency_assignments_active",
        "agency_compliant_share",
        "agency_cap_breaches_unsigned",
    ]
    cost = figures["agency_cost_month"]
    assert (cost.value, cost.year_earlier, cost.change, cost.change_direction) == (
        19689.48,
        5166.0,
        14523.48,
        "worse",
    )
    assert (cost.target, cost.status) == (None, None)  # no budget set
    share = figures["agency_compliant_share"]
    assert (share.value, share.year_earlier, share.change, share.change_direction) == (
        33.3,
        0.0,
        33.3,
        "better",
    )
    active = figures["agency_assignments_active"]
    assert (active.value, active.change, active.change_direction) == (3, 2, None)
    assert len(cost.history) == 24 and cost.history[-1] == (D, 19689.48)


def test_the_cost_against_the_budget_for_the_whole_organisation_only(agency_org):
    with session_scope(agency_org) as session:
        change_agency_monthly_budget(19_000, by="test", session=session)
    with session_scope(agency_org) as session:
        whole = agency_headlines(D, Scope(), session=session)[0]
        north = agency_headlines(D, Scope(area="North"), session=session)[0]
    assert (whole.target, whole.target_better, whole.status) == (19_000, "lower", "close")
    assert (north.target, north.status) == (None, None)


def test_the_budget_status_at_its_edges():
    assert budget_status(19_000.0, 19_000) is TargetStatus.MET
    assert budget_status(19_950.0, 19_000) is TargetStatus.CLOSE  # exactly 5% over
    assert budget_status(19_950.01, 19_000) is TargetStatus.MISSED
    assert budget_status(1.0, None) is None


def test_a_scope_without_assignments_has_no_data(agency_org):
    with session_scope(agency_org) as session:
        figures = agency_headlines(date(2022, 3, 31), Scope(), session=session)
    assert [figure.value for figure in figures] == [None, None, None, None]


def test_the_page_says_why_the_no_return_rule_cannot_be_judged(agency_org):
    with session_scope(agency_org) as session:
        notes = agency_figures(D, Scope(), session=session).notes
    assert len(notes) == 1 and notes[0].startswith("DfE's published indicators file is not loaded")
    nobody = Context(our_la_code=None, regions={}, caps={})
    assert context_notes(nobody)[0].startswith("Our authority is not chosen")
    known = Context(our_la_code="330", regions={"330": "West Midlands"}, caps={})
    assert context_notes(known) == ()


def test_one_or_two_assignments_outside_the_grant_are_suppressed(agency_org):
    """At D, T1 (Alpha, North) has AS1 and AS2 active, T2 (Beta, South) AS3: for a board
    member every team and area holds fewer than 3 and is hidden, the organisation (3) is not.
    Whoever may see every name sees everything."""
    board = Grant("board@x.test", "board")
    everyone = Grant("admin@x.test", "admin", (GrantScope("organisation", "*"),))
    with session_scope(agency_org) as session:
        hidden = {
            scope: agency_suppressed(D, scope, board, session=session)
            for scope in (Scope(), Scope(area="North"), Scope(area="South"), Scope(team_id="T2"))
        }
        seen = agency_suppressed(D, Scope(team_id="T2"), everyone, session=session)
        # On 31/03/2024 only AS3 (T2) was active: the organisation's figure is one person's.
        earlier = agency_suppressed(date(2024, 3, 31), Scope(), board, session=session)
    assert hidden == {
        Scope(): False,
        Scope(area="North"): True,
        Scope(area="South"): True,
        Scope(team_id="T2"): True,
    }
    assert (seen, earlier) == (False, True)


def test_a_period_gives_the_trend_and_the_figures_at_its_end_from_one_reading(agency_org):
    """The same values as the trend and the figures read apart (above, worked by hand)."""
    months = [date(2025, 1, 31), date(2025, 2, 28), D]
    with session_scope(agency_org) as session:
        period = agency_period(months, Scope(), session=session)
    assert [(p.month, p.cost, p.active) for p in period.trend] == [
        (date(2025, 1, 31), 13521.24, 2),
        (date(2025, 2, 28), 11757.6, 2),
        (D, 19689.48, 3),
    ]
    assert period.figures.as_json() == {
        "agency_assignments_active": 3,
        "agency_cost_month": 19689.48,
        "agency_compliant_share": 33.3,
        "agency_cap_breaches_unsigned": 1,
    }
    # AS4 ended on 03/01/2025: in the trend's January, not in March's figures.
    assert period.figures.by_agency == {"Acme": 2, "Best": 1}
    assert (period.figures.project_team_assignments, period.figures.project_team_cost_month) == (
        1,
        5544.0,
    )


#: A worker in North (T1) whose only assignment, AS6, runs from Saturday 25/05/2024 to the
#: END given: before AS4 (03/06/2024), North's first.
WEEKEND_WORKER = (
    b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
    b"A4,Amy,social_worker,agency,1,T1,2024-05-01\n"
)


def add_as6(engine, end: str) -> None:
    assignment = (
        b"assignment_id,staff_id,agency,role_category,swe_number,start_date,end_date,"
        b"hours_per_week,hourly_pay_rate,hourly_capped_cost,hourly_charge_rate,project_team,"
        b"cover_reason,pqe_years,last_permanent_la_code,last_permanent_end_date,"
        b"references_received,notice_weeks,cap_breach_dcs_signoff_date\n"
        b"AS6,A4,Acme,social_worker,SW4,2024-05-25," + end.encode() + b",30,30,34.00,41.00,no,"
        b"absence,6,,,2,4,\n"
    )
    result = import_files(
        {"staff.csv": WEEKEND_WORKER, "agency_assignments.csv": assignment},
        engine=engine,
        source="test",
    )
    assert result.loaded, [str(problem) for problem in result.problems]


#: The 12 month ends to 31/05/2024: in North, only AS6 is in them (AS4 starts on 03/06/2024).
TO_MAY_2024 = [
    *(date(2023, month, day) for month, day in ((6, 30), (7, 31), (8, 31), (9, 30), (10, 31))),
    *(date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)),
    *(date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)),
]


def test_agency_work_in_some_month(agency_org):
    """Worked by hand from tests/support/agency.py: AS3 (South, T2) starts on 01/12/2023, AS4
    (North, T1) on 03/06/2024."""
    with session_scope(agency_org) as session:
        # The 24 months to 30/11/2023 end the day before AS3, the first assignment, starts.
        to_november = [date(2023, 11, 30)]
        assert not agency_held(to_november, Scope(), session=session)
        # December 2023: AS3 from its first day.
        assert agency_held([date(2023, 12, 31)], Scope(), session=session)
        # May 2024: AS3 in South; nothing yet in North.
        assert agency_held([date(2024, 5, 31)], Scope(area="South"), session=session)
        assert not agency_held([date(2024, 5, 31)], Scope(area="North"), session=session)
        assert not agency_held([], Scope(), session=session)


@pytest.mark.parametrize(
    ("end", "held", "may_cost"),
    [
        # Saturday and Sunday only: no weekday, so no cost, and not active at a month end.
        ("2024-05-26", False, 0.0),
        # To Monday 27/05/2024: one weekday, 41.00 x 30 x 1 / 5 = 246.00.
        ("2024-05-27", True, 246.0),
        # Continuing: active at 31/05/2024; Monday 27 to Friday 31 May, 41.00 x 30 x 5 / 5.
        ("", True, 1230.0),
    ],
)
def test_a_weekend_alone_is_no_agency_work(agency_org, end, held, may_cost):
    add_as6(agency_org, end)
    north = Scope(area="North")
    with session_scope(agency_org) as session:
        assert agency_held(TO_MAY_2024, north, session=session) is held
        trend = agency_trend(TO_MAY_2024, north, session=session)
    # The trend the board pack's agency section reads agrees, month by month.
    assert [month.month for month in trend if month.held] == ([date(2024, 5, 31)] if held else [])
    assert [month.cost for month in trend] == [0.0] * 11 + [may_cost]
