"""One authority's published figures beside England, its region and its statistical
neighbours: the questions the Benchmarks page and the `benchmarks` command ask.

Definitions (also in docs/metrics.md):

- **Our value**: the authority's published value for the year; for an authority whose code
  appears only inside a joint return (such as 318 in "314 / 318"), the joint return's value.
- **Region**: the published value of the region named on the authority's row. London
  authorities sit in the Inner London or Outer London region, as published.
- **Statistical neighbours' median**: the median of the numeric published values of the
  authority's (up to) 10 statistical neighbours that year (suppressed or missing values are
  left out; a neighbour inside a joint return takes the joint return's value), rounded to one
  decimal place. The loaded neighbour model is used for every year.
- **Rank**: among the local authority rows with a numeric value that year, 1 = the lowest
  value; equal values share a rank (1, 2, 2, 4). A joint return is ranked once.
- **Quartile band**: A (best, lowest) to D (worst): A when 4 x rank <= N, B when
  4 x rank <= 2N, C when 4 x rank <= 3N, else D, where N is the number of authorities ranked.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from data_access.core.models import (
    BenchmarkAuthority,
    BenchmarkRow,
    BenchmarkSource,
    BenchmarkValue,
    StatisticalNeighbour,
)
from data_access.core.scope import Scope
from data_access.indicators.grid import compute_metrics
from data_access.indicators.metrics import METRICS, round_one_decimal
from data_access.indicators.policy import DEFAULT_POLICY, Policy
from data_access.indicators.summary import earliest_data_date, latest_data_date
from data_access.national.catalogue import BENCHMARK_INDICATORS, SUPPRESSION_CODES

INDICATOR_NAMES = tuple(BENCHMARK_INDICATORS)


@dataclass(frozen=True)
class Published:
    """A published figure: a number, or the suppression code shown instead of one."""

    value: float | None
    status: str | None = None

    @property
    def meaning(self) -> str | None:
        return SUPPRESSION_CODES.get(self.status) if self.status else None


NOT_PUBLISHED = Published(None, None)


@dataclass(frozen=True)
class IndicatorComparison:
    name: str
    la: Published
    region: Published
    england: Published
    neighbours_median: float | None
    #: How many of the neighbours had a numeric value (the median's sample).
    neighbours_with_value: int
    rank: int | None
    of: int
    quartile: str | None


@dataclass(frozen=True)
class Comparison:
    la_code: str
    la_name: str
    region_name: str | None
    year: int
    #: The joint return's name when our figures are a joint return's, else None.
    joint_return: str | None
    indicators: dict[str, IndicatorComparison]

    def as_json(self) -> dict:
        """The shape `python -m data_access benchmarks --json` prints."""
        return {
            "la_code": self.la_code,
            "la_name": self.la_name,
            "region_name": self.region_name,
            "year": self.year,
            "indicators": {
                name: {
                    "la": item.la.value,
                    "la_code_status": item.la.status,
                    "region": item.region.value,
                    "england": item.england.value,
                    "neighbours_median": item.neighbours_median,
                    "rank": item.rank,
                    "of": item.of,
                    "quartile": item.quartile,
                }
                for name, item in self.indicators.items()
            },
        }


@dataclass(frozen=True)
class Authority:
    la_code: str
    la_name: str
    region_name: str | None

    @property
    def label(self) -> str:
        return f"{self.la_name} ({self.la_code})"


@dataclass(frozen=True)
class Neighbour:
    position: int
    la_code: str
    la_name: str | None
    closeness: str | None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    indicator: str
    #: "la", "region", "england" or "neighbours"
    series: str
    value: float | None
    status: str | None


@dataclass(frozen=True)
class RankedAuthority:
    la_code: str
    la_name: str
    region_name: str | None
    value: float | None
    status: str | None
    rank: int | None


def quartile_band(rank: int | None, of: int) -> str | None:
    """A (lowest, best) to D (highest, worst) from a rank among `of` authorities."""
    if rank is None or of == 0:
        return None
    for band, quarters in (("A", 1), ("B", 2), ("C", 3)):
        if 4 * rank <= quarters * of:
            return band
    return "D"


def median_of(values: list[float]) -> float | None:
    """The median of the numbers given, to one decimal place; None when there are none."""
    return round_one_decimal(statistics.median(values)) if values else None


@dataclass(frozen=True)
class LoadedBenchmarks:
    """The benchmark load in use: when, from which files, which years."""

    loaded_at: datetime
    loaded_by: str
    indicators_file: str
    neighbours_file: str | None
    first_year: int
    last_year: int


def benchmark_source(*, session: Session) -> LoadedBenchmarks | None:
    """The benchmark load in use, or None when none has been loaded."""
    row = session.execute(select(BenchmarkSource)).scalars().first()
    if row is None:
        return None
    return LoadedBenchmarks(
        row.loaded_at,
        row.loaded_by,
        row.indicators_file,
        row.neighbours_file,
        row.first_year,
        row.last_year,
    )


def benchmark_years(*, session: Session) -> list[int]:
    """The years with published figures, newest first."""
    return list(
        session.execute(
            select(col(BenchmarkRow.year)).distinct().order_by(col(BenchmarkRow.year).desc())
        ).scalars()
    )


def _authority_names() -> Select[str, str, str | None]:
    """SELECT each benchmark_authority's code, own name and its row's region."""
    return select(
        col(BenchmarkAuthority.la_code),
        col(BenchmarkAuthority.la_name),
        col(BenchmarkRow.region_name),
    ).join(BenchmarkRow, col(BenchmarkRow.id) == col(BenchmarkAuthority.row_id))


def authorities(*, session: Session) -> list[Authority]:
    """Every authority in the latest published year (members of joint returns included),
    ordered by name."""
    latest = session.execute(select(func.max(col(BenchmarkAuthority.year)))).scalar()
    if latest is None:
        return []
    rows = session.execute(
        _authority_names()
        .where(col(BenchmarkAuthority.year) == latest)
        .order_by(col(BenchmarkAuthority.la_name))
    ).all()
    return [Authority(*row) for row in rows]


def find_authority(la_code: str, *, session: Session) -> Authority | None:
    """The authority with this old LA code, named as in the latest year it appears."""
    row = session.execute(
        _authority_names()
        .where(col(BenchmarkAuthority.la_code) == la_code)
        .order_by(col(BenchmarkAuthority.year).desc())
        .limit(1)
    ).first()
    return Authority(*row) if row else None


def neighbours(la_code: str, *, session: Session) -> list[Neighbour]:
    """The authority's statistical neighbours, closest first, named where published."""
    latest_names = (
        select(
            col(BenchmarkAuthority.la_code), func.max(col(BenchmarkAuthority.year)).label("year")
        )
        .group_by(col(BenchmarkAuthority.la_code))
        .subquery()
    )
    rows = session.execute(
        select(
            col(StatisticalNeighbour.position),
            col(StatisticalNeighbour.neighbour_code),
            col(BenchmarkAuthority.la_name),
            col(StatisticalNeighbour.closeness),
        )
        .outerjoin(latest_names, latest_names.c.la_code == col(StatisticalNeighbour.neighbour_code))
        .outerjoin(
            BenchmarkAuthority,
            and_(
                col(BenchmarkAuthority.la_code) == latest_names.c.la_code,
                col(BenchmarkAuthority.year) == latest_names.c.year,
            ),
        )
        .where(col(StatisticalNeighbour.la_code) == la_code)
        .order_by(col(StatisticalNeighbour.position))
    ).all()
    return [Neighbour(*row) for row in rows]


