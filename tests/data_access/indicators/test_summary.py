"""The ready-made page results: default date, freshness, headline figures and targets."""

from __future__ import annotations

from datetime import date

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators.policy import Target
from data_access.indicators.summary import (
    data_freshness,
    headline_figures,
    latest_complete_month_end,
)
from data_access.ingest.importer import import_files


@pytest.fixture
def small_org(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def test_default_date_is_the_latest_complete_month(small_org):
    with session_scope(small_org) as session:
        # Latest record: S01's snapshot on 2025-04-30, a month end.
        assert latest_complete_month_end(session=session) == date(2025, 4, 30)
    extra = (
        "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,reflective,"
        "childs_views_recorded\nX99,S01,S05,2025-05-06,held,60,yes,yes\n"
    )
    assert import_files({"supervision_sessions.csv": extra.encode()}, engine=small_org).loaded
    with session_scope(small_org) as session:
        # May is only partly covered, so April stays the default.
        assert latest_complete_month_end(session=session) == date(2025, 4, 30)


def test_empty_database_has_no_default_date(engine):
    with session_scope(engine) as session:
        assert latest_complete_month_end(session=session) is None
        freshness = data_freshness(session=session)
    assert (freshness.last_import_at, freshness.latest_data_date) == (None, None)


def test_freshness_names_the_last_import(small_org):
    with session_scope(small_org) as session:
        freshness = data_freshness(session=session)
    assert freshness.last_import_source == "fixture"
    assert freshness.latest_data_date == date(2025, 5, 6) or freshness.latest_data_date == date(
        2025, 4, 30
    )


def test_headline_figures_compare_with_a_year_earlier(small_org):
    with session_scope(small_org) as session:
        figures = {f.name: f for f in headline_figures(date(2025, 3, 31), Scope(), session=session)}
    agency = figures["agency_rate_fte"]
    # At 2024-03-31 in post: S01 S02 S04 S05 S09 S10 S12 S13 (S07 left that day).
    # Agency S09 1 + S10 0.5 = 1.5; permanent 1 + 0.5 + 0.8 + 1 + 1 + 0.6 = 4.9; 1.5/6.4 = 23.4
    assert (agency.value, agency.year_earlier, agency.change) == (25.0, 23.4, 1.6)
    assert agency.change_direction == "worse"  # lower is better for agency
    assert (agency.target, agency.status) == (15.0, "missed")
    coverage = figures["supervision_coverage"]
    assert coverage.value == 62.5
    # At 2024-03-31 eligible: S01 S02 S04 S10 S13. Nobody had a session yet, but S02 started
    # that day, so is in date by the start rule: 1 / 5.
    assert coverage.year_earlier == 20.0
    assert coverage.change_direction == "better"
    assert coverage.status == "missed"
    caseload = figures["caseload_average"]
    assert (caseload.value, caseload.year_earlier, caseload.status) == (18.0, None, "met")
    assert caseload.change is None and caseload.change_direction is None


@pytest.mark.parametrize(
    ("target", "actual", "status"),
    [
        (Target(15.0, "lower", 3.0), 15.0, "met"),
        (Target(15.0, "lower", 3.0), 18.0, "close"),
        (Target(15.0, "lower", 3.0), 18.1, "missed"),
        (Target(90.0, "higher", 5.0), 90.0, "met"),
        (Target(90.0, "higher", 5.0), 85.0, "close"),
        (Target(90.0, "higher", 5.0), 84.9, "missed"),
        (Target(90.0, "higher", 5.0), None, None),
    ],
)
def test_target_status(target, actual, status):
    assert target.status(actual) == status
