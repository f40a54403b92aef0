"""The hostile and borderline uploads of tests/hostile/test_uploads.py, made at test time (no
binaries are committed), each sized from the limits in data_access/ingest/reading.py so that
it stays at (or just past) them when the limits change.

Each function writes its file(s) into a folder, as the browser would upload them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from support.census import return_head

from data_access.ingest import reading
from data_access.national import census

#: The bound on the server's memory while it checks and imports any upload within the limits
#: (issue 20: under 500 MB).
UPLOAD_MEMORY_BOUND_MB = 500
#: What the dashboard's server holds before any upload: `streamlit run app.py` after its first
#: page, having loaded the demo organisation itself, measured at 296 MB (VmRSS, Streamlit
#: 1.67). A process that did not load the demo (a test's server, a child) rests lower, so an
#: upload's cost is measured as the growth from rest and added to this.
SERVER_REST_MB = 300
#: Staff (and supervisors) and teams held by tests/fixtures/small_org, whom the valid shapes
#: refer to (a test on another organisation sets its own).
KNOWN_STAFF = [f"S{n:02}" for n in range(1, 16)]
KNOWN_TEAMS = ["T1", "T2", "T3"]


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def _padded_table(header: str, make_row, cells: int, size: int) -> bytes:
    """A CSV of `header` and rows from make_row(n, padding) holding at most `cells` cells and
    `size` bytes: the last column pads each row so that both limits are reached together."""
    columns = header.count(",") + 1
    rows = cells // columns - 1
    plain = len(make_row(rows, "")) + 1
    padding = max(0, (size - len(header) - 1) // rows - plain)
    lines = [header] + [make_row(n, "p" * padding) for n in range(rows)]
    content = ("\n".join(lines) + "\n").encode()
    assert len(content) <= size, (len(content), size)
    return content


def three_large_csvs(folder: Path) -> None:
    """A zip of three valid CSV files, each just under the per-file limit, holding together
    just under the cell limit: every value of their id and notes columns is different (the
    most memory a cell can take), and every row can be loaded."""
    cells = reading.MAX_CELLS // 3 - 100
    size = min(reading.MAX_FILE_BYTES, reading.MAX_TOTAL_BYTES // 3) - 64 * 1024
    staff = _padded_table(
        "staff_id,display_name,role,employment_type,fte,team_id,start_date,notes",
        lambda n, pad: (
            f"N{n:08},Worker {n:08},social_worker,permanent,1,{KNOWN_TEAMS[n % 3]},2020-01-01,"
            f"{n}{pad}"
        ),
        cells,
        size,
    )
    sessions = _padded_table(
        "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,reflective,"
        "childs_views_recorded,notes",
        lambda n, pad: (
            f"Y{n:09},{KNOWN_STAFF[n % 15]},{KNOWN_STAFF[4]},"
            f"{1990 + n % 30}-{n % 12 + 1:02}-{n % 28 + 1:02},"
            f"held,60,yes,no,{n}{pad}"
        ),
        cells,
        size,
    )
    audits = _padded_table(
        "audit_id,staff_id,audit_date,grade,notes",
        lambda n, pad: (
            f"B{n:09},{KNOWN_STAFF[n % 15]},{1990 + n % 30}-{n % 12 + 1:02}-{n % 28 + 1:02},"
            f"good,{n}{pad}"
        ),
        cells,
        size,
    )
    members = {"staff.csv": staff, "supervision_sessions.csv": sessions}
    write_zip(folder / "extract.zip", {**members, "supervision_audits.csv": audits})


def three_files_of_long_notes(folder: Path) -> None:
    """Three valid CSV files uploaded side by side, each just under the per-file limit and
    together just under the import's byte limit, their bytes mostly a long note on every row
    (a column the import ignores, but reads): the most text an upload can hold."""
    size = min(reading.MAX_FILE_BYTES, reading.MAX_TOTAL_BYTES // 3) - 64 * 1024
    note = "n" * 2000
    tables = {
        "staff.csv": (
            "staff_id,display_name,role,employment_type,fte,team_id,start_date,notes",
            lambda n: (
                f"L{n:08},Worker {n},social_worker,permanent,1,{KNOWN_TEAMS[0]},2020-01-01,"
                f"{n}{note}"
            ),
        ),
        "supervision_audits.csv": (
            "audit_id,staff_id,audit_date,grade,notes",
            lambda n: f"L{n:08},{KNOWN_STAFF[n % 15]},2020-01-01,good,{n}{note}",
        ),
        "caseloads.csv": (
            "staff_id,snapshot_date,open_cases,notes",
            lambda n: (
                f"{KNOWN_STAFF[n % 15]},{1990 + n // 180}-{n // 15 % 12 + 1:02}-28,5,{n}{note}"
            ),
        ),
    }
    for name, (header, make_row) in tables.items():
        rows = size // (len(make_row(0)) + 8)
        content = "\n".join([header] + [make_row(n) for n in range(rows)]) + "\n"
        (folder / name).write_bytes(content.encode())


def one_wide_table(folder: Path) -> None:
    """A valid supervision_sessions.csv of just under the cell and byte limits, every
    session id and note different."""
    content = _padded_table(
        "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,reflective,"
        "childs_views_recorded,notes",
        lambda n, pad: (
            f"W{n:09},{KNOWN_STAFF[n % 15]},{KNOWN_STAFF[4]},"
            f"{1990 + n % 30}-{n % 12 + 1:02}-{n % 28 + 1:02},"
            f"held,60,yes,no,{n}{pad}"
        ),
        min(reading.MAX_CELLS, reading.MAX_LINES * 9) - 100,
        reading.MAX_FILE_BYTES - 64 * 1024,
    )
    (folder / "supervision_sessions.csv").write_bytes(content)


def many_lines(folder: Path) -> None:
    """A valid supervision_audits.csv of exactly the line limit (header included), within
    the cell and byte limits: the most rows one table may hold."""
    rows = min(reading.MAX_LINES - 1, reading.MAX_CELLS // 4 - 1)
    lines = ["audit_id,staff_id,audit_date,grade"] + [
        f"A{n:07},{KNOWN_STAFF[n % 15]},{1990 + n % 30}-{n % 12 + 1:02}-{n % 28 + 1:02},good"
        for n in range(rows)
    ]
    content = ("\n".join(lines) + "\n").encode()
    assert len(content) <= reading.MAX_FILE_BYTES
    (folder / "supervision_audits.csv").write_bytes(content)


def every_value_wrong(folder: Path) -> None:
    """Rows of 8 different wrong values, up to the line, cell and byte limits: millions of
    problems, of which the first 1,000 are kept and the rest counted."""
    header = "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,"
    header += "reflective,childs_views_recorded\n"
    rows = min(reading.MAX_LINES - 1, reading.MAX_CELLS // 8 - 1)
    body = "".join(f"X{n},S{n},V{n},d{n},s{n},m{n},r{n},c{n}\n" for n in range(rows))
    content = (header + body).encode()[: reading.MAX_FILE_BYTES]
    (folder / "supervision_sessions.csv").write_bytes(content[: content.rindex(b"\n") + 1])


def _census_head() -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + return_head(2026)


def empty_elements_census(folder: Path) -> None:
    """A census return whose one worker holds nearly 20 MB of empty elements (`<a/>`): five
    million elements, each an object in memory when a parser builds the whole tree."""
    head = _census_head() + b"<CSWWWorker><AgencyWorker>0</AgencyWorker>"
    tail = b"</CSWWWorker></Message>"
    count = (reading.MAX_FILE_BYTES - len(head) - len(tail) - 1024) // 4
    (folder / "census.xml").write_bytes(head + b"<a/>" * count + tail)


def entity_census(folder: Path) -> None:
    """A census return declaring one 290-byte entity and referring to it about 6.6 million
    times (each reference 3 bytes): under expat's own amplification limit, so a parser that
    accepts entities expands it to nearly 2 GB of text."""
    declaration = b'<!DOCTYPE Message [<!ENTITY e "' + b"x" * 290 + b'">]>\n'
    head = _census_head().replace(b"<Message>", declaration + b"<Message>", 1)
    head += b"<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>"
    tail = b"</SWENo></CSWWWorker></Message>"
    count = (reading.MAX_FILE_BYTES - len(head) - len(tail) - 1024) // 3
    (folder / "census.xml").write_bytes(head + b"&e;" * count + tail)


def many_small_workers_census(folder: Path) -> None:
    """A census return of about 19 MB of well-formed workers, each just an AgencyWorker:
    the most worker records a file of the size limit can hold."""
    head = _census_head()
    worker = b"<CSWWWorker><AgencyWorker>0</AgencyWorker></CSWWWorker>"
    tail = b"</Message>"
    count = min(
        (reading.MAX_FILE_BYTES - len(head) - len(tail)) // len(worker),
        census.MAX_CENSUS_ELEMENTS // 2 - 20,
    )
    (folder / "census.xml").write_bytes(head + worker * count + tail)


def census_header_last(folder: Path) -> None:
    """The return of `many_small_workers_census` with its header after the workers: the
    workers are kept until the header gives the reference date."""
    many_small_workers_census(folder)
    path = folder / "census.xml"
    content = path.read_bytes()
    start, end = content.index(b"<Header>"), content.index(b"</Header>") + len(b"</Header>")
    header = content[start:end]
    content = content[:start] + content[end:]
    path.write_bytes(content.replace(b"</Message>", header + b"</Message>"))


def workbook_parts() -> dict[str, bytes]:
    """The parts of a one-sheet workbook as openpyxl saves it."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.title = "Sheet1"
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {item.filename: source.read(item) for item in source.infolist()}


