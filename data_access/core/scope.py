"""The filter scope (area, hub, team) every query takes, and the lists the filters offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from data_access.core.models import Area, Hub, Team


class UnknownScope(ValueError):
    """An area, hub or team that does not exist, or does not sit where the scope says."""


@dataclass(frozen=True)
class Scope:
    """Which part of the organisation a figure covers; all None means the whole organisation.

    Any combination may be given (the dashboard passes all three as the user narrows down);
    each one given narrows the result.
    """

    area: str | None = None
    hub: str | None = None
    team_id: str | None = None

    @property
    def is_whole_organisation(self) -> bool:
        return self.area is None and self.hub is None and self.team_id is None

    def team_ids(self) -> Select:
        """A subquery of the team ids inside this scope."""
        query = select(col(Team.team_id)).join(Hub, col(Team.hub_id) == col(Hub.id))
        if self.area is not None:
            query = query.join(Area, col(Hub.area_id) == col(Area.id)).where(
                col(Area.name) == self.area
            )
        if self.hub is not None:
            query = query.where(col(Hub.name) == self.hub)
        if self.team_id is not None:
            query = query.where(col(Team.team_id) == self.team_id)
        return query

    def holds(self, team: TeamChoice) -> bool:
        """Whether `team` (as `teams_in_scope` reads it) is inside this scope: `team_ids`'
        condition, for teams already read."""
        return (
            (self.area is None or team.area == self.area)
            and (self.hub is None or team.hub == self.hub)
            and (self.team_id is None or team.team_id == self.team_id)
        )

    def contains_hub(
        self, hub_id_column: ColumnElement[Any] | Mapped[Any]
    ) -> ColumnElement[bool] | None:
        """For a scope of whole hubs (the organisation or an area, no hub or team named): a
        condition keeping rows whose hub is in scope; None for the whole organisation."""
        if self.hub is not None or self.team_id is not None:
            raise ValueError("the scope is narrower than whole hubs")
        if self.area is None:
            return None
        hubs = (
            select(col(Hub.id))
            .join(Area, col(Hub.area_id) == col(Area.id))
            .where(col(Area.name) == self.area)
        )
        return hub_id_column.in_(hubs.scalar_subquery())

    def contains_team(
        self, team_id_column: ColumnElement[Any] | Mapped[Any]
    ) -> ColumnElement[bool] | None:
        """A condition keeping rows whose team is in scope; None for the whole organisation."""
        if self.is_whole_organisation:
            return None
        return team_id_column.in_(self.team_ids().scalar_subquery())


WHOLE_ORGANISATION = Scope()


def resolve_scope(scope: Scope, *, session: Session) -> Scope:
    """Check that the scope exists and hangs together; return it with names as stored.

    Names are matched without regard to case or surrounding spaces. Raises `UnknownScope`
    with a message naming what was not found.
    """
    area = hub = team_id = None
    if scope.area is not None:
        area = session.execute(
            select(col(Area.name)).where(func.lower(col(Area.name)) == scope.area.strip().lower())
        ).scalar()
        if area is None:
            raise UnknownScope(f'unknown area "{scope.area}"')
    if scope.hub is not None:
        row = session.execute(
            select(col(Hub.name), col(Area.name))
            .join(Area, col(Hub.area_id) == col(Area.id))
            .where(func.lower(col(Hub.name)) == scope.hub.strip().lower())
        ).first()
        if row is None:
            raise UnknownScope(f'unknown hub "{scope.hub}"')
        hub = row[0]
        if area is not None and row[1] != area:
            raise UnknownScope(f'hub "{hub}" is not in area "{area}"')
    if scope.team_id is not None:
        row = session.execute(
            select(col(Team.team_id), col(Hub.name), col(Area.name))
            .join(Hub, col(Team.hub_id) == col(Hub.id))
            .join(Area, col(Hub.area_id) == col(Area.id))
            .where(col(Team.team_id) == scope.team_id.strip())
        ).first()
        if row is None:
            raise UnknownScope(f'unknown team "{scope.team_id}"')
        team_id = row[0]
        if hub is not None and row[1] != hub:
            raise UnknownScope(f'team "{team_id}" is not in hub "{hub}"')
        if area is not None and row[2] != area:
            raise UnknownScope(f'team "{team_id}" is not in area "{area}"')
    return Scope(area=area, hub=hub, team_id=team_id)


def area_names(*, session: Session) -> list[str]:
    """Areas that have at least one team, in name order."""
    query = (
        select(col(Area.name))
        .join(Hub, col(Hub.area_id) == col(Area.id))
        .join(Team, col(Team.hub_id) == col(Hub.id))
        .distinct()
        .order_by(col(Area.name))
    )
    return list(session.execute(query).scalars())


def hub_names(area: str | None = None, *, session: Session) -> list[str]:
    """Hubs with at least one team, optionally only those in `area`, in name order."""
    query = (
        select(col(Hub.name))
        .join(Team, col(Team.hub_id) == col(Hub.id))
        .distinct()
        .order_by(col(Hub.name))
    )
    if area is not None:
        query = query.join(Area, col(Hub.area_id) == col(Area.id)).where(col(Area.name) == area)
    return list(session.execute(query).scalars())


class TeamChoice(NamedTuple):
    """A team, where it sits, and its type (a tuple: 9,900 of them are read at national size)."""

    team_id: str
    team_name: str
    team_type: str
    hub: str
    area: str


def teams_in_scope(scope: Scope, *, session: Session) -> list[TeamChoice]:
    """The teams inside `scope`, ordered by hub then team name."""
    query = (
        select(
            col(Team.team_id),
            col(Team.team_name),
            col(Team.team_type),
            col(Hub.name),
            col(Area.name),
        )
        .join(Hub, col(Team.hub_id) == col(Hub.id))
        .join(Area, col(Hub.area_id) == col(Area.id))
        .order_by(col(Area.name), col(Hub.name), col(Team.team_name))
    )
    condition = scope.contains_team(col(Team.team_id))
    if condition is not None:
        query = query.where(condition)
    return [TeamChoice._make(row) for row in session.execute(query)]
