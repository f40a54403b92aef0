"""The command line's import of a folder of CSV files of any size: streamed, all or nothing.

The web upload reads its (size-limited) files whole (`importer.import_files`). A council's or a
region's full history is larger than any upload limit, so `import_folder` reads each CSV file
row by row, in chunks of `CHUNK_ROWS`, and never holds a whole file:

- every chunk is checked by the same rules and gives the same messages as the upload (the
  parsing, duplicate-key, reference and hub checks of `data_access.ingest.importer`), keys and ids
  being remembered across chunks;
- while nothing is wrong, every chunk is written at once inside the import's one transaction;
  after the first problem nothing more is written, the rest is still checked, and at the end
  the transaction is rolled back, so the database is as it was;
- on PostgreSQL each chunk goes through COPY into a temporary staging table and one set-based
  INSERT ... ON CONFLICT (the bulk path); on SQLite, chunked inserts and updates;
- memory is the chunk, the keys of the file being read (for the duplicate check) and the ids of
  teams and staff; the cost of each chunk does not depend on what is already stored.

Only folders of CSV files take this path: Excel workbooks and zip files are read whole, within
the upload limits, by `read_folder` and `import_files`.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlmodel import Session

from data_access.core.db import get_engine
from data_access.core.models import table_of
from data_access.core.problems import Problem
from data_access.ingest.importer import (
    ANOTHER_IMPORT_RUNNING,
    FileLoadCount,
    ImportBusy,
    ImportResult,
    earliest_change,
    ensure_hubs,
    finish_load,
    record_failure,
    record_refusal,
    table_records,
    take_import_lock,
    upsert_records,
)
from data_access.ingest.reading import Table, is_utf16, misencoded_lines
from data_access.ingest.specs import FILE_SPECS, STAFF, TEAMS, FileSpec, recognise
from data_access.ingest.validation import (
    MAX_KEPT_PROBLEMS,
    ROW_CHECKS,
    ParsedFile,
    Validation,
    check_agency_workers,
    check_duplicate_keys,
    check_header,
    check_hubs,
    check_references,
    is_total_row,
    nothing_to_import,
    parse_records,
)

#: Rows checked and written at a time.
CHUNK_ROWS = 20_000
_SNIFF_BYTES = 1 << 20


def is_streamable(folder: Path) -> bool:
    """True when the folder's import files are all CSV (the streamed path takes them)."""
    files = [path for path in folder.iterdir() if path.is_file()]
    suffixes = {path.suffix.lower() for path in files}
    return ".csv" in suffixes and not suffixes & {".xlsx", ".zip"}


