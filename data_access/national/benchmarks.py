"""Published national benchmarks: the DfE children's social work workforce indicators and the
statistical neighbour model, loaded from their CSV files and compared with one authority.

The indicators file has one row per year for England, each region and each local authority
(snapshot at 30 September). Its numeric cells hold either a number or a suppression code; a
code is kept as a code and never read as zero. A joint return (for example "314 / 318",
Kingston upon Thames with Richmond upon Thames) stands for each authority whose code appears
only inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import Session

from data_access.access.settings import OUR_AUTHORITY, change_setting, setting
from data_access.core.db import session_scope
from data_access.core.models import (
    BenchmarkAuthority,
    BenchmarkRow,
    BenchmarkSource,
    BenchmarkValue,
    StatisticalNeighbour,
)
from data_access.core.problems import Problem
from data_access.ingest.history import log_import
from data_access.ingest.reading import Table, read_sources

#: What each suppression code in a published file means.
SUPPRESSION_CODES = {
    "c": "confidential",
    "k": "rounds to zero, but is not zero",
    "low": "rounds to zero, but is not zero",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}

#: Every numeric column of the indicators file, in the order DfE publishes them.
INDICATOR_COLUMNS = (
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "agency_cover_fte",
    "agency_cover_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
)


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str
    definition: str
    #: The foundation's metric for the same idea, computed from our own data (None: not held).
    internal_metric: str | None


#: The five indicators compared on the Benchmarks page. Lower is better for all of them.
BENCHMARK_INDICATORS: dict[str, Indicator] = {
    indicator.name: indicator
    for indicator in (
        Indicator(
            "turnover_rate_fte",
            "Turnover rate",
            "%",
            "FTE of employed (non-agency) social workers who left in the year to 30 September, "
            "divided by the FTE in post at 30 September, x 100.",
            "turnover_rate_fte",
        ),
        Indicator(
            "agency_rate_fte",
            "Agency worker rate",
            "%",
            "Agency FTE at 30 September divided by (agency FTE + employed FTE in post), x 100.",
            "agency_rate_fte",
        ),
        Indicator(
            "vacancy_rate_fte",
            "Vacancy rate",
            "%",
            "FTE vacancies at 30 September divided by (FTE vacancies + employed FTE in post), "
            "x 100.",
            "vacancy_rate_fte",
        ),
        Indicator(
            "caseload_fte",
            "Average caseload",
            "cases per FTE",
            "Cases held at 30 September divided by the FTE of the social workers holding one "
            "or more cases (agency workers included). It ignores how complex the cases are.",
            "caseload_average",
        ),
        Indicator(
            "absence_rate_fte",
            "Sickness absence rate",
            "%",
            "Working days lost to sickness in the year divided by (FTE in post at 30 September "
            "x 253 working days), x 100.",
            None,
        ),
    )
}

LEVELS = {"national": "national", "regional": "regional", "local authority": "local_authority"}
_LA_CODE = re.compile(r"^\d{3}(\s*/\s*\d{3})*$")
_SINGLE_CODE = re.compile(r"^\d{3}$")
_REQUIRED_COLUMNS = (
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    *BENCHMARK_INDICATORS,
)
#: The setting that remembers which authority "we" are.


class BenchmarksRefused(Exception):
    """Raised inside the load transaction so that nothing is written."""


@dataclass
class Cell:
    value: float | None
    status: str | None


@dataclass
class PublishedRow:
    line: int
    year: int
    level: str
    region_code: str | None
    region_name: str | None
    la_code: str | None
    new_la_code: str | None
    la_name: str | None
    cells: dict[str, Cell]


@dataclass
class NeighbourRow:
    la_code: str
    neighbours: list[tuple[int, str, str | None]]  # (position, code, closeness)


@dataclass
class BenchmarkLoadResult:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    authorities: int = 0
    years: tuple[int, int] | None = None
    neighbour_models: int = 0

    @property
    def loaded(self) -> bool:
        return not self.problems


# --- Reading the files ---------------------------------------------------------------------


def parse_published_number(text: str) -> Cell:
    """A published cell: a number, a suppression code, or blank. Raises ValueError otherwise."""
    text = text.strip()
    if not text:
        return Cell(None, None)
    code = text.lower()
    if code in SUPPRESSION_CODES:
        return Cell(None, code)
    value = float(text.replace(",", ""))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return Cell(value, None)


def _single_table(name: str, content: bytes, result: BenchmarkLoadResult) -> Table | None:
    if not name.lower().endswith(".csv"):
        result.problems.append(
            Problem(name, None, None, "expected a .csv file, as DfE publishes it")
        )
        return None
    tables, problems, warnings = read_sources({name: content})
    result.problems.extend(problems)
    result.warnings.extend(warnings)
    if problems:
        return None
    if len(tables) != 1 or not tables[0].records:
        result.problems.append(Problem(name, None, None, "the file is empty or not a CSV file"))
        return None
    return tables[0]


def _header(table: Table) -> list[str]:
    return [cell.strip().lower() for cell in table.records[0][1]]


def _missing_columns(
    table: Table, header: list[str], required: Iterable[str], expected: str
) -> list[Problem]:
    """A problem naming the required columns absent from `header`; `expected` says which
    file was expected."""
    missing = [column for column in required if column not in header]
    if not missing:
        return []
    return [
        Problem(
            table.label,
            table.records[0][0],
            None,
            f"missing column(s) {', '.join(missing)}: is this {expected}?",
        )
    ]


def read_indicators(name: str, content: bytes, result: BenchmarkLoadResult) -> list[PublishedRow]:
    """The rows of a published indicators file; problems go into `result`."""
    table = _single_table(name, content, result)
    if table is None:
        return []
    header = _header(table)
    missing = _missing_columns(
        table, header, _REQUIRED_COLUMNS, "the DfE children's social work workforce indicators file"
    )
    if missing:
        result.problems.extend(missing)
        return []
    numeric = [column for column in INDICATOR_COLUMNS if column in header]
    rows: list[PublishedRow] = []
    seen: dict[tuple, int] = {}
    for line, cells in table.records[1:]:
        row = _read_indicator_row(table.label, line, _by_column(header, cells), numeric, result)
        if row is None:
            continue
        if row.level == "local_authority":
            key = (row.year, row.level, row.la_code)
        elif row.level == "regional":
            key = (row.year, row.level, row.region_code or row.region_name)
        else:
            key = (row.year, row.level)
        if key in seen:
            result.problems.append(
                Problem(
                    table.label,
                    line,
                    None,
                    f"the same {row.level.replace('_', ' ')} appears twice for {row.year} "
                    f"(first on line {seen[key]})",
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    if not rows and not result.problems:
        result.problems.append(Problem(table.label, None, None, "the file holds no data rows"))
    return rows


def _by_column(header: list[str], cells: list[str]) -> dict[str, str]:
    return {
        column: cells[index].strip() if index < len(cells) else ""
        for index, column in enumerate(header)
    }


def _read_indicator_row(
    label: str, line: int, text: dict[str, str], numeric: list[str], result: BenchmarkLoadResult
) -> PublishedRow | None:
    """One row of the indicators file, or None (with its problems recorded)."""
    found_before = len(result.problems)

    def problem(column: str | None, message: str, found: str | None = None) -> None:
        result.problems.append(Problem(label, line, column, message, found=found))

    year_text = text["time_period"]
    if not re.fullmatch(r"\d{4}", year_text):
        problem("time_period", "expected a four-digit year such as 2025", year_text)
    level = LEVELS.get(text["geographic_level"].lower())
    if level is None:
        problem(
            "geographic_level",
            "expected National, Regional or Local authority",
            text["geographic_level"],
        )
    la_code = text["old_la_code"] or None
    if level == "regional" and not (text["region_code"] or text["region_name"]):
        problem("region_code", "a regional row needs its region_code or region_name")
    if level == "local_authority":
        if la_code is None or not _LA_CODE.match(la_code):
            problem(
                "old_la_code",
                "expected a three-digit old LA code such as 330, or a joint return such as "
                "314 / 318",
                la_code,
            )
        if not text["la_name"]:
            problem("la_name", "a local authority row needs its name")
    cells: dict[str, Cell] = {}
    for column in numeric:
        try:
            cells[column] = parse_published_number(text[column])
        except ValueError:
            problem(
                column, "not a number or a DfE suppression code (c, k, low, u, x, z)", text[column]
            )
    if len(result.problems) > found_before:
        return None
    is_la = level == "local_authority"
    return PublishedRow(
        line=line,
        year=int(year_text),
        level=level,
        region_code=text["region_code"] or None,
        region_name=text["region_name"] or None,
        la_code=_normalise_joint(la_code) if is_la else None,
        new_la_code=(text.get("new_la_code") or None) if is_la else None,
        la_name=text["la_name"] if is_la else None,
        cells=cells,
    )


def _normalise_joint(code: str) -> str:
    return " / ".join(part.strip() for part in code.split("/"))


def read_neighbours(name: str, content: bytes, result: BenchmarkLoadResult) -> list[NeighbourRow]:
    """The rows of a statistical neighbour model file (wide: SN_1..SN_10 and SN_1P..SN_10P)."""
    table = _single_table(name, content, result)
    if table is None:
        return []
    header = _header(table)
    missing = _missing_columns(
        table,
        header,
        ["old_la_code"] + [f"sn_{position}" for position in range(1, 11)],
        "the DfE statistical neighbour model (one row per authority, SN_1 to SN_10)",
    )
    if missing:
        result.problems.extend(missing)
        return []
    rows: list[NeighbourRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.records[1:]:
        text = _by_column(header, cells)
        la_code = text["old_la_code"]
        if not _SINGLE_CODE.match(la_code):
            result.problems.append(
                Problem(
                    table.label,
                    line,
                    "old_la_code",
                    "expected a three-digit old LA code",
                    found=la_code,
                )
            )
            continue
        if la_code in seen:
            result.problems.append(
                Problem(
                    table.label,
                    line,
                    "old_la_code",
                    f"authority {la_code} appears twice (first on line {seen[la_code]})",
                )
            )
            continue
        seen[la_code] = line
        neighbours = []
        for number in range(1, 11):
            code = text[f"sn_{number}"]
            if not code:
                continue
            if not _SINGLE_CODE.match(code):
                result.problems.append(
                    Problem(
                        table.label,
                        line,
                        f"SN_{number}",
                        "expected a three-digit old LA code",
                        found=code,
                    )
                )
                continue
            neighbours.append((number, code, text.get(f"sn_{number}p") or None))
        rows.append(NeighbourRow(la_code, neighbours))
    return rows


def _authority_members(rows: list[PublishedRow]) -> list[dict]:
    """benchmark_authority records: each code's own row, else the joint return it is in."""
    own: dict[tuple[int, str], tuple[PublishedRow, str]] = {}
    joint: dict[tuple[int, str], tuple[PublishedRow, str]] = {}
    for row in rows:
        if row.level != "local_authority":
            continue
        codes = row.la_code.split(" / ")
        names = [part.strip() for part in row.la_name.split("/")]
        if len(names) != len(codes):
            names = [row.la_name] * len(codes)
        target = own if len(codes) == 1 else joint
        for code, name in zip(codes, names, strict=True):
            target.setdefault((row.year, code), (row, name))
    members = {**joint, **own}  # an authority's own row wins over a joint return
    return [
        {"year": year, "la_code": code, "la_name": name, "row": row}
        for (year, code), (row, name) in sorted(members.items())
    ]


