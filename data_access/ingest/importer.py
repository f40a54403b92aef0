"""Validated, all-or-nothing import of the CSV files described in `docs/data-format.md`.

The import runs in two steps inside one transaction:

1. `validate` reads every file and checks every row, collecting each problem as a `Problem`
   (file, line, column, message). Nothing is written.
2. `load` runs only when there is no problem: it inserts new rows and replaces rows whose key
   already exists, table by table, and records the import in `import_log`.

`import_files` does both and commits, or rolls back so that the database is as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, text, update
from sqlmodel import Session, SQLModel

from data_access.core.db import get_engine, session_scope
from data_access.core.models import (
    AUDIT_GRADES,
    EMPLOYMENT_TYPES,
    ROLES,
    SESSION_STATUSES,
    Area,
    CaseloadSnapshot,
    Hub,
    ImportLog,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
)
from data_access.core.problems import Problem
from data_access.indicators.policy import TEAM_TYPES, asye_phases
from data_access.indicators.stored_parts import refresh_stored_parts
from data_access.ingest.parsing import (
    InvalidValue,
    Parser,
    category,
    decimal_range,
    parse_bool,
    parse_date,
    parse_text,
    whole_number_range,
)
from data_access.ingest.reading import Table, read_sources

#: How many problems the command line lists before it only counts the rest.
PROBLEM_LIST_CAP = 100
_CHUNK = 500


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    parse: Parser = parse_text
    #: The header must have this column.
    in_header: bool = True
    #: Every row must have a value (a row-level rule may still relax this).
    value_required: bool = True


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[SQLModel]
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    #: The date column that says which period a file covers (None for teams.csv).
    period: str | None = None

    def column(self, name: str) -> ColumnSpec:
        return next(column for column in self.columns if column.name == name)


def _optional(name: str, parse: Parser = parse_date) -> ColumnSpec:
    return ColumnSpec(name, parse, in_header=False, value_required=False)


TEAMS = FileSpec(
    "teams.csv",
    Team,
    (
        ColumnSpec("team_id"),
        ColumnSpec("team_name"),
        ColumnSpec("team_type", category(TEAM_TYPES)),
        ColumnSpec("hub"),
        ColumnSpec("area"),
    ),
    ("team_id",),
)
STAFF = FileSpec(
    "staff.csv",
    Staff,
    (
        ColumnSpec("staff_id"),
        ColumnSpec("display_name"),
        ColumnSpec("role", category(ROLES)),
        ColumnSpec("employment_type", category(EMPLOYMENT_TYPES)),
        ColumnSpec("fte", decimal_range(0, 1, low_inclusive=False)),
        ColumnSpec("team_id"),
        ColumnSpec("start_date", parse_date),
        _optional("end_date"),
        _optional("leaving_reason", parse_text),
        _optional("asye_start_date"),
        _optional("supervision_agreement_date"),
        _optional("supervision_training_date"),
    ),
    ("staff_id",),
    "start_date",
)
SESSIONS = FileSpec(
    "supervision_sessions.csv",
    SupervisionSession,
    (
        ColumnSpec("session_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("supervisor_id"),
        ColumnSpec("session_date", parse_date),
        ColumnSpec("status", category(SESSION_STATUSES)),
        # Blank is allowed only on a cancelled session: see _check_session.
        ColumnSpec("duration_minutes", whole_number_range(1, 600), value_required=False),
        ColumnSpec("reflective", parse_bool, value_required=False),
        ColumnSpec("childs_views_recorded", parse_bool, value_required=False),
    ),
    ("session_id",),
    "session_date",
)
CASELOADS = FileSpec(
    "caseloads.csv",
    CaseloadSnapshot,
    (
        ColumnSpec("staff_id"),
        ColumnSpec("snapshot_date", parse_date),
        ColumnSpec("open_cases", whole_number_range(0, 200)),
    ),
    ("staff_id", "snapshot_date"),
    "snapshot_date",
)
VACANCIES = FileSpec(
    "vacancies.csv",
    Vacancy,
    (
        ColumnSpec("team_id"),
        ColumnSpec("as_at", parse_date),
        ColumnSpec("vacant_fte", decimal_range(0, 100)),
    ),
    ("team_id", "as_at"),
    "as_at",
)
AUDITS = FileSpec(
    "supervision_audits.csv",
    SupervisionAudit,
    (
        ColumnSpec("audit_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("audit_date", parse_date),
        ColumnSpec("grade", category(AUDIT_GRADES)),
    ),
    ("audit_id",),
    "audit_date",
)

#: In load order: every file refers only to files before it.
FILE_SPECS: tuple[FileSpec, ...] = (TEAMS, STAFF, SESSIONS, CASELOADS, VACANCIES, AUDITS)
SPECS_BY_NAME = {spec.name: spec for spec in FILE_SPECS}

#: (file, column) -> the file whose key it refers to.
REFERENCES: dict[tuple[str, str], FileSpec] = {
    ("staff.csv", "team_id"): TEAMS,
    ("supervision_sessions.csv", "staff_id"): STAFF,
    ("supervision_sessions.csv", "supervisor_id"): STAFF,
    ("caseloads.csv", "staff_id"): STAFF,
    ("vacancies.csv", "team_id"): TEAMS,
    ("supervision_audits.csv", "staff_id"): STAFF,
}


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]
    #: Columns whose value could not be read (already reported as problems).
    unreadable: set[str] = field(default_factory=set)


@dataclass
class ParsedFile:
    spec: FileSpec
    #: How problems name the file (or sheet) the rows came from.
    label: str
    line_word: str = "line"
    rows: list[ParsedRow] = field(default_factory=list)

    def problem(
        self, line: int | None, column: str | None, message: str, found: str | None = None
    ) -> Problem:
        return Problem(self.label, line, column, message, self.line_word, found)


@dataclass
class Validation:
    """What `validate` found: the readable rows, the problems and the warnings."""

    files: dict[str, ParsedFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class FileLoadCount:
    file: str
    added: int
    replaced: int
    unchanged: int
    #: The earliest date whose figures the added or replaced rows can change (None: none).
    changed_from: date | None = None


@dataclass
class ImportResult:
    """The outcome of `import_files`: loaded (with counts) or refused (with problems)."""

    validation: Validation
    counts: list[FileLoadCount] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return self.validation.ok

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems

    @property
    def warnings(self) -> list[Problem]:
        return self.validation.warnings


class ImportRefused(Exception):
    """Raised inside the import transaction to roll it back when validation fails."""


# --- reading -------------------------------------------------------------------------------

_TOTAL_WORDS = ("total", "grand total", "totals")


def recognise(table: Table) -> FileSpec | None:
    """Which import file a table is: by its (file or sheet) name, else by its header."""
    stem = PurePath(table.name.split(": ")[-1]).stem.strip().lower().replace(" ", "_")
    for spec in FILE_SPECS:
        if stem == PurePath(spec.name).stem:
            return spec
    if not table.records:
        return None
    header = {cell.strip().lower() for cell in table.records[0][1]}
    matches = [
        spec
        for spec in FILE_SPECS
        if {column.name for column in spec.columns if column.in_header} <= header
    ]
    # The most specific match: staff.csv's header also holds everything caseloads.csv needs
    # only if it carries snapshot_date, so the largest required set wins.
    matches.sort(key=lambda spec: -sum(column.in_header for column in spec.columns))
    return matches[0] if matches else None


def _parse_table(spec: FileSpec, table: Table, validation: Validation) -> ParsedFile | None:
    parsed = ParsedFile(spec, table.label, table.line_word)
    records = list(table.records)
    if not records:
        validation.problems.append(parsed.problem(1, None, "the file is empty"))
        return None
    # A total row at the bottom (as spreadsheets add) is not data.
    while len(records) > 1 and records[-1][1] and _is_total_row(records[-1][1]):
        line, _ = records.pop()
        validation.warnings.append(parsed.problem(line, None, "a total row, skipped"))

    header_line, header = records[0]
    names = [cell.strip().lower() for cell in header]
    positions = _check_header(parsed, header_line, names, validation)
    if positions is None:
        return None
    if len(records) == 1:
        validation.problems.append(
            parsed.problem(header_line, None, "the file has a header but no data rows")
        )
        return None

    _parse_records(parsed, positions, len(header), records[1:], validation)
    return parsed


def _parse_records(
    parsed: ParsedFile,
    positions: dict[str, int],
    width: int,
    records: Iterable[tuple[int, list[str]]],
    validation: Validation,
) -> None:
    """Parse data records (line, cells) into `parsed.rows`, each problem named by line and
    column. `positions` maps column names to their place in the header of `width` cells."""
    spec = parsed.spec
    for line, record in records:
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            validation.problems.append(
                parsed.problem(
                    line,
                    None,
                    f"the row has {len(record)} values but the header has {width} "
                    "columns (an unquoted comma?)",
                )
            )
            continue
        row = ParsedRow(line, {})
        values = row.values
        for column in spec.columns:
            position = positions.get(column.name)
            in_row = position is not None and position < len(record)
            raw = record[position].strip() if in_row else ""
            if raw == "":
                values[column.name] = None
                if column.value_required:
                    validation.problems.append(
                        parsed.problem(line, column.name, "a value is required; found blank")
                    )
                continue
            try:
                values[column.name] = column.parse(raw)
            except InvalidValue as error:
                values[column.name] = None
                row.unreadable.add(column.name)
                validation.problems.append(parsed.problem(line, column.name, str(error), raw))
        parsed.rows.append(row)


def _is_total_row(cells: list[str]) -> bool:
    first = next((cell.strip().lower() for cell in cells if cell.strip()), "")
    return first.rstrip(":") in _TOTAL_WORDS


def _check_header(
    parsed: ParsedFile, line: int, names: list[str], validation: Validation
) -> dict[str, int] | None:
    spec = parsed.spec
    positions: dict[str, int] = {}
    ok = True
    for position, name in enumerate(names):
        if name == "":
            continue
        if name in positions:
            validation.problems.append(
                parsed.problem(line, name, "the column appears more than once in the header")
            )
            ok = False
        positions[name] = position
    known = {column.name for column in spec.columns}
    for column in spec.columns:
        if column.in_header and column.name not in positions:
            validation.problems.append(
                parsed.problem(line, column.name, "required column is missing from the header")
            )
            ok = False
    for name in positions:
        if name not in known:
            validation.warnings.append(parsed.problem(line, name, "unknown column, ignored"))
    return positions if ok else None


# --- checks across rows, files and the database --------------------------------------------


def _check_duplicate_keys(
    parsed: ParsedFile, validation: Validation, first_seen: dict[tuple, int] | None = None
) -> None:
    """Each key once in a file. A streamed import passes `first_seen` (key -> line) so that
    keys are checked across the chunks of one file."""
    first_seen = {} if first_seen is None else first_seen
    key = parsed.spec.key
    for row in parsed.rows:
        value = tuple(row.values[column] for column in key)
        if any(part is None for part in value):
            continue
        if value in first_seen:
            shown = ", ".join(str(part) for part in value)
            validation.problems.append(
                parsed.problem(
                    row.line,
                    "+".join(key),
                    f'duplicate key "{shown}": already on line {first_seen[value]}',
                    shown,
                )
            )
        else:
            first_seen[value] = row.line


def _check_staff(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    start, end = row.values["start_date"], row.values["end_date"]
    if start and end and end < start:
        validation.problems.append(
            parsed.problem(
                row.line,
                "end_date",
                f"end_date {end.isoformat()} is before start_date {start.isoformat()}",
            )
        )


def _check_session(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    if row.values["status"] != "held":
        return
    for column in ("duration_minutes", "reflective", "childs_views_recorded"):
        if row.values[column] is None and column not in row.unreadable:
            validation.problems.append(
                parsed.problem(
                    row.line,
                    column,
                    "a value is required for a held session; found blank",
                )
            )


def _check_hubs(parsed: ParsedFile, session: Session, validation: Validation) -> None:
    """A hub belongs to one area: within the file, and (with a warning) against the database."""
    hub_area: dict[str, tuple[str, int]] = {}
    for row in parsed.rows:
        hub, area = row.values["hub"], row.values["area"]
        if hub is None or area is None:
            continue
        if hub in hub_area and hub_area[hub][0] != area:
            first_area, first_line = hub_area[hub]
            validation.problems.append(
                parsed.problem(
                    row.line,
                    "area",
                    f'hub "{hub}" is in area "{first_area}" on line {first_line}; '
                    f'a hub belongs to one area only, found "{area}"',
                )
            )
        hub_area.setdefault(hub, (area, row.line))
    if not hub_area:
        return
    stored = session.execute(
        select(Hub.name, Area.name)
        .join(Area, Hub.area_id == Area.id)
        .where(Hub.name.in_(list(hub_area)))
    ).all()
    for hub_name, area_name in stored:
        new_area, line = hub_area[hub_name]
        if new_area != area_name:
            validation.warnings.append(
                parsed.problem(
                    line,
                    "area",
                    f'hub "{hub_name}" moves from area "{area_name}" to "{new_area}", '
                    "with all its teams",
                )
            )


def _existing_ids(session: Session, spec: FileSpec, ids: set[str]) -> set[str]:
    key_column = getattr(spec.model, spec.key[0])
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(session.execute(select(key_column).where(key_column.in_(chunk))).scalars())
    return found


def _check_references(
    validation: Validation,
    session: Session,
    known_ids: dict[str, set[str]] | None = None,
) -> None:
    """Every id a row refers to is in the import or the database. A streamed import passes
    `known_ids` (target file -> ids seen in the import so far, and found in the database)."""
    for (file_name, column), target in REFERENCES.items():
        parsed = validation.files.get(file_name)
        if parsed is None:
            continue
        if known_ids is not None:
            in_import = known_ids.setdefault(target.name, set())
        else:
            target_file = validation.files.get(target.name)
            in_import = (
                {row.values[target.key[0]] for row in target_file.rows} if target_file else set()
            )
        referred = {row.values[column] for row in parsed.rows if row.values[column] is not None}
        unknown = referred - in_import
        if unknown:
            found = _existing_ids(session, target, unknown)
            unknown -= found
            if known_ids is not None:
                in_import |= found
        if not unknown:
            continue
        for row in parsed.rows:
            if row.values[column] in unknown:
                validation.problems.append(
                    parsed.problem(
                        row.line,
                        column,
                        f'unknown {target.key[0]} "{row.values[column]}": not in {target.name} '
                        "nor in the database",
                        row.values[column],
                    )
                )


_ROW_CHECKS: dict[str, Callable[[ParsedFile, ParsedRow, Validation], None]] = {
    STAFF.name: _check_staff,
    SESSIONS.name: _check_session,
}


def validate(sources: Mapping[str, bytes], session: Session) -> Validation:
    """Check every file in `sources` (file name -> content) without writing anything.

    Files may be CSV, Excel workbooks (each sheet a table) or zip files holding either; each
    table is recognised by its name or, failing that, its header.
    """
    validation = Validation()
    tables, problems, warnings = read_sources(sources)
    validation.problems.extend(problems)
    validation.warnings.extend(warnings)
    order: dict[str, int] = {}
    for table in tables:
        spec = recognise(table)
        if spec is None:
            validation.warnings.append(
                Problem(
                    table.label,
                    None,
                    None,
                    "not recognised as any import file (by its name or its header), ignored",
                )
            )
            continue
        if spec.name in validation.files:
            validation.problems.append(
                Problem(
                    table.label,
                    None,
                    None,
                    f"holds {spec.name} data, which {validation.files[spec.name].label} "
                    "already holds: send each kind of data once",
                )
            )
            continue
        order[table.label] = FILE_SPECS.index(spec)
        parsed = _parse_table(spec, table, validation)
        if parsed is None:
            continue
        validation.files[spec.name] = parsed
        _check_duplicate_keys(parsed, validation)
        row_check = _ROW_CHECKS.get(spec.name)
        if row_check:
            for row in parsed.rows:
                row_check(parsed, row, validation)
    if TEAMS.name in validation.files:
        _check_hubs(validation.files[TEAMS.name], session, validation)
    _check_references(validation, session)
    validation.problems.sort(
        key=lambda problem: (order.get(problem.file, -1), problem.file, problem.line or 0)
    )
    return validation


# --- loading -------------------------------------------------------------------------------


def _ensure_hubs(session: Session, parsed: ParsedFile) -> dict[str, int]:
    """Create missing areas and hubs (moving a hub whose area changed); hub name -> id."""
    areas = {name: area_id for area_id, name in session.execute(select(Area.id, Area.name))}
    hubs = {
        name: (hub_id, area_id)
        for hub_id, name, area_id in session.execute(select(Hub.id, Hub.name, Hub.area_id))
    }
    hub_ids: dict[str, int] = {}
    for row in parsed.rows:
        hub_name, area_name = row.values["hub"], row.values["area"]
        if area_name not in areas:
            area = Area(name=area_name)
            session.add(area)
            session.flush()
            areas[area_name] = area.id
        area_id = areas[area_name]
        if hub_name not in hubs:
            hub = Hub(name=hub_name, area_id=area_id)
            session.add(hub)
            session.flush()
            hubs[hub_name] = (hub.id, area_id)
        elif hubs[hub_name][1] != area_id:
            session.execute(update(Hub).where(Hub.id == hubs[hub_name][0]).values(area_id=area_id))
            hubs[hub_name] = (hubs[hub_name][0], area_id)
        hub_ids[hub_name] = hubs[hub_name][0]
    return hub_ids


def _staff_record(values: dict[str, Any]) -> dict[str, Any]:
    record = dict(values)
    asye_start: date | None = values["asye_start_date"]
    phases = asye_phases(asye_start) if asye_start else None
    record["asye_weekly_until"] = phases.weekly_until if phases else None
    record["asye_fortnightly_until"] = phases.fortnightly_until if phases else None
    record["asye_end_date"] = phases.ends if phases else None
    return record


def _records(parsed: ParsedFile, hub_ids: dict[str, int]) -> list[dict[str, Any]]:
    spec = parsed.spec
    if spec is TEAMS:
        return [
            {
                "team_id": row.values["team_id"],
                "team_name": row.values["team_name"],
                "team_type": row.values["team_type"],
                "hub_id": hub_ids[row.values["hub"]],
            }
            for row in parsed.rows
        ]
    if spec is STAFF:
        return [_staff_record(row.values) for row in parsed.rows]
    return [dict(row.values) for row in parsed.rows]


def _upsert(session: Session, spec: FileSpec, records: list[dict[str, Any]]) -> FileLoadCount:
    """Insert new rows, replace changed rows with the same key, leave identical rows alone."""
    model = spec.model
    columns = list(records[0])
    key_columns = [getattr(model, name) for name in spec.key]
    existing: dict[tuple, dict[str, Any]] = {}
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        keys = [tuple(record[name] for name in spec.key) for record in chunk]
        # One IN per key column (a superset of the chunk's keys, matched exactly below): both
        # databases answer it from the primary key's index, where SQLite scans the whole
        # table for a row-value IN, so each import got slower as the table grew.
        condition = and_(
            *(
                column.in_(sorted({key[position] for key in keys}))
                for position, column in enumerate(key_columns)
            )
        )
        selected = [getattr(model, name) for name in columns]
        for stored in session.execute(select(*selected).where(condition)).all():
            row = dict(zip(columns, stored, strict=True))
            existing[tuple(row[name] for name in spec.key)] = row
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for record in records:
        stored = existing.get(tuple(record[name] for name in spec.key))
        if stored is None:
            to_insert.append(record)
        elif stored != record:
            to_update.append(record)
    changed_from = _earliest_change(session, spec, to_insert, to_update, existing)
    if to_insert:
        session.execute(insert(model), to_insert)
    if to_update:
        session.execute(update(model), to_update)
    return FileLoadCount(
        spec.name,
        len(to_insert),
        len(to_update),
        len(records) - len(to_insert) - len(to_update),
        changed_from,
    )


def _earliest_change(
    session: Session,
    spec: FileSpec,
    to_insert: list[dict[str, Any]],
    to_update: list[dict[str, Any]],
    existing: dict[tuple, dict[str, Any]],
) -> date | None:
    """The earliest month whose figures these rows can change (see data_access/stored_parts):
    their dates, and for a replaced row its old dates too. A replaced team (its type sets
    caseload limits) changes every month; a replaced staff row changes every month from the
    earliest of its start and its own sessions, snapshots and audits."""
    if spec is TEAMS:
        return date.min if to_update else None
    old = [existing[tuple(record[name] for name in spec.key)] for record in to_update]
    days = [row[spec.period] for row in (*to_insert, *to_update, *old) if row[spec.period]]
    if spec is STAFF and to_update:
        ids = [record["staff_id"] for record in to_update]
        for column, staff_column in (
            (SupervisionSession.session_date, SupervisionSession.staff_id),
            (CaseloadSnapshot.snapshot_date, CaseloadSnapshot.staff_id),
            (SupervisionAudit.audit_date, SupervisionAudit.staff_id),
        ):
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                found = session.execute(
                    select(func.min(column)).where(staff_column.in_(chunk))
                ).scalar()
                if found is not None:
                    days.append(found)
    return min(days) if days else None


def load(
    validation: Validation,
    session: Session,
    *,
    source: str,
    user: str,
    refresh_parts: bool = True,
) -> list[FileLoadCount]:
    """Write validated rows (new or replacing), bring the stored parts up to date (unless
    `refresh_parts` is False: a preview that will be rolled back) and log the import. Caller
    owns the transaction."""
    counts = []
    hub_ids: dict[str, int] = {}
    for spec in FILE_SPECS:
        parsed = validation.files.get(spec.name)
        if parsed is None:
            continue
        if spec is TEAMS:
            hub_ids = _ensure_hubs(session, parsed)
        counts.append(_upsert(session, spec, _records(parsed, hub_ids)))
        session.flush()
    finish_load(session, counts, source=source, user=user, refresh_parts=refresh_parts)
    return counts


def finish_load(
    session: Session,
    counts: list[FileLoadCount],
    *,
    source: str,
    user: str,
    refresh_parts: bool = True,
) -> None:
    """After the rows of an import: planner statistics, the stored parts, the log entry."""
    _refresh_statistics(session, [SPECS_BY_NAME[count.file] for count in counts])
    if refresh_parts:
        changes = [count.changed_from for count in counts if count.changed_from is not None]
        refresh_stored_parts(session, min(changes) if changes else None)
    session.add(
        ImportLog(
            imported_at=datetime.now(UTC),
            source=source[:500],
            files=", ".join(count.file for count in counts),
            rows_added=sum(count.added for count in counts),
            rows_replaced=sum(count.replaced for count in counts),
            rows_unchanged=sum(count.unchanged for count in counts),
            imported_by=user,
            outcome="loaded",
        )
    )


def _refresh_statistics(session: Session, specs: list[FileSpec]) -> None:
    """Update PostgreSQL's planner statistics for the tables just loaded.

    Without this, PostgreSQL plans the first queries after a large import as if the tables
    were nearly empty: on the demo organisation, supervision coverage took 1.9 s (a nested
    loop) instead of a few milliseconds. ANALYZE may run inside the import's transaction.
    SQLite is left alone: measured on the demo, its plans were slower with statistics
    (whole-organisation metrics 55 ms against 34 ms without).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    tables = {spec.model.__tablename__ for spec in specs}
    if TEAMS in specs:
        tables |= {Area.__tablename__, Hub.__tablename__}
    for table in sorted(tables):
        session.execute(text(f'ANALYZE "{table}"'))


