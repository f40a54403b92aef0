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
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from data_access.core.problems import Problem

#: A single file (or a file inside a zip) larger than this is refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: All files of one import together.
MAX_TOTAL_BYTES = 60 * 1024 * 1024
READABLE_SUFFIXES = (".csv", ".xlsx", ".zip")


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
    tables: list[Table] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    total = sum(len(content) for content in sources.values())
    if total > MAX_TOTAL_BYTES:
        problems.append(
            Problem(
                "upload",
                None,
                None,
                f"the files add up to {_megabytes(total)}; the limit for one import is "
                f"{_megabytes(MAX_TOTAL_BYTES)}: import them in smaller groups",
            )
        )
        return tables, problems, warnings
    for name, content in sources.items():
        _read_one(name, content, tables, problems, warnings, inside_zip=False)
    return tables, problems, warnings


def _too_big(name: str, size: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        f"the file is {_megabytes(size)}; the limit is {_megabytes(MAX_FILE_BYTES)} per file: "
        "split it (for example by year) and import the parts",
    )


def _read_one(
    name: str,
    content: bytes,
    tables: list[Table],
    problems: list[Problem],
    warnings: list[Problem],
    *,
    inside_zip: bool,
) -> None:
    suffix = PurePath(name).suffix.lower()
    if len(content) > MAX_FILE_BYTES:
        problems.append(_too_big(name, len(content)))
    elif suffix == ".zip" and not inside_zip:
        _read_zip(name, content, tables, problems, warnings)
    elif suffix == ".xlsx":
        _read_workbook(name, content, tables, problems)
    elif suffix == ".csv":
        _read_csv(name, content, tables, problems, warnings)
    else:
        warnings.append(Problem(name, None, None, "not a .csv, .xlsx or .zip file, ignored"))


def _read_zip(
    name: str,
    content: bytes,
    tables: list[Table],
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        problems.append(Problem(name, None, None, "unreadable file: not a valid zip file"))
        return
    with archive:
        for member in archive.infolist():
            member_name = PurePath(member.filename).name
            if member.is_dir() or member.filename.startswith("__MACOSX") or not member_name:
                continue
            label = f"{name}: {member_name}"
            # Check the stated size before reading, so a zip bomb is never expanded.
            if member.file_size > MAX_FILE_BYTES:
                problems.append(_too_big(label, member.file_size))
                continue
            _read_one(label, archive.read(member), tables, problems, warnings, inside_zip=True)


def _decode(name: str, content: bytes, warnings: list[Problem]) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        return None
    warnings.append(
        Problem(name, None, None, "not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)")
    )
    return text


def _read_csv(
    name: str,
    content: bytes,
    tables: list[Table],
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    text = _decode(name, content, warnings)
    if text is None:
        problems.append(
            Problem(
                name,
                None,
                None,
                "unreadable file: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
            )
        )
        return
    if "\x00" in text:
        problems.append(
            Problem(name, None, None, "unreadable file: it holds binary data, not CSV text")
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    table = Table(label=PurePath(name).name if ": " not in name else name, name=name)
    line = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                table.records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(name, reader.line_num, None, f"unreadable file: {error}"))
        return
    tables.append(table)


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


def _read_workbook(name: str, content: bytes, tables: list[Table], problems: list[Problem]) -> None:
    from openpyxl import load_workbook  # imported here: only workbooks need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        problems.append(
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
                cells = [_cell_text(value) for value in row]
                if any(cell.strip() for cell in cells):
                    table.records.append((number, cells))
            if table.records:
                tables.append(table)
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
