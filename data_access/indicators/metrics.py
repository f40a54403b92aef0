"""The workforce metrics, each defined once, computed by SQL aggregation.

Every metric is "as at" a date D over a `Scope`. Common terms:

- A worker belongs to the scope of their `team_id`.
- A worker is *in post at D* when `start_date <= D` and (`end_date` is empty or `end_date > D`).
- "D minus N months" is calendar arithmetic (2025-03-31 minus 1 month = 2025-02-28).
- Percentages are 0-100, results are rounded to one decimal place (halves away from zero),
  and a metric whose denominator is zero is null.

Date bounds (D minus 12 months, D minus 31 days...) are computed in Python and passed to SQL as
parameters, so the same SQL runs on SQLite and PostgreSQL. The docstring of each metric
function is its definition; `docs/metrics.md` repeats it and a test keeps the two in step.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlmodel import Session

from data_access.core.dates import add_months
from data_access.core.models import (
    Appraisal,
    CaseloadSnapshot,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
)
from data_access.core.scope import WHOLE_ORGANISATION, Scope
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

MetricValue = float | int | None


def round_one_decimal(value: float) -> float:
    """Round to one decimal place, halves away from zero, ignoring binary float noise."""
    return float(Decimal(f"{value:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percentage(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator x 100 to one decimal place; None when the denominator is 0."""
    if not denominator:
        return None
    return round_one_decimal(100 * (numerator or 0) / denominator)


# --- building blocks -----------------------------------------------------------------------