def import_files(
    sources: Mapping[str, bytes],
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
) -> ImportResult:
    """Validate `sources` and, only if nothing is wrong, load them all in one transaction.

    A refused attempt writes no data; it is recorded in the import log (in a transaction of
    its own) so that the history shows it.
    """
    result: ImportResult | None = None
    try:
        with session_scope(engine) as session:
            validation = validate(sources, session)
            result = ImportResult(validation)
            if not validation.ok:
                raise ImportRefused
            result.counts = load(validation, session, source=source, user=user)
    except ImportRefused:
        record_refusal(sources, len(result.problems), engine=engine, source=source, user=user)
    assert result is not None
    return result


def preview_import(sources: Mapping[str, bytes], *, engine: Engine | None = None) -> ImportResult:
    """What `import_files` would do, without doing it: the problems or, when there are none,
    exact added / replaced / unchanged counts (the load runs and is rolled back)."""
    with Session(engine or get_engine()) as session:
        validation = validate(sources, session)
        result = ImportResult(validation)
        if validation.ok:
            result.counts = load(
                validation, session, source="preview", user="preview", refresh_parts=False
            )
        session.rollback()
    return result


def record_refusal(
    sources: Mapping[str, bytes],
    problem_count: int,
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
    kind: str = "organisation",
) -> None:
    """Record in the import history an attempt refused before the import was tried (for
    example an upload whose preview found problems). `kind` is as in `ImportLog.kind`."""
    with session_scope(engine) as session:
        session.add(
            ImportLog(
                imported_at=datetime.now(UTC),
                source=source[:500],
                files=", ".join(sources),
                imported_by=user,
                outcome="refused",
                problem_count=problem_count,
                kind=kind,
            )
        )