# --- Loading -------------------------------------------------------------------------------


def _read_files(
    indicators: tuple[str, bytes], neighbours: tuple[str, bytes] | None
) -> tuple[BenchmarkLoadResult, list[PublishedRow], list[dict], list[NeighbourRow] | None]:
    """(result, published rows, benchmark_authority records, neighbour rows) read from the
    files; the result holds the problems, or the counts when there are none."""
    result = BenchmarkLoadResult()
    rows = read_indicators(*indicators, result)
    neighbour_rows = read_neighbours(*neighbours, result) if neighbours else None
    members = []
    if not result.problems:
        members = _authority_members(rows)
        result.rows = len(rows)
        result.authorities = len({member["la_code"] for member in members})
        result.years = (min(row.year for row in rows), max(row.year for row in rows))
        result.neighbour_models = len(neighbour_rows) if neighbour_rows is not None else 0
    return result, rows, members, neighbour_rows


def check_benchmarks(
    indicators: tuple[str, bytes], neighbours: tuple[str, bytes] | None = None
) -> BenchmarkLoadResult:
    """What `load_benchmarks` would load, or its problems, without writing anything."""
    return _read_files(indicators, neighbours)[0]


def recognise_benchmark_file(content: bytes) -> str | None:
    """ "indicators" or "neighbours" from a CSV file's header line, else None."""
    first_line = content[:4000].decode("utf-8-sig", errors="replace").splitlines()[:1]
    header = {cell.strip().lower() for cell in first_line[0].split(",")} if first_line else set()
    if {"time_period", "geographic_level"} <= header:
        return "indicators"
    if {"old_la_code", "sn_1"} <= header:
        return "neighbours"
    return None


