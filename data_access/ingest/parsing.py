"""Reading one cell of an import file: dates, booleans, numbers, categories.

Each parser takes the trimmed cell text and returns the value or raises `InvalidValue` with a
message that says what was expected and what was found, so that a performance officer can fix
the file from the message alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXCEL_SERIAL = re.compile(r"^([2-7]\d{4})(?:\.0+)?$")
EXCEL_EPOCH = date(1899, 12, 30)
_CATEGORY_SEPARATORS = re.compile(r"[\s\-]+")

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}

Parser = Callable[[str], Any]


class InvalidValue(ValueError):
    """A cell that cannot be read; the message is shown to the user as it is."""


def parse_text(value: str) -> str:
    return value


@lru_cache(maxsize=8192)  # dates repeat down a file; a date object is shared, never changed
def parse_date(value: str) -> date:
    """Read `2025-09-30`, `30/09/2025` (day first, as in the UK), or an Excel serial day
    number such as `45930` (days since 30/12/1899; 20000 to 80000, i.e. 1954 to 2119),
    which is what a date column turns into when Excel saves it as plain numbers."""
    serial = _EXCEL_SERIAL.match(value)
    if serial:
        return EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    iso = _ISO_DATE.match(value)
    uk = _UK_DATE.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
    else:
        raise InvalidValue(f'expected a date such as 2025-09-30 or 30/09/2025; found "{value}"')
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InvalidValue(f'"{value}" is not a real date') from None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise InvalidValue(f'date "{value}" is outside the years 1900 to 2100')
    return parsed


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidValue(f'expected yes/no, y/n, true/false or 1/0; found "{value}"')


def normalise_category(value: str) -> str:
    """`Requires Improvement`, `requires-improvement` -> `requires_improvement`."""
    return _CATEGORY_SEPARATORS.sub("_", value.strip().lower())


def category(allowed: Iterable[str]) -> Parser:
    allowed = tuple(allowed)

    def parse(value: str) -> str:
        normalised = normalise_category(value)
        if normalised not in allowed:
            raise InvalidValue(f'unknown value "{value}"; expected one of: {", ".join(allowed)}')
        return normalised

    return parse


def _number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidValue(f'expected a number; found "{value}"') from None
    if not math.isfinite(number):
        raise InvalidValue(f'expected a number; found "{value}"')
    return number


def decimal_range(low: float, high: float, *, low_inclusive: bool = True) -> Parser:
    lower_words = "at least" if low_inclusive else "greater than"

    def parse(value: str) -> float:
        number = _number(value)
        too_low = number < low if low_inclusive else number <= low
        if too_low or number > high:
            raise InvalidValue(
                f'must be a number {lower_words} {low:g} and at most {high:g}; found "{value}"'
            )
        return number

    return parse


def whole_number_range(low: int, high: int) -> Parser:
    def parse(value: str) -> int:
        number = _number(value)
        if not number.is_integer():
            raise InvalidValue(f'expected a whole number; found "{value}"')
        if not low <= number <= high:
            raise InvalidValue(f'must be a whole number from {low} to {high}; found "{value}"')
        return int(number)

    return parse


_MONEY = re.compile(r"£?\s*(\d{1,7}(?:\.\d{1,2})?)")
#: A Social Work England number: two letters, then digits (the census layouts' reconstructions
#: disagree on how many; this accepts 1 to 10). The census return is checked with it too.
SWE_NUMBER = re.compile(r"[A-Za-z]{2}\d{1,10}")
_LA_CODE = re.compile(r"\d{3}")


def money(high: float) -> Parser:
    """Pounds with at most 2 decimal places, from 0 to `high` (a leading £ is allowed)."""

    def parse(value: str) -> float:
        found = _MONEY.fullmatch(value.strip())
        if found is None:
            raise InvalidValue(
                f'expected pounds with at most 2 decimal places, such as 32.50; found "{value}"'
            )
        amount = float(found.group(1))
        if amount > high:
            raise InvalidValue(f'must be at most {high:,.2f} pounds; found "{value}"')
        return amount

    return parse


def parse_swe_number(value: str) -> str:
    """A Social Work England registration number: two letters, then digits (SW12345)."""
    if not SWE_NUMBER.fullmatch(value):
        raise InvalidValue(
            f'expected a Social Work England number: two letters, then digits; found "{value}"'
        )
    return value.upper()


def parse_la_code(value: str) -> str:
    """A local authority's three-digit old LA code (330 is Birmingham)."""
    if not _LA_CODE.fullmatch(value):
        raise InvalidValue(f'expected a three-digit old LA code such as 330; found "{value}"')
    return value