@dataclass(frozen=True)
class FileSummary:
    """One file (or sheet) of an upload, for the preview."""

    label: str
    kind: str
    rows: int
    added: int | None
    replaced: int | None
    unchanged: int | None
    first_date: date | None
    last_date: date | None


def summarise(result: ImportResult) -> list[FileSummary]:
    """Per file: rows, what loading would add or replace, and the period it covers."""
    counts = {count.file: count for count in result.counts}
    summaries = []
    for spec_name, parsed in result.validation.files.items():
        dates = [
            row.values[parsed.spec.period]
            for row in parsed.rows
            if parsed.spec.period and row.values[parsed.spec.period] is not None
        ]
        count = counts.get(spec_name)
        summaries.append(
            FileSummary(
                label=parsed.label,
                kind=spec_name,
                rows=len(parsed.rows),
                added=count.added if count else None,
                replaced=count.replaced if count else None,
                unchanged=count.unchanged if count else None,
                first_date=min(dates) if dates else None,
                last_date=max(dates) if dates else None,
            )
        )
    return summaries


def format_problems(
    problems: Iterable[Problem], cap: int = PROBLEM_LIST_CAP, *, total: int | None = None
) -> list[str]:
    """Problems as lines for a terminal: the first `cap`, then a count of the rest (of
    `total`, when more were found than `problems` holds)."""
    problems = list(problems)
    total = len(problems) if total is None else total
    lines = [str(problem) for problem in problems[:cap]]
    if total > cap:
        lines.append(f"... and {total - min(cap, len(problems))} more problems not listed")
    return lines