def _with_shared_strings(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Declare a shared-strings part (openpyxl's empty workbook has none)."""
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    return parts


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _write_workbook(path: Path, parts: dict[str, bytes], streamed: dict[str, object]) -> None:
    """Write `parts`, and each of `streamed` (name -> iterable of byte blocks) as it is made:
    a part of hundreds of MB is never held whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name not in streamed:
                archive.writestr(name, content)
        for name, blocks in streamed.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for block in blocks:
                    part.write(block)


def shared_strings_workbook(folder: Path) -> None:
    """A workbook of a few hundred KB whose shared-strings table holds 7.8 million strings
    (140 MB unzipped, under the workbook limit today): a reader that loads the whole table
    first spends minutes and gigabytes before it reads a row."""
    parts = _with_shared_strings(workbook_parts())
    count = 7_800_000
    item = b"<si><t>x</t></si>"
    block = 100_000

    def strings():
        yield b"<sst " + _MAIN + b' count="%d" uniqueCount="%d">' % (count, count)
        for _ in range(count // block):
            yield item * block
        yield b"</sst>"

    sheet = (
        b"<worksheet " + _MAIN + b'><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        b"</sheetData></worksheet>"
    )
    parts["xl/worksheets/sheet1.xml"] = sheet
    _write_workbook(folder / "extract.xlsx", parts, {"xl/sharedStrings.xml": strings()})


def workbook_at_the_limits(folder: Path) -> None:
    """A valid workbook as Excel writes one: a sheet Audits of as many rows as the line and
    cell limits allow, every audit id a different shared string."""
    parts = _with_shared_strings(workbook_parts())
    fixed = ["audit_id", "staff_id", "audit_date", "grade", "good", *KNOWN_STAFF]
    rows = min(
        reading.MAX_LINES - 1, reading.MAX_CELLS // 4 - 1, reading.MAX_SHARED_STRINGS - len(fixed)
    )
    index = {text: position for position, text in enumerate(fixed)}

    def strings():
        yield b"<sst " + _MAIN + b">"
        yield b"".join(b"<si><t>%s</t></si>" % text.encode() for text in fixed)
        for start in range(0, rows, 10_000):
            yield b"".join(
                b"<si><t>A%07d</t></si>" % n for n in range(start, min(rows, start + 10_000))
            )
        yield b"</sst>"

    def shared(column: str, row: int, number: int) -> bytes:
        return b'<c r="%s%d" t="s"><v>%d</v></c>' % (column.encode(), row, number)

    def sheet():
        yield b"<worksheet " + _MAIN + b"><sheetData>"
        yield (
            b'<row r="1">'
            + b"".join(
                shared(column, 1, index[name])
                for column, name in zip("ABCD", fixed[:4], strict=True)
            )
            + b"</row>"
        )
        for start in range(0, rows, 10_000):
            block = []
            for n in range(start, min(rows, start + 10_000)):
                row = n + 2
                day = 30000 + n % 10000  # an Excel serial day
                block.append(
                    b'<row r="%d">' % row
                    + shared("A", row, len(fixed) + n)
                    + shared("B", row, index[KNOWN_STAFF[n % 15]])
                    + b'<c r="C%d"><v>%d</v></c>' % (row, day)
                    + shared("D", row, index["good"])
                    + b"</row>"
                )
            yield b"".join(block)
        yield b"</sheetData></worksheet>"

    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Sheet1"', b'name="Audits"')
    _write_workbook(
        folder / "extract.xlsx",
        parts,
        {"xl/sharedStrings.xml": strings(), "xl/worksheets/sheet1.xml": sheet()},
    )
