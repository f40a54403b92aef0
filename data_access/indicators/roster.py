"""The team roster: the one place that returns workers' names (personal data, UK GDPR).

Every query here is narrowed by the signed-in user's `Grant`, so a manager gets the names of
their own teams and nobody else's: the Team page's table (`team_workers`) and a worker's
supervision timeline (`worker_sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, literal, select
from sqlmodel import Session, col

from data_access.access.grants import Grant
from data_access.core.dates import whole_months
from data_access.core.models import (
    CaseloadSnapshot,
    Staff,
    SupervisionSession,
    Team,
)
from data_access.core.scope import Scope
from data_access.indicators.conditions import (
    caseload_limit,
    in_post,
    interval_cutoff,
    latest_held_sessions,
    latest_snapshot_date,
    supervision_in_date,
)
from data_access.indicators.policy import (
    DEFAULT_POLICY,
    DUE_SOON_DAYS,
    FORTNIGHTLY_INTERVAL_DAYS,
    SUPERVISION_ELIGIBLE_ROLES,
    WEEKLY_INTERVAL_DAYS,
    Policy,
    SupervisionStatus,
    asye_phases,
    required_interval_days,
)
from data_access.indicators.policy import over_limit as _over_limit


@dataclass(frozen=True)
class WorkerRow:
    staff_id: str
    display_name: str
    role: str
    employment_type: str
    fte: float
    asye_stage: str
    open_cases: int | None
    #: Their own caseload limit at the snapshot (team threshold, x 0.9 in the ASYE).
    caseload_limit: float | None
    last_supervision: date | None
    next_due: date | None
    status: SupervisionStatus
    agreement_date: date | None

    @property
    def over_limit(self) -> bool:
        """Holding more open cases than their own limit (see policy.over_limit)."""
        return _over_limit(self.open_cases, self.caseload_limit)


def _asye_stage(start: date | None, day: date) -> str:
    if start is None or start > day or asye_phases(start).ends <= day:
        return ""
    month = f"ASYE month {whole_months(start, day) + 1}"
    interval = required_interval_days(start, day)
    if interval == WEEKLY_INTERVAL_DAYS:
        return f"{month} (weekly supervision)"
    if interval == FORTNIGHTLY_INTERVAL_DAYS:
        return f"{month} (fortnightly supervision)"
    return month


def team_workers(
    as_at: date,
    team_id: str,
    policy: Policy = DEFAULT_POLICY,
    *,
    session: Session,
    grant: Grant,
) -> list[WorkerRow]:
    """Everyone in post in one team at D, with caseload and supervision status.

    Personal data: only rows `grant` covers are returned (none for a team outside it). Next
    due = latest held session (or start date) plus the worker's required interval at D; status
    follows supervision_coverage.
    """
    scope = Scope(team_id=team_id)
    latest = latest_held_sessions(as_at, scope)
    snapshot = latest_snapshot_date(as_at, session=session)
    cases = (
        select(col(CaseloadSnapshot.staff_id), col(CaseloadSnapshot.open_cases))
        .where(col(CaseloadSnapshot.snapshot_date) == snapshot)
        .subquery()
    )
    cutoff = interval_cutoff(as_at)
    limit = caseload_limit(snapshot, policy) if snapshot else literal(None)
    query = (
        select(
            Staff,
            latest.c.last_session,
            cases.c.open_cases,
            limit,
            supervision_in_date(as_at, latest.c.last_session),
            supervision_in_date(as_at + timedelta(days=DUE_SOON_DAYS), latest.c.last_session),
            cutoff,
        )
        .select_from(Staff)
        .join(Team, col(Team.team_id) == col(Staff.team_id))
        .outerjoin(latest, latest.c.staff_id == col(Staff.staff_id))
        .outerjoin(cases, cases.c.staff_id == col(Staff.staff_id))
        .where(
            col(Staff.team_id) == team_id, in_post(as_at), grant.names_condition(col(Staff.team_id))
        )
        .order_by(col(Staff.role), col(Staff.display_name))
    )
    rows = []
    results = session.execute(query)
    for staff, last, open_cases, limit_value, in_date, still_in_date, oldest_in_date in results:
        eligible = staff.role in SUPERVISION_ELIGIBLE_ROLES
        interval = as_at - oldest_in_date
        anchor = max(day for day in (last, staff.start_date) if day is not None)
        if not eligible:
            status, next_due = SupervisionStatus.NOT_REQUIRED, None
        else:
            next_due = anchor + interval
            if not in_date:
                status = SupervisionStatus.OVERDUE
            elif not still_in_date:
                status = SupervisionStatus.DUE_SOON
            else:
                status = SupervisionStatus.IN_DATE
        agreement = staff.supervision_agreement_date
        rows.append(
            WorkerRow(
                staff_id=staff.staff_id,
                display_name=staff.display_name,
                role=staff.role,
                employment_type=staff.employment_type,
                fte=staff.fte,
                asye_stage=_asye_stage(staff.asye_start_date, as_at),
                open_cases=open_cases,
                caseload_limit=float(limit_value) if limit_value is not None else None,
                last_supervision=last,
                next_due=next_due,
                status=status,
                agreement_date=agreement if agreement and agreement <= as_at else None,
            )
        )
    return rows


#: How a supervisor whose team is outside the user's grant is shown in a worker's timeline.
SUPERVISOR_OUTSIDE_ACCESS = "a supervisor outside your access"


@dataclass(frozen=True)
class SessionRow:
    session_date: date
    status: str
    duration_minutes: int | None
    reflective: bool | None
    childs_views_recorded: bool | None
    supervisor: str


def worker_sessions(
    staff_id: str, since: date, until: date, team_id: str, *, session: Session, grant: Grant
) -> list[SessionRow]:
    """A worker's supervision sessions in [since, until], for their team's page; none when
    `grant` does not cover the team. A supervisor is named only when `grant` covers the
    supervisor's own team too; otherwise they are `SUPERVISOR_OUTSIDE_ACCESS`."""
    supervisor = select(col(Staff.staff_id), col(Staff.display_name), col(Staff.team_id)).subquery()
    supervisor_name = case(
        (grant.names_condition(supervisor.c.team_id), supervisor.c.display_name),
        else_=literal(SUPERVISOR_OUTSIDE_ACCESS),
    )
    query = (
        select(
            col(SupervisionSession.session_date),
            col(SupervisionSession.status),
            col(SupervisionSession.duration_minutes),
            col(SupervisionSession.reflective),
            col(SupervisionSession.childs_views_recorded),
            supervisor_name,
        )
        .join(Staff, col(Staff.staff_id) == col(SupervisionSession.staff_id))
        .join(supervisor, supervisor.c.staff_id == col(SupervisionSession.supervisor_id))
        .where(
            col(SupervisionSession.staff_id) == staff_id,
            col(Staff.team_id) == team_id,
            grant.names_condition(col(Staff.team_id)),
            col(SupervisionSession.session_date) >= since,
            col(SupervisionSession.session_date) <= until,
        )
        .order_by(col(SupervisionSession.session_date))
    )
    return [SessionRow(*row) for row in session.execute(query)]
