"""Sign-in and access by role: who may see what, held in the database, and the access log.

A signed-in person is known by the e-mail address their identity provider gives. Their row in
`app_user` says their role; their rows in `user_grant` say whose names they may see. The
roles:

- ``board`` (improvement board members, councillors): aggregates for the whole organisation;
  never a name, whatever is granted; no Data page.
- ``leader`` (directors, heads of service): aggregates everywhere; names only within the parts
  of the organisation granted to them.
- ``manager`` (team and service managers): as a leader; the dashboard opens on their first
  granted team.
- ``data_officer``: the Data page (upload, import, history, quality); names only where granted.
- ``admin``: users and roles, organisation settings and the access log, and everything above.
  An administrator too sees names only where granted (they can grant themselves a scope, and
  that change is logged like any other).

Worker rows are only ever read through queries narrowed by a `Grant` (see `names_condition`),
so hiding a page is never the only protection. A figure about fewer than `SMALL_GROUP_MINIMUM`
people, in a team whose names the user may not see, is suppressed (shown as "c", the way DfE
publishes small numbers): see `is_suppressed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    false,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from data_access.core.models import AccessLog, AppUser, Area, Hub, ImportLog, Team, UserGrant
from data_access.core.scope import Scope, UnknownScope, resolve_scope

ROLES = ("board", "leader", "manager", "data_officer", "admin")
ROLE_LABELS = {
    "board": "Board member",
    "leader": "Leader",
    "manager": "Manager",
    "data_officer": "Data officer",
    "admin": "Administrator",
}
#: What a grant may name, from widest to narrowest.
GRANT_KINDS = ("organisation", "area", "hub", "team")
#: The name stored for a whole-organisation grant.
WHOLE_ORGANISATION_NAME = "*"

#: Figures about fewer people than this, in a team whose names the user may not see, are
#: suppressed: with one or two people, a "share" or a caseload is a named person's figure.
SMALL_GROUP_MINIMUM = 3
#: How a suppressed figure is shown (DfE's code for "confidential").
SUPPRESSED = "c"

#: Access-log actions.
VIEW_NAMES = "view names"
DOWNLOAD_NAMES = "download names"
IMPORT = "import"
CHANGE_SETTINGS = "change settings"
CHANGE_USERS = "change users"
WRITE_COMMENTARY = "write commentary"
DOWNLOAD_LOG = "download access log"
PRODUCE_AGENCY_RETURN = "produce agency return"


class AccessError(ValueError):
    """A user or grant that cannot be saved as asked (the message says why)."""


@dataclass(frozen=True)
class GrantScope:
    """One part of the organisation whose names a user may see."""

    kind: str  # one of GRANT_KINDS
    name: str  # area or hub name, team_id, or WHOLE_ORGANISATION_NAME
    #: A team's name, for people to read (the grant itself holds the team_id).
    team_name: str | None = None

    def describe(self) -> str:
        if self.kind == "organisation":
            return "whole organisation"
        if self.kind == "team" and self.team_name:
            return f"{self.team_name} ({self.name})"
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Grant:
    """What one signed-in user may do and see. Frozen and hashable: it is part of the key of
    every cached call that returns names."""

    email: str
    role: str
    scopes: tuple[GrantScope, ...] = ()

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def sees_names(self) -> bool:
        """True when there is any part of the organisation whose names this user may see."""
        return self.role != "board" and bool(self.scopes)

    @property
    def sees_all_names(self) -> bool:
        return self.role != "board" and any(s.kind == "organisation" for s in self.scopes)

    @property
    def may_use_data_page(self) -> bool:
        return self.role in ("data_officer", "admin")

    @property
    def may_write_commentary(self) -> bool:
        """The board pack's commentary: leaders, data officers and administrators."""
        return self.role in ("leader", "data_officer", "admin")

    @property
    def may_produce_agency_return(self) -> bool:
        """The quarterly agency return (SWE numbers and pay rates of every assignment): DfE's
        return is the data team's to send."""
        return self.role in ("data_officer", "admin")

    @property
    def may_administer(self) -> bool:
        """Users and roles, organisation settings, the access log."""
        return self.role == "admin"

    @property
    def home_team_id(self) -> str | None:
        """The team a manager's dashboard opens on: their first granted team."""
        if self.role != "manager":
            return None
        return next((s.name for s in self.scopes if s.kind == "team"), None)

    def describe_names(self) -> str:
        if not self.sees_names:
            return "no names"
        return "; ".join(scope.describe() for scope in self.scopes)

    def named_team_ids(self) -> Select:
        """A subquery of the team ids whose workers this user may see by name."""
        areas = [s.name for s in self.scopes if s.kind == "area"]
        hubs = [s.name for s in self.scopes if s.kind == "hub"]
        teams = [s.name for s in self.scopes if s.kind == "team"]
        query = select(col(Team.team_id)).join(Hub, col(Team.hub_id) == col(Hub.id))
        if self.sees_all_names:
            return query
        if not self.sees_names:
            return query.where(false())
        return query.join(Area, col(Hub.area_id) == col(Area.id)).where(
            or_(col(Team.team_id).in_(teams), col(Hub.name).in_(hubs), col(Area.name).in_(areas))
        )

    def names_condition(
        self, team_id_column: ColumnElement[Any] | Mapped[Any]
    ) -> ColumnElement[bool]:
        """A condition keeping only rows of workers this user may see by name."""
        if self.sees_all_names:
            return true()
        if not self.sees_names:
            return false()
        return team_id_column.in_(self.named_team_ids().scalar_subquery())