def _values_of_rows(session: Session, row_ids: list[int]) -> dict[tuple[int, str], Published]:
    rows = session.execute(
        select(
            col(BenchmarkValue.row_id),
            col(BenchmarkValue.indicator),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
        ).where(
            col(BenchmarkValue.row_id).in_(row_ids),
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
        )
    ).all()
    return {(row_id, name): Published(value, status) for row_id, name, value, status in rows}


def _row_id(row: BenchmarkRow) -> int:
    """A stored row's id (None only before the row is written)."""
    if row.id is None:
        raise ValueError("a benchmark row that is not yet stored has no id")
    return row.id


def _region_row(session: Session, row: BenchmarkRow) -> BenchmarkRow | None:
    match = (
        col(BenchmarkRow.region_code) == row.region_code
        if row.region_code
        else col(BenchmarkRow.region_name) == row.region_name
    )
    return (
        session.execute(
            select(BenchmarkRow).where(
                col(BenchmarkRow.year) == row.year, col(BenchmarkRow.level) == "regional", match
            )
        )
        .scalars()
        .first()
    )


def _ranks(session: Session, year: int, row_id: int) -> dict[str, tuple[int | None, int]]:
    """indicator -> (our rank, authorities ranked) for one row in one year (our rank is None
    when our row has no number)."""
    ranked = (
        select(
            col(BenchmarkValue.row_id),
            col(BenchmarkValue.indicator),
            func.rank()
            .over(partition_by=col(BenchmarkValue.indicator), order_by=col(BenchmarkValue.value))
            .label("rank"),
        )
        .join(BenchmarkRow, col(BenchmarkRow.id) == col(BenchmarkValue.row_id))
        .where(
            col(BenchmarkRow.year) == year,
            col(BenchmarkRow.level) == "local_authority",
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
            col(BenchmarkValue.value).is_not(None),
        )
        .subquery()
    )
    ours = func.max(case((ranked.c.row_id == row_id, ranked.c.rank)))
    rows = session.execute(
        select(ranked.c.indicator, ours, func.count()).group_by(ranked.c.indicator)
    ).all()
    return {name: (rank, count) for name, rank, count in rows}


