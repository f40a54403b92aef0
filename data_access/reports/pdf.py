"""The board pack as an accessible A4 landscape PDF.

The pack's content (`board_pack.BoardPack`) is written as plain strings into a JSON file, the
charts are exported to SVG from the same Altair specifications the pages use
(`reports.charts`, through vl-convert), and `board_pack.typ` lays them out with Typst (the
`typst` package from PyPI: no system packages). Typst writes a tagged PDF (PDF/UA-1): title,
language, headings as bookmarks, tables with header rows, and a text alternative on every
chart. Text from data reaches Typst only as JSON strings, so it is shown as typed, never read
as markup.
"""

from __future__ import annotations

import inspect
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import altair as alt
import pandas as pd
import typst
import vl_convert
from sqlmodel import Session

from data_access.access.settings import organisation_policy
from data_access.core.scope import Scope
from data_access.indicators.metrics import METRICS, MetricValue
from data_access.national.catalogue import BENCHMARK_INDICATORS
from data_access.reports.board_pack import (
    PACK_INDICATORS,
    THEME_KEY_INDICATOR,
    THEMES,
    TRAJECTORY_MONTHS,
    BoardPack,
    Trajectory,
    assemble_board_pack,
    trajectory,
)
from data_access.reports.charts import sparkline, trend_chart
from data_access.reports.commentary import COMMENTARY_SECTIONS

TEMPLATE = Path(__file__).with_name("board_pack.typ")
#: The trajectory's definition, from the one place it is written.
TRAJECTORY_RULE = " ".join(inspect.getdoc(trajectory).split())
STATUS_WORDS = {"met": "Met", "close": "Close", "missed": "Missed", None: "No data"}
QUARTILE_MEANING = "A is the best quarter of authorities, D the worst"


def _value(value: MetricValue, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "cases":
        return f"{value:.1f}"
    return f"{value:,}"


def _target(name: str, pack: BoardPack) -> str:
    target = pack.policy.targets[name]
    sign = "≤" if target.better == "lower" else "≥"
    return f"{sign} {_value(target.value, METRICS[name].unit)}"


def _change(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    points = "pts" if unit == "%" else ("cases" if unit == "cases" else "")
    return f"{value:+.1f} {points}".strip()


def trajectory_text(result: Trajectory, unit: str) -> str:
    """The trajectory in words, for the scorecard and the theme sections."""
    per_month = (
        f"{abs(result.pace):.2f}{' pts' if unit == '%' else ''} a month"
        if result.pace is not None
        else ""
    )
    if result.status == "met":
        return "Target met"
    if result.status == "on course":
        return f"Target reached by {result.reached_by:%B %Y} at {per_month}"
    if result.status == "not on this trend":
        return (
            f"Not on this trend ({'moving away' if result.pace else 'no change'}"
            + (f", {per_month}" if result.pace else "")
            + ")"
        )
    if result.status == "too little history":
        return f"Too little history (needs {TRAJECTORY_MONTHS} months)"
    return "No data"


def trend_description(
    label: str, history: list, unit: str, target_text: str, status: str | None
) -> str:
    """One sentence saying what a trend chart shows: first and last values and direction."""
    points = [(month, value) for month, value in history if value is not None]
    if not points:
        return f"{label}: no data in these months."
    (first_month, first), (last_month, last) = points[0], points[-1]
    direction = "rising" if last > first else "falling" if last < first else "unchanged"
    return (
        f"{label} from {first_month:%B %Y} to {last_month:%B %Y}: "
        f"{_value(first, unit)} to {_value(last, unit)}, {direction}; target {target_text} "
        f"({STATUS_WORDS[status].lower()})."
    )


def _svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_dict())


def _frame(history: list, series: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"month": month, "value": value, "series": series} for month, value in history]
    )
    return frame.assign(month=pd.to_datetime(frame["month"]))