def visible_team_ids(grant: Grant, scope: Scope, *, session: Session) -> frozenset[str]:
    """The teams inside `scope` whose names `grant` may see."""
    query = grant.named_team_ids()
    condition = scope.contains_team(col(Team.team_id))
    if condition is not None:
        query = query.where(condition)
    return frozenset(session.execute(query).scalars())


def may_see_names(grant: Grant, team_id: str, *, session: Session) -> bool:
    """True when `grant` covers the workers of team `team_id`."""
    return team_id in visible_team_ids(grant, Scope(team_id=team_id), session=session)


def is_suppressed(people: int, team_id: str, visible: frozenset[str]) -> bool:
    """A figure about `people` people in a team is suppressed when there are fewer than
    SMALL_GROUP_MINIMUM of them (but at least one) and the team is not in `visible` (the
    teams whose names the user may see)."""
    return 0 < people < SMALL_GROUP_MINIMUM and team_id not in visible


# --- users ---------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """E-mail addresses are compared in lower case without surrounding spaces."""
    cleaned = email.strip().lower()
    local, at, domain = cleaned.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in cleaned):
        raise AccessError(f'"{email}" is not an e-mail address')
    if len(cleaned) > 320:
        raise AccessError("an e-mail address has at most 320 characters")
    return cleaned


def grant_for(email: str, *, session: Session) -> Grant | None:
    """The grant of the user with this e-mail address; None for someone not given access."""
    try:
        key = normalise_email(email)
    except AccessError:
        return None
    user = session.get(AppUser, key)
    if user is None:
        return None
    rows = session.execute(
        select(col(UserGrant.kind), col(UserGrant.name), col(Team.team_name))
        .outerjoin(
            Team, and_(col(UserGrant.kind) == "team", col(Team.team_id) == col(UserGrant.name))
        )
        .where(col(UserGrant.email) == key)
    ).all()
    order = {kind: position for position, kind in enumerate(GRANT_KINDS)}
    scopes = sorted(
        (GrantScope(kind, name, team_name) for kind, name, team_name in rows),
        key=lambda s: (order[s.kind], s.name),
    )
    return Grant(user.email, user.role, tuple(scopes))


def _resolve(session: Session, scope: GrantScope) -> GrantScope:
    """The grant scope with its name as stored; AccessError when it does not exist."""
    if scope.kind == "organisation":
        return GrantScope("organisation", WHOLE_ORGANISATION_NAME)
    if scope.kind not in GRANT_KINDS:
        raise AccessError(f'unknown kind of grant "{scope.kind}"')
    try:
        resolved = resolve_scope(
            Scope(**{"team_id" if scope.kind == "team" else scope.kind: scope.name}),
            session=session,
        )
    except UnknownScope as error:
        raise AccessError(str(error)) from None
    name = {"team": resolved.team_id, "area": resolved.area, "hub": resolved.hub}[scope.kind]
    if name is None:  # resolve_scope names every level it was given
        raise AccessError(f'unknown {scope.kind} "{scope.name}"')
    if scope.kind == "team":
        team_name = session.execute(
            select(col(Team.team_name)).where(col(Team.team_id) == name)
        ).scalar_one()
        return GrantScope("team", name, team_name)
    return GrantScope(scope.kind, name)


