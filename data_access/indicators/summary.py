"""Ready-made results for the pages: the default date, data freshness, headline figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_access.core import formatting
from data_access.core.dates import add_months, month_end
from data_access.core.models import (
    DATED_RECORDS,
    ImportLog,
)
from data_access.core.scope import Scope
from data_access.indicators.grid import metric_from_parts, parts_needed, parts_totals
from data_access.indicators.metrics import METRICS, MetricValue, round_one_decimal
from data_access.indicators.policy import DEFAULT_POLICY, Policy, TargetStatus

#: The indicators on the headline tiles, in the order a director reads them.
HEADLINE_METRICS = (
    "agency_rate_fte",
    "turnover_rate_fte",
    "vacancy_rate_fte",
    "stability_index",
    "supervision_coverage",
    "supervision_agreement_share",
    "caseload_average",
    "caseload_over_threshold_share",
)


_DATED_COLUMNS = tuple(records.date() for records in DATED_RECORDS)


def latest_data_date(*, session: Session) -> date | None:
    """The latest date in any dated record (`DATED_RECORDS`: snapshots, vacancies, sessions,
    audits, appraisals)."""
    found = [session.execute(select(func.max(column))).scalar() for column in _DATED_COLUMNS]
    dates: list[date] = [day for day in found if day is not None]
    return max(dates) if dates else None


def earliest_data_date(*, session: Session) -> date | None:
    """The earliest date in any dated record: where our own history begins."""
    found = [session.execute(select(func.min(column))).scalar() for column in _DATED_COLUMNS]
    dates: list[date] = [day for day in found if day is not None]
    return min(dates) if dates else None


def latest_complete_month_end(*, session: Session) -> date | None:
    """The latest month end on or before the latest data date: the dashboard's default date.

    Data extracted on 5 November covers October completely but November only partly, so the
    default is 31 October.
    """
    latest = latest_data_date(session=session)
    if latest is None:
        return None
    end = month_end(latest)
    return end if end == latest else month_end(add_months(end, -1))


@dataclass(frozen=True)
class Freshness:
    last_import_at: datetime | None
    last_import_source: str | None
    latest_data_date: date | None


def data_freshness(*, session: Session) -> Freshness:
    """When data was last loaded, from what, and the latest date it covers."""
    last = session.execute(
        select(col(ImportLog.imported_at), col(ImportLog.source))
        .where(col(ImportLog.outcome) == "loaded", col(ImportLog.kind) == "organisation")
        .order_by(col(ImportLog.imported_at).desc())
        .limit(1)
    ).first()
    return Freshness(
        last_import_at=last[0] if last else None,
        last_import_source=last[1] if last else None,
        latest_data_date=latest_data_date(session=session),
    )


@dataclass(frozen=True)
class HeadlineFigure:
    name: str
    label: str
    unit: str
    definition: str
    value: MetricValue
    year_earlier: MetricValue
    change: float | None
    #: "better", "worse" or "same" (None when either value is missing, or when neither way is
    #: better, as for a headcount).
    change_direction: str | None
    target: float | None
    target_better: str | None
    status: str | None  # met / close / missed
    #: (month end, value) for the sparkline, oldest first; empty unless asked for.
    history: list[tuple[date, MetricValue]] = field(default_factory=list)
    #: Which way is better by the figure's own nature ("lower", "higher", None: neither).
    better: str | None = None
    #: One sentence in plain words (the tile's help).
    summary: str = ""


def change_direction(change: float, better: str | None) -> str | None:
    """A change over the year as "better", "worse" or "same", by which way is `better`
    ("lower" or "higher"; None: neither way, so None unless the figure did not move)."""
    if change == 0:
        return "same"
    if better is None:
        return None
    return "better" if (change < 0) == (better == "lower") else "worse"


def headline_figures(
    as_at: date,
    scope: Scope,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    history_months: int = 0,
    names: tuple[str, ...] = HEADLINE_METRICS,
) -> list[HeadlineFigure]:
    """The indicators `names` (default: the headline ones) at `as_at`, each with its value 12
    months earlier, its target and (if `history_months`) its value at each of the last
    `history_months` month ends."""
    year_earlier = add_months(as_at, -12)
    months = [month_end(add_months(as_at, -back)) for back in range(history_months - 1, -1, -1)]
    # Every value on every date from one set-based grid (data_access/indicators/grid.py).
    totals = parts_totals(
        [*months, as_at, year_earlier], scope, policy, names=parts_needed(names), session=session
    )
    figures = []
    for name in names:
        metric = METRICS[name]
        history = [(month, metric_from_parts(name, totals[month])) for month in months]
        value = metric_from_parts(name, totals[as_at])
        before = metric_from_parts(name, totals[year_earlier])
        target = policy.targets.get(name)
        change = direction = None
        if value is not None and before is not None:
            change = round_one_decimal(value - before)
            # Better or worse by the target's direction, else the metric's own (None for a
            # headcount, which is neither).
            direction = change_direction(change, target.better if target else metric.better)
        figures.append(
            HeadlineFigure(
                name=name,
                label=metric.label,
                unit=metric.unit,
                definition=metric.definition,
                value=value,
                year_earlier=before,
                change=change,
                change_direction=direction,
                target=target.value if target else None,
                target_better=target.better if target else None,
                status=target.status(value) if target else None,
                history=history,
                better=metric.better,
                summary=metric.summary,
            )
        )
    return figures


def _described(figure: HeadlineFigure) -> str:
    unit = figure.unit

    def shown(value: MetricValue) -> str:
        return formatting.figure(value, unit)

    verb = "rose" if (figure.change or 0) > 0 else "fell"
    judgement = "an improvement" if figure.change_direction == "better" else "a deterioration"
    target = TargetStatus(figure.status).label.lower() if figure.status else ""
    return (
        f"{figure.label} {verb} from {shown(figure.year_earlier)} to {shown(figure.value)} "
        f"over the year: {judgement}" + (f" ({target})." if target else ".")
    )


def what_moved(figures: list[HeadlineFigure], most: int = 3) -> list[str]:
    """Plain-English sentences on the indicators that moved most over the year.

    Movement is measured relative to the earlier value, so that a change of 2 cases and a
    change of 2 percentage points are not treated alike. Unchanged figures are left out.
    """
    moved = [
        (abs(figure.change) / max(abs(figure.year_earlier), 1.0), figure)
        for figure in figures
        if figure.change and figure.year_earlier is not None and figure.value is not None
    ]
    moved.sort(key=lambda pair: pair[0], reverse=True)
    return [_described(figure) for _, figure in moved[:most]]


def furthest_from_target(units: list, names: tuple[str, ...]) -> str | None:
    """A sentence naming the unit (area, hub or team) that misses the most targets."""
    if not units:
        return None
    scored = [(sum(unit.statuses.get(name) == "missed" for name in names), unit) for unit in units]
    worst_count, worst = max(scored, key=lambda pair: pair[0])
    if worst_count == 0:
        return f"Every {worst.unit.kind} shown meets or is close to every target."
    missed = [METRICS[name].label for name in names if worst.statuses.get(name) == "missed"]
    label = f"{worst.unit.label} area" if worst.unit.kind == "area" else worst.unit.label
    return (
        f"Furthest from target: {label}, which misses {worst_count} of "
        f"{len(names)} targets ({', '.join(missed)})."
    )