def _charts(pack: BoardPack, folder: Path) -> None:
    """Write every chart as an SVG: a sparkline and a trend chart per indicator."""
    for figure in pack.figures:
        target = pack.policy.targets[figure.name]
        frame = _frame(figure.history, figure.label)
        (folder / f"spark-{figure.name}.svg").write_text(_svg(sparkline(frame, target.value)))
        percent = figure.unit == "%"
        chart = trend_chart(
            frame,
            # The chart's title above it names the indicator; the axis says only the unit.
            y_title="%" if percent else "cases per FTE",
            percent=percent,
            y_max=50 if percent and target.better == "lower" else 100,
            rules=[(target.value, f"target {_target(figure.name, pack)}")],
            height=100,
            legend=False,
        ).properties(width=230)
        (folder / f"trend-{figure.name}.svg").write_text(_svg(chart))


def _commentary(pack: BoardPack, section: str) -> dict | None:
    found = pack.commentary.get(section)
    if found is None:
        return None
    return {
        "text": found.text,
        "by": f"{found.author}, {found.written_at:%d/%m/%Y %H:%M} (UTC)",
    }


def view_model(pack: BoardPack) -> dict:
    """Everything the template shows, as strings."""
    figures = pack.figure

    def indicator(name: str) -> dict:
        figure = figures[name]
        unit = figure.unit
        target_text = _target(name, pack)
        return {
            "name": name,
            "label": figure.label,
            "value": _value(figure.value, unit),
            "target": target_text,
            "status": figure.status or "na",
            "status_words": STATUS_WORDS[figure.status],
            "change": _change(figure.change, unit),
            "change_direction": figure.change_direction or "",
            "trajectory": trajectory_text(pack.trajectories[name], unit),
            "alt": trend_description(
                figure.label, figure.history, unit, target_text, figure.status
            ),
            "spark_alt": "The last 24 months: "
            + trend_description(figure.label, figure.history, unit, target_text, figure.status),
            "definition": METRICS[name].definition,
        }

    units_kind = pack.units[0].unit.kind if pack.units else None
    themes = []
    for theme in pack.themes:
        names = [figure.name for figure in theme.figures]
        key = THEME_KEY_INDICATOR[theme.key]
        themes.append(
            {
                "key": theme.key,
                "title": theme.title,
                "indicators": [indicator(name) for name in names],
                "units": [
                    {
                        "label": unit.unit.label + (" (c)" if unit.suppressed else ""),
                        "cells": [
                            {
                                "value": "c"
                                if unit.suppressed
                                else _value(unit.values[name], METRICS[name].unit),
                                "status": unit.statuses[name] or "na",
                            }
                            for name in names
                        ],
                    }
                    for unit in pack.units
                ],
                "furthest_label": METRICS[key].label,
                "furthest_target": _target(key, pack),
                "furthest": [
                    {
                        "team": gap.team_name,
                        "hub": gap.hub,
                        "value": _value(gap.value, METRICS[key].unit),
                        "gap": f"{gap.gap:.1f}{' pts' if METRICS[key].unit == '%' else ''}",
                    }
                    for gap in theme.furthest
                ],
                "suppressed_teams": theme.suppressed_teams,
                "commentary": _commentary(pack, theme.key),
            }
        )
    counts = pack.supervision_counts
    grades: dict[str, dict[str, int]] = {}
    for grade in pack.audit_grades:
        grades.setdefault(f"{grade.quarter_end:%b %Y}", {})[grade.grade] = grade.audits
    national = None
    if pack.national is not None:
        found = pack.national.comparison

        def published(item) -> str:
            if item.value is not None:
                return f"{item.value:g}"
            return item.status or "–"

        national = {
            "authority": found.la_name,
            "region": found.region_name or "region",
            "year": str(found.year),
            "rows": [
                {
                    "label": BENCHMARK_INDICATORS[name].label,
                    "ours": published(item.la),
                    "england": published(item.england),
                    "region": published(item.region),
                    "neighbours": f"{item.neighbours_median:g}"
                    if item.neighbours_median is not None
                    else "–",
                    "rank": f"{item.rank} of {item.of}" if item.rank else "–",
                    "quartile": item.quartile or "–",
                }
                for name, item in found.indicators.items()
            ],
            "commentary": _commentary(pack, "national"),
        }
    freshness = pack.freshness
    return {
        "title": f"Improvement board pack: {pack.organisation}, {pack.scope_label}, "
        f"{pack.as_at:%B %Y}",
        "organisation": pack.organisation,
        "scope": pack.scope_label,
        "month": f"{pack.as_at:%B %Y}",
        "as_at": f"{pack.as_at:%d/%m/%Y}",
        "produced": f"{pack.produced_at:%d/%m/%Y %H:%M} (UTC)",
        "produced_by": pack.produced_by,
        "loaded": f"{freshness.last_import_at:%d/%m/%Y %H:%M} (UTC)"
        if freshness.last_import_at
        else "never",
        "latest_record": f"{freshness.latest_data_date:%d/%m/%Y}"
        if freshness.latest_data_date
        else "none",
        "units_kind": {"area": "Areas", "hub": "Hubs", "team": "Teams"}.get(units_kind, ""),
        "units_where": "the organisation" if pack.scope.is_whole_organisation else pack.scope_label,
        "scorecard": [indicator(name) for name in PACK_INDICATORS],
        "summary_commentary": _commentary(pack, "summary"),
        "themes": themes,
        "supervision": {
            "eligible": str(counts.eligible),
            "in_date": str(counts.in_date),
            "due": str(counts.due_within_7_days),
            "overdue": str(counts.overdue),
            "never": str(counts.never_supervised),
            "childs_views": _value(figures["childs_views_share"].value, "%"),
            "baseline": f"{pack.childs_views_baseline:g}%",
            "grades": [
                {
                    "quarter": quarter,
                    "outstanding": str(found.get("outstanding", 0)),
                    "good": str(found.get("good", 0)),
                    "requires_improvement": str(found.get("requires_improvement", 0)),
                    "inadequate": str(found.get("inadequate", 0)),
                }
                for quarter, found in grades.items()
            ],
            # The supervision theme's indicators are the standard's and the recommendations'.
            "standards": [indicator(name) for name in THEMES["supervision"][1]],
        },
        "national": national,
        "earlier": [
            {
                "month": f"{item.month:%B %Y}",
                "section": COMMENTARY_SECTIONS[item.section],
                "text": item.text,
                "by": item.author,
            }
            for item in pack.earlier_commentary
        ],
        "definitions": [
            {"label": METRICS[name].label, "text": METRICS[name].definition}
            for name in PACK_INDICATORS
        ],
        "trajectory_rule": TRAJECTORY_RULE,
    }


def render_pdf(pack: BoardPack) -> bytes:
    """The pack as PDF bytes (tagged, PDF/UA-1)."""
    with tempfile.TemporaryDirectory(prefix="board-pack-") as work:
        folder = Path(work)
        _charts(pack, folder)
        (folder / "pack.json").write_text(json.dumps(view_model(pack)), encoding="utf-8")
        (folder / "board_pack.typ").write_text(TEMPLATE.read_text(encoding="utf-8"))
        return typst.compile(
            str(folder / "board_pack.typ"),
            root=str(folder),
            pdf_standards=["ua-1"],
        )


def board_pack_pdf(
    session: Session,
    as_at: date,
    scope: Scope,
    *,
    produced_by: str,
    produced_at: datetime | None = None,
) -> bytes:
    """The board pack for `scope` (organisation, area or hub) at the month end of `as_at`, with
    the organisation's targets; raises `NoPack` for an unknown scope or a date with no data."""
    pack = assemble_board_pack(
        session,
        as_at,
        scope,
        organisation_policy(session),
        produced_by=produced_by,
        produced_at=produced_at or datetime.now(UTC),
    )
    return render_pdf(pack)
