"""Checking an import without writing anything: every row of every file parsed, and every
problem collected with its file, line and column (`validate`); the same checks serve the
streamed command-line import chunk by chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_access.core.models import (
    Area,
    Hub,
    Staff,
)
from data_access.core.problems import Problem
from data_access.ingest.parsing import (
    InvalidValue,
)
from data_access.ingest.reading import Table, read_sources
from data_access.ingest.specs import (
    AGENCY_ASSIGNMENTS,
    FILE_SPECS,
    REFERENCES,
    SESSIONS,
    STAFF,
    STAFF_SURVEY,
    TEAMS,
    FileSpec,
    recognise,
)

_TOTAL_WORDS = ("total", "grand total", "totals")

#: How many problems the command line lists before it only counts the rest.

PROBLEM_LIST_CAP = 100

#: Keys looked up in the database per statement (well under every engine's parameter limit).
KEYS_PER_STATEMENT = 500


#: Problems kept for the report; beyond this they are only counted (a file where every value
#: is wrong would otherwise hold millions of them in memory).
MAX_KEPT_PROBLEMS = 1_000


class ProblemList(list):
    """The problems found: the first MAX_KEPT_PROBLEMS kept, the rest counted in `not_kept`."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.not_kept = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_KEPT_PROBLEMS:
            super().append(problem)
        else:
            self.not_kept += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)


@dataclass(slots=True)
class ParsedRow:
    """One data row, its values parsed. Slotted, with no set until one is needed: an upload
    holds hundreds of thousands of these."""

    line: int
    values: dict[str, Any]
    #: Columns whose value could not be read (already reported as problems), or None.
    unreadable: set[str] | None = None

    def mark_unreadable(self, column: str) -> None:
        if self.unreadable is None:
            self.unreadable = set()
        self.unreadable.add(column)

    def is_unreadable(self, column: str) -> bool:
        return self.unreadable is not None and column in self.unreadable


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
    problems: ProblemList = field(default_factory=ProblemList)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """Every problem found, kept or only counted."""
        return len(self.problems) + self.problems.not_kept


def _parse_table(spec: FileSpec, table: Table, validation: Validation) -> ParsedFile | None:
    parsed = ParsedFile(spec, table.label, table.line_word)
    records = list(table.records)
    if not records:
        validation.problems.append(parsed.problem(1, None, "the file is empty"))
        return None
    # A total row at the bottom (as spreadsheets add) is not data.
    while len(records) > 1 and records[-1][1] and is_total_row(records[-1][1]):
        line, _ = records.pop()
        validation.warnings.append(parsed.problem(line, None, "a total row, skipped"))

    header_line, header = records[0]
    names = [cell.strip().lower() for cell in header]
    positions = check_header(parsed, header_line, names, validation)
    if positions is None:
        return None
    if len(records) == 1:
        validation.problems.append(
            parsed.problem(header_line, None, "the file has a header but no data rows")
        )
        return None

    parse_records(parsed, positions, len(header), records[1:], validation)
    return parsed


def parse_records(
    parsed: ParsedFile,
    positions: dict[str, int],
    width: int,
    records: Iterable[tuple[int, list[str]]],
    validation: Validation,
) -> None:
    """Parse data records (line, cells) into `parsed.rows`, each problem named by line and
    column. `positions` maps column names to their place in the header of `width` cells."""
    spec = parsed.spec
    lengths = spec.max_lengths
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
            raw = (
                record[position].strip() if position is not None and position < len(record) else ""
            )
            if raw == "":
                values[column.name] = None
                if column.value_required:
                    validation.problems.append(
                        parsed.problem(line, column.name, "a value is required; found blank")
                    )
                continue
            limit = lengths.get(column.name)
            if limit is not None and len(raw) > limit:
                values[column.name] = None
                row.mark_unreadable(column.name)
                validation.problems.append(
                    parsed.problem(
                        line,
                        column.name,
                        f"at most {limit} characters; found {len(raw):,}",
                        raw[:40] + "...",
                    )
                )
                continue
            try:
                values[column.name] = column.parse(raw)
            except InvalidValue as error:
                values[column.name] = None
                row.mark_unreadable(column.name)
                validation.problems.append(parsed.problem(line, column.name, str(error), raw))
        if row.unreadable is not None and validation.problems.not_kept:
            # Past the problems kept, a row that cannot be loaded is only counted: keeping
            # hundreds of thousands of broken rows would exhaust memory for nothing.
            continue
        parsed.rows.append(row)


def is_total_row(cells: list[str]) -> bool:
    first = next((cell.strip().lower() for cell in cells if cell.strip()), "")
    return first.rstrip(":") in _TOTAL_WORDS


