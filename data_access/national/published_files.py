"""Reading DfE's published files (the workforce indicators and the statistical neighbour
model) into rows, every problem named by file, line and column. Nothing is written here.

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

from data_access.core.problems import Problem
from data_access.ingest.reading import Table, read_sources
from data_access.national.catalogue import (
    BENCHMARK_INDICATORS,
    INDICATOR_COLUMNS,
    LEVELS,
    SUPPRESSION_CODES,
)

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
        key: tuple[int, str, str | None] | tuple[int, str]
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
    # A row without a level, or an authority's row without its code, has a problem recorded
    # above and has returned.
    assert level is not None
    is_la = level == "local_authority"
    return PublishedRow(
        line=line,
        year=int(year_text),
        level=level,
        region_code=text["region_code"] or None,
        region_name=text["region_name"] or None,
        la_code=_normalise_joint(la_code) if is_la and la_code is not None else None,
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


def authority_members(rows: list[PublishedRow]) -> list[dict]:
    """benchmark_authority records: each code's own row, else the joint return it is in."""
    own: dict[tuple[int, str], tuple[PublishedRow, str]] = {}
    joint: dict[tuple[int, str], tuple[PublishedRow, str]] = {}
    for row in rows:
        if row.level != "local_authority":
            continue
        if row.la_code is None or row.la_name is None:
            raise ValueError(f"line {row.line}: a local authority row has no code or no name")
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
