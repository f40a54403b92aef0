"""The agency figures for a scope and month end, against the values worked out by hand in
tests/support/agency.py."""

from __future__ import annotations

from datetime import date

from support.agency import D

from data_access.agency.figures import agency_figures
from data_access.core.db import session_scope
from data_access.core.scope import Scope


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
