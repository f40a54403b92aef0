"""Loading the published national benchmarks: the DfE children's social work workforce
indicators and the statistical neighbour model, read by data_access/national/published_files.py
and stored all or nothing, replacing what was loaded before."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import Session, col

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
from data_access.national.published_files import (
    BenchmarkLoadResult,
    NeighbourRow,
    PublishedRow,
    authority_members,
    read_indicators,
    read_neighbours,
)


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
        members = authority_members(rows)
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
        # `_read_files` sets the years whenever there are no problems (and so some rows).
        assert result.years is not None
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
        known = set(session.execute(select(col(BenchmarkAuthority.la_code)).distinct()).scalars())
        unknown = sorted(
            set(
                session.execute(
                    select(col(StatisticalNeighbour.neighbour_code)).distinct()
                ).scalars()
            )
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
        insert(BenchmarkRow).returning(col(BenchmarkRow.id), sort_by_parameter_order=True),
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
        kind="benchmarks",
        source=f"benchmarks ({source})",
        files=", ".join(files),
        user=user,
        outcome=outcome,
        added=added,
        problem_count=problems,
        session=session,
    )