def check_header(
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


def check_duplicate_keys(
    parsed: ParsedFile, validation: Validation, first_seen: dict[tuple, int] | None = None
) -> None:
    """Each key once in a file. A streamed import passes `first_seen` (key -> line) so that
    keys are checked across the chunks of one file."""
    first_seen = {} if first_seen is None else first_seen
    key = parsed.spec.key
    # A blank key part is already a problem, unless the column may be blank (a staff survey's
    # organisation-wide row), when blank is a value like any other.
    required = [parsed.spec.column(column).value_required for column in key]
    for row in parsed.rows:
        value = tuple(row.values[column] for column in key)
        if any(part is None and must for part, must in zip(value, required, strict=True)):
            continue
        if value in first_seen:
            shown = ", ".join("" if part is None else str(part) for part in value)
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


def _check_end_after_start(
    parsed: ParsedFile, row: ParsedRow, validation: Validation, *, show_found: bool
) -> None:
    """A row's end_date, when given, is not before its start_date."""
    start, end = row.values["start_date"], row.values["end_date"]
    if start and end and end < start:
        validation.problems.append(
            parsed.problem(
                row.line,
                "end_date",
                f"end_date {end.isoformat()} is before start_date {start.isoformat()}",
                end.isoformat() if show_found else None,
            )
        )


def _check_staff(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    _check_end_after_start(parsed, row, validation, show_found=False)


def _check_session(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    if row.values["status"] != "held":
        return
    for column in ("duration_minutes", "reflective", "childs_views_recorded"):
        if row.values[column] is None and not row.is_unreadable(column):
            validation.problems.append(
                parsed.problem(
                    row.line,
                    column,
                    "a value is required for a held session; found blank",
                )
            )


def _check_survey(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    responses, agree = row.values["responses"], row.values["agree"]
    if responses is not None and agree is not None and agree > responses:
        validation.problems.append(
            parsed.problem(
                row.line,
                "agree",
                f"agree ({agree:,}) cannot be more than responses ({responses:,})",
                str(agree),
            )
        )


def check_hubs(parsed: ParsedFile, validation: Validation, *, session: Session) -> None:
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
        select(col(Hub.name), col(Area.name))
        .join(Area, col(Hub.area_id) == col(Area.id))
        .where(col(Hub.name).in_(list(hub_area)))
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
    for start in range(0, len(wanted), KEYS_PER_STATEMENT):
        chunk = wanted[start : start + KEYS_PER_STATEMENT]
        found.update(session.execute(select(key_column).where(key_column.in_(chunk))).scalars())
    return found


def check_references(
    validation: Validation,
    known_ids: dict[str, set[str]] | None = None,
    *,
    session: Session,
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


def _check_assignment(parsed: ParsedFile, row: ParsedRow, validation: Validation) -> None:
    values = row.values
    _check_end_after_start(parsed, row, validation, show_found=True)
    pay, capped, charge = (
        values["hourly_pay_rate"],
        values["hourly_capped_cost"],
        values["hourly_charge_rate"],
    )
    if pay is not None and capped is not None and capped < pay:
        validation.problems.append(
            parsed.problem(
                row.line,
                "hourly_capped_cost",
                f"{capped:.2f} is below the hourly pay rate {pay:.2f}: the capped cost is the "
                "pay rate plus employer's National Insurance and the apprenticeship levy",
                f"{capped:.2f}",
            )
        )
    if capped is not None and charge is not None and charge < capped:
        validation.problems.append(
            parsed.problem(
                row.line,
                "hourly_charge_rate",
                f"{charge:.2f} is below the hourly capped cost {capped:.2f}: the charge rate is "
                "what the council pays, the agency's fee included",
                f"{charge:.2f}",
            )
        )


def check_agency_workers(validation: Validation, *, session: Session) -> None:
    """Every assignment is an agency worker's: its staff_id is an agency worker in the import's
    staff.csv, else in the database (an unknown staff_id is `check_references`' problem)."""
    parsed = validation.files.get(AGENCY_ASSIGNMENTS.name)
    if parsed is None:
        return
    staff_file = validation.files.get(STAFF.name)
    kinds: dict[str, str] = (
        {row.values["staff_id"]: row.values["employment_type"] for row in staff_file.rows}
        if staff_file
        else {}
    )
    wanted = sorted(
        {row.values["staff_id"] for row in parsed.rows if row.values["staff_id"]} - set(kinds)
    )
    for start in range(0, len(wanted), KEYS_PER_STATEMENT):
        chunk = wanted[start : start + KEYS_PER_STATEMENT]
        found = session.execute(
            select(col(Staff.staff_id), col(Staff.employment_type)).where(
                col(Staff.staff_id).in_(chunk)
            )
        )
        kinds.update({staff_id: kind for staff_id, kind in found})
    for row in parsed.rows:
        staff_id = row.values["staff_id"]
        kind = kinds.get(staff_id) if staff_id else None
        if kind is not None and kind != "agency":
            validation.problems.append(
                parsed.problem(
                    row.line,
                    "staff_id",
                    f'"{staff_id}" is a {kind} worker: an assignment is an agency worker\'s',
                    staff_id,
                )
            )


ROW_CHECKS: dict[str, Callable[[ParsedFile, ParsedRow, Validation], None]] = {
    STAFF.name: _check_staff,
    SESSIONS.name: _check_session,
    STAFF_SURVEY.name: _check_survey,
    AGENCY_ASSIGNMENTS.name: _check_assignment,
}


def nothing_to_import() -> Problem:
    """The problem with an import none of whose files is an import file."""
    return Problem(
        "import",
        None,
        None,
        "none of the files is an import file ("
        + ", ".join(spec.name for spec in FILE_SPECS)
        + "), by its name or its header: nothing to import",
    )


def validate(sources: Mapping[str, bytes], *, session: Session) -> Validation:
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
        # The cells as text are not needed once parsed: free them before the next table.
        table.records = []
        if parsed is None:
            continue
        validation.files[spec.name] = parsed
        check_duplicate_keys(parsed, validation)
        row_check = ROW_CHECKS.get(spec.name)
        if row_check:
            for row in parsed.rows:
                row_check(parsed, row, validation)
    if not validation.files and not validation.problems:
        validation.problems.append(nothing_to_import())
    if TEAMS.name in validation.files:
        check_hubs(validation.files[TEAMS.name], validation, session=session)
    check_references(validation, session=session)
    check_agency_workers(validation, session=session)
    validation.problems.sort(
        key=lambda problem: (order.get(problem.file, -1), problem.file, problem.line or 0)
    )
    return validation


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
