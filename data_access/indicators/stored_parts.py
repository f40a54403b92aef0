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

The stored values follow from rules as well as records: the parts from the definitions in
data_access/indicators/metrics.py (built on conditions.py, computed by grid.py) and the rules
in data_access/indicators/policy.py, and the
staff rows' derived dates (`policy.derived_staff_dates`) from the ASYE phases and the start
deadlines. So the table `stored_rule` records the rules they were derived under
(`current_rules`: every rule constant's value and a fingerprint of those files' code). When
the code's rules differ from those recorded (a rule or a definition edited, a new release),
the next preparation of the database (the dashboard's start, `init-db`, any command) or import
rewrites every staff row's derived dates and rebuilds every stored month end: no migration is
needed for a rule change, and no figure is ever read from parts stored under other rules.
"""

from __future__ import annotations

import hashlib
import inspect
from datetime import date
from functools import cache

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlmodel import Session, col

from data_access.core.dates import add_months, month_end, month_ends
from data_access.core.db import allow_long_statements
from data_access.core.models import (
    PART_NAMES,
    Setting,
    Staff,
    StoredRule,
    Team,
    hub_month_parts,
    table_of,
    team_month_parts,
)
from data_access.core.scope import Scope
from data_access.indicators import conditions, grid, metrics, policy
from data_access.indicators.grid import STORED_RANGE_KEY, computed_parts_grid, stored_range
from data_access.indicators.policy import (
    DEFAULT_POLICY,
    DERIVED_STAFF_COLUMNS,
    derived_staff_dates,
)
from data_access.indicators.summary import earliest_data_date, latest_data_date

#: How many month ends before the earliest dated record are stored: a 24-month trend ending
#: at the first month with data.
STORED_MONTHS_BEFORE = 24
#: Month ends computed per statement batch while refreshing (bounds memory at any size).
_MONTHS_PER_BATCH = 12
_ROWS_PER_INSERT = 5_000
#: The entry of `current_rules` standing for the code of the definitions.
DEFINITIONS = "definitions (indicators/metrics.py, conditions.py, grid.py, policy.py)"


@cache
def current_rules() -> dict[str, str]:
    """The rules the code derives stored values under: every rule constant of
    data_access/indicators/policy.py (its upper-case names: intervals, phases, windows,
    standards, roles) with its value, the default policy's caseload and training rules, and a
    fingerprint of the code of the modules that define the parts (so that an edited
    definition counts as a changed rule too; an edit to a comment there costs one rebuild)."""
    rules = {
        name: repr(value)
        for name, value in sorted(vars(policy).items())
        if name.isupper() and isinstance(value, int | float | str | tuple)
    }
    rules["DEFAULT_POLICY.parts_rules()"] = repr(DEFAULT_POLICY.parts_rules())
    code = "\n".join(inspect.getsource(module) for module in (metrics, conditions, grid, policy))
    rules[DEFINITIONS] = hashlib.sha256(code.encode()).hexdigest()[:16]
    return rules


def _stored_rules(session: Session) -> dict[str, str] | None:
    rows = session.execute(select(col(StoredRule.name), col(StoredRule.value))).all()
    return {name: value for name, value in rows} or None


def changed_rules(*, session: Session) -> list[str]:
    """How the code's rules differ from those the stored values were derived under, one
    phrase per rule ("MONTHLY_INTERVAL_DAYS 31 -> 28"); empty when they agree, or when nothing
    is stored yet."""
    stored = _stored_rules(session)
    if stored is None:
        return (
            []
            if stored_range(session=session) is None
            else ["not recorded (stored before rules were)"]
        )
    now = current_rules()
    changed = []
    for name in sorted(set(stored) | set(now)):
        before, after = stored.get(name, "none"), now.get(name, "none")
        if before != after:
            changed.append(name if name == DEFINITIONS else f"{name} {before} -> {after}")
    return changed


def wanted_range(*, session: Session) -> tuple[date, date] | None:
    """The month ends the table should hold, from the dated records (None: no records)."""
    earliest, latest = earliest_data_date(session=session), latest_data_date(session=session)
    if earliest is None or latest is None:
        return None
    return month_end(add_months(earliest, -STORED_MONTHS_BEFORE)), month_end(latest)


def refresh_stored_parts(changed_from: date | None, *, session: Session) -> int:
    """Bring `team_month_parts` up to date after rows dated `changed_from` or later were added
    or replaced (None: no dated change, only the range may move); the caller owns the
    transaction. Under rules other than those recorded, every staff row's derived dates are
    rewritten and every month end is recomputed. Returns how many month ends were recomputed."""
    allow_long_statements(session)
    if changed_rules(session=session):
        rederive_staff_dates(session=session)
        _write_range(session, None)  # nothing held is trusted: every month end is rebuilt
    _write_rules(session)
    wanted = wanted_range(session=session)
    held = stored_range(session=session)
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


def ensure_stored_parts(*, session: Session) -> int:
    """Fill the table if it was never built (a database from before it existed), and rebuild
    it, with the staff rows' derived dates, if the rules have changed since it was."""
    if stored_range(session=session) is not None and not changed_rules(session=session):
        return 0
    return refresh_stored_parts(None, session=session)


def stored_values_are_current(*, session: Session) -> bool:
    """True when nothing needs building: the parts are stored (or there is nothing to store)
    under the code's rules."""
    if changed_rules(session=session):
        return False
    return stored_range(session=session) is not None or wanted_range(session=session) is None


def rederive_staff_dates(*, session: Session) -> int:
    """Rewrite the rule-derived dates of every staff row whose stored ones differ from what
    the rules give now (`policy.derived_staff_dates`); returns how many rows changed."""
    columns = [getattr(Staff, name) for name in DERIVED_STAFF_COLUMNS]
    rows = session.execute(
        select(col(Staff.staff_id), col(Staff.start_date), col(Staff.asye_start_date), *columns)
    ).all()
    changed = []
    for staff_id, start, asye_start, *stored in rows:
        now = derived_staff_dates(start, asye_start)
        if [now[name] for name in DERIVED_STAFF_COLUMNS] != list(stored):
            changed.append({"key": staff_id, **{f"new_{k}": v for k, v in now.items()}})
    statement = (
        update(table_of(Staff))
        .where(table_of(Staff).c.staff_id == bindparam("key"))
        .values({name: bindparam(f"new_{name}") for name in DERIVED_STAFF_COLUMNS})
    )
    for start in range(0, len(changed), _ROWS_PER_INSERT):
        session.execute(statement, changed[start : start + _ROWS_PER_INSERT])
    return len(changed)


def _recompute(session: Session, days: list[date]) -> None:
    session.execute(delete(team_month_parts).where(team_month_parts.c.month_end.in_(days)))
    grid = computed_parts_grid(days, Scope(), DEFAULT_POLICY, session=session)
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
            select(
                parts.month_end, col(Team.hub_id), *(func.sum(parts[name]) for name in PART_NAMES)
            )
            .join(Team, col(Team.team_id) == parts.team_id)
            .where(parts.month_end.in_(days))
            .group_by(parts.month_end, col(Team.hub_id)),
        )
    )


def _write_rules(session: Session) -> None:
    if _stored_rules(session) == current_rules():
        return
    session.execute(delete(StoredRule))
    session.execute(
        insert(StoredRule),
        [{"name": name, "value": value} for name, value in current_rules().items()],
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
