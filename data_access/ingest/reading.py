"""Reading uploaded or exported files into tables of text, whatever shape they arrive in.

Handles what council extracts look like in practice: CSV in UTF-8 (with or without a BOM) or
Windows-1252 (Excel's "CSV" on Windows), Excel workbooks (one table per sheet, with real dates
or text), zip files holding either, stray blank rows and a total row at the bottom. The
importer validates the tables; this module reads them (and writes the import format, for the
demo organisation and the templates).

Every limit is counted while the files are read, never taken from what a file says about
itself, and every part of a file that a reader would build whole in memory is bounded before
it is built: a zip's directory, each unzipped file, a CSV's lines and cells, and each part of a
workbook (its shared strings, each row, whatever else openpyxl reads).
"""

from __future__ import annotations

import codecs
import csv
import ctypes
import io
import lzma
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, Literal
from xml.parsers import expat

from data_access.core.problems import Problem

#: A megabyte as the upload box counts it (Streamlit's widget divides by 1,000,000 everywhere
#: but on Windows), so that "20 MB" means the same number of bytes on the page and here.
MEGABYTE = 1_000_000
#: A single file (or a file inside a zip, decompressed) larger than this is refused. The Data
#: page's upload boxes take their limit from it (`MAX_FILE_BYTES // MEGABYTE` MB).
MAX_FILE_BYTES = 20 * MEGABYTE
#: All files of one import together, as uploaded and again as decompressed from zip files
#: (and the text of a workbook's cells, as it is read).
MAX_TOTAL_BYTES = 30 * MEGABYTE
#: Lines of a CSV file or rows of a sheet, blank ones included, per table. With MAX_CELLS, this
#: bounds the server's memory: a check holds each table's cells as text and as checked values
#: together (about 1 KB a row of four columns, 150 bytes a cell), and the server rests at about
#: 300 MB, so these keep it under 500 MB (the figures are measured by
#: tests/hostile/test_uploads.py). A council's monthly extracts are a few thousand rows; a
#: larger history goes through the command line's streamed import, which has no such limit.
MAX_LINES = 150_000
#: Cells read in one import, all tables together.
MAX_CELLS = 1_000_000
#: What one workbook (a zip of XML parts) may hold once unzipped.
MAX_WORKBOOK_XML_BYTES = 150 * MEGABYTE
#: Files inside one zip file.
MAX_ZIP_MEMBERS = 200
#: Parts of one workbook (a workbook of dozens of sheets with charts has a few hundred).
MAX_WORKBOOK_PARTS = 1_000
#: Strings in a workbook's shared-strings table: openpyxl holds the whole table (about 150
#: bytes a string besides its text) while the sheets are read, so it is counted before it is
#: read.
MAX_SHARED_STRINGS = 250_000
#: XML elements and bytes of one record of a workbook part, which openpyxl builds whole: a
#: sheet's row (Excel's widest is 16,384 cells of a few elements each) or one shared text.
MAX_RECORD_ELEMENTS = 65_536
MAX_RECORD_BYTES = 4 * MEGABYTE
#: XML elements and bytes of any part of a workbook that openpyxl reads, besides its records
#: (its styles and sheet list, a sheet's columns, merged cells and links): built whole or kept
#: while the sheet is read. 100,000 elements of styles took 85 MB at their peak; Excel's own
#: files hold a few thousand.
MAX_PART_ELEMENTS = 50_000
MAX_PART_BYTES = 10 * MEGABYTE
#: A start tag longer than this is refused: a parser builds all of a tag's attributes at once
#: (two million attributes in one tag took 40 s and 350 MB).
MAX_TAG_BYTES = 64 * 1024
#: Seconds of reading for one import, on the reading thread's processor clock
#: (`reading_clock`): the work an upload may cost, whatever else the server is doing. A busy
#: server makes a reading take longer, never refuses it sooner. A workbook at every limit
#: below takes about 8 s on a typical 2-core server and 17 s on the slowest seen.
MAX_READ_SECONDS = 30.0


def reading_clock() -> float:
    """Processor seconds this thread has used: what the reading budget counts."""
    return time.thread_time()


