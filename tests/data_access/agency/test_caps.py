"""The price caps an administrator edits: all or nothing, every change logged, and the rules
judge against the new caps at once."""

from __future__ import annotations

from datetime import date

import pytest
from support.agency import D

from data_access.access.grants import CHANGE_SETTINGS, access_log
from data_access.agency.caps import CapsNotSaved, PriceCap, price_caps, save_price_caps
from data_access.agency.figures import agency_figures
from data_access.core.db import session_scope
from data_access.core.scope import Scope

START = date(2024, 10, 31)
HELD = [
    PriceCap("social_worker", START, 40.0),
    PriceCap("team_manager", START, 55.0),
]


def test_the_caps_as_imported(agency_org):
    with session_scope(agency_org) as session:
        assert price_caps(session=session) == HELD


def test_a_change_an_addition_and_a_removal_are_each_logged(agency_org):
    new = [
        PriceCap("social_worker", START, 41.5),
        PriceCap("senior_social_worker", date(2025, 4, 1), 45.0),
    ]
    with session_scope(agency_org) as session:
        changes = save_price_caps(new, by="admin@x.test", session=session)
    assert changes == [
        "removed team_manager from 31/10/2024: £55.00",
        "social_worker from 31/10/2024: £40.00 -> £41.50",
        "added senior_social_worker from 01/04/2025: £45.00",
    ]
    with session_scope(agency_org) as session:
        assert price_caps(session=session) == [new[0], new[1]]
        logged = [
            (event.user_email, event.action, event.detail)
            for event in access_log(10, session=session)
            if event.scope == "Agency price caps"
        ]
        # AS2 (team manager) now has no cap: the price cap rule's outcome for it changes.
        figures = agency_figures(D, Scope(), session=session)
    assert sorted(logged) == sorted(("admin@x.test", CHANGE_SETTINGS, c) for c in changes)
    assert figures.rule_outcomes["price_cap"] == {"compliant": 1, "no_cap_set": 2}


def test_saving_the_same_caps_changes_and_logs_nothing(agency_org):
    with session_scope(agency_org) as session:
        assert save_price_caps(list(HELD), by="admin@x.test", session=session) == []
        assert not [e for e in access_log(10, session=session) if e.scope == "Agency price caps"]


@pytest.mark.parametrize(
    ("caps", "problem"),
    [
        (
            [PriceCap("social worker", START, 40.0)],
            'row 1, role category: "social worker" is not one of social_worker, '
            "senior_social_worker, advanced_practitioner, team_manager, iro_conference_chair",
        ),
        (
            [PriceCap("social_worker", START, 40.123)],
            "row 1, hourly cap: pounds above 0 and at most 1,000, with at most 2 decimal "
            "places; found 40.123",
        ),
        (
            [PriceCap("social_worker", START, 0.0)],
            "row 1, hourly cap: pounds above 0 and at most 1,000, with at most 2 decimal "
            "places; found 0",
        ),
        (
            [PriceCap("social_worker", START, 40.0), PriceCap("social_worker", START, 42.0)],
            "row 2: the same role category and date as row 1 (one cap per category from each date)",
        ),
    ],
)
def test_a_wrong_row_saves_nothing(agency_org, caps, problem):
    with session_scope(agency_org) as session, pytest.raises(CapsNotSaved) as refused:
        save_price_caps([*caps, PriceCap("team_manager", START, 60.0)], by="x", session=session)
    assert refused.value.problems == [problem]
    with session_scope(agency_org) as session:
        assert price_caps(session=session) == HELD
