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
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import altair as alt
import pandas as pd
import typst
import vl_convert
from sqlmodel import Session

from data_access.access.grants import SMALL_GROUP_MINIMUM, SUPPRESSED
from data_access.agency.figures import AGENCY_FIGURES
from data_access.core import formatting
from data_access.core.scope import Scope
from data_access.indicators.metrics import METRICS, MetricValue
from data_access.indicators.policy import SupervisionStatus, TargetStatus
from data_access.indicators.summary import HeadlineFigure
from data_access.national.catalogue import BENCHMARK_INDICATORS
from data_access.national.comparison import Published
from data_access.reports.agency_section import (
    ENDING_SOON_LABEL,
    RUNNING_LONG_LABEL,
    AgencySection,
    plain_definitions,
)
from data_access.reports.board_pack import (
    PACK_INDICATORS,
    PLAIN_DEFINITIONS,
    SUPERVISION_STANDARDS,
    THEME_KEY_INDICATOR,
    TRAJECTORY_HORIZON_MONTHS,
    TRAJECTORY_MONTHS,
    TREND_MONTHS,
    BoardPack,
    PackFront,
    Trajectory,
    assemble_board_pack,
    trajectory,
)
from data_access.reports.charts import cost_bars, sparkline_svg, trend_chart, value_axis
from data_access.reports.commentary import COMMENTARY_SECTIONS
from data_access.settings import organisation_policy

TEMPLATE = Path(__file__).with_name("board_pack.typ")


def _docstring_words(function: Callable[..., object]) -> str:
    """A function's docstring on one line."""
    doc = inspect.getdoc(function)
    if doc is None:
        raise RuntimeError(f"{function!r} has no docstring (is Python running with -OO?)")
    return " ".join(doc.split())


#: The trajectory's rule and the charts' axis rule, from the one place each is written.
TRAJECTORY_RULE = _docstring_words(trajectory)
AXIS_RULE = _docstring_words(value_axis)
STATUS_WORDS: dict[str | None, str] = {status: status.word for status in TargetStatus}
STATUS_WORDS[None] = "No data"
QUARTILE_MEANING = "A is the best quarter of authorities, D the worst"


def _value(value: MetricValue, unit: str) -> str:
    return formatting.figure(value, unit)


def _target(name: str, front: PackFront) -> str:
    target = front.policy.targets[name]
    sign = "≤" if target.better == "lower" else "≥"
    return f"{sign} {_value(target.value, METRICS[name].unit)}"


def _change(value: float | None, unit: str, direction: str | None) -> str:
    """The change on a year earlier and what it means for the target: "+1.0 pts, worse"."""
    if value is None:
        return "no data"
    if direction == "same":
        return "no change"
    amount = formatting.change(value, unit)
    return f"{amount}, {direction}" if direction else f"{amount}"


def _amount(change: float, unit: str) -> str:
    """A change's size in words: "0.1 points", "2.0 cases"."""
    return f"{abs(change):.1f}" + {"%": " points", "cases": " cases"}.get(unit, "")


def trajectory_text(result: Trajectory, unit: str, better: str) -> str:
    """The trajectory in words a board reads without the rule beside it: which way the
    figure moved over the last 6 months, whether that is towards the target, and when the
    target would be reached at that pace ("Down 3.0 points in 6 months, towards the target:
    reached by September 2025 at this pace")."""
    span = f"in {TRAJECTORY_MONTHS} months"
    if result.status == "met":
        return "Target met"
    if result.status == "no data":
        return "No data"
    if result.status == "too little history":
        return f"Too little history to say (needs {TRAJECTORY_MONTHS} months)"
    if result.status == "no change":
        return f"No change {span}: not moving towards the target"
    change = result.change
    if change is None:  # set for every status but those above
        raise ValueError(f"a {result.status!r} trajectory has no change")
    moved = f"{'Up' if change > 0 else 'Down'} {_amount(change, unit)} {span}"
    if result.status == "moving away":
        return f"{moved}: moving away from the target ({better} is better)"
    if result.status == "too slow":
        years = TRAJECTORY_HORIZON_MONTHS // 12
        return f"{moved}, towards the target but slowly: more than {years} years away at this pace"
    return f"{moved}, towards the target: reached by {result.reached_by:%B %Y} at this pace"


