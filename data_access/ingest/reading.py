"""Reading uploaded or exported files into tables of text, whatever shape they arrive in.

Handles what council extracts look like in practice: CSV in UTF-8 (with or without a BOM) or
Windows-1252 (Excel's "CSV" on Windows), Excel workbooks (one table per sheet, with real dates
or text), zip files holding either, stray blank rows and a total row at the bottom. The
importer validates the tables; this module reads them (and writes the import format, for the
demo organisation and the templates).
"""

from __future__ import annotations

import csv
import io
import lzma
import re
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from data_access.core.problems import Problem

#: A single file (or a file inside a zip, decompressed) larger than this is refused.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: All files of one import together, as uploaded and again as decompressed from zip files.
MAX_TOTAL_BYTES = 60 * 1024 * 1024
#: Lines of a CSV file or rows of a sheet, blank ones included, per table.
MAX_LINES = 500_000
#: Cells read in one import, all tables together.
MAX_CELLS = 2_500_000
#: What one workbook (a zip of XML parts) may hold once unzipped.
MAX_WORKBOOK_XML_BYTES = 150 * 1024 * 1024
#: Files inside one zip file.
MAX_ZIP_MEMBERS = 200
#: Seconds of reading for one import.
MAX_READ_SECONDS = 20.0
READABLE_SUFFIXES = (".csv", ".xlsx", ".zip")
#: Distinct cell values a CSV file's reading shares (one string object each) before it stops
#: looking for repeats (a file of all-different values gains nothing from it).
_SHARED_VALUES = 200_000


