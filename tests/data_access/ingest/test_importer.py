"""The import: each validation rule, all-or-nothing loading, replacement and re-import."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from support.org import SMALL_ORG, data_contents, read_folder_bytes, table_contents

from data_access.core.db import session_scope
from data_access.core.models import Hub, ImportLog, Staff, SupervisionSession, Team
from data_access.ingest import importer, preview
from data_access.ingest.history import import_history
from data_access.ingest.importer import Problem, import_files
from data_access.ingest.preview import check_upload, preview_import
from data_access.ingest.validation import format_problems

TEAMS = b"team_id,team_name,team_type,hub,area\nT1,Team one,safeguarding,Hub A,North\n"
STAFF_HEADER = "staff_id,display_name,role,employment_type,fte,team_id,start_date,end_date\n"
SESSION_HEADER = (
    "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,reflective,"
    "childs_views_recorded\n"
)


def staff(*rows: str) -> bytes:
    return (STAFF_HEADER + "".join(row + "\n" for row in rows)).encode()


def problems_of(engine, files: dict[str, bytes]) -> list[str]:
    result = import_files(files, engine=engine)
    assert not result.loaded
    return [str(problem) for problem in result.problems]


@pytest.fixture
def small_org(engine):
    result = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    assert result.loaded, [str(problem) for problem in result.problems]
    return engine


def test_problem_reads_file_line_column_then_message():
    problem = Problem("staff.csv", 7, "fte", 'must be a number; found "x"')
    assert str(problem) == 'staff.csv, line 7, fte: must be a number; found "x"'


def test_small_org_loads_with_counts_and_log(engine):
    result = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    assert result.loaded
    counts = {count.file: (count.added, count.replaced, count.unchanged) for count in result.counts}
    assert counts == {
        "teams.csv": (3, 0, 0),
        "staff.csv": (15, 0, 0),
        "supervision_sessions.csv": (8, 0, 0),
        "caseloads.csv": (8, 0, 0),
        "vacancies.csv": (4, 0, 0),
        "supervision_audits.csv": (5, 0, 0),
        "appraisals.csv": (4, 0, 0),
        "staff_survey.csv": (7, 0, 0),
    }
    with session_scope(engine) as session:
        log = session.execute(select(ImportLog)).scalar_one()
        assert (log.rows_added, log.rows_replaced, log.source) == (54, 0, "fixture")
        # Category values are normalised; text stays as written.
        s02 = session.get(Staff, "S02")
        assert (s02.role, s02.employment_type, s02.start_date) == (
            "social_worker",
            "permanent",
            date(2024, 3, 31),
        )
        s11 = session.get(Staff, "S11")
        assert (s11.asye_weekly_until, s11.asye_fortnightly_until, s11.asye_end_date) == (
            date(2025, 2, 12),
            date(2025, 7, 1),
            date(2026, 1, 1),
        )
        # Start 2024-10-01: the agreement is due by 2025-01-01, a manager's training by
        # 2025-04-01; S02 started 2024-03-31, so 2024-06-30 and 2024-09-30 (month ends clamp).
        assert (s11.agreement_due_date, s11.training_due_date) == (
            date(2025, 1, 1),
            date(2025, 4, 1),
        )
        assert (s02.agreement_due_date, s02.training_due_date) == (
            date(2024, 6, 30),
            date(2024, 9, 30),
        )
        cancelled = session.get(SupervisionSession, "X05")
        assert (cancelled.duration_minutes, cancelled.reflective) == (None, None)
        assert session.get(Team, "T2").team_type == "family_support"


def test_reimporting_the_same_files_changes_nothing(small_org):
    before = table_contents(small_org)
    result = import_files(read_folder_bytes(SMALL_ORG), engine=small_org, source="again")
    assert result.loaded
    assert all(count.added == count.replaced == 0 for count in result.counts)
    after = table_contents(small_org)
    before.pop("import_log"), after.pop("import_log")
    assert after == before


def test_a_changed_row_replaces_the_stored_one(small_org):
    changed = staff("S03,Cat Cole,social_worker,permanent,1.0,T1,2024-06-01,2025-06-30")
    result = import_files({"staff.csv": changed}, engine=small_org)
    assert result.loaded
    assert [(c.added, c.replaced, c.unchanged) for c in result.counts] == [(0, 1, 0)]
    with session_scope(small_org) as session:
        s03 = session.get(Staff, "S03")
        assert (s03.employment_type, s03.end_date) == ("permanent", date(2025, 6, 30))


def test_references_may_point_at_rows_already_in_the_database(small_org):
    rows = staff("S99,New Person,social_worker,agency,1,T3,2025-01-01,")
    assert import_files({"staff.csv": rows}, engine=small_org).loaded


def test_a_refused_import_writes_nothing_but_is_recorded(small_org):
    before = data_contents(small_org)
    files = read_folder_bytes(SMALL_ORG)
    files["teams.csv"] += b"T4,New team,safeguarding,Hub C,East\n"  # valid on its own
    files["caseloads.csv"] += b"S01,2025-05-31,999\n"  # out of range
    problems = problems_of(small_org, files)
    assert problems == [
        'caseloads.csv, line 10, open_cases: must be a whole number from 0 to 200; found "999"'
    ]
    assert data_contents(small_org) == before
    with session_scope(small_org) as session:
        history = import_history(session=session)
    assert [(h.outcome, h.problem_count, h.rows_added) for h in history] == [
        ("refused", 1, 0),
        ("loaded", 0, 54),
    ]


def test_a_refused_import_into_an_empty_database_leaves_it_empty(engine):
    before = data_contents(engine)
    files = read_folder_bytes(SMALL_ORG)
    files["staff.csv"] = files["staff.csv"].replace(b"S15,Ola Owen", b"S14,Ola Owen")
    problems = problems_of(engine, files)
    assert problems == ['staff.csv, line 16, staff_id: duplicate key "S14": already on line 15']
    assert data_contents(engine) == before


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"teams.csv": b"team_id,team_name,hub,area\nT1,One,Hub,North\n"},
            ["teams.csv, line 1, team_type: required column is missing from the header"],
            id="missing-column",
        ),
        pytest.param({"teams.csv": b""}, ["teams.csv, line 1: the file is empty"], id="empty"),
        pytest.param(
            {"teams.csv": b"\n  \n,,\n"}, ["teams.csv, line 1: the file is empty"], id="blank"
        ),
        pytest.param(
            {"teams.csv": b"team_id,team_name,team_type,hub,area\n"},
            ["teams.csv, line 1: the file has a header but no data rows"],
            id="header-only",
        ),
        pytest.param(
            {"teams.csv": b"team_id,team_name,team_type,hub,area\nT1,Caf\x81,other,H,A\n"},
            [
                "teams.csv: unreadable file: neither UTF-8 nor Windows-1252 text; save it as "
                "CSV UTF-8"
            ],
            id="not-text",
        ),
        pytest.param(
            {"teams.csv": TEAMS + b"T1,Again,other,Hub A,North\n"},
            ['teams.csv, line 3, team_id: duplicate key "T1": already on line 2'],
            id="duplicate-key",
        ),
        pytest.param(
            {
                "teams.csv": TEAMS,
                "vacancies.csv": b"team_id,as_at,vacant_fte\nT1,2025-01-31,1\nT1,31/01/2025,2\n",
            },
            [
                'vacancies.csv, line 3, team_id+as_at: duplicate key "T1, 2025-01-31": '
                "already on line 2"
            ],
            id="duplicate-composite-key",
        ),
        pytest.param(
            {"teams.csv": TEAMS, "staff.csv": staff("S1,A,social_worker,agency,1,T1,2025-02-30,")},
            ['staff.csv, line 2, start_date: "2025-02-30" is not a real date'],
            id="impossible-date",
        ),
        pytest.param(
            {"teams.csv": TEAMS, "staff.csv": staff("S1,A,social_worker,agency,1,T1,03/31/2025,")},
            ['staff.csv, line 2, start_date: "03/31/2025" is not a real date'],
            id="american-date",
        ),
        pytest.param(
            {"teams.csv": TEAMS, "staff.csv": staff("S1,A,social_worker,agency,1,T1,1 May 25,")},
            [
                "staff.csv, line 2, start_date: expected a date such as 2025-09-30 or "
                '30/09/2025; found "1 May 25"'
            ],
            id="date-format",
        ),
        pytest.param(
            {
                "teams.csv": TEAMS,
                "staff.csv": staff(
                    "S1,A,social_worker,agency,0,T1,2025-01-01,",
                    "S2,B,social_worker,agency,1.5,T1,2025-01-01,",
                    "S3,C,social_worker,agency,full,T1,2025-01-01,",
                ),
            },
            [
                'staff.csv, line 2, fte: must be a number greater than 0 and at most 1; found "0"',
                "staff.csv, line 3, fte: must be a number greater than 0 and at most 1; "
                'found "1.5"',
                'staff.csv, line 4, fte: expected a number; found "full"',
            ],
            id="fte-range",
        ),
        pytest.param(
            {
                "teams.csv": TEAMS,
                "vacancies.csv": b"team_id,as_at,vacant_fte\nT1,2025-01-31,-1\nT1,2025-02-28,101\n",
            },
            [
                "vacancies.csv, line 2, vacant_fte: must be a number at least 0 and at most 100; "
                'found "-1"',
                "vacancies.csv, line 3, vacant_fte: must be a number at least 0 and at most 100; "
                'found "101"',
            ],
            id="vacancy-range",
        ),
        pytest.param(
            {"teams.csv": b"team_id,team_name,team_type,hub,area\nT1,One,triage,Hub A,North\n"},
            [
                'teams.csv, line 2, team_type: unknown value "triage"; expected one of: '
                "safeguarding, family_support, assessment, children_in_care, disabled_children, "
                "care_leavers, front_door, other"
            ],
            id="unknown-category",
        ),
        pytest.param(
            {"staff.csv": staff("S1,A,social_worker,agency,1,T9,2025-01-01,")},
            [
                'staff.csv, line 2, team_id: unknown team_id "T9": not in teams.csv nor in the '
                "database"
            ],
            id="unknown-team",
        ),
        pytest.param(
            {"teams.csv": TEAMS, "staff.csv": staff("S1,A,social_worker,agency,1,T1,,")},
            ["staff.csv, line 2, start_date: a value is required; found blank"],
            id="blank-required",
        ),
        pytest.param(
            {
                "teams.csv": TEAMS,
                "staff.csv": staff("S1,A,social_worker,agency,1,T1,2025-02-01,2025-01-31"),
            },
            ["staff.csv, line 2, end_date: end_date 2025-01-31 is before start_date 2025-02-01"],
            id="end-before-start",
        ),
        pytest.param(
            {
                "teams.csv": TEAMS + b"T2,Team two,other,Hub A,South\n",
            },
            [
                'teams.csv, line 3, area: hub "Hub A" is in area "North" on line 2; a hub '
                'belongs to one area only, found "South"'
            ],
            id="hub-in-two-areas",
        ),
        pytest.param(
            {"teams.csv": TEAMS + b"T2,Team two,other,Hub A,North,extra\n"},
            [
                "teams.csv, line 3: the row has 6 values but the header has 5 columns "
                "(an unquoted comma?)"
            ],
            id="too-many-values",
        ),
        pytest.param(
            {"teams.csv": b"team_id,team_name,team_type,hub,area,Team_ID\nT1,A,other,H,N,T1\n"},
            ["teams.csv, line 1, team_id: the column appears more than once in the header"],
            id="repeated-column",
        ),
    ],
)
def test_validation_rules(engine, files, expected):
    assert problems_of(engine, files) == expected


def test_session_rules_and_references(engine):
    files = {
        "teams.csv": TEAMS,
        "staff.csv": staff(
            "M1,Manager,team_manager,permanent,1,T1,2020-01-01,",
            "W1,Worker,social_worker,permanent,1,T1,2020-01-01,",
        ),
        "supervision_sessions.csv": (
            SESSION_HEADER
            + "X1,W1,M1,2025-01-10,held,,yes,no\n"  # held needs a duration
            + "X2,W1,M1,2025-01-11,held,601,maybe,\n"
            + "X3,W1,M9,2025-01-12,cancelled,,,\n"  # unknown supervisor
            + "X4,W9,M1,2025-01-13,postponed,0,yes,yes\n"
        ).encode(),
    }
    assert problems_of(engine, files) == [
        "supervision_sessions.csv, line 2, duration_minutes: a value is required for a held "
        "session; found blank",
        "supervision_sessions.csv, line 3, duration_minutes: must be a whole number from 1 to "
        '600; found "601"',
        "supervision_sessions.csv, line 3, reflective: expected yes/no, y/n, true/false or 1/0; "
        'found "maybe"',
        "supervision_sessions.csv, line 3, childs_views_recorded: a value is required for a "
        "held session; found blank",
        'supervision_sessions.csv, line 4, supervisor_id: unknown staff_id "M9": not in '
        "staff.csv nor in the database",
        'supervision_sessions.csv, line 5, status: unknown value "postponed"; expected one of: '
        "held, cancelled",
        "supervision_sessions.csv, line 5, duration_minutes: must be a whole number from 1 to "
        '600; found "0"',
        'supervision_sessions.csv, line 5, staff_id: unknown staff_id "W9": not in staff.csv '
        "nor in the database",
    ]


def test_every_problem_in_every_file_is_reported(engine):
    files = {
        "teams.csv": b"team_id,team_name,team_type,hub,area\nT1,A,bad,H,N\nT2,B,worse,H,N\n",
        "caseloads.csv": b"staff_id,snapshot_date\nS1,2025-01-31\n",
        "supervision_audits.csv": b"audit_id,staff_id,audit_date,grade\nA1,S1,2025-01-01,fine\n",
    }
    problems = problems_of(engine, files)
    assert len(problems) == 5
    assert [problem.split(",")[0] for problem in problems] == [
        "teams.csv",
        "teams.csv",
        "caseloads.csv",
        "supervision_audits.csv",
        "supervision_audits.csv",
    ]


def test_unknown_columns_are_ignored_with_a_warning(engine):
    files = {"teams.csv": b"team_id,team_name,team_type,hub,area,colour\nT1,A,other,H,N,red\n"}
    result = import_files(files, engine=engine)
    assert result.loaded
    assert [str(warning) for warning in result.warnings] == [
        "teams.csv, line 1, colour: unknown column, ignored"
    ]


def test_values_are_trimmed_and_text_stays_text(engine):
    files = {
        "teams.csv": b" Team_ID , team_name ,team_type,hub,area\n 007 , TRUE ,  Front-Door ,"
        b" 1e3 , 0001 \n\n",
        "staff.csv": staff("00123, =SUM(A1) ,Senior  Practitioner, AGENCY ,.5, 007 , 30/9/2025 ,"),
    }
    result = import_files(files, engine=engine)
    assert result.loaded, [str(problem) for problem in result.problems]
    with session_scope(engine) as session:
        team = session.get(Team, "007")
        assert (team.team_name, team.team_type) == ("TRUE", "front_door")
        hub = session.execute(select(Hub)).scalar_one()
        assert hub.name == "1e3"
        worker = session.get(Staff, "00123")
        assert (worker.display_name, worker.role, worker.employment_type, worker.fte) == (
            "=SUM(A1)",
            "senior_practitioner",
            "agency",
            0.5,
        )
        assert worker.start_date == date(2025, 9, 30)


def test_a_hub_moving_area_is_a_warning_and_moves_the_hub(small_org):
    files = {"teams.csv": b"team_id,team_name,team_type,hub,area\nT3,Beta,assessment,Hub B,East\n"}
    result = import_files(files, engine=small_org)
    assert result.loaded
    assert [str(warning) for warning in result.warnings] == [
        'teams.csv, line 2, area: hub "Hub B" moves from area "South" to "East", with all its teams'
    ]


def test_problem_list_is_capped_with_a_count():
    problems = [Problem("staff.csv", line, "fte", "bad") for line in range(2, 152)]
    lines = format_problems(problems, cap=100)
    assert len(lines) == 101
    assert lines[-1] == "... and 50 more problems not listed"


def test_preview_counts_exactly_and_writes_nothing(small_org):
    before = table_contents(small_org)
    files = {
        "staff.csv": staff(
            "S03,Cat Cole,social_worker,permanent,1.0,T1,2024-06-01,",  # replaced
            "S14,Ned Nash,social_worker,permanent,1,T3,2025-04-01,",  # unchanged
            "S99,New Person,social_worker,agency,1,T3,2025-01-01,",  # added
        )
    }
    result = preview_import(files, engine=small_org)
    assert result.loaded
    assert [(c.file, c.added, c.replaced, c.unchanged) for c in result.counts] == [
        ("staff.csv", 1, 1, 1)
    ]
    assert table_contents(small_org) == before


def test_rows_are_written_a_chunk_at_a_time_with_the_same_outcome(engine, monkeypatch):
    # Chunks of 2 rows: every file spans several chunks, and a re-import finds the stored rows
    # chunk by chunk; the counts and the rows are as when written at once.
    loaded = ("staff", "supervision_session", "caseload_snapshot")
    whole = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    at_once = {name: table_contents(engine)[name] for name in loaded}
    with session_scope(engine) as session:
        for table in loaded[1:]:
            session.execute(text(f'DELETE FROM "{table}"'))
    monkeypatch.setattr(importer, "LOAD_CHUNK_ROWS", 2)
    chunked = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture")
    assert chunked.loaded
    counts = {c.file: (c.added, c.replaced, c.unchanged, c.changed_from) for c in chunked.counts}
    first = {c.file: c.changed_from for c in whole.counts}
    assert counts["supervision_sessions.csv"] == (8, 0, 0, first["supervision_sessions.csv"])
    assert counts["caseloads.csv"] == (8, 0, 0, first["caseloads.csv"])
    assert counts["staff.csv"] == (0, 0, 15, None)
    assert {name: table_contents(engine)[name] for name in loaded} == at_once


def test_a_checked_upload_records_its_refusal_itself_and_keeps_no_rows(small_org):
    bad = b"staff_id,snapshot_date,open_cases\nS01,2025-05-31,999\n"
    check = check_upload({"caseloads.csv": bad}, engine=small_org, source="upload: t", user="me")
    assert not check.importable
    assert [str(problem) for problem in check.problems] == [
        'caseloads.csv, line 2, open_cases: must be a whole number from 0 to 200; found "999"'
    ]
    assert check.problem_count == 1
    with session_scope(small_org) as session:
        log = session.scalars(select(ImportLog).where(ImportLog.source == "upload: t")).one()
        assert (log.outcome, log.files, log.problem_count, log.imported_by) == (
            "refused",
            "caseloads.csv",
            1,
            "me",
        )


def test_a_good_upload_s_check_keeps_its_summary_and_first_rows_only(small_org):
    rows = [f"S01,{2000 + n // 12}-{n % 12 + 1:02}-28,{n % 50}" for n in range(120)]
    content = ("staff_id,snapshot_date,open_cases\n" + "\n".join(rows) + "\n").encode()
    check = check_upload({"caseloads.csv": content}, engine=small_org, source="upload: t")
    assert check.importable
    assert [(item.kind, item.rows, item.added) for item in check.summary] == [
        ("caseloads.csv", 120, 120)
    ]
    ((label, shown),) = check.previews
    assert label == "caseloads.csv" and len(shown) == 10
    assert shown[0] == {"staff_id": "S01", "snapshot_date": date(2000, 1, 28), "open_cases": 0}
    with session_scope(small_org) as session:  # a check that passes is not an attempt yet
        assert not session.scalars(select(ImportLog).where(ImportLog.source == "upload: t")).all()


def test_a_check_that_fails_is_recorded_as_failed(small_org, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(preview, "validate", broken)
    check = check_upload({"teams.csv": TEAMS}, engine=small_org, source="upload: t")
    assert check.failed and not check.importable
    with session_scope(small_org) as session:
        log = session.scalars(select(ImportLog).where(ImportLog.source == "upload: t")).one()
        assert (log.outcome, log.files) == ("failed", "teams.csv")