def load_benchmarks(
    indicators: tuple[str, bytes],
    neighbours: tuple[str, bytes] | None = None,
    *,
    engine: Engine | None = None,
    user: str = "local user",
    source: str = "upload",
) -> BenchmarkLoadResult:
    """Validate and load a published indicators file (and, if given, a statistical neighbour
    model), replacing the earlier benchmark load in one transaction. Nothing is written when
    any problem is found. Without a neighbour file, the neighbour model already held is kept.
    """
    result, rows, members, neighbour_rows = _read_files(indicators, neighbours)
    files = [indicators[0]] + ([neighbours[0]] if neighbours else [])
    if result.problems:
        _record(engine, files, source, user, "refused", len(result.problems))
        return result
    with session_scope(engine) as session:
        for model in (BenchmarkValue, BenchmarkAuthority, BenchmarkRow, BenchmarkSource):
            session.execute(delete(model))
        if neighbour_rows is not None:
            session.execute(delete(StatisticalNeighbour))
        row_ids = _insert_rows(session, rows)
        session.execute(
            insert(BenchmarkAuthority),
            [
                {
                    "year": member["year"],
                    "la_code": member["la_code"],
                    "la_name": member["la_name"],
                    "row_id": row_ids[id(member["row"])],
                }
                for member in members
            ],
        )
        if neighbour_rows:
            session.execute(
                insert(StatisticalNeighbour),
                [
                    {
                        "la_code": row.la_code,
                        "position": number,
                        "neighbour_code": code,
                        "closeness": closeness,
                    }
                    for row in neighbour_rows
                    for number, code, closeness in row.neighbours
                ],
            )
        first_year, last_year = result.years
        session.add(
            BenchmarkSource(
                loaded_at=datetime.now(UTC),
                loaded_by=user,
                indicators_file=indicators[0][:500],
                neighbours_file=neighbours[0][:500] if neighbours else _kept_neighbours(session),
                first_year=first_year,
                last_year=last_year,
            )
        )
        _log(session, files, source, user, "loaded", 0, added=len(rows))
        known = set(session.execute(select(BenchmarkAuthority.la_code).distinct()).scalars())
        unknown = sorted(
            set(session.execute(select(StatisticalNeighbour.neighbour_code).distinct()).scalars())
            - known
        )
    if unknown:
        result.warnings.append(
            Problem(
                files[-1],
                None,
                None,
                f"{len(unknown)} neighbour code(s) have no published figures in any year "
                f"({', '.join(unknown[:10])}); they are left out of the medians",
            )
        )
    return result


