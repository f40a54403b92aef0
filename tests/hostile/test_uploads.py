"""Hostile uploads: each is refused with a clear message naming the file, in bounded memory,
with the database unchanged and the attempt in the import history.

The hostile files are made here, at test time (no binaries are committed). Those that could
exhaust memory are imported in a child process, as the Data page's Import button would import
them, and the child's peak memory (RSS) is checked against the web upload's bound.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SMALL_ORG, data_contents, read_folder_bytes
from sqlalchemy import select

from data_access.core.db import session_scope
from data_access.core.models import ImportLog
from data_access.ingest.importer import import_files
from data_access.ingest.reading import MAX_FILE_BYTES, MAX_LINES

ROOT = Path(__file__).resolve().parents[2]
#: The bound on one web upload's memory (issue: < 500 MB for any upload of up to 20 MB).
UPLOAD_MEMORY_BOUND_MB = 500

# The peak is read from VmHWM, which starts afresh when the child execs (getrusage's maxrss
# would include the test process's own memory at the fork).
CHILD = """
import json, re, sys
from pathlib import Path
from data_access.ingest.importer import import_files
sources = {path.name: path.read_bytes() for path in sorted(Path(sys.argv[1]).iterdir())}
result = import_files(sources, source="upload: hostile", user="test")
status = Path("/proc/self/status").read_text()
print(json.dumps({
    "loaded": result.loaded,
    "problems": [str(problem) for problem in result.problems],
    "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024,
}))
"""


@pytest.fixture
def org(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def import_in_child(folder: Path, engine) -> dict:
    """Import every file in `folder` in a child process; its outcome and peak memory."""
    environment = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    finished = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def refused_attempts(engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(ImportLog.outcome).where(ImportLog.source != "fixture")))


def assert_refused(outcome: dict, engine, before, *expected: str) -> None:
    assert not outcome["loaded"]
    assert outcome["peak_mb"] < UPLOAD_MEMORY_BOUND_MB, outcome
    for text in expected:
        assert any(text in problem for problem in outcome["problems"]), outcome["problems"]
    assert data_contents(engine) == before
    assert refused_attempts(engine) == ["refused"]


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def staff_lines(size: int) -> bytes:
    """About `size` bytes of staff.csv: a header, then the same worker over and over (it
    compresses to almost nothing)."""
    header = b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
    line = b"S01,Ann Archer,social_worker,permanent,1,T1,2020-01-01\n"
    return header + line * (size // len(line))


def test_a_zip_of_many_honest_large_members_is_refused_in_bounded_memory(org, tmp_path):
    # 60 members that each say (truthfully) 19.5 MB: 1.2 GB unzipped in a 1 MB zip.
    folder = tmp_path / "upload"
    folder.mkdir()
    member = staff_lines(int(19.5 * 1024 * 1024))
    write_zip(folder / "extract.zip", {f"staff_{n:02}.csv": member for n in range(60)})
    assert (folder / "extract.zip").stat().st_size < 5 * 1024 * 1024
    before = data_contents(org)
    outcome = import_in_child(folder, org)
    # Refused at the first bound reached (here the cells in the first member), before most
    # of the zip is ever unzipped.
    assert_refused(outcome, org, before, "extract.zip: staff_00.csv", "the limit for one import")


def lying_zip(path: Path, stated: int, content: bytes) -> None:
    """A zip whose one member says it holds `stated` bytes and holds `content`."""
    write_zip(path, {"staff.csv": content})
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, stated)
    struct.pack_into("<I", data, central + 24, stated)
    path.write_bytes(bytes(data))


def test_a_zip_member_that_lies_about_its_size_is_refused(org, tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    lying_zip(folder / "extract.zip", 1000, staff_lines(200 * 1024 * 1024))
    before = data_contents(org)
    outcome = import_in_child(folder, org)
    assert_refused(outcome, org, before, "extract.zip: staff.csv")


def test_a_password_protected_zip_is_a_clear_refusal(org, tmp_path):
    path = tmp_path / "extract.zip"
    write_zip(path, {"staff.csv": staff_lines(1000)})
    data = bytearray(path.read_bytes())
    # Bit 0 of the general purpose flags marks an encrypted member, in both headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + offset
        struct.pack_into("<H", data, at, struct.unpack_from("<H", data, at)[0] | 1)
    before = data_contents(org)
    result = import_files({"extract.zip": bytes(data)}, engine=org, source="upload: test")
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [
        "extract.zip: staff.csv: the zip file is password-protected: zip the files again "
        "without a password"
    ]
    assert data_contents(org) == before
    assert refused_attempts(org) == ["refused"]


def test_a_damaged_zip_and_a_damaged_member_are_clear_refusals(org):
    buffer = io.BytesIO()
    write_zip_buffer = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    write_zip_buffer.writestr("staff.csv", staff_lines(100_000))
    write_zip_buffer.close()
    whole = bytearray(buffer.getvalue())
    # Damage the compressed data of the member (just after its local header and name).
    start = whole.find(b"PK\x03\x04") + 30 + len("staff.csv")
    whole[start + 100 : start + 140] = b"\xff" * 40
    result = import_files(
        {"damaged.zip": bytes(whole), "cut.zip": buffer.getvalue()[:200]},
        engine=org,
        source="upload: test",
    )
    assert sorted(str(problem) for problem in result.problems) == [
        "cut.zip: unreadable file: not a valid zip file",
        "damaged.zip: staff.csv: unreadable file inside the zip (damaged, or compressed in a way "
        "this dashboard does not read): zip the files again",
    ]


def big_workbook(path: Path, rows: int, cells: int) -> None:
    """A workbook of `rows` x `cells` text cells, its sheet XML streamed in directly (a writer
    library would take minutes); a few MB on disk, hundreds once unzipped."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(buffer)
    row = ("<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * cells + "</row>").encode()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><sheetData>'
                )
                for _ in range(rows // 1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData></worksheet>")


def test_a_small_workbook_holding_a_million_rows_is_refused(org, tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    big_workbook(folder / "extract.xlsx", rows=1_000_000, cells=20)
    assert (folder / "extract.xlsx").stat().st_size < MAX_FILE_BYTES
    before = data_contents(org)
    outcome = import_in_child(folder, org)
    assert_refused(outcome, org, before, "extract.xlsx", "once unzipped")


def test_a_csv_of_blank_lines_is_refused_at_the_line_limit(org, tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "staff.csv").write_bytes(b"\n" * (MAX_FILE_BYTES - 1024))
    before = data_contents(org)
    outcome = import_in_child(folder, org)
    assert_refused(outcome, org, before, f"staff.csv, line {MAX_LINES + 1}", "blank ones")


def test_values_too_long_for_the_database_are_refused_by_line_and_column(org):
    # Names longer than the model's columns: refused with the line and column, on SQLite
    # exactly as on PostgreSQL (which would otherwise fail the load with no line at all).
    teams = (
        "team_id,team_name,team_type,hub,area\n"
        f"T9,{'N' * 201},safeguarding,Hub A,North\n"
        f"T8,Short name,safeguarding,{'H' * 250},North\n"
    ).encode()
    before = data_contents(org)
    result = import_files({"teams.csv": teams}, engine=org, source="upload: test")
    assert [str(problem) for problem in result.problems] == [
        "teams.csv, line 2, team_name: at most 200 characters; found 201",
        "teams.csv, line 3, hub: at most 200 characters; found 250",
    ]
    assert [problem.found for problem in result.problems] == ["N" * 40 + "...", "H" * 40 + "..."]
    assert data_contents(org) == before


def test_a_utf8_file_with_a_stray_windows_byte_is_named_by_line_not_garbled(org):
    staff = read_folder_bytes(SMALL_ORG)["staff.csv"].decode("utf-8").splitlines()
    staff[2] = staff[2].replace("Ben Baker", "Bén Bäker")  # proper UTF-8
    lines = [line.encode("utf-8") for line in staff]
    lines[4] = lines[4].replace(b"Dan Dale", b"Dan D\xe9le")  # one Windows-1252 byte
    before = data_contents(org)
    result = import_files({"staff.csv": b"\n".join(lines)}, engine=org, source="upload: test")
    assert [str(problem) for problem in result.problems] == [
        "staff.csv, line 5: 1 line(s) are not valid UTF-8 although the rest of the file is "
        "(lines 5): a character there was typed or pasted in another encoding; retype it, or "
        "save the file again as CSV UTF-8"
    ]
    assert data_contents(org) == before


def test_a_file_wholly_in_windows_1252_is_read_as_such(org):
    staff = read_folder_bytes(SMALL_ORG)["staff.csv"].decode("utf-8")
    staff = staff.replace("Ben Baker", "Bén Bäker").encode("cp1252")
    result = import_files({"staff.csv": staff}, engine=org, source="upload: test")
    assert result.loaded
    assert [str(warning) for warning in result.warnings] == [
        "staff.csv: not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)"
    ]
    with session_scope(org) as session:
        from data_access.core.models import Staff

        assert session.get(Staff, "S02").display_name == "Bén Bäker"


def test_a_file_where_every_value_is_wrong_is_refused_in_bounded_memory(org, tmp_path):
    # 300,000 rows of 8 different wrong values: 2.1 million problems, of which the first
    # 1,000 are kept and the rest counted.
    folder = tmp_path / "upload"
    folder.mkdir()
    header = "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,"
    header += "reflective,childs_views_recorded\n"
    rows = (f"X{n},S{n},V{n},d{n},s{n},m{n},r{n},c{n}\n" for n in range(300_000))
    (folder / "supervision_sessions.csv").write_text(header + "".join(rows))
    before = data_contents(org)
    outcome = import_in_child(folder, org)
    assert_refused(
        outcome,
        org,
        before,
        "supervision_sessions.csv, line 2, session_date: expected a date such as 2025-09-30 "
        'or 30/09/2025; found "d0"',
    )
    assert len(outcome["problems"]) == 1_000
