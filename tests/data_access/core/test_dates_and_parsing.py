"""Calendar arithmetic and cell parsing."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.core.dates import add_months, month_end, month_ends
from data_access.ingest.parsing import (
    InvalidValue,
    category,
    normalise_category,
    parse_bool,
    parse_date,
    whole_number_range,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 3, 31), -12, date(2024, 3, 31)),
        (date(2025, 1, 15), -3, date(2024, 10, 15)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_month_ends():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert month_ends(date(2024, 11, 15), date(2025, 2, 1)) == [
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-30", date(2025, 9, 30)),
        ("30/09/2025", date(2025, 9, 30)),
        ("1/9/2025", date(2025, 9, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["29/02/2025", "2025-13-01", "31/04/2025", "00/01/2025"])
def test_impossible_dates(text):
    with pytest.raises(InvalidValue, match="is not a real date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["2025/09/30", "30-09-2025", "Sept 30 2025", "20250930"])
def test_unrecognised_date_formats(text):
    with pytest.raises(InvalidValue, match="expected a date such as"):
        parse_date(text)


def test_dates_far_outside_working_lives_are_refused():
    with pytest.raises(InvalidValue, match="outside the years 1900 to 2100"):
        parse_date("0001-01-01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("No", False),
        ("n", False),
        ("false", False),
        ("0", False),
    ],
)
def test_booleans(text, expected):
    assert parse_bool(text) is expected


def test_category_matching_ignores_case_spaces_and_hyphens():
    assert normalise_category("  Requires - Improvement ") == "requires_improvement"
    assert category(["front_door"])("Front Door") == "front_door"
    with pytest.raises(InvalidValue, match='unknown value "front"; expected one of: front_door'):
        category(["front_door"])("front")


def test_whole_numbers_accept_integral_decimals_only():
    parse = whole_number_range(0, 200)
    assert parse("12") == 12
    assert parse("12.0") == 12
    with pytest.raises(InvalidValue, match='expected a whole number; found "12.5"'):
        parse("12.5")
    with pytest.raises(InvalidValue, match="expected a number"):
        parse("nan")