class _OverLimit(Exception):
    """Reading stops at once: the import is refused with `problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Budget:
    """What one import may still read, counted as it is read (never from sizes a file states
    about itself): decompressed bytes, lines per table, cells, and time."""

    def __init__(self) -> None:
        self.bytes_left = MAX_TOTAL_BYTES
        self.cells_left = MAX_CELLS
        self.deadline = time.monotonic() + MAX_READ_SECONDS

    def take_bytes(self, name: str, size: int) -> None:
        self.bytes_left -= size
        if self.bytes_left < 0:
            raise _OverLimit(
                Problem(
                    name,
                    None,
                    None,
                    f"the files hold more than {_megabytes(MAX_TOTAL_BYTES)} once unzipped, the "
                    "limit for one import: import them in smaller groups",
                )
            )

    def take_row(self, name: str, line: int, cells: int, word: str) -> None:
        """Count one line (or row) of `cells` cells; every 1,000th also checks the clock."""
        self.cells_left -= cells
        if line > MAX_LINES:
            raise _OverLimit(
                Problem(
                    name,
                    line,
                    None,
                    f"more than {MAX_LINES:,} {word}s (blank ones included): split the file, "
                    "for example by year",
                )
            )
        if self.cells_left < 0:
            raise _OverLimit(
                Problem(
                    name,
                    line,
                    None,
                    f"the files hold more than {MAX_CELLS:,} cells, the limit for one import: "
                    "import them in smaller groups",
                )
            )
        if line % 1000 == 0 and time.monotonic() > self.deadline:
            raise _OverLimit(
                Problem(
                    name,
                    line,
                    None,
                    f"reading took more than {MAX_READ_SECONDS:g} seconds, the limit for one "
                    "import: import the files in smaller groups",
                )
            )


@dataclass
class Table:
    """One table of cells as text: a CSV file or one sheet of a workbook."""

    #: How problems name it: "staff.csv" or "extract.xlsx, sheet Staff".
    label: str
    #: The name to recognise it by: the file name, or the sheet name.
    name: str
    #: (line or sheet row, cells), header first, blank rows already removed.
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    #: "line" for CSV, "row" for a sheet.
    line_word: str = "line"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_sources(sources: Mapping[str, bytes]) -> tuple[list[Table], list[Problem], list[Problem]]:
    """(tables, problems, warnings) for files given as name -> content."""
    total = sum(len(content) for content in sources.values())
    if total > MAX_TOTAL_BYTES:
        too_much = Problem(
            "upload",
            None,
            None,
            f"the files add up to {_megabytes(total)}; the limit for one import is "
            f"{_megabytes(MAX_TOTAL_BYTES)}: import them in smaller groups",
        )
        return [], [too_much], []
    reading = _Reading()
    try:
        for name, content in sources.items():
            _read_one(reading, name, content, inside_zip=False)
    except _OverLimit as refused:
        return [], [*reading.problems, refused.problem], reading.warnings
    return reading.tables, reading.problems, reading.warnings


@dataclass
class _Reading:
    """One import's reading so far: the tables found, the problems and warnings, and what it
    may still read."""

    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    budget: _Budget = field(default_factory=_Budget)


def _too_big(name: str, size: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        f"the file is {_megabytes(size)}; the limit is {_megabytes(MAX_FILE_BYTES)} per file: "
        "split it (for example by year) and import the parts",
    )


def _read_one(reading: _Reading, name: str, content: bytes, *, inside_zip: bool) -> None:
    suffix = PurePath(name).suffix.lower()
    if len(content) > MAX_FILE_BYTES:
        reading.problems.append(_too_big(name, len(content)))
    elif suffix == ".zip" and not inside_zip:
        _read_zip(reading, name, content)
    elif suffix == ".xlsx":
        _read_workbook(reading, name, content)
    elif suffix == ".csv":
        _read_csv(reading, name, content)
    else:
        reading.warnings.append(
            Problem(name, None, None, "not a .csv, .xlsx or .zip file, ignored")
        )


def _read_zip(reading: _Reading, name: str, content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        reading.problems.append(Problem(name, None, None, "unreadable file: not a valid zip file"))
        return
    with archive:
        members = [
            member
            for member in archive.infolist()
            if not member.is_dir()
            and not member.filename.startswith("__MACOSX")
            and PurePath(member.filename).name
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            raise _OverLimit(
                Problem(
                    name,
                    None,
                    None,
                    f"the zip file holds {len(members):,} files; the limit is {MAX_ZIP_MEMBERS}",
                )
            )
        for member in members:
            label = f"{name}: {PurePath(member.filename).name}"
            if member.flag_bits & 0x1:
                reading.problems.append(
                    Problem(
                        label,
                        None,
                        None,
                        "the zip file is password-protected: zip the files again without a "
                        "password",
                    )
                )
                continue
            # The stated size is checked first, and the real size again while unzipping:
            # a zip file can state a small size and hold a huge one.
            if member.file_size > MAX_FILE_BYTES:
                reading.problems.append(_too_big(label, member.file_size))
                continue
            member_content = _unzip(archive, member, label, reading.budget)
            if member_content is None:
                reading.problems.append(
                    Problem(
                        label,
                        None,
                        None,
                        "unreadable file inside the zip (damaged, or compressed in a way this "
                        "dashboard does not read): zip the files again",
                    )
                )
                continue
            _read_one(reading, label, member_content, inside_zip=True)


def _unzip(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, budget: _Budget
) -> bytes | None:
    """The member's bytes, read a megabyte at a time and counted against the per-file limit
    and the import's budget; None when the member is damaged or cannot be unzipped."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise _OverLimit(
                        Problem(
                            label,
                            None,
                            None,
                            f"the file is over {_megabytes(MAX_FILE_BYTES)} once unzipped (the "
                            f"zip file said {member.file_size:,} bytes); the limit is "
                            f"{_megabytes(MAX_FILE_BYTES)} per file",
                        )
                    )
                budget.take_bytes(label, len(chunk))
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        OSError,
        EOFError,
    ):
        # Damaged data, a bad checksum, a compression method zipfile lacks (bz2 raises
        # OSError): the member cannot be unzipped.
        return None
    return b"".join(chunks)


#: A character written in UTF-8 over two to four bytes (é is C3 A9): text that has one is
#: UTF-8, whatever else is wrong with it.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def misencoded_lines(name: str, lines: Iterable[bytes]) -> Problem | None:
    """For a file that is not valid UTF-8: None when none of it is UTF-8 beyond plain ASCII
    (a Windows-1252 file, to be read as such), else the problem naming the lines that are
    not UTF-8 (a UTF-8 file with stray bytes, which read as Windows-1252 would garble every
    accented letter)."""
    bad: list[int] = []
    utf8 = False
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            utf8 = utf8 or bool(_UTF8_MULTIBYTE.search(line))
        else:
            utf8 = utf8 or not text.isascii()
    if not utf8 or not bad:
        return None
    shown = ", ".join(str(number) for number in bad[:10]) + (", ..." if len(bad) > 10 else "")
    return Problem(
        name,
        bad[0],
        None,
        f"{len(bad)} line(s) are not valid UTF-8 although the rest of the file is (lines "
        f"{shown}): a character there was typed or pasted in another encoding; retype it, or "
        "save the file again as CSV UTF-8",
    )


