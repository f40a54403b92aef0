"""Trends and breakdowns for the pages, aggregated in SQL from the metric definitions.

Nothing here defines a new indicator: every figure is one of `metrics.METRICS`, computed for
several dates or split by team, or a plain count (starters, leavers, audits by grade) that the
charts show beside them. Month buckets are passed to SQL as literal date ranges, so the same
SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Date, and_, case, exists, func, literal, select, union_all
from sqlmodel import Session, col

from data_access.access.grants import (
    SMALL_GROUP_MINIMUM,
    Grant,
    is_suppressed,
    visible_team_ids,
)
from data_access.access.suppression import Place, Suppression, complementary_suppression
from data_access.core.dates import add_months, whole_months
from data_access.core.models import (
    PART_NAMES,
    CaseloadSnapshot,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
)
from data_access.core.scope import Scope, TeamChoice, teams_in_scope
from data_access.indicators.conditions import (
    case_holders,
    caseload_limit,
    count_where,
    eligible_for_supervision,
    in_asye,
    latest_snapshot_date,
    supervision_in_date,
    where_staff,
)
from data_access.indicators.grid import (
    metric_from_parts,
    parts_grid,
    parts_needed,
    parts_totals,
    unit_totals,
)
from data_access.indicators.metrics import MetricValue, percentage, round_one_decimal
from data_access.indicators.policy import (
    DEFAULT_POLICY,
    DUE_SOON_DAYS,
    MONTHLY_INTERVAL_DAYS,
    Policy,
    TargetStatus,
)


def _date_ranges(ranges: list[tuple[date, date]]) -> Any:
    """A subquery of (month_start, month_end) rows: one per (first day, last day) given."""
    rows = [
        select(
            literal(first, Date).label("month_start"),
            literal(last, Date).label("month_end"),
        )
        for first, last in ranges
    ]
    return union_all(*rows).subquery() if len(rows) > 1 else rows[0].subquery()


# --- metric trends and comparisons ---------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    month: date
    metric: str
    value: MetricValue


def metric_series(
    names: list[str],
    months: list[date],
    scope: Scope,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
) -> list[SeriesPoint]:
    """Each named metric at each month end, for a trend chart: one set-based grid, so the
    cost does not grow with the number of months (data_access/indicators/grid.py)."""
    totals = parts_totals(months, scope, policy, names=parts_needed(names), session=session)
    return [
        SeriesPoint(month, name, metric_from_parts(name, totals[month]))
        for name in names
        for month in months
    ]


@dataclass(frozen=True)
class Unit:
    """A part of the organisation one level below a scope (an area, hub or team)."""

    kind: str  # "area", "hub" or "team"
    label: str
    scope: Scope


def child_units(
    scope: Scope, *, session: Session, teams: Sequence[TeamChoice] | None = None
) -> list[Unit]:
    """The areas of the organisation, the hubs of an area, or the teams of a hub (from
    `teams`, the teams in `scope`, when the caller has read them already)."""
    teams = teams_in_scope(scope, session=session) if teams is None else teams
    if scope.team_id is not None:
        return []
    if scope.hub is not None:
        return [
            Unit("team", team.team_name, Scope(team.area, team.hub, team.team_id)) for team in teams
        ]
    if scope.area is not None:
        hubs = sorted({team.hub for team in teams})
        return [Unit("hub", hub, Scope(scope.area, hub)) for hub in hubs]
    areas = sorted({team.area for team in teams})
    return [Unit("area", area, Scope(area)) for area in areas]


@dataclass(frozen=True)
class UnitFigures:
    unit: Unit
    values: dict[str, MetricValue]
    statuses: dict[str, TargetStatus | None]
    #: True when the unit's figures are suppressed for the user (a team of fewer than
    #: SMALL_GROUP_MINIMUM people in post whose names they may not see, or what would give
    #: one away by subtraction): its values are then all None.
    suppressed: bool = False


def compare_units(
    as_at: date,
    scope: Scope,
    names: list[str],
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    grant: Grant,
    hidden: Suppression | None = None,
    teams: Sequence[TeamChoice] | None = None,
) -> list[UnitFigures]:
    """The named metrics for each unit one level below `scope`, with target statuses.

    A unit whose figures are suppressed for `grant` (people in post, see `suppression`) has
    no values. A caller that has already decided that suppression at `as_at`, or read the
    teams in `scope`, passes it as `hidden` or `teams` (the board pack does both)."""
    units = child_units(scope, session=session, teams=teams)
    if hidden is None:
        hidden = suppression(as_at, grant, IN_POST, session=session)
    # Each unit's parts summed in the database (a row a unit, not a row a team).
    totals = unit_totals(as_at, scope, policy, session=session)
    zero = dict.fromkeys(PART_NAMES, 0.0)
    rows = []
    for unit in units:
        if hidden.hides(unit.scope):
            rows.append(UnitFigures(unit, dict.fromkeys(names), dict.fromkeys(names), True))
            continue
        key = unit.scope.team_id if unit.kind == "team" else unit.label
        parts = totals.get(key or "", zero)
        values = {name: metric_from_parts(name, parts) for name in names}
        statuses = {
            name: policy.targets[name].status(value) if name in policy.targets else None
            for name, value in values.items()
        }
        rows.append(UnitFigures(unit, values, statuses))
    return rows


#: The populations small-number suppression is decided on, by the stored part counting each:
#: people in post, case holders at the latest snapshot, workers eligible for supervision.
IN_POST, CASE_HOLDERS, ELIGIBLE = "headcount", "holders", "eligible"


Key = TypeVar("Key")


def suppressions(
    days: list[date],
    grant: Grant,
    population: str,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> dict[date, Suppression]:
    """What `grant` may not see of `population` at each of `days`, primary and complementary
    (data_access/access/suppression.py). Decided over the whole organisation, since a
    subtraction can cross any boundary: one grid of stored parts, whatever the number of days.
    `everyone`: the whole organisation's teams, when the caller has read them already."""
    if grant.sees_all_names:
        return {day: Suppression() for day in days}
    grid = parts_grid(days, Scope(), DEFAULT_POLICY, names=(population,), session=session)
    counts = {
        day: {team: int(parts[population]) for team, parts in grid.by_day.get(day, {}).items()}
        for day in days
    }
    return suppressions_of(counts, grant, session=session, everyone=everyone)


