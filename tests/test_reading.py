"""Messy real-world files: Windows-1252, Excel workbooks, zips, serial dates, total rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from data_access.core.db import session_scope
from data_access.core.models import Staff, Team
from data_access.ingest import reading
from data_access.ingest.importer import import_files

TEAMS_HEADER = "team_id,team_name,team_type,hub,area\n"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_windows_1252_csv_loads_with_a_warning(engine):
    content = (TEAMS_HEADER + "T1,Caf\u00e9 team \u2013 north,other,H\u00fcb,North\n").encode(
        "cp1252"
    )
    result = import_files({"teams.csv": content}, engine=engine)
    assert result.loaded
    assert [str(w) for w in result.warnings] == [
        "teams.csv: not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)"
    ]
    with session_scope(engine) as session:
        assert session.get(Team, "T1").team_name == "Caf\u00e9 team \u2013 north"


def test_excel_workbook_with_real_dates_text_dates_and_serials(engine):
    content = workbook(
        {
            "Teams": [
                ["Team_ID ", "TEAM_NAME", "team_type", "hub", "area"],
                ["T1", "One", "safeguarding", "Hub", "North"],
            ],
            "Staff": [
                [
                    "staff_id",
                    "display_name",
                    "role",
                    "employment_type",
                    "fte",
                    "team_id",
                    "start_date",
                    "end_date",
                ],
                [7, "Real date", "social worker", "permanent", 1, "T1", datetime(2024, 4, 1), None],
                ["S2", "Text date", "social_worker", "agency", 0.5, "T1", "30/09/2025", None],
                ["S3", "Serial date", "social_worker", "agency", 1, "T1", "45930", None],
                [None, None, None, None, None, None, None, None],
                ["Total", None, None, None, 2.5, None, None, None],
            ],
            "Notes": [["Prepared by the performance team"]],
        }
    )
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert result.loaded, [str(p) for p in result.problems]
    assert [str(w) for w in result.warnings] == [
        "extract.xlsx, sheet Staff, row 6: a total row, skipped",
        "extract.xlsx, sheet Notes: not recognised as any import file (by its name or its "
        "header), ignored",
    ]
    with session_scope(engine) as session:
        assert session.get(Staff, "7").start_date == date(2024, 4, 1)
        assert session.get(Staff, "S2").start_date == date(2025, 9, 30)
        assert session.get(Staff, "S3").start_date == date(2025, 9, 30)  # serial 45930


def test_problems_in_a_workbook_name_the_sheet_and_row(engine):
    content = workbook(
        {
            "Teams": [
                ["team_id", "team_name", "team_type", "hub", "area"],
                ["T1", "One", "triage", "Hub", "North"],
            ]
        }
    )
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        'extract.xlsx, sheet Teams, row 2, team_type: unknown value "triage"; expected one of: '
        "safeguarding, family_support, assessment, children_in_care, disabled_children, "
        "care_leavers, front_door, other"
    ]


def test_files_are_recognised_by_header_when_the_name_says_nothing(engine):
    files = {"export_0931 (2).csv": (TEAMS_HEADER + "T1,One,other,H,N\n").encode()}
    result = import_files(files, engine=engine)
    assert result.loaded
    assert [count.file for count in result.counts] == ["teams.csv"]


def test_a_zip_of_csv_files(engine):
    files = {
        "teams.csv": (TEAMS_HEADER + "T1,One,other,H,N\n").encode(),
        "folder/staff.csv": (
            b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
            b"S1,A,social_worker,permanent,1,T1,2025-01-01\n"
        ),
        "__MACOSX/._staff.csv": b"\x00\x05junk",
    }
    result = import_files({"october.zip": zipped(files)}, engine=engine)
    assert result.loaded, [str(p) for p in result.problems]
    assert [(c.file, c.added) for c in result.counts] == [("teams.csv", 1), ("staff.csv", 1)]


def test_the_same_kind_of_data_twice_is_refused(engine):
    content = (TEAMS_HEADER + "T1,One,other,H,N\n").encode()
    result = import_files(
        {
            "teams.csv": content,
            "Teams.xlsx": workbook(
                {
                    "Teams": [
                        ["team_id", "team_name", "team_type", "hub", "area"],
                        ["T2", "Two", "other", "H", "N"],
                    ]
                }
            ),
        },
        engine=engine,
    )
    assert [str(p) for p in result.problems] == [
        "Teams.xlsx, sheet Teams: holds teams.csv data, which teams.csv already holds: send "
        "each kind of data once"
    ]


def test_oversized_files_are_refused_before_reading(engine, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    big = (TEAMS_HEADER + "T1,One,other,H,N\n" * 200).encode()
    result = import_files({"teams.csv": big}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "teams.csv: the file is 0.0 MB; the limit is 0.0 MB per file: split it (for example by "
        "year) and import the parts"
    ]
    # Inside a zip, the member's stated size is checked before it is expanded.
    archive = zipped({"teams.csv": big})
    assert len(archive) < 1000
    inside = import_files({"a.zip": archive}, engine=engine)
    assert str(inside.problems[0]).startswith("a.zip: teams.csv: the file is 0.0 MB")


def test_too_much_in_one_import_is_refused(engine, monkeypatch):
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", 50)
    result = import_files(
        {"teams.csv": (TEAMS_HEADER + "T1,One,other,H,N\n").encode()}, engine=engine
    )
    assert str(result.problems[0]).startswith("upload: the files add up to")


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really", b""])
def test_damaged_workbooks_are_refused(engine, content):
    result = import_files({"staff.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "staff.xlsx: unreadable workbook (BadZipFile): re-save it"
    ]
