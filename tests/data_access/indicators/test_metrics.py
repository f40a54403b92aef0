"""Every metric against the values worked out by hand in tests/support/hand_worked.py (on
tests/fixtures/small_org, as at D = 2025-03-31), and the rules at their boundaries."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from support.hand_worked import AREA_SOUTH, HUB_A, TEAM_T1, WHOLE_ORGANISATION, D
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.db import session_scope
from data_access.core.models import SupervisionSession
from data_access.core.scope import Scope
from data_access.indicators.conditions import latest_snapshot_date
from data_access.indicators.grid import compute_metrics
from data_access.indicators.metrics import METRICS, percentage, round_one_decimal
from data_access.indicators.policy import DEFAULT_POLICY, Policy
from data_access.indicators.stored_parts import refresh_stored_parts
from data_access.ingest.importer import import_files


@pytest.fixture
def small_org(engine):
    result = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    assert result.loaded, [str(problem) for problem in result.problems]
    return engine


WHOLE = Scope()


def figures(session, as_at, scope=WHOLE, policy=DEFAULT_POLICY):
    """The figures as the dashboard computes them."""
    return compute_metrics(as_at, scope, policy, session=session)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(), WHOLE_ORGANISATION),
        (Scope(team_id="T1"), TEAM_T1),
        (Scope(hub="Hub A"), HUB_A),
        (Scope(area="North", hub="Hub A"), HUB_A),
        (Scope(area="South"), AREA_SOUTH),
    ],
    ids=["organisation", "team", "hub", "area-and-hub", "area"],
)
def test_metrics_match_hand_calculation(small_org, scope, expected):
    """As the dashboard reads them (the import stored the parts of every month end;
    tests/data_access/indicators/test_grid.py checks the stored and the computed paths against
    each other and against plain Python)."""
    with session_scope(small_org) as session:
        assert compute_metrics(D, scope, session=session) == expected


def test_every_metric_is_checked_by_hand():
    assert set(WHOLE_ORGANISATION) == set(METRICS)


def test_a_date_before_any_data_gives_zero_counts_and_null_rates(small_org):
    with session_scope(small_org) as session:
        values = figures(session, date(2000, 1, 31))
    assert values["headcount"] == 0
    assert values["fte_in_post"] == 0.0
    assert values["vacancies_fte"] == 0.0
    rates = {name: value for name, value in values.items() if METRICS[name].unit == "%"}
    assert len(rates) == len(METRICS) - 4
    assert rates == dict.fromkeys(rates)


def test_caseloads_use_the_latest_snapshot_on_or_before_d(small_org):
    with session_scope(small_org) as session:
        assert latest_snapshot_date(D, session=session) == date(2025, 3, 31)
        assert latest_snapshot_date(date(2025, 3, 30), session=session) == date(2025, 2, 28)
        # Only S01 has a row at 2025-02-28: 30 cases, 1 FTE, over 18.
        earlier = figures(session, date(2025, 3, 30), Scope(team_id="T1"))
    assert earlier["caseload_average"] == 30.0
    assert earlier["caseload_over_threshold_share"] == 100.0


def test_caseload_thresholds_come_from_policy(small_org):
    policy = Policy(
        caseload_thresholds={**DEFAULT_POLICY.caseload_thresholds, "safeguarding": 19.0}
    )
    with session_scope(small_org) as session:
        values = figures(session, D, Scope(team_id="T1"), policy)
    # S01 20 > 19 is still over; S06 (ASYE) 17 is not above 19 x 0.9 = 17.1.
    assert values["caseload_over_threshold_share"] == 25.0


def test_supervisor_training_window_comes_from_policy(small_org):
    policy = Policy(supervisor_training_window_months=36)
    with session_scope(small_org) as session:
        values = figures(session, D, Scope(), policy)
    assert values["supervisor_training_share"] == 100.0


STAFF_HEADER = "staff_id,display_name,role,employment_type,fte,team_id,start_date,asye_start_date\n"


def _one_worker(engine, *, start: str, asye: str = "", session_on: str | None = None) -> None:
    files = {
        "teams.csv": b"team_id,team_name,team_type,hub,area\nT1,Team,safeguarding,H,A\n",
        "staff.csv": (
            STAFF_HEADER
            + "M1,Manager,team_manager,permanent,1,T1,2010-01-01,\n"
            + f"W1,Worker,social_worker,permanent,1,T1,{start},{asye}\n"
        ).encode(),
    }
    if session_on:
        files["supervision_sessions.csv"] = (
            "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,"
            f"reflective,childs_views_recorded\nX1,W1,M1,{session_on},held,60,yes,yes\n"
        ).encode()
    result = import_files(files, engine=engine)
    assert result.loaded, [str(problem) for problem in result.problems]


@pytest.mark.parametrize(
    ("start", "asye", "session_on", "in_date"),
    [
        # Experienced worker: 31 days.
        ("2020-01-01", "", "2025-02-28", True),  # exactly 31 days before D
        ("2020-01-01", "", "2025-02-27", False),  # 32 days
        ("2020-01-01", "", None, False),  # never supervised
        ("2025-03-01", "", None, True),  # started 30 days before D: fewer than 31
        ("2025-02-28", "", None, False),  # started exactly 31 days before D
        ("2025-04-01", "", None, None),  # not yet in post: not eligible
        # ASYE started 30 days before D: weekly.
        ("2025-03-01", "2025-03-01", "2025-03-24", True),  # exactly 7 days
        ("2020-01-01", "2025-03-01", "2025-03-23", False),  # 8 days
        # ASYE started exactly 42 days before D: the weekly phase is over, fortnightly.
        ("2020-01-01", "2025-02-17", "2025-03-17", True),  # exactly 14 days
        ("2020-01-01", "2025-02-18", "2025-03-17", False),  # day 41: still weekly
        # ASYE started exactly 6 months before D: monthly again.
        ("2020-01-01", "2024-09-30", "2025-02-28", True),
        ("2020-01-01", "2024-10-01", "2025-02-28", False),  # day before 6 months: 14 days
        # ASYE not yet started at D: the ordinary 31 days.
        ("2020-01-01", "2025-04-15", "2025-03-05", True),
    ],
)
def test_supervision_interval_boundaries(engine, start, asye, session_on, in_date):
    _one_worker(engine, start=start, asye=asye, session_on=session_on)
    with session_scope(engine) as session:
        coverage = figures(session, D)["supervision_coverage"]
    expected = None if in_date is None else (100.0 if in_date else 0.0)
    assert coverage == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(31.25, 31.3), (18.75, 18.8), (12.25, 12.3), (0.05, 0.1), (21.538461, 21.5), (100, 100.0)],
)
def test_rounding_is_half_up_to_one_decimal(value, expected):
    assert round_one_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Halves held a hair below or above in binary: read to nine decimals, then half up.
        (1.15, 1.2),  # held as 1.149999999999999911...
        (100 * 23 / 20, 115.0),
        (100 * 1 / 2000, 0.1),
        (1.1499999999, 1.2),  # noise beyond nine decimals is ignored
        (1.149999999, 1.1),  # a real difference at nine decimals is not
        (1.1500001, 1.2),
        (-0.05, -0.1),  # away from zero
        (-2.25, -2.3),
        (-21.538461, -21.5),
        (0.0, 0.0),
        (33.349999, 33.3),
        (66.66666666666667, 66.7),
        (12345.65, 12345.7),
    ],
)
def test_rounding_near_halves_and_below_zero(value, expected):
    assert round_one_decimal(value) == expected


def test_rounding_agrees_with_decimal_rounding_of_every_share():
    """Every share a team of up to 120 people can have (and its negative), against rounding
    the value's nine-decimal reading in decimal arithmetic."""

    def by_decimal(value: float) -> float:
        return float(Decimal(f"{value:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    values = [100 * top / bottom for bottom in range(1, 121) for top in range(bottom + 1)]
    values += [top / bottom for bottom in (3, 7, 40, 2000) for top in range(-500, 500)]
    for value in values:
        assert round_one_decimal(value) == by_decimal(value), value


def test_percentage_with_zero_denominator_is_null():
    assert percentage(0, 0) is None
    assert percentage(1, 8) == 12.5


# --- the starters' deadlines and appraisals, on an organisation made for their boundaries ---
#
# D = 2025-03-31: D - 3 months = 2024-12-31, D - 6 months = 2024-09-30, D - 12 months =
# 2024-03-31.
STARTERS_STAFF = """staff_id,display_name,role,employment_type,fte,team_id,start_date,end_date,\
supervision_agreement_date,supervision_training_date
M1,Manager one,team_manager,permanent,1,T1,2024-04-01,,,2024-10-01
M2,Manager two,team_manager,permanent,1,T1,2024-09-30,,,2025-03-31
M3,Manager three,team_manager,permanent,1,T1,2024-03-31,,,2024-04-02
M4,Manager four,team_manager,permanent,1,T1,2024-10-01,,,2024-10-05
M5,Manager five,team_manager,agency,1,T1,2024-05-15,,,2023-01-10
M6,Manager six,team_manager,permanent,1,T1,2024-06-01,2025-01-31,,2024-07-01
M7,Manager seven,team_manager,permanent,1,T1,2024-07-01,,,
W1,Worker one,social_worker,permanent,1,T1,2024-12-31,,2025-03-31,
W2,Worker two,social_worker,permanent,1,T1,2025-01-01,,2025-01-02,
W3,Worker three,social_worker,permanent,1,T1,2024-11-30,,2025-03-01,
W4,Worker four,social_worker,agency,1,T1,2022-01-01,,,
W5,Worker five,senior_practitioner,permanent,1,T1,2020-01-01,,2019-12-01,
W6,Worker six,social_worker,permanent,1,T1,2024-01-01,2025-03-31,2024-01-10,
W7,Worker seven,social_worker,permanent,1,T1,2024-03-31,,,
W8,Worker eight,advanced_practitioner,permanent,1,T1,2023-01-01,,2023-03-15,
"""
STARTERS_APPRAISALS = """appraisal_id,staff_id,appraisal_date
P1,W5,2025-03-31
P2,W7,2024-03-31
P3,W8,2025-04-01
P4,W4,2025-01-10
P5,W6,2025-02-01
"""


@pytest.fixture
def starters(engine):
    files = {
        "teams.csv": b"team_id,team_name,team_type,hub,area\nT1,Team,safeguarding,H,A\n",
        "staff.csv": STARTERS_STAFF.encode(),
        "appraisals.csv": STARTERS_APPRAISALS.encode(),
    }
    result = import_files(files, engine=engine, source="fixture")
    assert result.loaded, [str(problem) for problem in result.problems]
    return engine


def test_new_manager_training_within_6_months_by_hand(starters):
    # Managers in post who started in (2024-03-31, 2024-09-30]: M1, M2 (on D - 6 months), M5
    # (agency counts), M7. M3 started on D - 12 months (out), M4 after D - 6 months (out), M6
    # left. Trained on or before start + 6 months: M1 (2024-10-01, the day it was due), M5
    # (trained before starting). M2 was due 2025-03-30 and trained 2025-03-31; M7 never. 2 / 4
    with session_scope(starters) as session:
        assert figures(session, D)["new_manager_training_share"] == 50.0


def test_agreement_within_3_months_by_hand(starters):
    # Eligible in post who started on or before 2024-12-31: W1 (that day), W3, W4, W5, W7, W8.
    # W2 started after D - 3 months; W6 left on D; managers are not eligible. Agreement on or
    # before start + 3 months: W1 (2025-03-31, the day it was due), W5 (before starting), W8
    # (2023-03-15, due 2023-04-01). W3 was due 2025-02-28 and signed 2025-03-01; W4, W7 none.
    # 3 / 6
    with session_scope(starters) as session:
        assert figures(session, D)["agreement_within_3_months_share"] == 50.0


def test_appraisal_share_by_hand(starters):
    # Permanent eligible in post who started on or before 2024-03-31: W5, W7 (that day), W8.
    # W4 is agency, W6 left on D. Appraised in (2024-03-31, D]: W5 (P1 on D). W7's P2 is on
    # D - 12 months (out), W8's P3 after D. 1 / 3
    with session_scope(starters) as session:
        assert figures(session, D)["appraisal_share"] == 33.3


def test_a_later_month_moves_the_starters_windows(starters):
    # D = 2025-04-30: D - 6 months = 2024-10-30, D - 12 months = 2024-04-30. New managers: M2,
    # M4, M5, M7 (M1 started 2024-04-01, now before the window). Trained in time: M4
    # (2024-10-05, due 2025-04-01), M5. 2 / 4. Appraisals due: W5, W7, W8; in
    # (2024-04-30, 2025-04-30]: W5's P1 and W8's P3, not W7's P2. 2 / 3
    with session_scope(starters) as session:
        values = figures(session, date(2025, 4, 30))
    assert values["new_manager_training_share"] == 50.0
    assert values["appraisal_share"] == 66.7


def test_sessions_without_a_duration_are_left_out_of_both_parts(small_org):
    with session_scope(small_org) as session:
        # Held in the window with no duration (the import refuses this; older data may hold it).
        session.add(
            SupervisionSession(
                session_id="X99",
                staff_id="S01",
                supervisor_id="S05",
                session_date=date(2025, 3, 20),
                status="held",
                duration_minutes=None,
                reflective=True,
                childs_views_recorded=True,
            )
        )
        refresh_stored_parts(date(2025, 3, 20), session=session)
    with session_scope(small_org) as session:
        values = figures(session, D)
        # Still X01 of the five timed sessions; the untimed one counts for reflection (4 of 6).
        assert values["supervision_duration_standard_share"] == 20.0
        assert values["reflective_share"] == 66.7