def _neighbour_values(
    session: Session, la_code: str, years: list[int] | None = None
) -> dict[tuple[int, str], list[float]]:
    """(year, indicator) -> the numeric values of the authority's neighbours."""
    query = (
        select(
            col(BenchmarkAuthority.year), col(BenchmarkValue.indicator), col(BenchmarkValue.value)
        )
        .join(
            StatisticalNeighbour,
            col(StatisticalNeighbour.neighbour_code) == col(BenchmarkAuthority.la_code),
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(BenchmarkAuthority.row_id))
        .where(
            col(StatisticalNeighbour.la_code) == la_code,
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
            col(BenchmarkValue.value).is_not(None),
        )
    )
    if years is not None:
        query = query.where(col(BenchmarkAuthority.year).in_(years))
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    for year, name, value in session.execute(query).all():
        values[(year, name)].append(value)
    return values


def comparison(la_code: str, year: int, *, session: Session) -> Comparison | None:
    """Our published figures for `year` beside England, the region and the neighbours'
    median, with rank and quartile band; None when the authority has no figures that year."""
    member = session.get(BenchmarkAuthority, (year, la_code))
    if member is None:
        return None
    row = session.get(BenchmarkRow, member.row_id)
    if row is None:  # benchmark_authority.row_id is a foreign key to benchmark_row
        raise LookupError(f"benchmark_authority ({year}, {la_code}) names no benchmark_row")
    region = _region_row(session, row)
    england = (
        session.execute(
            select(BenchmarkRow).where(
                col(BenchmarkRow.year) == year, col(BenchmarkRow.level) == "national"
            )
        )
        .scalars()
        .first()
    )
    row_ids = [_row_id(row)] + [_row_id(other) for other in (region, england) if other is not None]
    values = _values_of_rows(session, row_ids)
    ranks = _ranks(session, year, _row_id(row))
    neighbour_values = _neighbour_values(session, la_code, [year])

    def published(other: BenchmarkRow | None, name: str) -> Published:
        if other is None:
            return NOT_PUBLISHED
        return values.get((_row_id(other), name), NOT_PUBLISHED)

    indicators = {}
    for name in INDICATOR_NAMES:
        rank, of = ranks.get(name, (None, 0))
        sample = neighbour_values.get((year, name), [])
        indicators[name] = IndicatorComparison(
            name=name,
            la=published(row, name),
            region=published(region, name),
            england=published(england, name),
            neighbours_median=median_of(sample),
            neighbours_with_value=len(sample),
            rank=rank,
            of=of,
            quartile=quartile_band(rank, of),
        )
    return Comparison(
        la_code=la_code,
        la_name=member.la_name,
        region_name=row.region_name,
        year=year,
        joint_return=row.la_name if " / " in (row.la_code or "") else None,
        indicators=indicators,
    )


