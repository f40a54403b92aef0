"""Every metric for many dates and many teams at once: the set-based path.

Each metric in `data_access.indicators.metrics` is a ratio of additive parts (FTE sums and
counts). The parts of every team at a month end are stored by every import in
`team_month_parts` (data_access/indicators/stored_parts.py); any other date, or a policy with
other caseload rules, is computed from the recorded tables in seven statements, whatever the
number of dates or teams: the snapshot dates, then one each for staff in post, leavers,
vacancies, caseloads, recent sessions and audits. Any scope's figure is then the ratio of its
teams' summed parts, so a 24-month trend, a row of sparklines or a table of 150 units costs
about as much as a single date.

The definitions are those of `data_access.indicators.metrics` (the single-date path, which
stays the reference); `tests/test_grid.py` proves the stored, computed and single-date paths
agree on every month end of the hand-made organisation and of the demo. Dates are passed to
SQL as literal rows (D, D - 12 months, ... computed in Python), so the same SQL runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, and_, exists, func, literal, or_, select, union_all
from sqlmodel import Session

from data_access.core.dates import add_months, month_end
from data_access.core.models import (
    PART_NAMES,
    Appraisal,
    CaseloadSnapshot,
    Setting,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
    hub_month_parts,
    team_month_parts,
)
from data_access.core.scope import WHOLE_ORGANISATION, Scope
from data_access.indicators.metrics import (
    METRICS,
    MetricValue,
    caseload_limit,
    count_where,
    cutoff_by_phase,
    in_post,
    percentage,
    round_one_decimal,
    sum_fte_where,
)
from data_access.indicators.policy import (
    AGREEMENT_WITHIN_MONTHS,
    APPRAISAL_INTERVAL_MONTHS,
    DEFAULT_POLICY,
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    NEW_MANAGER_TRAINING_MONTHS,
    SUPERVISION_ELIGIBLE_ROLES,
    SUPERVISION_STANDARD_MINUTES,
    WEEKLY_INTERVAL_DAYS,
    Policy,
)

Parts = dict[str, float]


def _dates_table(session: Session, days: list[date], policy: Policy):
    """One literal row per date D with every bound the definitions use, and S, the caseload
    snapshot used for D (the latest snapshot_date <= D anywhere in the data)."""
    snapshots = sorted(session.execute(select(CaseloadSnapshot.snapshot_date).distinct()).scalars())
    rows = []
    for day in days:
        position = bisect.bisect_right(snapshots, day)
        snapshot = snapshots[position - 1] if position else None
        values = {
            "d": day,
            "d_year": add_months(day, -12),
            "d_quarter": add_months(day, -3),
            "d_training": add_months(day, -policy.supervisor_training_window_months),
            "d_appraisal": add_months(day, -APPRAISAL_INTERVAL_MONTHS),
            "d_agreement": add_months(day, -AGREEMENT_WITHIN_MONTHS),
            "d_new_manager": add_months(day, -NEW_MANAGER_TRAINING_MONTHS),
            "d_weekly": day - timedelta(days=WEEKLY_INTERVAL_DAYS),
            "d_fortnightly": day - timedelta(days=FORTNIGHTLY_INTERVAL_DAYS),
            "d_monthly": day - timedelta(days=MONTHLY_INTERVAL_DAYS),
            "snapshot": snapshot,
        }
        rows.append(select(*(literal(v, Date).label(k) for k, v in values.items())))
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("dates")


def _scoped(query, scope: Scope):
    condition = scope.contains_team(Staff.team_id)
    return query if condition is None else query.where(condition)


def _staff_parts(dates, scope: Scope):
    permanent = Staff.employment_type == "permanent"
    eligible = Staff.role.in_(SUPERVISION_ELIGIBLE_ROLES)
    cutoff = cutoff_by_phase(dates.c.d, dates.c.d_weekly, dates.c.d_fortnightly, dates.c.d_monthly)
    # In date: a held session in [cutoff, D] (so the latest held session on or before D is at
    # most the interval before D), or a start fewer than the interval's days before D.
    supervised = exists().where(
        SupervisionSession.staff_id == Staff.staff_id,
        SupervisionSession.status == "held",
        SupervisionSession.session_date >= cutoff,
        SupervisionSession.session_date <= dates.c.d,
    )
    manager = Staff.role == "team_manager"
    appraisal_due = and_(permanent, eligible, Staff.start_date <= dates.c.d_appraisal)
    appraised = exists().where(
        Appraisal.staff_id == Staff.staff_id,
        Appraisal.appraisal_date > dates.c.d_appraisal,
        Appraisal.appraisal_date <= dates.c.d,
    )
    new_manager = and_(
        manager, Staff.start_date > dates.c.d_year, Staff.start_date <= dates.c.d_new_manager
    )
    agreement_due = and_(eligible, Staff.start_date <= dates.c.d_agreement)
    query = (
        select(
            dates.c.d,
            Staff.team_id,
            func.count(),
            sum_fte_where(permanent),
            sum_fte_where(Staff.employment_type == "agency"),
            count_where(permanent),
            count_where(and_(permanent, Staff.start_date <= dates.c.d_year)),
            count_where(eligible),
            count_where(and_(eligible, or_(supervised, Staff.start_date > cutoff))),
            count_where(and_(eligible, Staff.supervision_agreement_date <= dates.c.d)),
            count_where(manager),
            count_where(
                and_(
                    manager,
                    Staff.supervision_training_date > dates.c.d_training,
                    Staff.supervision_training_date <= dates.c.d,
                )
            ),
            count_where(appraisal_due),
            count_where(and_(appraisal_due, appraised)),
            count_where(new_manager),
            count_where(
                and_(new_manager, Staff.supervision_training_date <= Staff.training_due_date)
            ),
            count_where(agreement_due),
            count_where(
                and_(agreement_due, Staff.supervision_agreement_date <= Staff.agreement_due_date)
            ),
        )
        .select_from(dates)
        .join(Staff, in_post(dates.c.d))
        .group_by(dates.c.d, Staff.team_id)
    )
    names = (
        "headcount", "permanent_fte", "agency_fte", "permanent_count", "permanent_stayed",
        "eligible", "in_date", "agreed", "managers", "trained", "appraisal_due", "appraised",
        "new_managers", "new_managers_trained", "agreement_due", "agreed_in_time",
    )  # fmt: skip
    return _scoped(query, scope), names


def _leaver_parts(dates, scope: Scope):
    query = (
        select(dates.c.d, Staff.team_id, func.coalesce(func.sum(Staff.fte), 0.0))
        .select_from(dates)
        .join(
            Staff,
            and_(
                Staff.employment_type == "permanent",
                Staff.end_date > dates.c.d_year,
                Staff.end_date <= dates.c.d,
            ),
        )
        .group_by(dates.c.d, Staff.team_id)
    )
    return _scoped(query, scope), ("leavers_fte",)


def _vacancy_parts(dates, scope: Scope):
    later = Vacancy.__table__.alias("later")
    newer_row = exists().where(
        later.c.team_id == Vacancy.team_id,
        later.c.as_at > Vacancy.as_at,
        later.c.as_at <= dates.c.d,
    )
    query = (
        select(dates.c.d, Vacancy.team_id, func.coalesce(func.sum(Vacancy.vacant_fte), 0.0))
        .select_from(dates)
        .join(Vacancy, Vacancy.as_at <= dates.c.d)
        .where(~newer_row)
        .group_by(dates.c.d, Vacancy.team_id)
    )
    condition = scope.contains_team(Vacancy.team_id)
    return (query if condition is None else query.where(condition)), ("vacant_fte",)


def _caseload_parts(dates, scope: Scope, policy: Policy):
    over = CaseloadSnapshot.open_cases > caseload_limit(dates.c.snapshot, policy)
    query = (
        select(
            dates.c.d,
            Staff.team_id,
            func.count(),
            func.coalesce(func.sum(CaseloadSnapshot.open_cases), 0),
            func.coalesce(func.sum(Staff.fte), 0.0),
            count_where(over),
        )
        .select_from(dates)
        .join(
            CaseloadSnapshot,
            and_(
                CaseloadSnapshot.snapshot_date == dates.c.snapshot,
                CaseloadSnapshot.open_cases > 0,
            ),
        )
        .join(Staff, Staff.staff_id == CaseloadSnapshot.staff_id)
        .join(Team, Team.team_id == Staff.team_id)
        .group_by(dates.c.d, Staff.team_id)
    )
    return _scoped(query, scope), ("holders", "cases", "holders_fte", "over")


def _session_parts(dates, scope: Scope):
    query = (
        select(
            dates.c.d,
            Staff.team_id,
            func.count(),
            count_where(SupervisionSession.reflective.is_(True)),
            count_where(SupervisionSession.childs_views_recorded.is_(True)),
            count_where(SupervisionSession.duration_minutes.is_not(None)),
            count_where(SupervisionSession.duration_minutes >= SUPERVISION_STANDARD_MINUTES),
        )
        .select_from(dates)
        .join(
            SupervisionSession,
            and_(
                SupervisionSession.status == "held",
                SupervisionSession.session_date > dates.c.d_quarter,
                SupervisionSession.session_date <= dates.c.d,
            ),
        )
        .join(Staff, Staff.staff_id == SupervisionSession.staff_id)
        .group_by(dates.c.d, Staff.team_id)
    )
    return _scoped(query, scope), ("held", "reflective", "views", "timed_sessions", "long_sessions")


def _audit_parts(dates, scope: Scope):
    query = (
        select(
            dates.c.d,
            Staff.team_id,
            func.count(),
            count_where(SupervisionAudit.grade.in_(("outstanding", "good"))),
        )
        .select_from(dates)
        .join(
            SupervisionAudit,
            and_(
                SupervisionAudit.audit_date > dates.c.d_year,
                SupervisionAudit.audit_date <= dates.c.d,
            ),
        )
        .join(Staff, Staff.staff_id == SupervisionAudit.staff_id)
        .group_by(dates.c.d, Staff.team_id)
    )
    return _scoped(query, scope), ("audits", "good")


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


def computed_parts_grid(
    session: Session, days: list[date], scope: Scope, policy: Policy
) -> PartsGrid:
    """Every metric's parts for each date in `days` and each team in `scope`, computed from the
    recorded tables: seven statements (the snapshot dates, then one per family of parts)."""
    days = sorted(set(days))
    if not days:
        return PartsGrid((), {})
    dates = _dates_table(session, days, policy)
    by_day: dict[date, dict[str, Parts]] = defaultdict(lambda: defaultdict(dict))
    for query, names in (
        _staff_parts(dates, scope),
        _leaver_parts(dates, scope),
        _vacancy_parts(dates, scope),
        _caseload_parts(dates, scope, policy),
        _session_parts(dates, scope),
        _audit_parts(dates, scope),
    ):
        for day, team_id, *values in session.execute(query):
            cell = by_day[_as_date(day)][team_id]
            for name, value in zip(names, values, strict=True):
                cell[name] = float(value or 0)
    return PartsGrid(tuple(days), {day: dict(teams) for day, teams in by_day.items()})


# --- the stored parts ------------------------------------------------------------------------

#: The setting that records which month ends `team_month_parts` holds ("first/last", ISO dates;
#: absent: none). Written only by data_access/indicators/stored_parts.py.
STORED_RANGE_KEY = "engine.stored_parts_range"


def stored_range(session: Session) -> tuple[date, date] | None:
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
    held = stored_range(session) if stores_parts_for(policy) else None
    if held is None:
        return [], days
    first, last = held
    stored = [day for day in days if first <= day <= last and month_end(day) == day]
    chosen = set(stored)
    return stored, [day for day in days if day not in chosen]


def _stored_rows(days: list[date], scope: Scope, columns):
    table = team_month_parts.c
    query = select(*columns).where(table.month_end.in_(days))
    condition = scope.contains_team(table.team_id)
    return query if condition is None else query.where(condition)


def parts_grid(
    session: Session,
    days: list[date],
    scope: Scope,
    policy: Policy,
    *,
    names: tuple[str, ...] = PART_NAMES,
) -> PartsGrid:
    """Every metric's parts (or only `names`) for each date in `days` and each team in `scope`.

    Month ends that `team_month_parts` holds are read from it in one statement; any other date
    is computed from the recorded tables (`computed_parts_grid`). The two agree exactly
    (tests/test_grid.py)."""
    days = sorted(set(days))
    stored, rest = _split_days(session, days, policy)
    by_day: dict[date, dict[str, Parts]] = {}
    if stored:
        table = team_month_parts.c
        query = _stored_rows(
            stored, scope, [table.month_end, table.team_id, *(table[n] for n in names)]
        )
        for day, team_id, *values in session.execute(query):
            by_day.setdefault(_as_date(day), {})[team_id] = dict(zip(names, values, strict=True))
    if rest:
        by_day.update(computed_parts_grid(session, rest, scope, policy).by_day)
    return PartsGrid(tuple(days), by_day)


def parts_totals(
    session: Session,
    days: list[date],
    scope: Scope,
    policy: Policy,
    *,
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
        grid = computed_parts_grid(session, rest, scope, policy)
        totals.update({day: grid.total(day) for day in rest})
    return totals


def _as_date(value) -> date:
    """SQLite hands back literal dates as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


