"""agency_assignments.csv and agency_price_caps.csv: loaded when right, refused with the file,
line and column when not (docs/data-format.md)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access.core.db import session_scope
from data_access.core.models import AgencyAssignment, AgencyPriceCap
from data_access.ingest.importer import import_files

TEAMS = b"team_id,team_name,team_type,hub,area\nT1,Alpha,safeguarding,Hub A,North\n"
STAFF = (
    b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
    b"P1,Pat Permanent,social_worker,permanent,1,T1,2020-01-01\n"
    b"A1,Ann Agency,social_worker,agency,1,T1,2025-01-06\n"
    b"A2,Abe Agency,team_manager,agency,1,T1,2025-03-03\n"
)
CAPS = (
    "role_category,effective_from,hourly_cap\n"
    "social_worker,2024-10-31,40.00\n"
    "Social Worker,2025-04-01,£42.50\n"
    "team_manager,2024-10-31,55\n"
).encode()
HEADER = (
    "assignment_id,staff_id,agency,role_category,swe_number,start_date,end_date,"
    "hours_per_week,hourly_pay_rate,hourly_capped_cost,hourly_charge_rate,project_team,"
    "cover_reason,pqe_years,last_permanent_la_code,last_permanent_end_date,"
    "cooling_off_exception,references_received,notice_weeks,cap_breach_dcs_signoff_date,"
    "cap_breach_ceo_signoff_date\n"
)
GOOD = (
    "AS1,A1,Acme Social Care,social_worker,sw1234,2025-01-06,,37,34.00,38.95,46.20,no,"
    "vacancy,6,331,2024-10-31,,2,4,,\n"
    "AS2,A2,Best Agency,Team Manager,TM99,06/03/2025,2025-09-30,36.5,48,57.10,70.25,yes,"
    "project,,,,redundancy,,,2025-03-01,2025-03-03\n"
)


def _import(engine, assignments: str, **extra: bytes):
    files = {
        "teams.csv": TEAMS,
        "staff.csv": STAFF,
        "agency_price_caps.csv": CAPS,
        "agency_assignments.csv": (HEADER + assignments).encode(),
        **extra,
    }
    return import_files(files, engine=engine, source="test")


def test_assignments_and_caps_load_as_written(engine):
    result = _import(engine, GOOD)
    assert result.loaded, [str(problem) for problem in result.problems]
    counts = {count.file: count.added for count in result.counts}
    assert counts["agency_assignments.csv"] == 2 and counts["agency_price_caps.csv"] == 3
    with session_scope(engine) as session:
        first, second = session.execute(
            select(AgencyAssignment).order_by(AgencyAssignment.assignment_id)
        ).scalars()
        caps = session.execute(
            select(AgencyPriceCap.role_category, AgencyPriceCap.effective_from,
                   AgencyPriceCap.hourly_cap).order_by(AgencyPriceCap.role_category,
                                                      AgencyPriceCap.effective_from)
        ).all()  # fmt: skip
        assert (first.swe_number, first.start_date, first.end_date, first.project_team) == (
            "SW1234",
            date(2025, 1, 6),
            None,
            False,
        )
        assert (first.pqe_years, first.last_permanent_la_code, first.references_received) == (
            6.0,
            "331",
            2,
        )
        assert (first.hourly_pay_rate, first.hourly_capped_cost, first.hourly_charge_rate) == (
            34.0,
            38.95,
            46.2,
        )
        assert (second.role_category, second.start_date, second.hours_per_week) == (
            "team_manager",
            date(2025, 3, 6),
            36.5,
        )
        assert (second.cooling_off_exception, second.cap_breach_ceo_signoff_date) == (
            "redundancy",
            date(2025, 3, 3),
        )
        assert second.pqe_years is None and second.notice_weeks is None
        assert caps == [
            ("social_worker", date(2024, 10, 31), 40.0),
            ("social_worker", date(2025, 4, 1), 42.5),
            ("team_manager", date(2024, 10, 31), 55.0),
        ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "AS9,P1,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            'agency_assignments.csv, line 2, staff_id: "P1" is a permanent worker: an '
            "assignment is an agency worker's",
        ),
        (
            "AS9,X9,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            'agency_assignments.csv, line 2, staff_id: unknown staff_id "X9": not in staff.csv '
            "nor in the database",
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,2025-01-05,37,34,38.95,46.20,no,vacancy"
            ",,,,,,,,\n",
            "agency_assignments.csv, line 2, end_date: end_date 2025-01-05 is before "
            "start_date 2025-01-06",
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,38.90,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, hourly_charge_rate: 38.90 is below the hourly "
            "capped cost 38.95: the charge rate is what the council pays, the agency's fee "
            "included",
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,37,34,33.99,46.20,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, hourly_capped_cost: 33.99 is below the hourly pay "
            "rate 34.00: the capped cost is the pay rate plus employer's National Insurance "
            "and the apprenticeship levy",
        ),
        (
            "AS9,A1,Acme,social_worker,12345,2025-01-06,,37,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, swe_number: expected a Social Work England number: "
            'two letters, then digits; found "12345"',
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,37,34.005,38.95,46.20,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, hourly_pay_rate: expected pounds with at most 2 "
            'decimal places, such as 32.50; found "34.005"',
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,0,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, hours_per_week: must be a number greater than 0 "
            'and at most 60; found "0"',
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,60.5,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            "agency_assignments.csv, line 2, hours_per_week: must be a number greater than 0 "
            'and at most 60; found "60.5"',
        ),
        (
            "AS9,A1,Acme,manager,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,,,,,,,,\n",
            'agency_assignments.csv, line 2, role_category: unknown value "manager"; expected '
            "one of: social_worker, senior_social_worker, advanced_practitioner, team_manager, "
            "iro_conference_chair",
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,,33,,,,,,\n",
            "agency_assignments.csv, line 2, last_permanent_la_code: expected a three-digit "
            'old LA code such as 330; found "33"',
        ),
        (
            "AS9,A1,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,,,,sacked"
            ",,,,\n",
            'agency_assignments.csv, line 2, cooling_off_exception: unknown value "sacked"; '
            "expected one of: redundancy, left_in_probation",
        ),
    ],
)
def test_a_wrong_assignment_is_refused_naming_its_line_and_column(engine, row, expected):
    result = _import(engine, row)
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [expected]
    with session_scope(engine) as session:
        assert session.execute(select(AgencyAssignment)).first() is None
        assert session.execute(select(AgencyPriceCap)).first() is None


def test_an_assignment_of_a_worker_already_stored_is_checked_against_the_database(engine):
    assert import_files({"teams.csv": TEAMS, "staff.csv": STAFF}, engine=engine).loaded
    later = import_files(
        {"agency_assignments.csv": (HEADER + GOOD).encode()}, engine=engine, source="test"
    )
    assert later.loaded, [str(problem) for problem in later.problems]
    wrong = GOOD.replace("AS1,A1,", "AS3,P1,", 1)
    refused = import_files({"agency_assignments.csv": (HEADER + wrong).encode()}, engine=engine)
    assert [str(problem) for problem in refused.problems] == [
        'agency_assignments.csv, line 2, staff_id: "P1" is a permanent worker: an assignment '
        "is an agency worker's"
    ]


def test_a_price_cap_needs_pounds_and_a_category(engine):
    caps = b"role_category,effective_from,hourly_cap\nsocial_worker,2025-04-01,forty\n"
    result = import_files({"agency_price_caps.csv": caps}, engine=engine)
    assert [str(problem) for problem in result.problems] == [
        "agency_price_caps.csv, line 2, hourly_cap: expected pounds with at most 2 decimal "
        'places, such as 32.50; found "forty"'
    ]