def suppressions_of(
    counts: Mapping[Key, Mapping[str, int]],
    grant: Grant,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> dict[Key, Suppression]:
    """What `grant` may not see of each population in `counts` (each counted team by team:
    team id -> people), primary and complementary, over the whole organisation (`everyone`:
    its teams, `teams_in_scope` of the whole organisation, when the caller has read them)."""
    if grant.sees_all_names:
        return {key: Suppression() for key in counts}
    if everyone is None:
        everyone = teams_in_scope(Scope(), session=session)
    places = [Place(team.team_id, team.hub, team.area) for team in everyone]
    visible = visible_team_ids(grant, Scope(), session=session)
    return {
        key: complementary_suppression(places, people, visible, SMALL_GROUP_MINIMUM)
        for key, people in counts.items()
    }


def suppression(
    day: date,
    grant: Grant,
    population: str,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> Suppression:
    """`suppressions` at one date."""
    return suppressions([day], grant, population, session=session, everyone=everyone)[day]


def scope_suppressed(
    as_at: date,
    scope: Scope,
    grant: Grant,
    populations: tuple[str, ...] = (IN_POST,),
    *,
    session: Session,
) -> bool:
    """True when the figures of `scope` at D are suppressed for `grant` in any of
    `populations` (the ones the page counts)."""
    return any(
        suppression(as_at, grant, population, session=session).hides(scope)
        for population in populations
    )


# --- workforce stability -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthMovement:
    month: date
    employment_type: str
    starters: int
    leavers: int


def starters_and_leavers(
    months: list[date], scope: Scope, *, session: Session
) -> list[MonthMovement]:
    """Workers starting and leaving (end_date) in each month, by employment type.

    Each count is one pass over the workers whose date falls in the months' span, each put in
    its month by a CASE on the month ends (a join to the months compared every worker with
    every month: 330 ms at national size against about 40)."""
    ends = sorted(months)
    counts: dict[tuple[date, str], list[int]] = {
        (month, kind): [0, 0] for month in months for kind in ("permanent", "agency")
    }
    for position, column in enumerate((col(Staff.start_date), col(Staff.end_date))):
        month_of = case(
            *(
                (and_(column >= end.replace(day=1), column <= end), literal(end, Date))
                for end in ends
            )
        )
        query = (
            select(month_of, col(Staff.employment_type), func.count())
            .where(*where_staff(None, scope, column >= ends[0].replace(day=1), column <= ends[-1]))
            .group_by(month_of, col(Staff.employment_type))
        )
        for month, kind, count in session.execute(query):
            if month is not None:  # a date between months not asked for
                counts[(month, kind)][position] = int(count)
    return [
        MonthMovement(month, kind, starters, leavers)
        for (month, kind), (starters, leavers) in counts.items()
    ]


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    leavers: int
    fte: float


def leaving_reasons(as_at: date, scope: Scope, *, session: Session) -> list[ReasonCount]:
    """Permanent leavers in (D - 12 months, D] by leaving reason, most common first."""
    reason = func.coalesce(col(Staff.leaving_reason), "Not recorded")
    query = (
        select(reason, func.count(), func.sum(col(Staff.fte)))
        .where(
            *where_staff(
                None,
                scope,
                col(Staff.employment_type) == "permanent",
                col(Staff.end_date) > add_months(as_at, -12),
                col(Staff.end_date) <= as_at,
            )
        )
        .group_by(reason)
        .order_by(func.count().desc(), reason)
    )
    return [
        ReasonCount(text, int(count), round_one_decimal(fte))
        for text, count, fte in session.execute(query)
    ]


SERVICE_BANDS = ("Under 1 year", "1 to 2 years", "2 to 5 years", "5 to 10 years", "10 years +")


@dataclass(frozen=True)
class BandCount:
    band: str
    employment_type: str
    workers: int


def length_of_service(as_at: date, scope: Scope, *, session: Session) -> list[BandCount]:
    """Workers in post at D by length of service (from start_date) and employment type."""
    band = case(
        (col(Staff.start_date) > add_months(as_at, -12), SERVICE_BANDS[0]),
        (col(Staff.start_date) > add_months(as_at, -24), SERVICE_BANDS[1]),
        (col(Staff.start_date) > add_months(as_at, -60), SERVICE_BANDS[2]),
        (col(Staff.start_date) > add_months(as_at, -120), SERVICE_BANDS[3]),
        else_=SERVICE_BANDS[4],
    )
    query = (
        select(band, col(Staff.employment_type), func.count())
        .where(*where_staff(as_at, scope))
        .group_by(band, col(Staff.employment_type))
    )
    found = {(name, kind): int(count) for name, kind, count in session.execute(query)}
    return [
        BandCount(name, kind, found.get((name, kind), 0))
        for name in SERVICE_BANDS
        for kind in ("permanent", "agency")
    ]


# --- supervision ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMonthValue:
    team_id: str
    team_name: str
    month: date
    value: float | None
    denominator: int
    #: Suppressed for the user (see `coverage_by_team`): value is None.
    suppressed: bool = False


def coverage_by_team(
    months: list[date],
    scope: Scope,
    *,
    session: Session,
    grant: Grant,
    teams: Collection[str] | None = None,
    hidden_in: dict[date, Suppression] | None = None,
    in_scope: Sequence[TeamChoice] | None = None,
) -> list[TeamMonthValue]:
    """supervision_coverage for every team in scope (or only `teams`) at each month end (for
    a heat map).

    A cell is suppressed when that month's suppression of eligible workers for `grant` covers
    its team (fewer than SMALL_GROUP_MINIMUM outside the names it covers, or a complement);
    `hidden_in` is that suppression when already worked out, and `in_scope` the teams in
    `scope` (`teams_in_scope`) when already read."""
    if in_scope is None:
        in_scope = teams_in_scope(scope, session=session)
    names = {
        team.team_id: team.team_name for team in in_scope if teams is None or team.team_id in teams
    }
    if hidden_in is None:
        hidden_in = suppressions(months, grant, ELIGIBLE, session=session)
    grid = parts_grid(
        months, scope, DEFAULT_POLICY, names=("eligible", "in_date"), teams=teams, session=session
    )
    results = []
    for month in months:
        found = grid.by_day.get(month, {})
        for team_id, team_name in names.items():
            parts = found.get(team_id, {})
            eligible, in_date = int(parts.get("eligible", 0)), int(parts.get("in_date", 0))
            hidden = team_id in hidden_in[month].teams
            value = None if hidden else percentage(in_date, eligible)
            results.append(TeamMonthValue(team_id, team_name, month, value, eligible, hidden))
    return results


#: How many teams a team-by-month chart shows at most, so that it stays readable (and light)
#: at any scope: 4,950 teams would be a chart 100,000 pixels tall.
TEAMS_SHOWN = 25


def _matching(name: str, search: str) -> bool:
    return search.strip().lower() in name.lower()


def weakest_teams(
    rows: list[TeamMonthValue], search: str = "", count: int = TEAMS_SHOWN
) -> tuple[list[TeamMonthValue], int]:
    """The rows of at most `count` teams, those with the lowest value at the latest month
    first (teams with no value there, or suppressed, come last), keeping only teams whose name
    contains `search` (any case); and how many teams matched in all."""
    if not rows:
        return [], 0
    latest = max(row.month for row in rows)
    last_values = {
        row.team_id: row.value
        for row in rows
        if row.month == latest and _matching(row.team_name, search)
    }
    order = sorted(
        last_values,
        key=lambda team: (last_values[team] is None, last_values[team] or 0.0, team),
    )
    shown = set(order[:count])
    return [row for row in rows if row.team_id in shown], len(order)


@dataclass(frozen=True)
class WeakestCoverage:
    """The heat map's rows: at most `TEAMS_SHOWN` teams, each month; how many teams matched
    the search; and the teams in scope whose figures are suppressed in any of the months."""

    rows: list[TeamMonthValue]
    matching: int
    suppressed: list[str]


def weakest_coverage(
    months: list[date],
    scope: Scope,
    *,
    session: Session,
    grant: Grant,
    search: str = "",
    count: int = TEAMS_SHOWN,
) -> WeakestCoverage:
    """`weakest_teams` of `coverage_by_team`, reading every team's figure at the latest month
    only (to rank them) and the months of the teams shown only: the cost follows what is drawn,
    not the number of teams in scope (4,950 at national size). The teams in scope are read
    once, for the ranking and the rows alike (and for the suppression, over the whole
    organisation, when the scope is the whole organisation)."""
    in_scope = teams_in_scope(scope, session=session)
    everyone = in_scope if scope.is_whole_organisation else None
    hidden_in = suppressions(months, grant, ELIGIBLE, session=session, everyone=everyone)
    latest = coverage_by_team(
        [months[-1]], scope, grant=grant, hidden_in=hidden_in, in_scope=in_scope, session=session
    )
    ranked, matching = weakest_teams(latest, search, count)
    shown = {row.team_id for row in ranked}
    rows = (
        coverage_by_team(
            months,
            scope,
            grant=grant,
            teams=shown,
            hidden_in=hidden_in,
            in_scope=in_scope,
            session=session,
        )
        if shown
        else []
    )
    names = {row.team_id: row.team_name for row in latest}
    suppressed = sorted(
        {names[team] for month in months for team in hidden_in[month].teams if team in names}
    )
    return WeakestCoverage(rows, matching, suppressed)


@dataclass(frozen=True)
class SupervisionStatusCounts:
    eligible: int
    in_date: int
    #: Of those in date, those due within DUE_SOON_DAYS days (`SupervisionStatus.DUE_SOON`).
    due_soon: int
    overdue: int
    never_supervised: int
    #: Of the never supervised, those overdue (the others are new starters still in date:
    #: their first session is not due yet).
    never_supervised_overdue: int = 0


def supervision_status_counts(
    as_at: date, scope: Scope, *, session: Session
) -> SupervisionStatusCounts:
    """Eligible workers at D: in date (of those, due soon) and overdue, which add up to the
    eligible; and, across both, those never supervised (of those, overdue).

    "Due soon" (`SupervisionStatus.DUE_SOON`) means in date at D but,
    with no further session, not in date at D + DUE_SOON_DAYS.
    """
    # Whether a worker is in date (now and in DUE_SOON_DAYS) turns on their latest held
    # session within the longest interval before D: only that window's sessions are grouped
    # (a month's, not the 2 million held at national size). Whether they were ever supervised
    # is asked only of those with none in the window (an index seek each).
    recent = (
        select(
            col(SupervisionSession.staff_id),
            func.max(col(SupervisionSession.session_date)).label("last_session"),
        )
        .where(
            col(SupervisionSession.status) == "held",
            col(SupervisionSession.session_date) >= as_at - timedelta(days=MONTHLY_INTERVAL_DAYS),
            col(SupervisionSession.session_date) <= as_at,
        )
        .group_by(col(SupervisionSession.staff_id))
    )
    in_scope = scope.contains_team(col(Staff.team_id))
    if in_scope is not None:
        recent = recent.join(Staff, col(Staff.staff_id) == col(SupervisionSession.staff_id)).where(
            in_scope
        )
    window = recent.subquery()
    last = window.c.last_session
    ever = exists().where(
        col(SupervisionSession.staff_id) == col(Staff.staff_id),
        col(SupervisionSession.status) == "held",
        col(SupervisionSession.session_date) <= as_at,
    )
    never_held = and_(last.is_(None), ~ever)
    in_date = supervision_in_date(as_at, last)
    still_in_date = supervision_in_date(as_at + timedelta(days=DUE_SOON_DAYS), last)
    query = (
        select(
            func.count(),
            count_where(in_date),
            count_where(and_(in_date, ~still_in_date)),
            count_where(never_held),
            count_where(and_(never_held, ~in_date)),
        )
        .select_from(Staff)
        .outerjoin(window, window.c.staff_id == col(Staff.staff_id))
        .where(*where_staff(as_at, scope, eligible_for_supervision()))
    )
    eligible, ok, due_soon, never, never_overdue = (
        int(value) for value in session.execute(query).one()
    )
    return SupervisionStatusCounts(eligible, ok, due_soon, eligible - ok, never, never_overdue)


@dataclass(frozen=True)
class GradeCount:
    quarter_end: date
    grade: str
    audits: int


def audit_grades_by_quarter(
    quarter_ends: list[date], scope: Scope, *, session: Session
) -> list[GradeCount]:
    """Supervision audits of in-scope supervisees in each quarter, by grade."""
    quarters = _date_ranges([(add_months(end, -2).replace(day=1), end) for end in quarter_ends])
    query = (
        select(quarters.c.month_end, col(SupervisionAudit.grade), func.count())
        .select_from(SupervisionAudit)
        .join(Staff, col(Staff.staff_id) == col(SupervisionAudit.staff_id))
        .join(
            quarters,
            and_(
                col(SupervisionAudit.audit_date) >= quarters.c.month_start,
                col(SupervisionAudit.audit_date) <= quarters.c.month_end,
            ),
        )
        .where(*where_staff(None, scope))
        .group_by(quarters.c.month_end, col(SupervisionAudit.grade))
    )
    return [GradeCount(end, grade, int(count)) for end, grade, count in session.execute(query)]


# --- caseloads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadCount:
    open_cases: int
    workers: int
    over_limit: int


def caseload_distribution(
    as_at: date, scope: Scope, policy: Policy = DEFAULT_POLICY, *, session: Session
) -> tuple[date | None, list[CaseloadCount]]:
    """Case holders at the snapshot used for D, counted by open cases (and how many of them
    are over their own limit)."""
    snapshot = latest_snapshot_date(as_at, session=session)
    if snapshot is None:
        return None, []
    over = col(CaseloadSnapshot.open_cases) > caseload_limit(snapshot, policy)
    query = (
        case_holders(
            snapshot, scope, col(CaseloadSnapshot.open_cases), func.count(), count_where(over)
        )
        .group_by(col(CaseloadSnapshot.open_cases))
        .order_by(col(CaseloadSnapshot.open_cases))
    )
    return snapshot, [CaseloadCount(int(c), int(n), int(o)) for c, n, o in session.execute(query)]


@dataclass(frozen=True)
class TeamCaseloads:
    team_id: str
    team_name: str
    case_holders: int
    caseload_average: float | None
    over_threshold_share: float | None
    #: Suppressed for the user (see `caseloads_by_team`): figures are None.
    suppressed: bool = False


def most_over_threshold(
    rows: list[TeamCaseloads], search: str = "", count: int = TEAMS_SHOWN
) -> tuple[list[TeamCaseloads], int]:
    """At most `count` teams, the highest share over threshold first (teams with no figure
    last), keeping only teams whose name contains `search` (any case); and how many teams
    matched in all."""
    matching = [row for row in rows if _matching(row.team_name, search)]
    matching.sort(
        key=lambda row: (
            row.over_threshold_share is None,
            -(row.over_threshold_share or 0.0),
            row.team_name,
        )
    )
    return matching[:count], len(matching)


def caseloads_by_team(
    as_at: date,
    scope: Scope,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    grant: Grant,
) -> list[TeamCaseloads]:
    """caseload_average and caseload_over_threshold_share for each team in scope.

    A team is suppressed when the suppression of case holders for `grant` covers it (fewer
    than SMALL_GROUP_MINIMUM outside the names it covers, or a complement)."""
    teams = teams_in_scope(scope, session=session)
    hidden = suppression(as_at, grant, CASE_HOLDERS, session=session).teams
    shown = ("caseload_average", "caseload_over_threshold_share")
    grid = parts_grid(
        [as_at], scope, policy, names=("holders", *parts_needed(shown)), session=session
    )
    rows = []
    for team in teams:
        parts = grid.of_team(as_at, team.team_id)
        holders = int(parts["holders"])
        if team.team_id in hidden:
            rows.append(TeamCaseloads(team.team_id, team.team_name, holders, None, None, True))
            continue
        average, over = (metric_from_parts(name, parts) for name in shown)
        rows.append(TeamCaseloads(team.team_id, team.team_name, holders, average, over))
    return rows


@dataclass(frozen=True)
class AsyeCaseload:
    team_name: str
    months_into_asye: int
    open_cases: int
    limit: float


@dataclass(frozen=True)
class AsyeCaseloads:
    rows: list[AsyeCaseload]
    #: Teams whose ASYE case holders are left out of `rows`: fewer than SMALL_GROUP_MINIMUM
    #: of them, in a team outside the names the user may see.
    suppressed_teams: list[str]


def asye_caseloads(
    as_at: date,
    scope: Scope,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    grant: Grant,
) -> AsyeCaseloads:
    """Each ASYE case holder's open cases at the snapshot used for D against their protected
    limit. No names: this is for directors; team managers see names on the Team page. A team
    with fewer than SMALL_GROUP_MINIMUM ASYE case holders, outside the names `grant` covers,
    or hidden from the case-holder figures (`caseloads_by_team`), is left out and listed in
    `suppressed_teams`."""
    snapshot = latest_snapshot_date(as_at, session=session)
    if snapshot is None:
        return AsyeCaseloads([], [])
    query = (
        case_holders(
            snapshot,
            scope,
            col(Team.team_id),
            col(Team.team_name),
            col(Staff.asye_start_date),
            col(CaseloadSnapshot.open_cases),
            caseload_limit(snapshot, policy),
        )
        .where(in_asye(snapshot))
        .order_by(col(Team.team_name), col(CaseloadSnapshot.open_cases).desc())
    )
    found = session.execute(query).all()
    per_team: dict[str, int] = {}
    for row in found:
        per_team[row[0]] = per_team.get(row[0], 0) + 1
    visible = visible_team_ids(grant, scope, session=session)
    # Each dot is one worker's caseload, so a team hidden from the case-holder figures (a
    # complement included) shows none of its ASYE workers either.
    hidden = suppression(as_at, grant, CASE_HOLDERS, session=session).teams | {
        team_id for team_id, people in per_team.items() if is_suppressed(people, team_id, visible)
    }
    return AsyeCaseloads(
        [
            AsyeCaseload(team, whole_months(start, snapshot), int(cases), float(limit))
            for team_id, team, start, cases, limit in found
            if team_id not in hidden
        ],
        sorted({team for team_id, team, *_ in found if team_id in hidden}),
    )


def most_stretched_asye_teams(
    rows: list[AsyeCaseload], search: str = "", count: int = TEAMS_SHOWN
) -> tuple[list[AsyeCaseload], int]:
    """The ASYE case holders of at most `count` teams: those whose most stretched ASYE worker
    (open cases as a share of their protected limit) is highest first, keeping only teams
    whose name contains `search` (any case); and how many teams matched in all."""
    stretch: dict[str, float] = {}
    for row in rows:
        if _matching(row.team_name, search):
            share = row.open_cases / row.limit if row.limit else 0.0
            stretch[row.team_name] = max(stretch.get(row.team_name, 0.0), share)
    order = sorted(stretch, key=lambda team: (-stretch[team], team))
    shown = set(order[:count])
    return [row for row in rows if row.team_name in shown], len(order)
