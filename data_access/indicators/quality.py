"""Data quality: the gaps that make figures wrong without anyone noticing.

Each check gives a count and the list behind it, for the scope and date shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlmodel import Session, col

from data_access.access.grants import Grant
from data_access.core.models import (
    DATED_RECORDS,
    CaseloadSnapshot,
    Staff,
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

#: The first line of `latest_dates`: the latest start_date or end_date on or before D.
STAFF_CHANGES = "Staff starts and leavers"


def latest_dates(as_at: date, scope: Scope, *, session: Session) -> dict[str, date | None]:
    """The latest date on or before D in each kind of data within the scope, by what a person
    calls it: staff starts and leavers, then every table of `DATED_RECORDS`."""

    def latest(column: Any, staff_column: Any) -> date | None:
        query = select(func.max(column)).where(column <= as_at)
        condition = scope.contains_team(staff_column)
        if condition is not None:
            query = query.where(condition)
        return session.execute(query).scalar()

    def latest_via_staff(model: Any, column: Any) -> date | None:
        query = (
            select(func.max(column))
            .join(Staff, col(Staff.staff_id) == model.staff_id)
            .where(column <= as_at, *where_staff(None, scope))
        )
        return session.execute(query).scalar()

    starts = latest(col(Staff.start_date), col(Staff.team_id))
    ends = latest(col(Staff.end_date), col(Staff.team_id))
    found = {STAFF_CHANGES: max((day for day in (starts, ends) if day), default=None)}
    for records in DATED_RECORDS:
        found[records.label] = (
            latest(records.date(), getattr(records.model, records.via))
            if records.via == "team_id"
            else latest_via_staff(records.model, records.date())
        )
    return found


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


def _workers(session: Session, query: Any, grant: Grant) -> tuple[int, list[tuple[Any, ...]]]:
    """How many workers `query` finds, and those of them `grant` may see by name."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    named = query.where(grant.names_condition(col(Staff.team_id)))
    rows = session.execute(named.order_by(col(Team.team_name), col(Staff.display_name)))
    return int(total), [tuple(row) for row in rows]


def quality_checks(
    as_at: date, scope: Scope, *, session: Session, grant: Grant
) -> list[QualityCheck]:
    """Eligible workers with no caseload row at the snapshot, eligible workers never
    supervised, and teams with no vacancies record, as at D within the scope. Workers are
    counted in full and listed only where `grant` covers their team."""
    snapshot = latest_snapshot_date(as_at, session=session)
    worker_columns = (
        col(Staff.staff_id),
        col(Staff.display_name),
        col(Staff.role),
        col(Team.team_name),
    )
    has_row = exists().where(
        col(CaseloadSnapshot.staff_id) == col(Staff.staff_id),
        col(CaseloadSnapshot.snapshot_date) == snapshot,
    )
    no_caseload = (
        select(*worker_columns)
        .join(Team, col(Team.team_id) == col(Staff.team_id))
        .where(*where_staff(as_at, scope, eligible_for_supervision()), ~has_row)
    )
    supervised = exists().where(
        col(SupervisionSession.staff_id) == col(Staff.staff_id),
        col(SupervisionSession.status) == "held",
        col(SupervisionSession.session_date) <= as_at,
    )
    never_supervised = (
        select(*worker_columns)
        .join(Team, col(Team.team_id) == col(Staff.team_id))
        .where(*where_staff(as_at, scope, eligible_for_supervision()), ~supervised)
    )
    vacancy_row = exists().where(
        col(Vacancy.team_id) == col(Team.team_id), col(Vacancy.as_at) <= as_at
    )
    no_vacancies = select(col(Team.team_id), col(Team.team_name), col(Team.team_type)).where(
        ~vacancy_row
    )
    condition = scope.contains_team(col(Team.team_id))
    if condition is not None:
        no_vacancies = no_vacancies.where(condition)
    snapshot_text = snapshot.strftime("%d/%m/%Y") if snapshot else "none yet"
    no_caseload_found = _workers(session, no_caseload, grant) if snapshot else (0, [])
    never_found = _workers(session, never_supervised, grant)
    teams_found = [
        tuple(row) for row in session.execute(no_vacancies.order_by(col(Team.team_name)))
    ]
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
