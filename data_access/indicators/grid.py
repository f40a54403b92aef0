"""The engine: every metric for many dates and many teams at once, from its declaration.

Each metric in `data_access.indicators.metrics` is declared as parts (a count or a sum over
one fact, with a filter) and how they combine. This module turns the declarations into SQL:
for any list of dates, one statement per fact (staff in post, leavers, vacancies, case
holders, recent sessions, audits) computes every part of every team at every date, plus one
for the caseload snapshot dates, whatever the number of dates or teams. Every import stores the
parts of every team at each month end (`team_month_parts`, data_access/indicators/
stored_parts.py), so a month end is read rather than computed. Any scope's figure is then
`Metric.value` of its teams' summed parts, so a 24-month trend, a row of sparklines or a table
of 150 units costs about as much as a single date.

Dates are passed to SQL as literal rows (D and every `metrics.BOUNDS` date, computed in
Python), so the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, case, func, literal, select, union_all
from sqlmodel import Session, col

from data_access.core.dates import month_end
from data_access.core.models import (
    PART_NAMES,
    Area,
    CaseloadSnapshot,
    Hub,
    Setting,
    hub_month_parts,
    team_month_parts,
)
from data_access.core.scope import WHOLE_ORGANISATION, Scope, teams_in_scope
from data_access.indicators.metrics import (
    BOUNDS,
    FACTS,
    METRICS,
    PARTS,
    Fact,
    MetricValue,
    Part,
    Parts,
    parts_needed,
)
from data_access.indicators.policy import DEFAULT_POLICY, Policy


def _dates_table(session: Session, days: list[date], policy: Policy) -> Any:
    """One literal row per date D with every bound the declarations use (`metrics.BOUNDS`),
    and S, the caseload snapshot used for D (the latest snapshot_date <= D anywhere)."""
    snapshots = sorted(
        session.execute(select(col(CaseloadSnapshot.snapshot_date)).distinct()).scalars()
    )
    rows = []
    for day in days:
        position = bisect.bisect_right(snapshots, day)
        values: dict[str, date | None] = {bound.name: bound.of(day, policy) for bound in BOUNDS}
        values["snapshot"] = snapshots[position - 1] if position else None
        rows.append(select(*(literal(v, Date).label(k) for k, v in values.items())))
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("dates")


def _measure(part: Part, dates: Any, policy: Policy) -> Any:
    """The aggregate that computes `part` over its fact's rows."""
    condition = part.where(dates, policy) if part.where is not None else None
    if part.sums is None:
        return func.count() if condition is None else func.sum(case((condition, 1), else_=0))
    summed = part.sums if condition is None else case((condition, part.sums), else_=0)
    return func.coalesce(func.sum(summed), 0)


def _fact_query(fact: Fact, parts: list[Part], dates: Any, scope: Scope, policy: Policy) -> Any:
    """One statement: every part of `fact` for each date and each team in `scope`."""
    query = select(dates.c.d, fact.team, *(_measure(part, dates, policy) for part in parts))
    query = fact.rows(query, dates)
    condition = scope.contains_team(fact.team)
    if condition is not None:
        query = query.where(condition)
    return query.group_by(dates.c.d, fact.team)


@dataclass(frozen=True)
class PartsGrid:
    """The parts of every metric for each date and each team with any:
    `by_day[D][team_id]`."""

    days: tuple[date, ...]
    by_day: dict[date, dict[str, Parts]]

    def total(self, day: date, team_ids: Iterable[str] | None = None) -> Parts:
        """The parts summed over `team_ids` (None: every team in the grid) at `day`."""
        teams = self.by_day.get(day, {})
        chosen = teams.values() if team_ids is None else (teams[t] for t in team_ids if t in teams)
        summed: Parts = dict.fromkeys(PART_NAMES, 0.0)
        for parts in chosen:
            for name, value in parts.items():
                summed[name] += value
        return summed

    def of_team(self, day: date, team_id: str) -> Parts:
        """One team's parts at `day`: `total` over that team alone, without summing every part
        name (a table of every team reads 9,900 of them at national size). Every part the grid
        was read with is there (each 0 for a team it holds nothing for). The grid's own
        mapping: read it, do not change it."""
        found = self.by_day.get(day, {}).get(team_id)
        return dict.fromkeys(PART_NAMES, 0.0) if found is None else found


