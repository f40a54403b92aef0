"""How figures, dates and statuses are written on the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ui import format as fmt


def test_figures_by_unit():
    assert fmt.figure(13.1, "%") == "13.1%"
    assert fmt.figure(40.0, "%") == "40.0%"
    assert fmt.figure(15.0, "cases") == "15.0 cases"
    assert fmt.figure(1812.4, "fte") == "1,812.4 FTE"
    assert fmt.figure(879, "count") == "879"
    assert fmt.figure(None, "%") == "no data"


def test_changes_carry_a_sign_and_unit():
    assert fmt.change(-4.0, "%") == "-4.0 pts"
    assert fmt.change(1.0, "%") == "+1.0 pts"
    assert fmt.change(-0.8, "cases") == "-0.8 cases"
    assert fmt.change(None, "%") is None


def test_uk_dates_and_local_time():
    assert fmt.uk_date(date(2026, 10, 31)) == "31/10/2026"
    assert fmt.uk_month(date(2026, 10, 31)) == "October 2026"
    # Stored in UTC; shown in UK time, which is an hour ahead in summer.
    assert fmt.uk_datetime(datetime(2026, 7, 1, 8, 30, tzinfo=UTC)) == "01/07/2026 09:30"
    assert fmt.uk_datetime(datetime(2026, 11, 23, 8, 30, tzinfo=UTC)) == "23/11/2026 08:30"


def test_status_badges_never_rely_on_colour_alone():
    met = fmt.status_badge("met")
    assert (met.text, met.icon, met.color) == ("Target met", ":material/check_circle:", "green")
    missed = fmt.status_badge("missed")
    assert missed.text == "Target missed"
    close = fmt.status_badge("close")
    assert close.text == "Close to target"
    assert len({met.icon, missed.icon, close.icon}) == 3
    assert fmt.status_badge(None) is None
    # The target is written beside the badge, in words a reader says.
    assert fmt.target_text(18.0, "lower", "cases") == "≤ 18 cases"
    assert fmt.target_text(90.0, "higher", "%") == "≥ 90%"


@pytest.mark.parametrize(
    ("number", "thing", "things", "expected"),
    [
        (1, "problem", None, "1 problem"),
        (0, "problem", None, "0 problems"),
        (1204, "problem", None, "1,204 problems"),
        (2, "neighbour model", None, "2 neighbour models"),
        (3, "child", "children", "3 children"),
        (1, "child", "children", "1 child"),
    ],
)
def test_a_count_has_separators_and_the_right_plural(number, thing, things, expected):
    assert fmt.counted(number, thing, things) == expected