def save_user(
    email: str, role: str, scopes: list[GrantScope], *, session: Session, by: str
) -> Grant:
    """Add a user, or replace an existing user's role and grants; the change is logged."""
    key = normalise_email(email)
    if role not in ROLES:
        raise AccessError(f'unknown role "{role}": use one of {", ".join(ROLES)}')
    if role == "board" and scopes:
        raise AccessError("board members never see names: give a board member no grant")
    resolved = list(dict.fromkeys(_resolve(session, scope) for scope in scopes))
    user = session.get(AppUser, key)
    if user is None:
        session.add(AppUser(email=key, role=role, added_at=datetime.now(UTC), added_by=by))
    else:
        user.role = role
        session.execute(delete(UserGrant).where(col(UserGrant.email) == key))
    session.flush()
    session.add_all(UserGrant(email=key, kind=s.kind, name=s.name) for s in resolved)
    session.flush()
    grant = Grant(key, role, tuple(resolved))
    log_access(
        by,
        CHANGE_USERS,
        key,
        f"{'added' if user is None else 'changed'}: {ROLE_LABELS[role]}, names: "
        f"{grant.describe_names()}",
        session=session,
    )
    return grant


def remove_user(email: str, *, session: Session, by: str) -> bool:
    """Remove a user and their grants; False when there was no such user."""
    key = normalise_email(email)
    user = session.get(AppUser, key)
    if user is None:
        return False
    session.execute(delete(UserGrant).where(col(UserGrant.email) == key))
    session.delete(user)
    session.flush()
    log_access(by, CHANGE_USERS, key, "removed", session=session)
    return True


@dataclass(frozen=True)
class UserRecord:
    email: str
    role: str
    names: str
    added_at: datetime
    added_by: str
    #: Whether their first sign-in has bound them to an account at the identity provider.
    account_bound: bool = False
    #: When their sign-ins were last ended (Sign out, or "sign out everywhere").
    signed_out_at: datetime | None = None


def list_users(*, session: Session) -> list[UserRecord]:
    """Every user, by e-mail address, with their role and what they may see by name."""
    users = session.execute(select(AppUser).order_by(col(AppUser.email))).scalars().all()
    records = []
    for user in users:
        grant = grant_for(user.email, session=session)
        records.append(
            UserRecord(
                user.email,
                user.role,
                grant.describe_names() if grant else "",
                user.added_at,
                user.added_by,
                user.subject is not None,
                user.signed_out_at,
            )
        )
    return records


# --- the access log ------------------------------------------------------------------------


def log_access(user: str, action: str, scope: str, detail: str = "", *, session: Session) -> None:
    """Record one event: who (e-mail or command-line user), what, on which scope."""
    session.add(
        AccessLog(
            at=datetime.now(UTC),
            user_email=user[:320],
            action=action,
            scope=scope[:500],
            detail=detail,
        )
    )


@dataclass(frozen=True)
class AccessEvent:
    at: datetime
    user_email: str
    action: str
    scope: str
    detail: str = field(default="")


def access_log(limit: int = 1000, *, session: Session) -> list[AccessEvent]:
    """The latest `limit` events, newest first: the access log together with every import
    attempt from the import history (which already records who, when and what)."""
    logged: Select[*tuple[Any, ...]] = select(
        col(AccessLog.at).label("at"),
        col(AccessLog.user_email).label("who"),
        col(AccessLog.action).label("action"),
        col(AccessLog.scope).label("scope"),
        col(AccessLog.detail).label("detail"),
    )
    imports = select(
        col(ImportLog.imported_at),
        col(ImportLog.imported_by),
        literal(IMPORT),
        col(ImportLog.kind),
        col(ImportLog.outcome) + literal(": ") + col(ImportLog.files),
    )
    events = union_all(logged, imports).subquery()
    query = select(events).order_by(events.c.at.desc()).limit(limit)
    return [AccessEvent(*row) for row in session.execute(query)]