def computed_parts_grid(
    days: list[date],
    scope: Scope,
    policy: Policy,
    *,
    session: Session,
    names: Iterable[str] = PART_NAMES,
) -> PartsGrid:
    """The parts `names` (default: all) for each date in `days` and each team in `scope`,
    computed from the recorded tables: one statement for the snapshot dates, then one per
    fact that holds any of them."""
    days = sorted(set(days))
    if not days:
        return PartsGrid((), {})
    wanted = set(names)
    dates = _dates_table(session, days, policy)
    # A team's cell holds every part asked for (0 where its facts have none), as a stored row does.
    by_day: dict[date, dict[str, Parts]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(wanted, 0.0))
    )
    for fact in FACTS:
        parts = [part for part in PARTS.values() if part.fact is fact and part.name in wanted]
        if not parts:
            continue
        for day, team_id, *values in session.execute(
            _fact_query(fact, parts, dates, scope, policy)
        ):
            cell = by_day[_as_date(day)][team_id]
            for part, value in zip(parts, values, strict=True):
                cell[part.name] = float(value or 0)
    return PartsGrid(tuple(days), {day: dict(teams) for day, teams in by_day.items()})


# --- the stored parts ------------------------------------------------------------------------

#: The setting that records which month ends `team_month_parts` holds ("first/last", ISO dates;
#: absent: none). Written only by data_access/indicators/stored_parts.py.
STORED_RANGE_KEY = "engine.stored_parts_range"


def stored_range(*, session: Session) -> tuple[date, date] | None:
    """The first and last month end `team_month_parts` holds (every month end between them)."""
    row = session.get(Setting, STORED_RANGE_KEY)
    if row is None:
        return None
    first, last = row.value.split("/")
    return date.fromisoformat(first), date.fromisoformat(last)


def stores_parts_for(policy: Policy) -> bool:
    """The stored parts are those of the default rules; a policy with other caseload
    thresholds or another training window is computed from the recorded tables."""
    return policy.parts_rules() == DEFAULT_POLICY.parts_rules()


def _split_days(
    session: Session, days: list[date], policy: Policy
) -> tuple[list[date], list[date]]:
    """(days answered from the stored parts, days to compute)."""
    held = stored_range(session=session) if stores_parts_for(policy) else None
    if held is None:
        return [], days
    first, last = held
    stored = [day for day in days if first <= day <= last and month_end(day) == day]
    chosen = set(stored)
    return stored, [day for day in days if day not in chosen]


def _stored_rows(
    days: list[date], scope: Scope, columns: list[Any], teams: Collection[str] | None = None
) -> Any:
    table = team_month_parts.c
    query = select(*columns).where(table.month_end.in_(days))
    if teams is not None:
        query = query.where(table.team_id.in_(sorted(teams)))
    condition = scope.contains_team(table.team_id)
    return query if condition is None else query.where(condition)


def parts_grid(
    days: list[date],
    scope: Scope,
    policy: Policy,
    *,
    session: Session,
    names: tuple[str, ...] = PART_NAMES,
    teams: Collection[str] | None = None,
) -> PartsGrid:
    """Every metric's parts (or only `names`) for each date in `days` and each team in `scope`
    (or only the `teams` of it named, so that a chart of a few teams reads only theirs).

    Month ends that `team_month_parts` holds are read from it in one statement; any other date
    is computed from the recorded tables (`computed_parts_grid`). The two agree exactly
    (tests/data_access/indicators/test_grid.py)."""
    days = sorted(set(days))
    stored, rest = _split_days(session, days, policy)
    by_day: dict[date, dict[str, Parts]] = {}
    if stored:
        table = team_month_parts.c
        query = _stored_rows(
            stored, scope, [table.month_end, table.team_id, *(table[n] for n in names)], teams
        )
        for day, team_id, *values in session.execute(query):
            by_day.setdefault(_as_date(day), {})[team_id] = dict(zip(names, values, strict=True))
    if rest:
        computed = computed_parts_grid(rest, scope, policy, names=names, session=session).by_day
        for day, found in computed.items():
            by_day[day] = found if teams is None else {t: v for t, v in found.items() if t in teams}
    return PartsGrid(tuple(days), by_day)