def series_description(label: str, history: list, unit: str) -> str | None:
    """What a trend shows, its first and last values and direction ("Agency rate (FTE) from
    April 2023 to March 2025: 21.7% to 25.0%, rising"); None when it has no value."""
    points = [(month, value) for month, value in history if value is not None]
    if not points:
        return None
    (first_month, first), (last_month, last) = points[0], points[-1]
    direction = "rising" if last > first else "falling" if last < first else "unchanged"
    return (
        f"{label} from {first_month:%B %Y} to {last_month:%B %Y}: "
        f"{_value(first, unit)} to {_value(last, unit)}, {direction}"
    )


def trend_description(
    label: str, history: list, unit: str, target_text: str, status: str | None
) -> str:
    """One sentence saying what a trend chart shows: first and last values and direction."""
    series = series_description(label, history, unit)
    if series is None:
        return f"{label}: no data in these months."
    return f"{series}; target {target_text} ({STATUS_WORDS[status].lower()})."


def _svg(chart: alt.TopLevelMixin) -> str:
    # Not validated against the Vega-Lite schema again here: that took a third of the time of
    # the pack's Vega-Lite charts, and tests/data_access/reports/test_board_pack.py validates
    # the same specifications.
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def _frame(history: list, series: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"month": month, "value": value, "series": series} for month, value in history]
    )
    return frame.assign(month=pd.to_datetime(frame["month"]))


#: The scorecard's sparkline: its drawing's width, height and margin (the page places it 27 mm
#: wide).
SPARKLINE_SIZE = (154, 32, 2)


def pack_charts(figure: HeadlineFigure, target: float) -> tuple[str, alt.TopLevelMixin]:
    """An indicator's sparkline (an SVG drawing, `sparkline_svg`) and trend chart, both on the
    value axis `value_axis` chooses for its 24 months and its target; the target line's label
    sits right of the plot, clear of the data."""
    frame = _frame(figure.history, figure.label)
    axis = value_axis(frame["value"], [target], figure.unit)
    width, height, margin = SPARKLINE_SIZE
    spark = sparkline_svg(
        figure.history, target, width=width, height=height, margin=margin, y_domain=axis
    )
    percent = figure.unit == "%"
    trend = trend_chart(
        frame,
        # The chart's title above it names the indicator; the axis says only the unit.
        y_title="%" if percent else "cases per FTE",
        percent=percent,
        y_domain=axis,
        # The title above the chart gives the target's value; the line's label need only say
        # what the line is, leaving the chart its width.
        rules=[(target, "target")],
        legend=False,
        labels_outside=True,
        # A chart 170 points wide has room for about four of its 24 months' labels.
        months_between_labels=6,
    ).properties(width=170, height=70)
    # Every chart the same size on the page, so that the charts in a row line up: the value
    # axis is always as wide (its labels are "5" or "100"), and it has a few values on it
    # (Vega shows only two on an axis this short).
    return spark, trend.configure_axisY(tickCount=3, minExtent=24, maxExtent=24)


#: The agency section's charts, by their titles above them.
AGENCY_COST_TITLE = "Agency cost by month"
AGENCY_SHARE_TITLE = AGENCY_FIGURES["agency_compliant_share"].label
#: How the budget's dashed line is labelled on the cost chart.
BUDGET_LINE_LABEL = "budget"


def _cost_history(section: AgencySection) -> list[tuple[date, float]]:
    return [(month.month, month.cost) for month in section.trend]


def _share_history(section: AgencySection) -> list[tuple[date, float | None]]:
    return [(month.month, month.compliant_share) for month in section.trend]


def agency_charts(section: AgencySection) -> tuple[alt.TopLevelMixin, alt.TopLevelMixin]:
    """The agency section's two trends, each half the page wide: the cost of each month as
    bars in pounds from £0, with the monthly budget dashed when the section has one (the whole
    organisation's pack); and the share of the active assignments meeting every rule, on the
    value axis `value_axis` chooses (a month with no assignment active has no point)."""
    # The same size overall (the cost's plot is narrower by the budget's label right of it),
    # so that the two charts' text is the same size on the page.
    size = {"width": 400, "height": 150, "autosize": {"type": "fit", "contains": "padding"}}
    cost = cost_bars(
        _frame(_cost_history(section), AGENCY_COST_TITLE),
        budget=section.budget,
        budget_label=BUDGET_LINE_LABEL,
        labels_outside=True,
    ).properties(**size)
    shares = _frame(_share_history(section), AGENCY_SHARE_TITLE)
    share = trend_chart(
        shares,
        y_title="%",
        y_domain=value_axis(shares["value"], [], "%"),
        legend=False,
    ).properties(**size)
    return cost.configure_axisY(tickCount=4), share.configure_axisY(tickCount=4)


