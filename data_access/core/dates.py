"""Calendar arithmetic shared by the metrics, the import and the demo organisation."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Move `day` by whole calendar months, clamping to the end of a shorter month.

    2025-03-31 minus 1 month is 2025-02-28; 2024-02-29 plus 12 months is 2025-02-28.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def month_ends(first: date, last: date) -> list[date]:
    """Every month end from `first`'s month to `last`'s month, inclusive, oldest first."""
    ends = []
    current = month_end(first)
    while current <= month_end(last):
        ends.append(current)
        current = month_end(current + timedelta(days=1))
    return ends


def months_ending(as_at: date, count: int) -> list[date]:
    """The `count` month ends up to and including `as_at`'s month end, oldest first."""
    last = month_end(as_at)
    return month_ends(add_months(last, -(count - 1)), last) if count > 0 else []


def whole_months(start: date, day: date) -> int:
    """Whole calendar months from `start` to `day` (31 January to 28 February is one; to
    27 February, none)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    return months - 1 if add_months(start, months) > day else months
