"""Messy real-world files: Windows-1252, Excel workbooks, zips, serial dates, total rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import select
from support.files import workbook, zipped

from data_access.core.db import session_scope
from data_access.core.models import ImportLog, Staff, Team
from data_access.ingest import reading
from data_access.ingest.importer import import_files

TEAMS_HEADER = "team_id,team_name,team_type,hub,area\n"


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


def test_a_file_over_the_upload_box_s_20_mb_is_refused_by_name(engine):
    # Streamlit's server takes files up to 20 x 1,048,576 bytes, where the box (and the
    # importer) count 20 x 1,000,000: a file between the two is refused here, and recorded.
    content = (TEAMS_HEADER + "T1,One,other,H,N\n").encode()
    content += b"\n" * (reading.MAX_FILE_BYTES + 1 - len(content))
    result = import_files({"teams.csv": content}, engine=engine, source="upload: big")
    assert [str(p) for p in result.problems] == [
        "teams.csv: the file is 20.0 MB; the limit is 20.0 MB per file: split it (for example "
        "by year) and import the parts"
    ]
    with session_scope(engine) as session:
        assert session.execute(select(ImportLog.outcome)).scalars().all() == ["refused"]


def test_binary_data_is_one_refusal_without_an_encoding_warning(engine):
    result = import_files({"staff.csv": b"PK\x03\x04\x00\x00\xff\xfe binary"}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "staff.csv: unreadable file: it holds binary data, not CSV text"
    ]
    assert result.warnings == []


def test_utf16_without_a_byte_order_mark_is_recognised(engine):
    content = (TEAMS_HEADER + "T1,One,other,H,N\n").encode("utf-16-le")
    result = import_files({"teams.csv": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "teams.csv: saved as UTF-16 (Unicode text): save it as CSV UTF-8"
    ]
    assert result.warnings == []


def test_a_csv_with_quoted_line_breaks_and_accents_reads_as_before(engine):
    content = (
        "\ufeffteam_id,team_name,team_type,hub,area\r\n"
        'T1,"Équipe\r\nnord",other,Hüb,North\r\n'
        "T2,Two,other,Hüb,North\r\n"
    ).encode()
    result = import_files({"teams.csv": content}, engine=engine)
    assert result.loaded, [str(p) for p in result.problems]
    with session_scope(engine) as session:
        assert session.get(Team, "T1").team_name == "Équipe\r\nnord"


def _workbook_with(part: str, change) -> bytes:
    """A valid workbook with one of its parts changed by `change(bytes) -> bytes`."""
    source = workbook({"Teams": [["team_id", "team_name", "team_type", "hub", "area"]]})
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    parts[part] = change(parts[part])
    return zipped(parts)


@pytest.mark.parametrize(
    ("part", "change", "expected"),
    [
        (
            "xl/styles.xml",
            lambda xml: b'<!DOCTYPE s [<!ENTITY e "x">]>' + xml,
            "extract.xlsx: xl/styles.xml: declares a document type or entities (<!DOCTYPE ...>), "
            "which Excel never writes",
        ),
        (
            "xl/workbook.xml",
            lambda xml: xml.replace(b"<workbook ", b'<workbook x="' + b"y" * 70_000 + b'" ', 1),
            "extract.xlsx: xl/workbook.xml: an XML tag over 64 KB long",
        ),
        (
            "xl/styles.xml",
            lambda xml: xml.replace(b"</styleSheet>", b"<x/>" * 60_000 + b"</styleSheet>"),
            "extract.xlsx: xl/styles.xml: holds more than 50,000 XML elements besides its rows "
            "and texts",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(
                b"</sheetData>",
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
                + b"t" * 4_100_000
                + b"</t></is></c></row></sheetData>",
            ),
            "extract.xlsx: xl/worksheets/sheet1.xml: a row holds more than 4.0 MB",
        ),
    ],
)
def test_every_part_of_a_workbook_is_bounded_before_openpyxl_builds_it(
    engine, part, change, expected
):
    result = import_files({"extract.xlsx": _workbook_with(part, change)}, engine=engine)
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith(expected), str(result.problems[0])


def test_a_long_comment_in_a_workbook_part_is_no_long_tag(engine):
    # Only start tags are built into attributes: a comment of any length is read past.
    comment = b"<!--" + b"c" * 300_000 + b"-->"
    content = _workbook_with(
        "xl/styles.xml", lambda xml: xml.replace(b"</styleSheet>", comment + b"</styleSheet>")
    )
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "extract.xlsx, sheet Teams, row 1: the file has a header but no data rows"
    ]


def test_a_workbook_s_shared_texts_are_counted_before_they_are_read(engine, monkeypatch):
    # Excel keeps a sheet's texts in one shared table, which openpyxl reads whole first.
    texts = ["team_id", "team_name", "team_type", "hub", "area"]
    source = workbook({"Teams": [texts]})
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="'
        + main
        + b'">'
        + b"".join(b"<si><t>%s</t></si>" % text.encode() for text in texts)
        + b"</sst>"
    )
    parts["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="'
        + main
        + b'"><sheetData><row r="1">'
        + b"".join(b'<c r="%s1" t="s"><v>%d</v></c>' % (b"ABCDE"[n : n + 1], n) for n in range(5))
        + b"</row></sheetData></worksheet>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    content = zipped(parts)
    header_only = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in header_only.problems] == [
        "extract.xlsx, sheet Teams, row 1: the file has a header but no data rows"
    ]
    monkeypatch.setattr(reading, "MAX_SHARED_STRINGS", 4)
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "extract.xlsx: xl/sharedStrings.xml: the workbook shares more than 4 different texts: "
        "save each kind of data as its own CSV file instead"
    ]


def test_a_workbook_s_text_counts_against_the_import_s_bytes(engine, monkeypatch):
    rows = [["team_id", "team_name", "team_type", "hub", "area"]]
    rows += [[f"T{n}", "N" * 200, "other", "Hub", "North"] for n in range(500)]
    content = workbook({"Teams": rows})
    assert len(content) < 40_000  # under the limit as uploaded, 100 KB of text once read
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", 50_000)
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "extract.xlsx, sheet Teams: the files hold more than 0.1 MB once unzipped, the limit "
        "for one import: import them in smaller groups"
    ]


def test_reading_past_the_clock_is_refused_naming_the_file(engine, monkeypatch):
    monkeypatch.setattr(reading, "MAX_READ_SECONDS", 0.0)
    content = workbook({"Teams": [["team_id", "team_name", "team_type", "hub", "area"]]})
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "extract.xlsx: reading took more than 0 seconds, the limit for one import: import the "
        "files in smaller groups"
    ]


def test_a_workbook_with_more_parts_than_excel_writes_is_refused(engine):
    content = zipped({f"xl/media/image{n}.png": b"" for n in range(1_500)})
    result = import_files({"extract.xlsx": content}, engine=engine)
    assert [str(p) for p in result.problems] == [
        "extract.xlsx: the workbook holds 1,500 parts, where Excel writes a few dozen: save "
        "each kind of data as its own CSV file instead"
    ]