#: The parts each metric is a ratio of (what `metric_from_parts` reads).
PARTS_OF: dict[str, tuple[str, ...]] = {
    "headcount": ("headcount",),
    "fte_in_post": ("permanent_fte",),
    "agency_rate_fte": ("agency_fte", "permanent_fte"),
    "turnover_rate_fte": ("leavers_fte", "permanent_fte"),
    "vacancy_rate_fte": ("vacant_fte", "permanent_fte"),
    "stability_index": ("permanent_stayed", "permanent_count"),
    "caseload_average": ("cases", "holders_fte"),
    "caseload_over_threshold_share": ("over", "holders"),
    "supervision_coverage": ("in_date", "eligible"),
    "supervision_agreement_share": ("agreed", "eligible"),
    "supervisor_training_share": ("trained", "managers"),
    "reflective_share": ("reflective", "held"),
    "childs_views_share": ("views", "held"),
    "audit_good_or_better_share": ("good", "audits"),
    "supervision_duration_standard_share": ("long_sessions", "timed_sessions"),
    "appraisal_share": ("appraised", "appraisal_due"),
    "new_manager_training_share": ("new_managers_trained", "new_managers"),
    "agreement_within_3_months_share": ("agreed_in_time", "agreement_due"),
}


def parts_needed(metrics: Iterable[str]) -> tuple[str, ...]:
    """The parts the named metrics need, in PART_NAMES order."""
    wanted = {part for name in metrics for part in PARTS_OF[name]}
    return tuple(part for part in PART_NAMES if part in wanted)


