"""The SQL conditions the metric declarations, the Team roster and the breakdowns share.

Each is one rule of `data_access/indicators/policy.py` written as SQL: who is in post on a
date, who is in their ASYE, each case holder's caseload limit, each worker's supervision
cutoff. A date argument may be a Python date or a date column of the engine's dates table
(data_access/indicators/grid.py), so the same condition serves one date or many at once.
Date arithmetic is done in Python (or stored on the staff row at import), never in SQL, so
the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlmodel import Session, col

from data_access.core.models import CaseloadSnapshot, Staff, SupervisionSession, Team
from data_access.core.scope import Scope
from data_access.indicators.policy import (
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    SUPERVISION_ELIGIBLE_ROLES,
    WEEKLY_INTERVAL_DAYS,
    Policy,
)

DateLike = date | ColumnElement[Any]


def in_post(as_at: DateLike) -> ColumnElement[bool]:
    """Staff in post at `as_at`: started on or before it, and not yet left."""
    return and_(
        col(Staff.start_date) <= as_at,
        or_(col(Staff.end_date).is_(None), col(Staff.end_date) > as_at),
    )


def permanent() -> ColumnElement[bool]:
    """Employed by the council (not agency)."""
    return col(Staff.employment_type) == "permanent"


def agency() -> ColumnElement[bool]:
    """Engaged through an agency."""
    return col(Staff.employment_type) == "agency"


def eligible_for_supervision() -> ColumnElement[bool]:
    """In one of the roles whose supervision is tracked (`SUPERVISION_ELIGIBLE_ROLES`)."""
    return col(Staff.role).in_(SUPERVISION_ELIGIBLE_ROLES)


def team_manager() -> ColumnElement[bool]:
    return col(Staff.role) == "team_manager"


def where_staff(
    as_at: date | None, scope: Scope, *conditions: ColumnElement[bool]
) -> list[ColumnElement[bool]]:
    """`conditions`, plus in post at `as_at` (unless None), plus belonging to `scope`."""
    clauses = list(conditions)
    if as_at is not None:
        clauses.append(in_post(as_at))
    scope_condition = scope.contains_team(col(Staff.team_id))
    if scope_condition is not None:
        clauses.append(scope_condition)
    return clauses


def sum_fte_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, col(Staff.fte)), else_=0.0)), 0.0)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- caseloads ----------------------------------------------------------------------------------


def latest_snapshot_date(as_at: date, *, session: Session) -> date | None:
    """The caseload snapshot used for D: the latest snapshot_date <= D anywhere in the data."""
    query = select(func.max(col(CaseloadSnapshot.snapshot_date))).where(
        col(CaseloadSnapshot.snapshot_date) <= as_at
    )
    return session.execute(query).scalar()


def in_asye(on: DateLike) -> ColumnElement[bool]:
    """In their ASYE on `on` (asye_start_date <= on < the ASYE's end, stored at import)."""
    return and_(col(Staff.asye_start_date) <= on, col(Staff.asye_end_date) > on)


def caseload_limit(snapshot: DateLike, policy: Policy) -> ColumnElement[Any]:
    """SQL expression: the caseload limit of each case holder at `snapshot` (their team
    type's threshold, times the ASYE factor while in their ASYE). Needs `Team` joined."""
    branches = []
    for team_type in policy.caseload_thresholds:
        branches.append(
            (
                and_(col(Team.team_type) == team_type, in_asye(snapshot)),
                literal(policy.caseload_limit(team_type, in_asye=True)),
            )
        )
        branches.append(
            (col(Team.team_type) == team_type, literal(policy.caseload_limit(team_type, False)))
        )
    default = policy.caseload_limit("other", in_asye=False)
    return case(*branches, else_=literal(default))


def case_holders(snapshot: date, scope: Scope, *columns: Any) -> Select[Any]:
    """SELECT `columns` over the case holders at `snapshot`: the in-scope caseload rows dated
    `snapshot` with open_cases > 0, joined to their staff and team rows."""
    return (
        select(*columns)
        .select_from(CaseloadSnapshot)
        .join(Staff, col(Staff.staff_id) == col(CaseloadSnapshot.staff_id))
        .join(Team, col(Team.team_id) == col(Staff.team_id))
        .where(
            col(CaseloadSnapshot.snapshot_date) == snapshot,
            col(CaseloadSnapshot.open_cases) > 0,
            *where_staff(None, scope),
        )
    )


# --- supervision --------------------------------------------------------------------------------


def cutoff_by_phase(
    on: DateLike, weekly: DateLike, fortnightly: DateLike, monthly: DateLike
) -> ColumnElement[Any]:
    """SQL expression: of the three cutoffs, the one for each worker's supervision phase at
    `on`: `weekly` in the ASYE's weekly phase, `fortnightly` in its fortnightly phase,
    otherwise `monthly`."""
    started_asye = col(Staff.asye_start_date) <= on
    return case(
        (and_(started_asye, col(Staff.asye_weekly_until) > on), weekly),
        (and_(started_asye, col(Staff.asye_fortnightly_until) > on), fortnightly),
        else_=monthly,
    )


def interval_cutoff(as_at: date) -> ColumnElement[Any]:
    """SQL expression: D minus each worker's required supervision interval. A held session on
    or after this date is in date."""
    return cutoff_by_phase(
        as_at,
        as_at - timedelta(days=WEEKLY_INTERVAL_DAYS),
        as_at - timedelta(days=FORTNIGHTLY_INTERVAL_DAYS),
        as_at - timedelta(days=MONTHLY_INTERVAL_DAYS),
    )


def latest_held_sessions(as_at: date, scope: Scope) -> Any:
    """Subquery: each in-scope supervisee's latest held session date on or before `as_at`."""
    query = (
        select(
            col(SupervisionSession.staff_id),
            func.max(col(SupervisionSession.session_date)).label("last_session"),
        )
        .where(
            col(SupervisionSession.status) == "held", col(SupervisionSession.session_date) <= as_at
        )
        .group_by(col(SupervisionSession.staff_id))
    )
    scope_condition = scope.contains_team(col(Staff.team_id))
    if scope_condition is not None:
        query = query.join(Staff, col(Staff.staff_id) == col(SupervisionSession.staff_id)).where(
            scope_condition
        )
    return query.subquery()


def supervision_in_date(as_at: date, last_session: ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL condition: the worker's supervision is in date at `as_at`, given their latest held
    session on or before it."""
    cutoff = interval_cutoff(as_at)
    # Never NULL: with no session at all, `last_session >= cutoff` alone would be NULL, and
    # NOT (NULL OR false) is NULL too, which would drop such workers from negated counts.
    supervised_recently = and_(last_session.is_not(None), last_session >= cutoff)
    return or_(supervised_recently, col(Staff.start_date) > cutoff)
