"""The board pack's commentary: a short text per section, month and scope, with its author.

Commentary is never overwritten: saving again adds a new version, and the pack shows the
latest one for its month. Earlier months' commentary stays, so the board can read what was
said before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_access.access.grants import WRITE_COMMENTARY, Grant, log_access
from data_access.core.models import BoardCommentary
from data_access.core.scope import Scope

#: The pack's sections that take commentary, in the pack's order.
COMMENTARY_SECTIONS = {
    "summary": "Summary",
    "stability": "Workforce stability",
    "supervision": "Supervision",
    "caseloads": "Caseloads",
    "agency": "Agency social workers",
    "national": "National comparison",
}
#: The longest commentary for one section (about half a page of the pack).
MAX_COMMENTARY_CHARACTERS = 2000


class CommentaryError(ValueError):
    """Commentary that cannot be saved (the message says why)."""


def scope_key(scope: Scope) -> str:
    """How commentary records the part of the organisation it is about. Packs are made for
    the organisation, an area or a hub; a team scope has no pack of its own."""
    if scope.hub:
        return f"hub:{scope.hub}"
    if scope.area:
        return f"area:{scope.area}"
    return "organisation"


@dataclass(frozen=True)
class Commentary:
    month: date
    section: str
    text: str
    author: str
    written_at: datetime


def save_commentary(
    month: date, scope: Scope, section: str, text: str, *, session: Session, grant: Grant
) -> Commentary:
    """Add a version of a section's commentary for a month (logged)."""
    if not grant.may_write_commentary:
        raise CommentaryError("only leaders, data officers and administrators write commentary")
    if section not in COMMENTARY_SECTIONS:
        raise CommentaryError(f'unknown section "{section}"')
    text = text.strip()
    if len(text) > MAX_COMMENTARY_CHARACTERS:
        raise CommentaryError(
            f"commentary holds at most {MAX_COMMENTARY_CHARACTERS} characters; this has {len(text)}"
        )
    row = BoardCommentary(
        month=month,
        scope_key=scope_key(scope),
        section=section,
        text=text,
        author=grant.email,
        written_at=datetime.now(UTC),
    )
    session.add(row)
    log_access(
        grant.email,
        WRITE_COMMENTARY,
        row.scope_key,
        f"{COMMENTARY_SECTIONS[section]}, {month.isoformat()}",
        session=session,
    )
    session.flush()
    return Commentary(row.month, row.section, row.text, row.author, row.written_at)


def latest_commentary(month: date, scope: Scope, *, session: Session) -> dict[str, Commentary]:
    """Each section's latest commentary for the month and scope (sections with none left out;
    an emptied commentary counts as none)."""
    latest = (
        select(col(BoardCommentary.section), func.max(col(BoardCommentary.id)).label("id"))
        .where(
            col(BoardCommentary.month) == month, col(BoardCommentary.scope_key) == scope_key(scope)
        )
        .group_by(col(BoardCommentary.section))
        .subquery()
    )
    rows = session.execute(
        select(BoardCommentary).join(latest, latest.c.id == col(BoardCommentary.id))
    ).scalars()
    return {
        row.section: Commentary(row.month, row.section, row.text, row.author, row.written_at)
        for row in rows
        if row.text
    }


def earlier_commentary(
    month: date, scope: Scope, limit: int = 12, *, session: Session
) -> list[Commentary]:
    """The latest commentary of earlier months for the scope, newest month first (one per
    section and month)."""
    latest = (
        select(func.max(col(BoardCommentary.id)).label("id"))
        .where(
            col(BoardCommentary.month) < month, col(BoardCommentary.scope_key) == scope_key(scope)
        )
        .group_by(col(BoardCommentary.month), col(BoardCommentary.section))
        .subquery()
    )
    rows = session.execute(
        select(BoardCommentary)
        .join(latest, latest.c.id == col(BoardCommentary.id))
        .order_by(col(BoardCommentary.month).desc(), col(BoardCommentary.section))
        .limit(limit * len(COMMENTARY_SECTIONS))
    ).scalars()
    return [
        Commentary(row.month, row.section, row.text, row.author, row.written_at)
        for row in rows
        if row.text
    ]