def in_post(as_at: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Staff in post at `as_at` (a date, or a date column of the grid in
    data_access/indicators/grid.py): started on or before it, and not yet left."""
    return and_(
        Staff.start_date <= as_at,
        or_(Staff.end_date.is_(None), Staff.end_date > as_at),
    )


def where_staff(as_at: date | None, scope: Scope, *conditions) -> list[ColumnElement[bool]]:
    clauses = list(conditions)
    if as_at is not None:
        clauses.append(in_post(as_at))
    scope_condition = scope.contains_team(Staff.team_id)
    if scope_condition is not None:
        clauses.append(scope_condition)
    return clauses


def sum_fte_where(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, Staff.fte), else_=0.0)), 0.0)


def count_where(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _permanent():
    return Staff.employment_type == "permanent"


def _permanent_fte_in_post(session: Session, as_at: date, scope: Scope) -> float:
    query = select(func.coalesce(func.sum(Staff.fte), 0.0)).where(
        *where_staff(as_at, scope, _permanent())
    )
    return float(session.execute(query).scalar_one())


# --- workforce stability -------------------------------------------------------------------


def headcount(session: Session, as_at: date, scope: Scope, policy: Policy) -> int:
    """Number of workers in post at D, in any role, permanent or agency."""
    query = select(func.count()).select_from(Staff).where(*where_staff(as_at, scope))
    return int(session.execute(query).scalar_one())


def fte_in_post(session: Session, as_at: date, scope: Scope, policy: Policy) -> float:
    """Total FTE of permanent (employed, non-agency) workers in post at D."""
    return round_one_decimal(_permanent_fte_in_post(session, as_at, scope))


def agency_rate_fte(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Agency FTE in post at D / (agency FTE + permanent FTE in post at D) x 100."""
    query = select(
        sum_fte_where(Staff.employment_type == "agency"),
        sum_fte_where(_permanent()),
    ).where(*where_staff(as_at, scope))
    agency, permanent = session.execute(query).one()
    return percentage(agency, agency + permanent)


def turnover_rate_fte(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """FTE of permanent workers whose end_date is in (D - 12 months, D] / permanent FTE in
    post at D x 100. A worker leaving on D counts as a leaver and is not in post at D."""
    year_before = add_months(as_at, -12)
    leavers_query = select(func.coalesce(func.sum(Staff.fte), 0.0)).where(
        *where_staff(
            None, scope, _permanent(), Staff.end_date > year_before, Staff.end_date <= as_at
        )
    )
    leavers = float(session.execute(leavers_query).scalar_one())
    return percentage(leavers, _permanent_fte_in_post(session, as_at, scope))


def vacant_fte(session: Session, as_at: date, scope: Scope) -> float:
    """Sum over the teams in scope of each team's latest vacant_fte with as_at <= D."""
    latest = select(Vacancy.team_id, func.max(Vacancy.as_at).label("latest")).where(
        Vacancy.as_at <= as_at
    )
    scope_condition = scope.contains_team(Vacancy.team_id)
    if scope_condition is not None:
        latest = latest.where(scope_condition)
    latest = latest.group_by(Vacancy.team_id).subquery()
    query = select(func.coalesce(func.sum(Vacancy.vacant_fte), 0.0)).join(
        latest,
        and_(Vacancy.team_id == latest.c.team_id, Vacancy.as_at == latest.c.latest),
    )
    return float(session.execute(query).scalar_one())


def vacancy_rate_fte(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Vacant FTE / (vacant FTE + permanent FTE in post at D) x 100, where vacant FTE sums,
    for each team in scope, its latest vacancies row with as_at <= D (a team with none adds 0)."""
    vacant = vacant_fte(session, as_at, scope)
    return percentage(vacant, vacant + _permanent_fte_in_post(session, as_at, scope))


def stability_index(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Of the permanent workers in post at D (by headcount), the share who were also in post
    at D - 12 months, x 100."""
    year_before = add_months(as_at, -12)
    query = select(func.count(), count_where(Staff.start_date <= year_before)).where(
        *where_staff(as_at, scope, _permanent())
    )
    permanent, stayed = session.execute(query).one()
    return percentage(stayed, permanent)


# --- caseloads -----------------------------------------------------------------------------


def latest_snapshot_date(session: Session, as_at: date) -> date | None:
    """The caseload snapshot used for D: the latest snapshot_date <= D anywhere in the data."""
    query = select(func.max(CaseloadSnapshot.snapshot_date)).where(
        CaseloadSnapshot.snapshot_date <= as_at
    )
    return session.execute(query).scalar()


def in_asye(on: date | ColumnElement[date]) -> ColumnElement[bool]:
    return and_(Staff.asye_start_date <= on, Staff.asye_end_date > on)


def caseload_limit(snapshot: date, policy: Policy):
    """SQL expression: the caseload limit of each case holder at `snapshot`."""
    branches = []
    for team_type in policy.caseload_thresholds:
        branches.append(
            (
                and_(Team.team_type == team_type, in_asye(snapshot)),
                literal(policy.caseload_limit(team_type, in_asye=True)),
            )
        )
        branches.append(
            (Team.team_type == team_type, literal(policy.caseload_limit(team_type, False)))
        )
    default = policy.caseload_limit("other", in_asye=False)
    return case(*branches, else_=literal(default))


def case_holders(snapshot: date, scope: Scope, *columns) -> Select:
    """SELECT `columns` over the case holders at `snapshot`: the in-scope caseload rows dated
    `snapshot` with open_cases > 0, joined to their staff and team rows."""
    return (
        select(*columns)
        .select_from(CaseloadSnapshot)
        .join(Staff, Staff.staff_id == CaseloadSnapshot.staff_id)
        .join(Team, Team.team_id == Staff.team_id)
        .where(
            CaseloadSnapshot.snapshot_date == snapshot,
            CaseloadSnapshot.open_cases > 0,
            *where_staff(None, scope),
        )
    )


def _case_holder_totals(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> tuple[int, int, float, int]:
    """(case holders, open cases, their FTE, how many are over their limit) at the snapshot."""
    snapshot = latest_snapshot_date(session, as_at)
    if snapshot is None:
        return 0, 0, 0.0, 0
    query = case_holders(
        snapshot,
        scope,
        func.count(),
        func.coalesce(func.sum(CaseloadSnapshot.open_cases), 0),
        func.coalesce(func.sum(Staff.fte), 0.0),
        count_where(CaseloadSnapshot.open_cases > caseload_limit(snapshot, policy)),
    )
    holders, cases, fte, over = session.execute(query).one()
    return int(holders), int(cases), float(fte), int(over)


def caseload_average(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """At S, the latest snapshot_date <= D anywhere in the data: case holders are the in-scope
    rows at S with open_cases > 0; the metric is their open cases / their FTE."""
    _, cases, fte, _ = _case_holder_totals(session, as_at, scope, policy)
    if not fte:
        return None
    return round_one_decimal(cases / fte)


def caseload_over_threshold_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the case holders at S (as for caseload_average), the share whose open_cases is above
    their limit, x 100. The limit is the caseload threshold of their team type (a policy
    setting, default 18), times 0.9 for a worker in their ASYE at S
    (asye_start_date <= S < asye_start_date + 12 months)."""
    holders, _, _, over = _case_holder_totals(session, as_at, scope, policy)
    return percentage(over, holders)


# --- supervision ---------------------------------------------------------------------------


def interval_cutoff(as_at: date) -> ColumnElement[date]:
    """SQL expression: D minus each worker's required supervision interval, which is 7 days
    in the first 42 days after asye_start_date, 14 days until 6 months after it, otherwise 31.
    A held session on or after this date is in date."""
    return cutoff_by_phase(
        as_at,
        as_at - timedelta(days=WEEKLY_INTERVAL_DAYS),
        as_at - timedelta(days=FORTNIGHTLY_INTERVAL_DAYS),
        as_at - timedelta(days=MONTHLY_INTERVAL_DAYS),
    )


def cutoff_by_phase(on, weekly, fortnightly, monthly) -> ColumnElement[date]:
    """SQL expression: of the three cutoffs, the one for each worker's supervision phase at
    `on` (a date, or a date column of the grid in data_access/indicators/grid.py): `weekly` in
    the ASYE's weekly phase, `fortnightly` in its fortnightly phase, otherwise `monthly`."""
    started_asye = Staff.asye_start_date <= on
    return case(
        (and_(started_asye, Staff.asye_weekly_until > on), weekly),
        (and_(started_asye, Staff.asye_fortnightly_until > on), fortnightly),
        else_=monthly,
    )


def latest_held_sessions(as_at: date, scope: Scope):
    """Subquery: each in-scope supervisee's latest held session date on or before `as_at`."""
    query = (
        select(
            SupervisionSession.staff_id,
            func.max(SupervisionSession.session_date).label("last_session"),
        )
        .where(SupervisionSession.status == "held", SupervisionSession.session_date <= as_at)
        .group_by(SupervisionSession.staff_id)
    )
    scope_condition = scope.contains_team(Staff.team_id)
    if scope_condition is not None:
        query = query.join(Staff, Staff.staff_id == SupervisionSession.staff_id).where(
            scope_condition
        )
    return query.subquery()


def eligible_for_supervision() -> ColumnElement[bool]:
    return Staff.role.in_(SUPERVISION_ELIGIBLE_ROLES)


def supervision_in_date(as_at: date, last_session) -> ColumnElement[bool]:
    """SQL condition: the worker's supervision is in date at `as_at`."""
    cutoff = interval_cutoff(as_at)
    # Never NULL: with no session at all, `last_session >= cutoff` alone would be NULL, and
    # NOT (NULL OR false) is NULL too, which would drop such workers from negated counts.
    supervised_recently = and_(last_session.is_not(None), last_session >= cutoff)
    return or_(supervised_recently, Staff.start_date > cutoff)


def _supervision_totals(session: Session, as_at: date, scope: Scope) -> tuple[int, int, int]:
    """(eligible workers, those in date, those with an agreement) at D."""
    latest = latest_held_sessions(as_at, scope)
    query = (
        select(
            func.count(),
            count_where(supervision_in_date(as_at, latest.c.last_session)),
            count_where(Staff.supervision_agreement_date <= as_at),
        )
        .select_from(Staff)
        .outerjoin(latest, latest.c.staff_id == Staff.staff_id)
        .where(*where_staff(as_at, scope, eligible_for_supervision()))
    )
    eligible, in_date, agreed = session.execute(query).one()
    return int(eligible), int(in_date), int(agreed)


def supervision_coverage(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the eligible workers (social workers, senior practitioners and advanced practitioners
    in post at D, permanent or agency), the share in date x 100. A worker is in date when their
    latest held session on or before D is at most their required interval before D, or when
    they started fewer than that many days before D. The interval is 7 days in the first 42
    days after asye_start_date, 14 days until 6 months after it, otherwise 31 days."""
    eligible, in_date, _ = _supervision_totals(session, as_at, scope)
    return percentage(in_date, eligible)


def supervision_agreement_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the eligible workers at D, the share whose supervision_agreement_date is on or
    before D, x 100."""
    eligible, _, agreed = _supervision_totals(session, as_at, scope)
    return percentage(agreed, eligible)


def supervisor_training_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the team managers in post at D, the share whose supervision_training_date is in
    (D - 24 months, D], x 100 (the window is a policy setting)."""
    window_start = add_months(as_at, -policy.supervisor_training_window_months)
    trained = and_(
        Staff.supervision_training_date > window_start,
        Staff.supervision_training_date <= as_at,
    )
    query = select(func.count(), count_where(trained)).where(
        *where_staff(as_at, scope, Staff.role == "team_manager")
    )
    managers, recent = session.execute(query).one()
    return percentage(recent, managers)


def _recent_session_totals(
    session: Session, as_at: date, scope: Scope
) -> tuple[int, int, int, int, int]:
    """(held sessions, reflective, with child's views, with a duration, lasting the standard)
    of in-scope supervisees in (D - 3 months, D]."""
    query = (
        select(
            func.count(),
            count_where(SupervisionSession.reflective.is_(True)),
            count_where(SupervisionSession.childs_views_recorded.is_(True)),
            count_where(SupervisionSession.duration_minutes.is_not(None)),
            count_where(SupervisionSession.duration_minutes >= SUPERVISION_STANDARD_MINUTES),
        )
        .select_from(SupervisionSession)
        .join(Staff, Staff.staff_id == SupervisionSession.staff_id)
        .where(
            SupervisionSession.status == "held",
            SupervisionSession.session_date > add_months(as_at, -3),
            SupervisionSession.session_date <= as_at,
            *where_staff(None, scope),
        )
    )
    held, reflective, views, timed, long_enough = session.execute(query).one()
    return int(held), int(reflective), int(views), int(timed), int(long_enough)


def reflective_share(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Of the held sessions of in-scope supervisees dated in (D - 3 months, D], the share
    marked reflective, x 100."""
    held, reflective, *_ = _recent_session_totals(session, as_at, scope)
    return percentage(reflective, held)


def childs_views_share(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Of the held sessions of in-scope supervisees dated in (D - 3 months, D], the share with
    the child's views recorded, x 100."""
    held, _, views, *_ = _recent_session_totals(session, as_at, scope)
    return percentage(views, held)


def supervision_duration_standard_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the held sessions of in-scope supervisees dated in (D - 3 months, D] with a
    duration_minutes, the share lasting at least 90 minutes (the LGA standard of 1.5 hours of
    supervision), x 100. Sessions with no duration are left out of both parts."""
    *_, timed, long_enough = _recent_session_totals(session, as_at, scope)
    return percentage(long_enough, timed)


def appraisal_share(session: Session, as_at: date, scope: Scope, policy: Policy) -> float | None:
    """Of the permanent eligible workers in post at D whose start_date is on or before
    D - 12 months, the share with an appraisal dated in (D - 12 months, D], x 100."""
    year_before = add_months(as_at, -APPRAISAL_INTERVAL_MONTHS)
    appraised = (
        select(Appraisal.appraisal_id)
        .where(
            Appraisal.staff_id == Staff.staff_id,
            Appraisal.appraisal_date > year_before,
            Appraisal.appraisal_date <= as_at,
        )
        .exists()
    )
    query = select(func.count(), count_where(appraised)).where(
        *where_staff(
            as_at, scope, _permanent(), eligible_for_supervision(), Staff.start_date <= year_before
        )
    )
    due, done = session.execute(query).one()
    return percentage(done, due)


def new_manager_training_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the team managers in post at D whose start_date is in (D - 12 months, D - 6 months],
    the share whose supervision_training_date is on or before start_date + 6 months, x 100."""
    query = select(
        func.count(), count_where(Staff.supervision_training_date <= Staff.training_due_date)
    ).where(
        *where_staff(
            as_at,
            scope,
            Staff.role == "team_manager",
            Staff.start_date > add_months(as_at, -12),
            Staff.start_date <= add_months(as_at, -NEW_MANAGER_TRAINING_MONTHS),
        )
    )
    new_managers, trained = session.execute(query).one()
    return percentage(trained, new_managers)


def agreement_within_3_months_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the eligible workers in post at D whose start_date is on or before D - 3 months, the
    share whose supervision_agreement_date is on or before start_date + 3 months, x 100."""
    query = select(
        func.count(), count_where(Staff.supervision_agreement_date <= Staff.agreement_due_date)
    ).where(
        *where_staff(
            as_at,
            scope,
            eligible_for_supervision(),
            Staff.start_date <= add_months(as_at, -AGREEMENT_WITHIN_MONTHS),
        )
    )
    due, in_time = session.execute(query).one()
    return percentage(in_time, due)


def audit_good_or_better_share(
    session: Session, as_at: date, scope: Scope, policy: Policy
) -> float | None:
    """Of the supervision audits of in-scope supervisees dated in (D - 12 months, D], the share
    graded outstanding or good, x 100."""
    query = (
        select(
            func.count(),
            count_where(SupervisionAudit.grade.in_(("outstanding", "good"))),
        )
        .select_from(SupervisionAudit)
        .join(Staff, Staff.staff_id == SupervisionAudit.staff_id)
        .where(
            SupervisionAudit.audit_date > add_months(as_at, -12),
            SupervisionAudit.audit_date <= as_at,
            *where_staff(None, scope),
        )
    )
    audits, good = session.execute(query).one()
    return percentage(good, audits)


# --- the registry --------------------------------------------------------------------------

MetricFunction = Callable[[Session, date, Scope, Policy], MetricValue]


@dataclass(frozen=True)
class Metric:
    """A metric as the dashboard shows it: its name, label, unit, what it means in plain
    words, and its exact definition."""

    name: str
    label: str
    unit: str  # "count", "fte", "%" or "cases"
    compute: MetricFunction
    #: One plain-English sentence for a director; the exact rule is `definition`.
    summary: str

    @property
    def definition(self) -> str:
        """The metric's definition: its function's docstring, on one line."""
        return " ".join(inspect.getdoc(self.compute).split())


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric(
            "headcount",
            "Headcount in post",
            "count",
            headcount,
            "How many people work here on the date, in any role, employed or agency.",
        ),
        Metric(
            "fte_in_post",
            "Permanent FTE in post",
            "fte",
            fte_in_post,
            "How many full-time posts the council's own (not agency) staff fill.",
        ),
        Metric(
            "agency_rate_fte",
            "Agency rate (FTE)",
            "%",
            agency_rate_fte,
            "Of all the working time in post, the share that agency workers provide.",
        ),
        Metric(
            "turnover_rate_fte",
            "Turnover, last 12 months (FTE)",
            "%",
            turnover_rate_fte,
            "How much of the permanent workforce left in the past year, against its size now.",
        ),
        Metric(
            "vacancy_rate_fte",
            "Vacancy rate (FTE)",
            "%",
            vacancy_rate_fte,
            "Of all permanent posts, the share not filled by a permanent worker.",
        ),
        Metric(
            "stability_index",
            "Stability index",
            "%",
            stability_index,
            "Of today's permanent staff, the share who were already here a year ago.",
        ),
        Metric(
            "caseload_average",
            "Average caseload",
            "cases",
            caseload_average,
            "The average number of open cases a full-time case-holding worker holds.",
        ),
        Metric(
            "caseload_over_threshold_share",
            "Case holders over threshold",
            "%",
            caseload_over_threshold_share,
            "Of the workers holding cases, the share holding more than the limit for their team "
            "(a lower limit for newly qualified workers).",
        ),
        Metric(
            "supervision_coverage",
            "Supervision in date",
            "%",
            supervision_coverage,
            "Of the social workers, the share supervised recently enough: within a month, or "
            "more often in their first year after qualifying.",
        ),
        Metric(
            "supervision_agreement_share",
            "Supervision agreements in place",
            "%",
            supervision_agreement_share,
            "Of the social workers, the share with a supervision agreement in place.",
        ),
        Metric(
            "agreement_within_3_months_share",
            "Agreements made within 3 months of starting",
            "%",
            agreement_within_3_months_share,
            "Of the social workers here three months or more, the share whose supervision "
            "agreement was made within three months of starting.",
        ),
        Metric(
            "supervisor_training_share",
            "Managers with recent supervision training",
            "%",
            supervisor_training_share,
            "Of the team managers, the share trained in supervision in the past two years.",
        ),
        Metric(
            "new_manager_training_share",
            "New managers trained within 6 months",
            "%",
            new_manager_training_share,
            "Of the team managers who started six to twelve months ago, the share trained in "
            "supervision within six months of starting.",
        ),
        Metric(
            "reflective_share",
            "Reflective supervision",
            "%",
            reflective_share,
            "Of the supervision sessions in the past three months, the share recorded as "
            "reflective.",
        ),
        Metric(
            "childs_views_share",
            "Child's views recorded",
            "%",
            childs_views_share,
            "Of the supervision sessions in the past three months, the share that recorded the "
            "child's views.",
        ),
        Metric(
            "supervision_duration_standard_share",
            "Sessions of 1.5 hours or more",
            "%",
            supervision_duration_standard_share,
            "Of the supervision sessions in the past three months, the share lasting at least "
            "an hour and a half.",
        ),
        Metric(
            "audit_good_or_better_share",
            "Audits good or outstanding",
            "%",
            audit_good_or_better_share,
            "Of the supervision records audited in the past year, the share graded good or "
            "outstanding.",
        ),
        Metric(
            "appraisal_share",
            "Annual appraisals up to date",
            "%",
            appraisal_share,
            "Of the permanent social workers here a year or more, the share appraised in the "
            "past year.",
        ),
    )
}


def reference_metrics(
    session: Session,
    as_at: date,
    scope: Scope = WHOLE_ORGANISATION,
    policy: Policy = DEFAULT_POLICY,
) -> dict[str, MetricValue]:
    """Every metric for one date and scope, keyed by metric name, each by its own definition
    above (a statement or two per metric, straight from the recorded tables): the reference
    that the set-based path (`grid.compute_metrics`, which the dashboard and the command line
    use) is tested against."""
    return {name: metric.compute(session, as_at, scope, policy) for name, metric in METRICS.items()}
