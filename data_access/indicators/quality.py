"""Data quality: the gaps that make figures wrong without anyone noticing.

Each check gives a count and the list behind it, for the scope and date shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select
from sqlmodel import Session

from data_access.access.grants import Grant
from data_access.core.models import (
    CaseloadSnapshot,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
)
from data_access.core.scope import Scope
from data_access.indicators.conditions import (
    eligible_for_supervision,
    latest_snapshot_date,
    where_staff,
)


@dataclass(frozen=True)
class LatestDates:
    staff_change: date | None  # the latest start_date or end_date on or before D
    caseload_snapshot: date | None
    vacancies: date | None
    supervision_session: date | None
    supervision_audit: date | None


def latest_dates(session: Session, as_at: date, scope: Scope) -> LatestDates:
    """The latest date on or before D in each kind of data, within the scope."""

    def latest(column, staff_column) -> date | None:
        query = select(func.max(column)).where(column <= as_at)
        condition = scope.contains_team(staff_column)
        if condition is not None:
            query = query.where(condition)
        return session.execute(query).scalar()

    def latest_via_staff(model, column) -> date | None:
        query = (
            select(func.max(column))
            .join(Staff, Staff.staff_id == model.staff_id)
            .where(column <= as_at, *where_staff(None, scope))
        )
        return session.execute(query).scalar()

    starts = latest(Staff.start_date, Staff.team_id)
    ends = latest(Staff.end_date, Staff.team_id)
    return LatestDates(
        staff_change=max((day for day in (starts, ends) if day), default=None),
        caseload_snapshot=latest_via_staff(CaseloadSnapshot, CaseloadSnapshot.snapshot_date),
        vacancies=latest(Vacancy.as_at, Vacancy.team_id),
        supervision_session=latest_via_staff(SupervisionSession, SupervisionSession.session_date),
        supervision_audit=latest_via_staff(SupervisionAudit, SupervisionAudit.audit_date),
    )


@dataclass(frozen=True)
class QualityCheck:
    name: str
    explanation: str
    #: Column names, then one tuple per item.
    columns: tuple[str, ...]
    #: How many there are in the scope, listed or not.
    count: int = 0
    #: The items the user may see (for workers: only those in teams their grant covers).
    items: list[tuple] = field(default_factory=list)

    @property
    def unlisted(self) -> int:
        """How many are counted but not listed (workers outside the user's grant)."""
        return self.count - len(self.items)


def _workers(session: Session, query, grant: Grant) -> tuple[int, list[tuple]]:
    """How many workers `query` finds, and those of them `grant` may see by name."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    named = query.where(grant.names_condition(Staff.team_id))
    rows = session.execute(named.order_by(Team.team_name, Staff.display_name))
    return int(total), [tuple(row) for row in rows]


def quality_checks(
    session: Session, as_at: date, scope: Scope, *, grant: Grant
) -> list[QualityCheck]:
    """Eligible workers with no caseload row at the snapshot, eligible workers never
    supervised, and teams with no vacancies record, as at D within the scope. Workers are
    counted in full and listed only where `grant` covers their team."""
    snapshot = latest_snapshot_date(session, as_at)
    worker_columns = (Staff.staff_id, Staff.display_name, Staff.role, Team.team_name)
    has_row = exists().where(
        CaseloadSnapshot.staff_id == Staff.staff_id, CaseloadSnapshot.snapshot_date == snapshot
    )
    no_caseload = (
        select(*worker_columns)
        .join(Team, Team.team_id == Staff.team_id)
        .where(*where_staff(as_at, scope, eligible_for_supervision()), ~has_row)
    )
    supervised = exists().where(
        SupervisionSession.staff_id == Staff.staff_id,
        SupervisionSession.status == "held",
        SupervisionSession.session_date <= as_at,
    )
    never_supervised = (
        select(*worker_columns)
        .join(Team, Team.team_id == Staff.team_id)
        .where(*where_staff(as_at, scope, eligible_for_supervision()), ~supervised)
    )
    vacancy_row = exists().where(Vacancy.team_id == Team.team_id, Vacancy.as_at <= as_at)
    no_vacancies = select(Team.team_id, Team.team_name, Team.team_type).where(~vacancy_row)
    condition = scope.contains_team(Team.team_id)
    if condition is not None:
        no_vacancies = no_vacancies.where(condition)
    snapshot_text = snapshot.strftime("%d/%m/%Y") if snapshot else "none yet"
    no_caseload_found = _workers(session, no_caseload, grant) if snapshot else (0, [])
    never_found = _workers(session, never_supervised, grant)
    teams_found = [tuple(row) for row in session.execute(no_vacancies.order_by(Team.team_name))]
    return [
        QualityCheck(
            "Social workers in post with no caseload row",
            f"Eligible workers in post with no row in the caseload snapshot used for this date "
            f"({snapshot_text}). They are left out of the caseload figures.",
            ("staff_id", "name", "role", "team"),
            *no_caseload_found,
        ),
        QualityCheck(
            "Social workers with no supervision ever recorded",
            "Eligible workers in post with no held supervision session on or before this date. "
            "They count as overdue unless they started recently: check the sessions extract.",
            ("staff_id", "name", "role", "team"),
            *never_found,
        ),
        QualityCheck(
            "Teams with no vacancies record",
            "Teams with no row in vacancies.csv on or before this date. They add 0 vacant FTE, "
            "which understates the vacancy rate if they do have vacancies.",
            ("team_id", "team", "team type"),
            len(teams_found),
            teams_found,
        ),
    ]