def _charts(pack: BoardPack, folder: Path) -> None:
    """Write every chart as an SVG: a sparkline and a trend chart per indicator, and the agency
    section's two trends when it has them."""
    for figure in pack.figures:
        spark, trend = pack_charts(figure, pack.policy.targets[figure.name].value)
        (folder / f"spark-{figure.name}.svg").write_text(spark)
        (folder / f"trend-{figure.name}.svg").write_text(_svg(trend))
    if pack.agency.held:
        cost, share = agency_charts(pack.agency)
        (folder / "agency-cost.svg").write_text(_svg(cost))
        (folder / "agency-share.svg").write_text(_svg(share))


def _pounds(value: float) -> str:
    return formatting.figure(value, "£")


def _agency_figure(label: str, value: str, note: str | None = None) -> dict:
    return {"label": label, "value": value, "note": note}


def agency_view(pack: BoardPack) -> dict:
    """The agency section as the template shows it (strings): aggregates only, and the
    section's commentary when it has figures (the one sentence of a scope with no assignment
    takes none, as `BoardPack.commentary_sections` says)."""
    section = pack.agency
    figures = section.figures
    as_at = f"{pack.as_at:%d/%m/%Y}"
    where = "the whole organisation" if pack.scope.is_whole_organisation else pack.scope_label
    if section.suppressed:
        return {
            "held": False,
            "none": f"The agency figures for {where} are suppressed ({SUPPRESSED}): a team in it "
            f"has fewer than {SMALL_GROUP_MINIMUM} agency assignments active on {as_at}, and its "
            "figures would be one or two people's.",
        }
    if not section.held:
        return {
            "held": False,
            "none": f"No agency assignment is recorded for {where} in the {TREND_MONTHS} months "
            f"to {as_at}.",
        }
    budget = f"monthly budget {_pounds(section.budget)}" if section.budget is not None else None
    cost = series_description(AGENCY_COST_TITLE, _cost_history(section), "£")
    highest = max(section.trend, key=lambda month: month.cost)
    share = series_description(AGENCY_SHARE_TITLE, _share_history(section), "%")
    return {
        "held": True,
        "commentary": _commentary(pack, "agency"),
        "figures": [
            _agency_figure(
                AGENCY_FIGURES["agency_assignments_active"].label,
                str(figures.agency_assignments_active),
            ),
            # The budget beside the month's cost (in the whole organisation's pack).
            _agency_figure(
                AGENCY_FIGURES["agency_cost_month"].label,
                _pounds(figures.agency_cost_month),
                budget,
            ),
            _agency_figure(AGENCY_SHARE_TITLE, _value(figures.agency_compliant_share, "%")),
            _agency_figure(
                AGENCY_FIGURES["agency_cap_breaches_unsigned"].label,
                str(figures.agency_cap_breaches_unsigned),
            ),
            _agency_figure(RUNNING_LONG_LABEL, str(figures.running_over_12_months)),
            _agency_figure(ENDING_SOON_LABEL, str(figures.ending_within_4_weeks)),
        ],
        "cost_title": AGENCY_COST_TITLE,
        "cost_note": "The cost of each calendar month"
        + (f", against the {budget} (dashed)" if budget else ""),
        "cost_alt": f"{cost}; the highest {_pounds(highest.cost)} in {highest.month:%B %Y}"
        + (f"; the {budget} is a dashed line" if budget else "")
        + ".",
        "share_title": AGENCY_SHARE_TITLE,
        "share_note": "Of the assignments active at each month end",
        "share_alt": f"{share}." if share else f"{AGENCY_SHARE_TITLE}: no data in these months.",
        "active": str(figures.agency_assignments_active),
        "any_active": figures.agency_assignments_active > 0,
        "rules": [
            {
                "name": rule.name,
                "share": _value(rule.share, "%"),
                "not_compliant": str(rule.not_compliant),
                "not_recorded": str(rule.not_recorded),
                "no_cap_set": str(rule.no_cap_set),
            }
            for rule in section.rules
        ],
        "definitions": [
            {"label": label, "words": words}
            for label, words in plain_definitions(section.min_notice_weeks)
        ],
    }


