"""The regional price caps for agency social workers, as an administrator edits them on the
Access page (they are also imported from agency_price_caps.csv): every change is checked as the
import checks it, saved all at once or not at all, and written in the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session, col

from data_access.access.grants import CHANGE_SETTINGS, log_access
from data_access.core.models import AGENCY_ROLE_CATEGORIES, AgencyPriceCap
from data_access.ingest.specs import MAX_HOURLY_POUNDS

#: How the access log names the caps.
CAPS_SCOPE = "Agency price caps"


@dataclass(frozen=True, order=True)
class PriceCap:
    """The most an hour of a role category may cost (pay + employer's National Insurance +
    apprenticeship levy), in pounds, from `effective_from`."""

    role_category: str
    effective_from: date
    hourly_cap: float


def price_caps(*, session: Session) -> list[PriceCap]:
    """Every cap held, by role category (DfE's order) and date."""
    rows = session.execute(
        select(
            col(AgencyPriceCap.role_category),
            col(AgencyPriceCap.effective_from),
            col(AgencyPriceCap.hourly_cap),
        )
    )
    caps = [PriceCap(*row) for row in rows]
    order = {category: position for position, category in enumerate(AGENCY_ROLE_CATEGORIES)}
    return sorted(caps, key=lambda cap: (order.get(cap.role_category, 99), cap.effective_from))


def check_caps(caps: list[PriceCap]) -> list[str]:
    """What is wrong with a set of caps, row by row (row 1 is the first): an unknown role
    category, a missing date, a cap that is not pounds with at most 2 decimal places above 0,
    or two caps for one category from one date. Empty when they can be saved."""
    problems = []
    seen: dict[tuple[str, date], int] = {}
    for row, cap in enumerate(caps, start=1):
        if cap.role_category not in AGENCY_ROLE_CATEGORIES:
            problems.append(
                f'row {row}, role category: "{cap.role_category}" is not one of '
                + ", ".join(AGENCY_ROLE_CATEGORIES)
            )
        if not isinstance(cap.effective_from, date):
            problems.append(f"row {row}, effective from: a date is needed")
        amount = cap.hourly_cap
        if not 0 < amount <= MAX_HOURLY_POUNDS or round(amount, 2) != amount:
            problems.append(
                f"row {row}, hourly cap: pounds above 0 and at most {MAX_HOURLY_POUNDS:,.0f}, "
                f"with at most 2 decimal places; found {amount:g}"
            )
        key = (cap.role_category, cap.effective_from)
        if key in seen:
            problems.append(
                f"row {row}: the same role category and date as row {seen[key]} "
                "(one cap per category from each date)"
            )
        else:
            seen[key] = row
    return problems


class CapsNotSaved(ValueError):
    """The caps were not saved; `problems` says why, row by row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _describe(cap: PriceCap) -> str:
    return f"{cap.role_category} from {cap.effective_from:%d/%m/%Y}: £{cap.hourly_cap:.2f}"


def save_price_caps(caps: list[PriceCap], *, by: str, session: Session) -> list[str]:
    """Make `caps` the caps held (added, changed and removed ones alike), in one transaction,
    and log each change; return the changes in words (empty: nothing changed). Raises
    `CapsNotSaved` and changes nothing when any row is wrong."""
    problems = check_caps(caps)
    if problems:
        raise CapsNotSaved(problems)
    old = {(cap.role_category, cap.effective_from): cap for cap in price_caps(session=session)}
    new = {(cap.role_category, cap.effective_from): cap for cap in caps}
    changes = [f"removed {_describe(old[key])}" for key in sorted(old.keys() - new.keys())]
    changes += [
        f"{_describe(old[key])} -> £{new[key].hourly_cap:.2f}"
        for key in sorted(old.keys() & new.keys())
        if old[key].hourly_cap != new[key].hourly_cap
    ]
    changes += [f"added {_describe(new[key])}" for key in sorted(new.keys() - old.keys())]
    if not changes:
        return []
    session.execute(delete(AgencyPriceCap))
    session.add_all(
        AgencyPriceCap(
            role_category=cap.role_category,
            effective_from=cap.effective_from,
            hourly_cap=cap.hourly_cap,
        )
        for cap in caps
    )
    for change in changes:
        log_access(by, CHANGE_SETTINGS, CAPS_SCOPE, change, session=session)
    return changes