def trend(la_code: str, *, session: Session) -> list[TrendPoint]:
    """Every year's value of each indicator for us, England, our region (the region on our
    row that year) and our neighbours' median."""
    points: list[TrendPoint] = []
    ours = aliased(BenchmarkRow)
    region = aliased(BenchmarkRow)
    mine = session.execute(
        select(
            col(BenchmarkAuthority.year),
            col(BenchmarkValue.indicator),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(BenchmarkAuthority.row_id))
        .where(
            col(BenchmarkAuthority.la_code) == la_code,
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
        )
    ).all()
    points += [TrendPoint(year, name, "la", value, status) for year, name, value, status in mine]
    regional = session.execute(
        select(
            col(region.year),
            col(BenchmarkValue.indicator),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
        )
        .select_from(BenchmarkAuthority)
        .join(ours, col(ours.id) == col(BenchmarkAuthority.row_id))
        .join(
            region,
            and_(
                col(region.year) == col(ours.year),
                col(region.level) == "regional",
                or_(
                    col(region.region_code) == col(ours.region_code),
                    and_(
                        col(ours.region_code).is_(None),
                        col(region.region_name) == col(ours.region_name),
                    ),
                ),
            ),
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(region.id))
        .where(
            col(BenchmarkAuthority.la_code) == la_code,
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
        )
    ).all()
    points += [
        TrendPoint(year, name, "region", value, status) for year, name, value, status in regional
    ]
    national = session.execute(
        select(
            col(BenchmarkRow.year),
            col(BenchmarkValue.indicator),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(BenchmarkRow.id))
        .where(
            col(BenchmarkRow.level) == "national",
            col(BenchmarkValue.indicator).in_(INDICATOR_NAMES),
        )
    ).all()
    points += [
        TrendPoint(year, name, "england", value, status) for year, name, value, status in national
    ]
    for (year, name), sample in _neighbour_values(session, la_code).items():
        points.append(TrendPoint(year, name, "neighbours", median_of(sample), None))
    return sorted(points, key=lambda point: (point.indicator, point.series, point.year))


def ranked_authorities(year: int, indicator: str, *, session: Session) -> list[RankedAuthority]:
    """Every local authority row for the year, lowest value first (rank 1), then those with
    no numeric value (rank None) by name."""
    rank = func.rank().over(order_by=col(BenchmarkValue.value)).label("rank")
    numeric = session.execute(
        select(
            col(BenchmarkRow.la_code),
            col(BenchmarkRow.la_name),
            col(BenchmarkRow.region_name),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
            rank,
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(BenchmarkRow.id))
        .where(
            col(BenchmarkRow.year) == year,
            col(BenchmarkRow.level) == "local_authority",
            col(BenchmarkValue.indicator) == indicator,
            col(BenchmarkValue.value).is_not(None),
        )
        .order_by(rank, col(BenchmarkRow.la_name))
    ).all()
    missing = session.execute(
        select(
            col(BenchmarkRow.la_code),
            col(BenchmarkRow.la_name),
            col(BenchmarkRow.region_name),
            col(BenchmarkValue.value),
            col(BenchmarkValue.status),
        )
        .join(BenchmarkValue, col(BenchmarkValue.row_id) == col(BenchmarkRow.id))
        .where(
            col(BenchmarkRow.year) == year,
            col(BenchmarkRow.level) == "local_authority",
            col(BenchmarkValue.indicator) == indicator,
            col(BenchmarkValue.value).is_(None),
        )
        .order_by(col(BenchmarkRow.la_name))
    ).all()
    return [RankedAuthority(*row) for row in numeric] + [
        RankedAuthority(code, name, region_name, value, status, rank=None)
        for code, name, region_name, value, status in missing
    ]


@dataclass(frozen=True)
class InternalFigures:
    """Our own figures for a 30 September, computed from our data by the foundation's metrics
    (None for `values` when our data does not cover that date)."""

    as_at: date
    values: dict[str, float | None] | None


def internal_figures(
    year: int, scope: Scope, policy: Policy = DEFAULT_POLICY, *, session: Session
) -> InternalFigures:
    """Our figures at 30 September `year` for the benchmark indicators, keyed by the published
    indicator's name (None where we hold no such data, as for sickness absence). Given only
    when the date lies within our data: from its earliest to its latest dated record."""
    as_at = date(year, 9, 30)
    first, last = earliest_data_date(session=session), latest_data_date(session=session)
    if first is None or last is None or not first <= as_at <= last:
        return InternalFigures(as_at, None)
    ours = {
        name: indicator.internal_metric
        for name, indicator in BENCHMARK_INDICATORS.items()
        if indicator.internal_metric in METRICS
    }
    figures = compute_metrics(as_at, scope, policy, names=set(ours.values()), session=session)
    return InternalFigures(
        as_at,
        {name: figures[ours[name]] if name in ours else None for name in BENCHMARK_INDICATORS},
    )
