"""How a figure is written, once, for the pages, the board pack, the CSV files and the command
line: 13.1%, 15.2 cases, 812.4 FTE, 879, £41,938; a change as +1.2 pts, -0.5 cases, -£2,140."""

from __future__ import annotations

NO_DATA = "no data"
#: The words after a change, by the metric's unit ("%" changes are percentage points).
CHANGE_UNITS = {"%": " pts", "cases": " cases", "fte": " FTE"}


def figure(value: float | int | None, unit: str) -> str:
    """A metric value as shown to a reader: 13.1%, 15.2 cases, 812.4 FTE, 879, £41,938 (unit
    "£": whole pounds)."""
    if value is None:
        return NO_DATA
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "cases":
        return f"{value:.1f} cases"
    if unit == "fte":
        return f"{value:,.1f} FTE"
    if unit == "£":
        return f"£{value:,.0f}"
    return f"{value:,}"


def change(value: float | None, unit: str) -> str | None:
    """A change against an earlier value: +1.2 pts, -0.5 cases (None without one)."""
    if value is None:
        return None
    if unit == "£":
        return f"{'-' if value < 0 else '+'}£{abs(value):,.0f}"
    if unit == "count":
        return f"{value:+,.0f}"
    return f"{value:+.1f}{CHANGE_UNITS.get(unit, '')}"