#: Commentary longer than this may run over a page break (a theme or the agency section then
#: starts lower on a page, with its charts after the commentary); a shorter one is kept with the
#: section's first charts.
LONG_COMMENTARY_CHARACTERS = 600


def _commentary(pack: BoardPack, section: str) -> dict | None:
    found = pack.commentary.get(section)
    if found is None:
        return None
    return {
        "text": found.text,
        "by": f"{found.author}, {found.written_at:%d/%m/%Y %H:%M} (UTC)",
        "long": len(found.text) > LONG_COMMENTARY_CHARACTERS,
    }


def _indicator(front: PackFront, name: str) -> dict:
    """One indicator of the scorecard (and of its theme), as strings."""
    figure = front.figure[name]
    unit = figure.unit
    target_text = _target(name, front)
    description = trend_description(figure.label, figure.history, unit, target_text, figure.status)
    return {
        "name": name,
        "label": figure.label,
        "value": _value(figure.value, unit),
        "target": target_text,
        "status": figure.status or "na",
        "status_words": STATUS_WORDS[figure.status],
        "change": _change(figure.change, unit, figure.change_direction),
        "trajectory": trajectory_text(
            front.trajectories[name], unit, front.policy.targets[name].better
        ),
        "alt": description,
        "spark_alt": f"The last 24 months: {description}",
    }


def scorecard(front: PackFront) -> list[dict]:
    """The scorecard, row by row, as the PDF prints it (and the Board pack page shows it)."""
    return [_indicator(front, name) for name in PACK_INDICATORS]


def view_model(pack: BoardPack) -> dict:
    """Everything the template shows, as strings."""
    figures = pack.figure

    units_kind = pack.units[0].unit.kind if pack.units else ""
    themes = []
    for theme in pack.themes:
        names = [figure.name for figure in theme.figures]
        key = THEME_KEY_INDICATOR[theme.key]
        themes.append(
            {
                "key": theme.key,
                "title": theme.title,
                "indicators": [_indicator(pack, name) for name in names],
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

        def published(item: Published) -> str:
            if item.value is not None:
                return f"{item.value:.1f}"  # as DfE publishes them: 16.0, never 16
            return item.status or "–"

        national = {
            "authority": found.la_name,
            "region": found.region_name or "region",
            "year": str(found.year),
            "source": "made up by the demo in the shape of the Department for Education's "
            "published figures (no real authority is among them)"
            if pack.national.made_up
            else "as published by the Department for Education",
            "rows": [
                {
                    "label": BENCHMARK_INDICATORS[name].label,
                    "ours": published(item.la),
                    "england": published(item.england),
                    "region": published(item.region),
                    "neighbours": f"{item.neighbours_median:.1f}"
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
        # Names are shown as stored: the whole organisation is ours to word, a place is not.
        "scope_phrase": "the whole organisation"
        if pack.scope.is_whole_organisation
        else pack.scope_label,
        "scorecard": scorecard(pack),
        "summary_commentary": _commentary(pack, "summary"),
        "themes": themes,
        "supervision": {
            "eligible": str(counts.eligible),
            "in_date": str(counts.in_date),
            "due": str(counts.due_soon),
            "due_words": SupervisionStatus.DUE_SOON.value,
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
            "standards": [
                {"asks": asks, **_indicator(pack, name)} for asks, name in SUPERVISION_STANDARDS
            ],
        },
        "agency": agency_view(pack),
        # A pack for part of the organisation has no national section (published figures are
        # for the whole authority); the whole organisation's says why it has no comparison.
        "national_section": pack.scope.is_whole_organisation,
        "national": national,
        "national_missing": pack.national_missing,
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
            {
                "label": METRICS[name].label,
                "summary": METRICS[name].summary,
                "exact": PLAIN_DEFINITIONS[name],
            }
            for name in PACK_INDICATORS
        ],
        "trajectory_rule": TRAJECTORY_RULE,
        "axis_rule": AXIS_RULE,
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
    as_at: date,
    scope: Scope,
    *,
    session: Session,
    produced_by: str,
    produced_at: datetime | None = None,
) -> bytes:
    """The board pack for `scope` (organisation, area or hub) at the month end of `as_at`, with
    the organisation's targets; raises `NoPack` for an unknown scope or a date with no data."""
    pack = assemble_board_pack(
        as_at,
        scope,
        organisation_policy(session=session),
        produced_by=produced_by,
        produced_at=produced_at or datetime.now(UTC),
        session=session,
    )
    return render_pdf(pack)