def parts_totals(
    days: list[date],
    scope: Scope,
    policy: Policy,
    *,
    session: Session,
    names: tuple[str, ...] = PART_NAMES,
) -> dict[date, Parts]:
    """Every metric's parts (or only `names`, see `parts_needed`) summed over the teams in
    `scope`, for each date in `days`: what a trend or a headline tile needs. Stored month ends
    are summed in the database (one statement, whatever the number of teams)."""
    days = sorted(set(days))
    stored, rest = _split_days(session, days, policy)
    totals = {day: dict.fromkeys(PART_NAMES, 0.0) for day in days}
    if stored:
        # The organisation or an area: sum the hub rollup; a hub or a team: its teams' rows.
        whole_hubs = scope.hub is None and scope.team_id is None
        table = hub_month_parts.c if whole_hubs else team_month_parts.c
        sums = [func.coalesce(func.sum(table[name]), 0.0) for name in names]
        query = select(table.month_end, *sums).where(table.month_end.in_(stored))
        condition = (
            scope.contains_hub(table.hub_id) if whole_hubs else scope.contains_team(table.team_id)
        )
        if condition is not None:
            query = query.where(condition)
        for day, *values in session.execute(query.group_by(table.month_end)):
            totals[_as_date(day)].update(
                {name: float(value) for name, value in zip(names, values, strict=True)}
            )
    if rest:
        grid = computed_parts_grid(rest, scope, policy, names=names, session=session)
        totals.update({day: grid.total(day) for day in rest})
    return totals


def _as_date(value: Any) -> date:
    """SQLite hands back literal dates as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def metric_from_parts(name: str, parts: Parts) -> MetricValue:
    """A metric's value from its parts summed over a scope's teams (`Metric.value`)."""
    return METRICS[name].value(parts)


def compute_metrics(
    as_at: date,
    scope: Scope = WHOLE_ORGANISATION,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    names: Iterable[str] | None = None,
) -> dict[str, MetricValue]:
    """Every metric (or those in `names`) for one date and scope, keyed by metric name: the
    ratios of the scope's summed parts (one statement at a stored month end)."""
    chosen = list(METRICS) if names is None else list(names)
    parts = parts_totals([as_at], scope, policy, names=parts_needed(chosen), session=session)[as_at]
    return {name: METRICS[name].value(parts) for name in chosen}


def unit_totals(
    day: date,
    scope: Scope,
    policy: Policy,
    *,
    session: Session,
    names: tuple[str, ...] = PART_NAMES,
) -> dict[str, Parts]:
    """Every metric's parts (or only `names`) summed for each unit one level below `scope` at
    `day`: by area name for the organisation, by hub name for an area (from the hub rollup),
    by team id for a hub. At a stored month end the database sums them: one statement, a row
    a unit, whatever the number of teams (150 areas of 4,950 teams at national size)."""
    stored, _ = _split_days(session, [day], policy)
    if scope.team_id is not None:
        return {}
    if not stored:
        grid = computed_parts_grid([day], scope, policy, names=names, session=session)
        units: dict[str, list[str]] = defaultdict(list)
        for team in teams_in_scope(scope, session=session):
            unit = team.team_id if scope.hub else team.hub if scope.area else team.area
            units[unit].append(team.team_id)
        return {key: grid.total(day, teams) for key, teams in units.items()}
    key: Any
    if scope.hub is None:  # areas of the organisation, or hubs of an area: the hub rollup
        table = hub_month_parts.c
        key = col(Area.name) if scope.area is None else col(Hub.name)
        query = (
            select(key, *[func.coalesce(func.sum(table[name]), 0.0) for name in names])
            .select_from(hub_month_parts)
            .join(Hub, col(Hub.id) == table.hub_id)
            .join(Area, col(Area.id) == col(Hub.area_id))
        )
        condition = scope.contains_hub(table.hub_id)
    else:  # the teams of a hub
        table = team_month_parts.c
        key = table.team_id
        query = select(key, *[func.coalesce(func.sum(table[name]), 0.0) for name in names])
        condition = scope.contains_team(table.team_id)
    query = query.where(table.month_end == day)
    if condition is not None:
        query = query.where(condition)
    zero = dict.fromkeys(PART_NAMES, 0.0)
    return {
        unit: {**zero, **{name: float(value) for name, value in zip(names, values, strict=True)}}
        for unit, *values in session.execute(query.group_by(key))
    }