def metric_from_parts(name: str, parts: Parts) -> MetricValue:
    """A metric's value from its summed parts: the same ratios as data_access.indicators.metrics."""
    p = parts
    if name == "headcount":
        return int(p["headcount"])
    if name == "fte_in_post":
        return round_one_decimal(p["permanent_fte"])
    if name == "agency_rate_fte":
        return percentage(p["agency_fte"], p["agency_fte"] + p["permanent_fte"])
    if name == "vacancy_rate_fte":
        return percentage(p["vacant_fte"], p["vacant_fte"] + p["permanent_fte"])
    if name == "caseload_average":
        return round_one_decimal(p["cases"] / p["holders_fte"]) if p["holders_fte"] else None
    # Every other metric is a plain share: its first part over its second, x 100.
    numerator, denominator = PARTS_OF[name]
    return percentage(p[numerator], p[denominator])


def compute_metrics(
    session: Session,
    as_at: date,
    scope: Scope = WHOLE_ORGANISATION,
    policy: Policy = DEFAULT_POLICY,
) -> dict[str, MetricValue]:
    """Every metric for one date and scope, keyed by metric name: the ratios of the scope's
    summed parts (one statement at a stored month end). Equal to each metric's own definition,
    `metrics.reference_metrics` (tests/test_grid.py, tests/test_metrics.py)."""
    parts = parts_totals(session, [as_at], scope, policy)[as_at]
    return {name: metric_from_parts(name, parts) for name in METRICS}
