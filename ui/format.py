"""How figures and dates are written on the pages (UK formats, one decimal place)."""

from __future__ import annotations

from datetime import date, datetime

from data_access.metrics import MetricValue

NO_DATA = "no data"


def figure(value: MetricValue, unit: str) -> str:
    """A metric value as shown to a reader: 13.1%, 15.2 cases, 812.4 FTE, 879."""
    if value is None:
        return NO_DATA
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "cases":
        return f"{value:.1f} cases"
    if unit == "fte":
        return f"{value:,.1f} FTE"
    return f"{value:,}"


def change(value: float | None, unit: str) -> str | None:
    """A change against an earlier value: +1.2 pts, -0.5 cases."""
    if value is None:
        return None
    suffix = {"%": " pts", "cases": " cases", "fte": " FTE"}.get(unit, "")
    return f"{value:+.1f}{suffix}"


def uk_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else NO_DATA


def uk_month(day: date) -> str:
    return day.strftime("%B %Y")


def uk_datetime(moment: datetime | None) -> str:
    return moment.strftime("%d/%m/%Y %H:%M") if moment else NO_DATA


def target_text(target: float | None, better: str | None, unit: str) -> str:
    if target is None:
        return ""
    sign = "≤" if better == "lower" else "≥"
    shown = f"{target:g}%" if unit == "%" else f"{target:g} {unit}"
    return f"target {sign} {shown}"


STATUS_LABELS = {"met": "Target met", "close": "Close to target", "missed": "Target missed"}
