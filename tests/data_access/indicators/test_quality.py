"""Data-quality checks and the import history, worked out by hand on small_org."""

from __future__ import annotations

from datetime import date

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.access.grants import Grant, GrantScope
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators.quality import latest_dates, quality_checks
from data_access.ingest.importer import import_files

D = date(2025, 3, 31)


@pytest.fixture
def session(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        yield session


def test_latest_dates_on_or_before_d(session):
    assert latest_dates(D, Scope(), session=session) == {
        "Staff starts and leavers": D,  # S04 leaves and S06 starts on D
        "Caseload snapshots": D,
        "Vacancies": D,
        "Supervision sessions": date(2025, 3, 20),
        "Supervision audits": D,
        "Appraisals": D,  # P02; P04 (2025-04-02) is after D
    }
    assert latest_dates(D, Scope(area="South"), session=session)["Vacancies"] is None


def test_quality_checks(session):
    everyone = Grant("dcs@council.example", "leader", (GrantScope("organisation", "*"),))
    checks = quality_checks(D, Scope(), grant=everyone, session=session)
    no_caseload, never_supervised, no_vacancies = checks
    # Eligible in post: S01 S02 S03 S06 S08 S10 S11 S15; rows at 2025-03-31 for all but
    # S10 and S15 (S08 has a row with 0 cases).
    assert sorted(item[0] for item in no_caseload.items) == ["S10", "S15"]
    assert sorted(item[0] for item in never_supervised.items) == ["S03", "S06", "S15"]
    assert no_vacancies.items == [("T3", "Beta assessment", "assessment")]
    assert (no_caseload.count, never_supervised.count, no_vacancies.count) == (2, 3, 1)


def test_quality_checks_follow_the_scope(session):
    checks = quality_checks(
        D, Scope(team_id="T1"), grant=Grant("o@c.example", "admin"), session=session
    )
    assert [check.count for check in checks] == [0, 2, 0]


def test_quality_checks_count_everyone_but_list_only_the_granted_teams(session):
    """Never supervised: S03 S06 (T1) and S15 (T2). A T2 manager sees S15's name only; a data
    officer with no grant sees the counts and no names."""
    t2 = Grant("t2@council.example", "manager", (GrantScope("team", "T2"),))
    _, never_supervised, no_vacancies = quality_checks(D, Scope(), grant=t2, session=session)
    assert never_supervised.count == 3
    assert [item[:2] for item in never_supervised.items] == [("S15", "Ola Owen")]
    assert never_supervised.unlisted == 2
    assert no_vacancies.items == [("T3", "Beta assessment", "assessment")]  # teams: no names
    officer = Grant("data@council.example", "data_officer")
    checks = quality_checks(D, Scope(), grant=officer, session=session)
    assert [(c.count, len(c.items)) for c in checks] == [(2, 0), (3, 0), (1, 1)]


def test_templates_form_a_valid_import_with_two_rows_each(engine):
    """Two example rows in each, but staff.csv's three: the third is the agency worker whose
    assignments agency_assignments.csv shows."""
    from data_access.ingest.templates import all_templates

    templates = all_templates()
    rows = {name: content.decode().count("\n") - 1 for name, content in templates.items()}
    assert rows == dict.fromkeys(templates, 2) | {"staff.csv": 3}
    result = import_files(templates, engine=engine)
    assert result.loaded, [str(p) for p in result.problems]
    assert {count.file: count.added for count in result.counts} == rows


def test_template_rows_name_only_their_file_s_columns():
    """A misspelt column in an example row would otherwise be left blank without a word."""
    from data_access.ingest.specs import FILE_SPECS
    from data_access.ingest.templates import EXAMPLE_ROWS

    columns = {spec.name: {column.name for column in spec.columns} for spec in FILE_SPECS}
    assert set(EXAMPLE_ROWS) == set(columns)
    for name, rows in EXAMPLE_ROWS.items():
        assert all(set(row) <= columns[name] for row in rows), name


def test_upload_summary_gives_counts_and_period(session, engine):
    from data_access.ingest.preview import preview_import, summarise

    files = {
        "caseloads.csv": b"staff_id,snapshot_date,open_cases\nS01,2025-03-31,21\nS02,2025-05-31,9\n"
    }
    summary = summarise(preview_import(files, engine=engine))
    assert [(s.kind, s.rows, s.added, s.replaced, s.first_date, s.last_date) for s in summary] == [
        ("caseloads.csv", 2, 1, 1, date(2025, 3, 31), date(2025, 5, 31))
    ]
