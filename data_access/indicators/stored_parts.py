"""Keeping `team_month_parts`: every metric's additive parts for each team at each month end.

The table holds every month end from `STORED_MONTHS_BEFORE` months before the earliest dated
record (so that the first month's trend and "a year earlier" are stored too) to the month end
of the latest one. Pages read it through `data_access.indicators.grid.parts_grid` and
`parts_totals`; any date outside it is computed from the recorded tables instead, so it is
only ever a faster way to the same figure.

Every import refreshes it inside the import's own transaction (`refresh_stored_parts`), so a
reader sees the old tables with the old parts or the new with the new, never a mix. Every
definition looks back from the month end (in post on D, sessions in the 3 months to D, the
latest snapshot on or before D...), so a row dated X can only change month ends on or after
X: an import recomputes those, plus any month end the range gains, and leaves the rest.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, insert, select, text
from sqlmodel import Session

from data_access.core.dates import add_months, month_end, month_ends
from data_access.core.db import allow_long_statements
from data_access.core.models import (
    PART_NAMES,
    Setting,
    Team,
    hub_month_parts,
    team_month_parts,
)
from data_access.core.scope import Scope
from data_access.indicators.grid import STORED_RANGE_KEY, computed_parts_grid, stored_range
from data_access.indicators.policy import DEFAULT_POLICY
from data_access.indicators.summary import earliest_data_date, latest_data_date

#: How many month ends before the earliest dated record are stored: a 24-month trend ending
#: at the first month with data.
STORED_MONTHS_BEFORE = 24
#: Month ends computed per statement batch while refreshing (bounds memory at any size).
_MONTHS_PER_BATCH = 12
_ROWS_PER_INSERT = 5_000


def wanted_range(session: Session) -> tuple[date, date] | None:
    """The month ends the table should hold, from the dated records (None: no records)."""
    earliest, latest = earliest_data_date(session), latest_data_date(session)
    if earliest is None or latest is None:
        return None
    return month_end(add_months(earliest, -STORED_MONTHS_BEFORE)), month_end(latest)


def refresh_stored_parts(session: Session, changed_from: date | None) -> int:
    """Bring `team_month_parts` up to date after rows dated `changed_from` or later were added
    or replaced (None: no dated change, only the range may move); the caller owns the
    transaction. Returns how many month ends were recomputed."""
    allow_long_statements(session)
    wanted = wanted_range(session)
    held = stored_range(session)
    if wanted is None:
        session.execute(delete(hub_month_parts))
        session.execute(delete(team_month_parts))
        _write_range(session, None)
        return 0
    first, last = wanted
    for table in (team_month_parts, hub_month_parts):
        session.execute(
            delete(table).where((table.c.month_end < first) | (table.c.month_end > last))
        )

    def stale(day: date) -> bool:
        if held is None or not held[0] <= day <= held[1]:
            return True
        return changed_from is not None and day >= changed_from

    todo = [day for day in month_ends(first, last) if stale(day)]
    for start in range(0, len(todo), _MONTHS_PER_BATCH):
        _recompute(session, todo[start : start + _MONTHS_PER_BATCH])
    _write_range(session, wanted)
    if todo and session.get_bind().dialect.name == "postgresql":
        # Planner statistics for the rows just written (see importer._refresh_statistics).
        session.execute(text("ANALYZE team_month_parts"))
        session.execute(text("ANALYZE hub_month_parts"))
    return len(todo)


def ensure_stored_parts(session: Session) -> int:
    """Fill the table if it was never built (a database from before it existed)."""
    if stored_range(session) is not None:
        return 0
    return refresh_stored_parts(session, None)


def _recompute(session: Session, days: list[date]) -> None:
    session.execute(delete(team_month_parts).where(team_month_parts.c.month_end.in_(days)))
    grid = computed_parts_grid(session, days, Scope(), DEFAULT_POLICY)
    rows = [
        {"month_end": day, "team_id": team_id, **dict.fromkeys(PART_NAMES, 0.0), **parts}
        for day, teams in grid.by_day.items()
        for team_id, parts in teams.items()
    ]
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        session.execute(insert(team_month_parts), rows[start : start + _ROWS_PER_INSERT])
    # The hub rollup of the same months, summed in the database.
    session.execute(delete(hub_month_parts).where(hub_month_parts.c.month_end.in_(days)))
    parts = team_month_parts.c
    session.execute(
        insert(hub_month_parts).from_select(
            ["month_end", "hub_id", *PART_NAMES],
            select(parts.month_end, Team.hub_id, *(func.sum(parts[name]) for name in PART_NAMES))
            .join(Team, Team.team_id == parts.team_id)
            .where(parts.month_end.in_(days))
            .group_by(parts.month_end, Team.hub_id),
        )
    )


def _write_range(session: Session, held: tuple[date, date] | None) -> None:
    row = session.get(Setting, STORED_RANGE_KEY)
    if held is None:
        if row is not None:
            session.delete(row)
        return
    value = f"{held[0].isoformat()}/{held[1].isoformat()}"
    if row is None:
        session.add(Setting(key=STORED_RANGE_KEY, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()