def _encoding(path: Path) -> tuple[str | None, Problem | None]:
    """("utf-8-sig" or "cp1252", a warning) or (None, the problem), reading in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        if is_utf16(handle.read(1024)):
            message = "saved as UTF-16 (Unicode text): save it as CSV UTF-8"
            return None, Problem(path.name, None, None, message)
        handle.seek(0)
        try:
            while block := handle.read(_SNIFF_BYTES):
                if b"\x00" in block:
                    message = "unreadable file: it holds binary data, not CSV text"
                    return None, Problem(path.name, None, None, message)
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig", None
        except UnicodeDecodeError:
            pass
    with path.open("rb") as handle:
        misencoded = misencoded_lines(path.name, handle)
    if misencoded is not None:
        return None, misencoded
    warning = "not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)"
    return "cp1252", Problem(path.name, None, None, warning)


def _records_of(
    path: Path, encoding: str, validation: Validation
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for every non-blank record; a csv error is a problem and ends the file."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    yield line, record
                line = reader.line_num + 1
        except csv.Error as error:
            validation.problems.append(
                Problem(path.name, reader.line_num, None, f"unreadable file: {error}")
            )


class _Streamer:
    """One streamed import: the transaction, what has been seen, and the counts."""

    def __init__(self, session: Session, validation: Validation) -> None:
        self.session = session
        self.validation = validation
        self.known_ids: dict[str, set[str]] = {}
        self.hub_ids: dict[str, int] = {}
        self.counts: list[FileLoadCount] = []
        self.problems_not_kept = 0
        self.bulk = session.get_bind().dialect.name == "postgresql"
        #: Whether the table of the file being read was empty when the file started.
        self.empty = False

    def file(self, spec: FileSpec, path: Path, encoding: str) -> None:
        validation = self.validation
        label = path.name
        parsed_header = ParsedFile(spec, label)
        records = _records_of(path, encoding, validation)
        first = next(records, None)
        if first is None:
            validation.problems.append(parsed_header.problem(1, None, "the file is empty"))
            return
        header_line, header = first
        names = [cell.strip().lower() for cell in header]
        positions = check_header(parsed_header, header_line, names, validation)
        if positions is None:
            return
        first_seen: dict[tuple, int] = {}
        total = FileLoadCount(spec.name, 0, 0, 0)
        # Into a table empty when its file starts (a first load), every row is new: the keys
        # are checked unique within the file, so nothing need be looked up or merged.
        self.empty = self.session.execute(select(spec.model).limit(1)).first() is None
        chunk: list[tuple[int, list[str]]] = []
        rows_seen = 0
        # Teams are read whole: the hub check compares every row with every other.
        size = None if spec is TEAMS else CHUNK_ROWS
        for record in records:
            chunk.append(record)
            if size is not None and len(chunk) > size:
                # Keep the last record back: a total row is skipped only at the very end.
                tail = chunk.pop()
                total = self._chunk(spec, label, positions, len(header), chunk, first_seen, total)
                rows_seen += len(chunk)
                chunk = [tail]
        if chunk and is_total_row(chunk[-1][1]):
            line, _ = chunk.pop()
            validation.warnings.append(parsed_header.problem(line, None, "a total row, skipped"))
        if chunk:
            total = self._chunk(spec, label, positions, len(header), chunk, first_seen, total)
            rows_seen += len(chunk)
        if rows_seen == 0:
            validation.problems.append(
                parsed_header.problem(header_line, None, "the file has a header but no data rows")
            )
            return
        self.counts.append(total)

    def _chunk(
        self,
        spec: FileSpec,
        label: str,
        positions: dict[str, int],
        width: int,
        chunk: list[tuple[int, list[str]]],
        first_seen: dict[tuple, int],
        total: FileLoadCount,
    ) -> FileLoadCount:
        validation = self.validation
        parsed = ParsedFile(spec, label)
        parse_records(parsed, positions, width, chunk, validation)
        check_duplicate_keys(parsed, validation, first_seen)
        row_check = ROW_CHECKS.get(spec.name)
        if row_check:
            for row in parsed.rows:
                row_check(parsed, row, validation)
        # The references of this chunk only: earlier files are in known_ids already.
        validation.files = {spec.name: parsed}
        if spec is TEAMS:
            check_hubs(parsed, validation, session=self.session)
        check_references(validation, self.known_ids, session=self.session)
        check_agency_workers(validation, session=self.session)
        if spec in (TEAMS, STAFF):
            self.known_ids.setdefault(spec.name, set()).update(
                row.values[spec.key[0]] for row in parsed.rows
            )
        self._cap_problems()
        if not validation.ok:
            return total
        if spec is TEAMS:
            self.hub_ids = ensure_hubs(parsed, session=self.session)
        records = table_records(parsed, self.hub_ids)
        if not records:
            return total
        if self.empty:
            count = _insert_new(self.session, spec, records, copy=self.bulk)
        elif self.bulk:
            count = _upsert_bulk(self.session, spec, records)
        else:
            count = upsert_records(spec, records, session=self.session)
        days = [day for day in (total.changed_from, count.changed_from) if day is not None]
        return replace(
            total,
            added=total.added + count.added,
            replaced=total.replaced + count.replaced,
            unchanged=total.unchanged + count.unchanged,
            changed_from=min(days) if days else None,
        )

    def _cap_problems(self) -> None:
        problems = self.validation.problems
        if len(problems) > MAX_KEPT_PROBLEMS:
            self.problems_not_kept += len(problems) - MAX_KEPT_PROBLEMS
            del problems[MAX_KEPT_PROBLEMS:]


def _copy_rows(
    session: Session, table: str, columns: list[str], records: list[dict[str, Any]]
) -> None:
    """PostgreSQL's COPY of `records` into `table`, through the session's own connection."""
    quoted = ", ".join(f'"{name}"' for name in columns)
    driver = session.connection().connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection is closed")
    cursor = driver.cursor()
    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for record in records:
            copy.write_row([record[name] for name in columns])


def _insert_new(
    session: Session, spec: FileSpec, records: list[dict[str, Any]], *, copy: bool
) -> FileLoadCount:
    """Rows into a table that was empty when their file started: all added (COPY straight
    into the table on PostgreSQL, one multi-row INSERT on SQLite)."""
    if copy:
        _copy_rows(session, table_of(spec.model).name, list(records[0]), records)
    else:
        session.execute(insert(spec.model), records)
    days = [record[spec.period] for record in records if spec.period and record[spec.period]]
    return FileLoadCount(spec.name, len(records), 0, 0, min(days) if days else None)


def _upsert_bulk(session: Session, spec: FileSpec, records: list[dict[str, Any]]) -> FileLoadCount:
    """PostgreSQL: COPY the chunk into a staging table, then insert new rows and replace
    changed ones in one statement each; the counts and the earliest changed date as
    `importer.upsert_records` gives them."""
    table = spec.model.__tablename__
    stage = f"stage_{table}"
    columns = list(records[0])
    quoted = ", ".join(f'"{name}"' for name in columns)
    keys = ", ".join(f'"{name}"' for name in spec.key)
    joined = " AND ".join(f't."{name}" = s."{name}"' for name in spec.key)
    differs = " OR ".join(f't."{name}" IS DISTINCT FROM s."{name}"' for name in columns)
    session.execute(
        text(f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" (LIKE "{table}") ON COMMIT DROP')
    )
    session.execute(text(f'TRUNCATE "{stage}"'))
    _copy_rows(session, stage, columns, records)
    # The rows this chunk replaces, as they were (usually few): for the counts and the
    # earliest date they change.
    old_rows = [
        dict(row._mapping)
        for row in session.execute(
            text(f'SELECT t.* FROM "{table}" t JOIN "{stage}" s ON {joined} WHERE {differs}')
        )
    ]
    period = f'min(s."{spec.period}")' if spec.period else "NULL"
    earliest_new, added_count = session.execute(
        text(
            f'SELECT {period}, count(*) FROM "{stage}" s '
            f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {joined})'
        )
    ).one()
    key_of = set(spec.key)
    by_key = {tuple(record[name] for name in spec.key): record for record in records}
    existing = {tuple(row[name] for name in spec.key): row for row in old_rows}
    replaced = [by_key[key] for key in existing]
    added_dates = [{spec.period: earliest_new}] if spec.period and earliest_new is not None else []
    changed_from = earliest_change(spec, added_dates, replaced, existing, session=session)
    assignments = ", ".join(
        f'"{name}" = EXCLUDED."{name}"' for name in columns if name not in key_of
    )
    changed = " OR ".join(
        f'"{table}"."{name}" IS DISTINCT FROM EXCLUDED."{name}"' for name in columns
    )
    conflict = f"DO UPDATE SET {assignments} WHERE {changed}" if assignments else "DO NOTHING"
    session.execute(
        text(
            f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{stage}" '
            f"ON CONFLICT ({keys}) {conflict}"
        )
    )
    return FileLoadCount(
        spec.name,
        added_count,
        len(replaced),
        len(records) - added_count - len(replaced),
        changed_from,
    )


def import_folder(
    folder: Path,
    *,
    engine: Engine | None = None,
    source: str = "command line",
    user: str = "local user",
) -> tuple[ImportResult, int]:
    """Validate and load every CSV file in `folder`, streamed, in one transaction; or, if
    anything is wrong, write nothing and record the refusal. Returns the result and how many
    problems were found beyond those kept in it."""
    engine = engine or get_engine()
    validation = Validation()
    chosen: dict[str, tuple[Path, str]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        encoding, note = _encoding(path)
        if encoding is None:
            if note is not None:
                validation.problems.append(note)
            continue
        if note is not None:
            validation.warnings.append(note)
        header = next(_records_of(path, encoding, validation), None)
        spec = recognise(Table(path.name, path.name, [header] if header else []))
        if spec is None:
            validation.warnings.append(
                Problem(
                    path.name,
                    None,
                    None,
                    "not recognised as any import file (by its name or its header), ignored",
                )
            )
        elif spec.name in chosen:
            validation.problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    f"holds {spec.name} data, which {chosen[spec.name][0].name} "
                    "already holds: send each kind of data once",
                )
            )
        else:
            chosen[spec.name] = (path, encoding)
    if not chosen and validation.ok:
        validation.problems.append(nothing_to_import())
    streamer = None
    with Session(engine) as session:
        try:
            take_import_lock(session=session)
            streamer = _Streamer(session, validation)
            for spec in FILE_SPECS:
                if spec.name in chosen:
                    path, encoding = chosen[spec.name]
                    streamer.file(spec, path, encoding)
            validation.files = {}
            if validation.ok and streamer.counts:
                finish_load(streamer.counts, source=source, user=user, session=session)
                session.commit()
            else:
                session.rollback()
        except ImportBusy:
            session.rollback()
            validation.problems.append(Problem("import", None, None, ANOTHER_IMPORT_RUNNING))
        except BaseException:
            session.rollback()
            record_failure(
                {path.name: b"" for path, _ in chosen.values()},
                engine=engine,
                source=source,
                user=user,
            )
            raise
    result = ImportResult(validation, streamer.counts if streamer and validation.ok else [])
    not_kept = (streamer.problems_not_kept if streamer else 0) + validation.problems.not_kept
    if not validation.ok:
        record_refusal(
            {path.name: b"" for path, _ in chosen.values()},
            len(validation.problems) + not_kept,
            engine=engine,
            source=source,
            user=user,
        )
    return result, not_kept