def _decode(reading: _Reading, name: str, content: bytes) -> str | None:
    """The file's text, or None after noting in `reading` why it cannot be read."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    misencoded = misencoded_lines(name, content.split(b"\n"))
    if misencoded is not None:
        reading.problems.append(misencoded)
        return None
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        reading.problems.append(
            Problem(
                name,
                None,
                None,
                "unreadable file: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
            )
        )
        return None
    reading.warnings.append(
        Problem(name, None, None, "not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)")
    )
    return text


def _read_csv(reading: _Reading, name: str, content: bytes) -> None:
    text = _decode(reading, name, content)
    if text is None:
        return
    if "\x00" in text:
        reading.problems.append(
            Problem(name, None, None, "unreadable file: it holds binary data, not CSV text")
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    table = Table(label=PurePath(name).name if ": " not in name else name, name=name)
    line = 1
    # One string object per distinct value: ids, dates and categories repeat down a file,
    # and an upload's memory is mostly its cells.
    shared: dict[str, str] = {}
    try:
        for record in reader:
            reading.budget.take_row(name, line, len(record), "line")
            if any(cell.strip() for cell in record):
                if len(shared) < _SHARED_VALUES:
                    record = [shared.setdefault(cell, cell) for cell in record]
                table.records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:
        reading.problems.append(Problem(name, reader.line_num, None, f"unreadable file: {error}"))
        return
    reading.tables.append(table)


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unzipped_workbook_size(content: bytes) -> int | None:
    """The bytes a workbook (itself a zip of XML parts) holds once unzipped, counted by
    unzipping it a megabyte at a time and stopping past the limit; None when it is damaged."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while chunk := stream.read(1024 * 1024):
                        total += len(chunk)
                        if total > MAX_WORKBOOK_XML_BYTES:
                            return total
    except Exception:  # a damaged workbook raises many kinds; openpyxl names it below
        return None
    return total


def _read_workbook(reading: _Reading, name: str, content: bytes) -> None:
    from openpyxl import load_workbook  # imported here: only workbooks need it

    unzipped = _unzipped_workbook_size(content)
    if unzipped is not None and unzipped > MAX_WORKBOOK_XML_BYTES:
        reading.problems.append(
            Problem(
                name,
                None,
                None,
                f"the workbook holds more than {_megabytes(MAX_WORKBOOK_XML_BYTES)} once "
                "unzipped: save each kind of data as its own CSV file instead",
            )
        )
        return
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        reading.problems.append(
            Problem(name, None, None, f"unreadable workbook ({type(error).__name__}): re-save it")
        )
        return
    try:
        for sheet in workbook.worksheets:
            table = Table(
                label=f"{PurePath(name).name}, sheet {sheet.title}",
                name=sheet.title,
                line_word="row",
            )
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                reading.budget.take_row(table.label, number, len(row), "row")
                cells = [_cell_text(value) for value in row]
                if any(cell.strip() for cell in cells):
                    table.records.append((number, cells))
            if table.records:
                reading.tables.append(table)
    except _OverLimit:
        raise
    except Exception as error:  # a damaged sheet fails while it is read
        reading.problems.append(
            Problem(name, None, None, f"unreadable workbook ({type(error).__name__}): re-save it")
        )
    finally:
        workbook.close()


def read_folder(folder) -> tuple[dict[str, bytes], list[Problem]]:
    """The readable files in `folder` (.csv, .xlsx, .zip) as name -> content, and problems."""
    from pathlib import Path

    folder = Path(folder)
    if not folder.is_dir():
        return {}, [Problem(str(folder), None, None, "folder not found")]
    sources: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in READABLE_SUFFIXES:
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(_too_big(path.name, path.stat().st_size))
            continue
        try:
            sources[path.name] = path.read_bytes()
        except OSError as error:
            problems.append(Problem(path.name, None, None, f"cannot read file: {error}"))
    if not sources and not problems:
        problems.append(
            Problem(
                str(folder),
                None,
                None,
                "no import files found; expected .csv, .xlsx or .zip files such as teams.csv, "
                "staff.csv",
            )
        )
    return sources, problems


def _cell(value) -> str:
    """A value as the import format writes it: ISO dates, yes/no, blank for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(header, rows) -> bytes:
    """Rows written as an import file: UTF-8 CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")