def _kept_neighbours(session: Session) -> str | None:
    held = session.execute(select(func.count()).select_from(StatisticalNeighbour)).scalar_one()
    return "(kept from an earlier load)" if held else None


def _insert_rows(session: Session, rows: list[PublishedRow]) -> dict[int, int]:
    """Insert the published rows and their values; returns id(PublishedRow) -> database id."""
    # One multi-row INSERT ... RETURNING, the ids in the order of `rows` (a flush per row cost
    # a round trip each: 4.5 s for the real file on PostgreSQL).
    inserted = session.execute(
        insert(BenchmarkRow).returning(BenchmarkRow.id, sort_by_parameter_order=True),
        [
            {
                "year": row.year,
                "level": row.level,
                "region_code": row.region_code,
                "region_name": row.region_name,
                "la_code": row.la_code,
                "new_la_code": row.new_la_code,
                "la_name": row.la_name,
            }
            for row in rows
        ],
    ).scalars()
    row_ids = {id(row): row_id for row, row_id in zip(rows, inserted, strict=True)}
    session.execute(
        insert(BenchmarkValue),
        [
            {
                "row_id": row_ids[id(row)],
                "indicator": name,
                "value": cell.value,
                "status": cell.status,
            }
            for row in rows
            for name, cell in row.cells.items()
        ],
    )
    return row_ids


def _record(
    engine: Engine | None, files: list[str], source: str, user: str, outcome: str, problems: int
) -> None:
    with session_scope(engine) as session:
        _log(session, files, source, user, outcome, problems)


def _log(
    session: Session,
    files: list[str],
    source: str,
    user: str,
    outcome: str,
    problems: int,
    added: int = 0,
) -> None:
    log_import(
        session,
        kind="benchmarks",
        source=f"benchmarks ({source})",
        files=", ".join(files),
        user=user,
        outcome=outcome,
        added=added,
        problem_count=problems,
    )


# --- Settings ------------------------------------------------------------------------------


def our_authority(session: Session) -> str | None:
    """The old LA code chosen as "our" authority, if one has been chosen."""
    return setting(session, OUR_AUTHORITY)


def remember_our_authority(la_code: str, *, by: str, engine: Engine | None = None) -> None:
    """Save the choice of "our" authority for everyone using the dashboard (logged)."""
    with session_scope(engine) as session:
        change_setting(session, OUR_AUTHORITY, la_code, by=by)