READABLE_SUFFIXES = (".csv", ".xlsx", ".zip")
#: Distinct cell values a CSV file's reading shares (one string object each) before it stops
#: looking for repeats (a file of all-different values gains nothing from it).
_SHARED_VALUES = 200_000
#: Bytes of a zip's central directory per file it may list: a directory entry is 46 bytes and
#: the file's name (and a few optional fields). zipfile builds an object for every entry
#: before any limit on their number could be checked: 300,000 entries took 160 MB.
_DIRECTORY_BYTES_PER_ENTRY = 1024
#: How much is unzipped or decoded at a time.
_BLOCK = 1024 * 1024


def return_memory() -> None:
    """Give memory freed after a large upload back to the operating system. Python and the C
    allocator keep freed memory for reuse, so a long-running server would otherwise stay at
    its peak after one large check (an abandoned one kept 1.6 GB). glibc's malloc_trim
    releases the free pages of every heap; elsewhere this does nothing."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Callable[[int], int] | Literal[False] | None = None


def megabytes(size: int) -> str:
    """A size as the upload box shows it: "20.0 MB" is 20,000,000 bytes."""
    return f"{size / MEGABYTE:.1f} MB"


class _OverLimit(Exception):
    """Reading stops at once: the import is refused with `problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _too_slow(name: str, line: int | None = None) -> _OverLimit:
    return _OverLimit(
        Problem(
            name,
            line,
            None,
            f"reading took more than {MAX_READ_SECONDS:g} seconds, the limit for one "
            "import: import the files in smaller groups",
        )
    )


class _Budget:
    """What one import may still read, counted as it is read (never from sizes a file states
    about itself): decompressed bytes, lines per table, cells, and time."""

    def __init__(self) -> None:
        self.bytes_left = MAX_TOTAL_BYTES
        self.cells_left = MAX_CELLS
        self.deadline = reading_clock() + MAX_READ_SECONDS

    def take_bytes(self, name: str, size: int) -> None:
        self.bytes_left -= size
        if self.bytes_left < 0:
            raise _OverLimit(
                Problem(
                    name,
                    None,
                    None,
                    f"the files hold more than {megabytes(MAX_TOTAL_BYTES)} once unzipped, the "
                    "limit for one import: import them in smaller groups",
                )
            )

    def check_clock(self, name: str, line: int | None = None) -> None:
        if reading_clock() > self.deadline:
            raise _too_slow(name, line)

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
        if line % 1000 == 0:
            self.check_clock(name, line)


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


def read_sources(sources: Mapping[str, bytes]) -> tuple[list[Table], list[Problem], list[Problem]]:
    """(tables, problems, warnings) for files given as name -> content."""
    total = sum(len(content) for content in sources.values())
    if total > MAX_TOTAL_BYTES:
        too_much = Problem(
            "upload",
            None,
            None,
            f"the files add up to {megabytes(total)}; the limit for one import is "
            f"{megabytes(MAX_TOTAL_BYTES)}: import them in smaller groups",
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
        f"the file is {megabytes(size)}; the limit is {megabytes(MAX_FILE_BYTES)} per file: "
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


def _listed_entries(content: bytes) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory as its end record states them, or None
    when there is no end record (zipfile then refuses the file itself). Read before zipfile
    builds an object for every entry; a zip64 record, which no upload of this size needs,
    counts as too many entries."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 65_535))
    if end < 0 or end + 22 > len(content):
        return None
    entries, size = struct.unpack_from("<HI", content, end + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:
        return 0xFFFF, size
    return entries, size


def _too_many_entries(content: bytes, max_entries: int, noun: str) -> str | None:
    """Why the zip's directory lists more than `max_entries` files (`noun`), from its end
    record ("holds 1,500 parts"), or None."""
    listed = _listed_entries(content)
    if listed is None:
        return None
    entries, size = listed
    if entries > max_entries:
        return f"holds {entries:,} {noun}" + (" or more" if entries == 0xFFFF else "")
    if size > max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        return f"lists its {noun} in {size:,} bytes, more than {max_entries:,} {noun} need"
    return None


def _open_zip(content: bytes) -> zipfile.ZipFile | None:
    """The zip file, or None when it is not one."""
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None


def _read_zip(reading: _Reading, name: str, content: bytes) -> None:
    too_many = _too_many_entries(content, MAX_ZIP_MEMBERS, "files")
    if too_many:
        raise _OverLimit(
            Problem(name, None, None, f"the zip file {too_many}; the limit is {MAX_ZIP_MEMBERS}")
        )
    archive = _open_zip(content)
    if archive is None:
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
            del member_content  # one member's bytes at a time


def _unzip(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, budget: _Budget
) -> bytes | None:
    """The member's bytes, read a megabyte at a time and counted against the per-file limit,
    the import's budget and its clock; None when the member is damaged or cannot be
    unzipped."""
    content = bytearray()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_BLOCK):
                if len(content) + len(chunk) > MAX_FILE_BYTES:
                    raise _OverLimit(
                        Problem(
                            label,
                            None,
                            None,
                            f"the file is over {megabytes(MAX_FILE_BYTES)} once unzipped (the "
                            f"zip file said {member.file_size:,} bytes); the limit is "
                            f"{megabytes(MAX_FILE_BYTES)} per file",
                        )
                    )
                budget.take_bytes(label, len(chunk))
                budget.check_clock(label)
                content += chunk
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
    return bytes(content)


#: A character written in UTF-8 over two to four bytes (é is C3 A9): text that has one is
#: UTF-8, whatever else is wrong with it.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: The bytes Windows-1252 leaves undefined: a file holding one is in neither encoding.
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


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


def is_utf16(content: bytes) -> bool:
    """True for text saved as UTF-16 (Excel's "Unicode Text"): it starts with a UTF-16 byte
    order mark, or (without one) every other byte of its start is zero, as plain letters are
    in UTF-16. Checked before anything else, so such a file gets one refusal that says what
    it is (not "binary data" beside a "read as Windows-1252" warning)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = content[:1024]
    if len(head) < 8:
        return False
    return any(half.count(0) >= 0.9 * len(half) for half in (head[0::2], head[1::2]))


def _is_utf8(content: bytes) -> bool:
    """Whether the bytes are UTF-8, decoded a block at a time (the whole file is never held
    as text: a 20 MB file of astral characters would be 80 MB)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(content), _BLOCK):
            decoder.decode(content[start : start + _BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(reading: _Reading, name: str, content: bytes) -> str | None:
    """The file's encoding ("utf-8-sig" or "cp1252", the latter with a warning), or None
    after noting in `reading` the one reason it cannot be read."""
    if is_utf16(content):
        reading.problems.append(
            Problem(name, None, None, "saved as UTF-16 (Unicode text): save it as CSV UTF-8")
        )
        return None
    if b"\x00" in content:
        reading.problems.append(
            Problem(name, None, None, "unreadable file: it holds binary data, not CSV text")
        )
        return None
    if _is_utf8(content):
        return "utf-8-sig"
    misencoded = misencoded_lines(name, io.BytesIO(content))
    if misencoded is not None:
        reading.problems.append(misencoded)
        return None
    if _NOT_CP1252.search(content):
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
    return "cp1252"


def _read_csv(reading: _Reading, name: str, content: bytes) -> None:
    encoding = _encoding(reading, name, content)
    if encoding is None:
        return
    # Decoded as it is read: the file is never held whole as text (nor as a copy of it).
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    reader = csv.reader(text)
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


def _cell_text(value: object) -> str:
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


def _unzipped_workbook_size(archive: zipfile.ZipFile, name: str, budget: _Budget) -> int | None:
    """The bytes a workbook (itself a zip of XML parts) holds once unzipped, counted by
    unzipping it a megabyte at a time and stopping past the limit (or the clock); None when
    it is damaged."""
    total = 0
    try:
        for member in archive.infolist():
            with archive.open(member) as stream:
                while chunk := stream.read(_BLOCK):
                    total += len(chunk)
                    budget.check_clock(name)
                    if total > MAX_WORKBOOK_XML_BYTES:
                        return total
    except _OverLimit:
        raise
    except Exception:  # a damaged workbook raises many kinds; openpyxl names it below
        return None
    return total


class _PartWatch:
    """The limits on one workbook's parts, checked on their bytes as openpyxl reads them, a
    block ahead of openpyxl's own parser (so nothing past a limit is ever built):
    - no document type or entity declarations (Excel never writes one);
    - no start tag over MAX_TAG_BYTES;
    - a record (a sheet's row, or one shared string) holds at most MAX_RECORD_ELEMENTS
      elements and MAX_RECORD_BYTES bytes: openpyxl builds a whole record at once;
    - besides records, a part holds at most MAX_PART_ELEMENTS elements and MAX_PART_BYTES
      bytes: openpyxl builds the styles and the sheet list whole, and keeps a sheet's other
      elements (columns, merged cells, links) until the sheet is read;
    - the shared-strings part holds at most MAX_SHARED_STRINGS strings and MAX_FILE_BYTES
      of text: openpyxl holds the whole table while the sheets are read;
    - the import's clock.
    `problem` holds the first limit passed, in case openpyxl swallowed the exception."""

    def __init__(self, name: str, budget: _Budget) -> None:
        self.name = name
        self.budget = budget
        self.strings_part: str | None = None
        self.problem: Problem | None = None

    def refuse(self, part: str, message: str) -> _OverLimit:
        self.problem = self.problem or Problem(self.name, None, None, f"{part}: {message}")
        return _OverLimit(self.problem)


_SAVE_AS_CSV = "save each kind of data as its own CSV file instead"


class _PartCounter:
    """Counts one XML part's elements and bytes with expat (no tree is built) as its bytes
    pass on their way to openpyxl."""

    def __init__(self, watch: _PartWatch, part: str) -> None:
        self.watch = watch
        self.part = part
        self.strings = part == watch.strings_part
        #: A record is a row of a sheet, or one string (an `si`, at depth 2) of the table.
        self.record_name = "si" if self.strings else "row"
        self.parser = expat.ParserCreate(namespace_separator="}")
        # Text arrives in blocks of up to 8 KB rather than line by line.
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.depth = 0
        self.elements = 0
        self.outside = 0  # elements outside records
        self.record_depth = 0  # the depth of the record being read, 0 outside records
        self.record_start = 0  # the byte where it started
        self.record_elements = 0
        self.outside_bytes = 0  # bytes outside records, up to the last record's end
        self.last_record_end = 0
        self.records = 0
        self.text_bytes = 0
        self.carry = b""
        self.broken = False

    def _doctype(self, *_arguments: object) -> None:
        raise self.watch.refuse(
            self.part,
            "declares a document type or entities (<!DOCTYPE ...>), which Excel never "
            "writes: re-save the workbook in Excel, or save the data as CSV UTF-8",
        )

    def _start(self, name: str, _attributes: object) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements % 1000 == 0 and reading_clock() > self.watch.budget.deadline:
            raise self.watch.refuse(
                self.part,
                f"reading took more than {MAX_READ_SECONDS:g} seconds, the limit for one "
                "import: import the files in smaller groups",
            )
        if self.record_depth:
            self.record_elements += 1
            if self.record_elements > MAX_RECORD_ELEMENTS:
                raise self._record_too_big("elements")
            self._check_record_bytes()
            return
        local = name.rpartition("}")[2]
        if local == self.record_name and (not self.strings or self.depth == 2):
            self.record_depth = self.depth
            self.record_elements = 0
            self.record_start = self.parser.CurrentByteIndex
            self.outside_bytes += self.record_start - self.last_record_end
            self.records += 1
            if self.strings and self.records > MAX_SHARED_STRINGS:
                raise self.watch.refuse(
                    self.part,
                    f"the workbook shares more than {MAX_SHARED_STRINGS:,} different texts: "
                    + _SAVE_AS_CSV,
                )
            return
        self.outside += 1
        if self.outside > MAX_PART_ELEMENTS:
            raise self.watch.refuse(
                self.part,
                f"holds more than {MAX_PART_ELEMENTS:,} XML elements besides its rows and "
                "texts: " + _SAVE_AS_CSV,
            )
        self._check_outside_bytes()

    def _end(self, _name: str) -> None:
        if self.depth == self.record_depth:
            self._check_record_bytes()
            self.record_depth = 0
            self.last_record_end = self.parser.CurrentByteIndex
        self.depth -= 1

    def _text(self, text: str) -> None:
        if self.record_depth:
            self._check_record_bytes()
            if self.strings:
                self.text_bytes += len(text)
                if self.text_bytes > MAX_FILE_BYTES:
                    raise self.watch.refuse(
                        self.part,
                        f"the workbook's shared texts hold more than "
                        f"{megabytes(MAX_FILE_BYTES)}: " + _SAVE_AS_CSV,
                    )
        else:
            self._check_outside_bytes()

    def _record_too_big(self, what: str) -> _OverLimit:
        record = "a shared text" if self.strings else "a row"
        limit = f"{MAX_RECORD_ELEMENTS:,} XML elements"
        if what == "bytes":
            limit = megabytes(MAX_RECORD_BYTES)
        return self.watch.refuse(
            self.part,
            f"{record} holds more than {limit}, more than Excel writes: re-save the workbook, "
            "or save the data as CSV UTF-8",
        )

    def _check_record_bytes(self) -> None:
        if self.parser.CurrentByteIndex - self.record_start > MAX_RECORD_BYTES:
            raise self._record_too_big("bytes")

    def _check_outside_bytes(self) -> None:
        outside = self.outside_bytes + self.parser.CurrentByteIndex - self.last_record_end
        if outside > MAX_PART_BYTES:
            raise self.watch.refuse(
                self.part,
                f"holds more than {megabytes(MAX_PART_BYTES)} besides its rows and texts: "
                + _SAVE_AS_CSV,
            )

    def feed(self, data: bytes, final: bool = False) -> None:
        """Count the elements in `data` (the next bytes of the part)."""
        self._check_tags(data)
        if self.broken:
            return
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError:
            # Not well-formed: openpyxl's own parser stops at the same byte and the
            # workbook is refused as unreadable.
            self.broken = True

    def _check_tags(self, data: bytes) -> None:
        """Refuse a start tag over MAX_TAG_BYTES, even one split across blocks: `carry` is
        what follows the last "<" not yet closed, at most MAX_TAG_BYTES of it (a long
        comment or declaration is not built into anything, and only its start is kept)."""
        pending = self.carry + data
        if long_tag_at(pending) is not None:
            raise self._tag_too_long()
        opened, closed = pending.rfind(b"<"), pending.rfind(b">")
        self.carry = pending[opened:] if opened > closed else b""
        if len(self.carry) > MAX_TAG_BYTES:
            if self.carry[1:2] not in (b"!", b"?", b"/"):
                raise self._tag_too_long()
            self.carry = self.carry[:2]

    def _tag_too_long(self) -> _OverLimit:
        return self.watch.refuse(
            self.part,
            f"an XML tag over {MAX_TAG_BYTES // 1024} KB long: re-save the workbook, or save "
            "the data as CSV UTF-8",
        )


#: A start tag (not a comment, declaration or end tag) of over MAX_TAG_BYTES. `[^<>]` ends a
#: try at the next tag, so the search is linear in the bytes searched.
_LONG_TAG = re.compile(rb"<[^!?/<>][^<>]{%d}" % MAX_TAG_BYTES)


def long_tag_at(content: bytes) -> int | None:
    """Where the first XML start tag of over MAX_TAG_BYTES begins in `content`, or None."""
    found = _LONG_TAG.search(content)
    return found.start() if found else None


_XML_PART = (".xml", ".rels", ".vml")


class _WatchedPart(io.RawIOBase):
    """One part of a workbook as openpyxl reads it, every block counted first."""

    def __init__(self, stream: Any, counter: _PartCounter | None) -> None:
        super().__init__()
        self.stream = stream
        self.counter = counter

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_BLOCK), b""))
        data = self.stream.read(size)
        if self.counter is not None:
            self.counter.feed(data, final=not data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


class _WatchedZip(zipfile.ZipFile):
    """The workbook's zip as openpyxl opens it: every part is read through `_WatchedPart`."""

    def __init__(self, file: Any, watch: _PartWatch) -> None:
        super().__init__(file)
        self.watch = watch

    def open(
        self, name: Any, mode: Any = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> Any:
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        counted = part.lower().endswith(_XML_PART)
        return _WatchedPart(stream, _PartCounter(self.watch, part) if counted else None)


def _size_from_the_start(worksheet: Any) -> None:
    """openpyxl's `ReadOnlyWorksheet._get_size`, reading no further than the sheet's data.

    openpyxl looks for a sheet's `<dimension>` element on "end" events and stops at the end
    of `<sheetData>`: a sheet without one (Excel always writes it; other writers may not) is
    parsed whole just to learn that it has none, before it is parsed again for its rows,
    which doubles the time a workbook at the limits takes. Here the search ends where the
    data starts. Put in place of openpyxl's below, for every read-only workbook (the only
    kind this module opens)."""
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    dimension, data = f"{{{SHEET_MAIN_NS}}}dimension", f"{{{SHEET_MAIN_NS}}}sheetData"
    source = worksheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == dimension:
                bounds = SheetDimension.from_tree(element).boundaries
                if bounds is not None:
                    (
                        worksheet._min_column,
                        worksheet._min_row,
                        worksheet._max_column,
                        worksheet._max_row,
                    ) = bounds
                return
            if element.tag == data:
                return
    finally:
        source.close()


def _load_watched_workbook(content: bytes, watch: _PartWatch) -> Any:
    """openpyxl's read-only workbook, its parts read through the watch. The shared-strings
    part is found as openpyxl finds it, so that the watch counts it as strings."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS

    class WatchedReader(ExcelReader):
        def read_strings(self) -> None:
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                watch.strings_part = found.PartName[1:]
            super().read_strings()

    ReadOnlyWorksheet._get_size = _size_from_the_start
    # External links are never needed for the cells' values, and would be read whole.
    reader = WatchedReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    reader.archive.close()
    reader.archive = _WatchedZip(io.BytesIO(content), watch)
    reader.valid_files = reader.archive.namelist()
    reader.read()
    return reader.wb


def _read_workbook(reading: _Reading, name: str, content: bytes) -> None:
    too_many = _too_many_entries(content, MAX_WORKBOOK_PARTS, "parts")
    if too_many:
        raise _OverLimit(
            Problem(
                name,
                None,
                None,
                f"the workbook {too_many}, where Excel writes a few dozen: " + _SAVE_AS_CSV,
            )
        )
    archive = _open_zip(content)
    if archive is None:
        reading.problems.append(
            Problem(name, None, None, "unreadable workbook (BadZipFile): re-save it")
        )
        return
    with archive:
        unzipped = _unzipped_workbook_size(archive, name, reading.budget)
    if unzipped is not None and unzipped > MAX_WORKBOOK_XML_BYTES:
        reading.problems.append(
            Problem(
                name,
                None,
                None,
                f"the workbook holds more than {megabytes(MAX_WORKBOOK_XML_BYTES)} once "
                "unzipped: save each kind of data as its own CSV file instead",
            )
        )
        return
    watch = _PartWatch(name, reading.budget)
    try:
        workbook = _load_watched_workbook(content, watch)
    except _OverLimit:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        if watch.problem is not None:
            raise _OverLimit(watch.problem) from None
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
                # A sheet's text counts against the import's bytes as a CSV file's would.
                reading.budget.take_bytes(table.label, sum(len(cell) for cell in cells))
                if any(cell.strip() for cell in cells):
                    table.records.append((number, cells))
            if table.records:
                reading.tables.append(table)
    except _OverLimit:
        raise
    except Exception as error:  # a damaged sheet fails while it is read
        if watch.problem is not None:
            raise _OverLimit(watch.problem) from None
        reading.problems.append(
            Problem(name, None, None, f"unreadable workbook ({type(error).__name__}): re-save it")
        )
    finally:
        workbook.close()
    if watch.problem is not None:
        raise _OverLimit(watch.problem)


def read_folder(folder: str | Path) -> tuple[dict[str, bytes], list[Problem]]:
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


def _cell(value: object) -> str:
    """A value as the import format writes it: ISO dates, yes/no, blank for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    """Rows written as an import file: UTF-8 CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")
