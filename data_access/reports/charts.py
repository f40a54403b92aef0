"""Chart specifications (Altair), shared by the dashboard's pages (ui/charts.py draws them in
Streamlit) and the board pack (exported to SVG with vl-convert), so that a chart looks and
means the same on the screen and on paper.

Lines that mark a target or reference are dashed and labelled, so they never depend on colour
alone. A trend's value axis is either fixed (0-100 for shares, 0-50 for rates: the pages'
default, so that charts of the same kind compare side by side) or chosen by `value_axis`, the
one written rule the board pack uses and any page may pass to `trend_chart` as `y_domain`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import altair as alt
import pandas as pd


def month_axis(months_between_labels: int = 1) -> alt.Axis:
    """A trend's month axis: "Nov 2024", slanted, a tick every `months_between_labels` months."""
    every: Any = (
        "month"
        if months_between_labels == 1
        else {"interval": "month", "step": months_between_labels}
    )
    return alt.Axis(format="%b %Y", labelAngle=-40, title=None, tickCount=every)


#: `value_axis`: the whole steps an axis is rounded out to, and the least height it has, by the
#: metric's unit (percentage points, cases); any other unit gets steps of 1 and no least height.
AXIS_STEP = {"%": 5.0, "cases": 1.0}
AXIS_MIN_SPAN = {"%": 10.0, "cases": 4.0}


def value_axis(
    values: Iterable[float | None], references: Iterable[float] = (), unit: str = "%"
) -> tuple[float, float]:
    """A trend's value axis covers every value and every dashed line (target or baseline) on
    the chart; starts at 0 whenever that at most doubles its height; is at least 10 percentage
    points (or 4 cases) high, widened evenly about the middle, so that a change of a point or
    two does not look like a cliff; and is rounded out to whole steps of 5 points (or 1 case).
    A percentage axis stays within 0 to 100, and no axis goes below 0."""
    points = [
        float(value)
        for value in (*values, *references)
        if value is not None and not (isinstance(value, float) and math.isnan(value))
    ]
    step = AXIS_STEP.get(unit, 1.0)
    least = AXIS_MIN_SPAN.get(unit, 0.0)
    top_limit = 100.0 if unit == "%" else math.inf
    if not points:
        return (0.0, top_limit if unit == "%" else step)
    low, high = min(points), max(points)
    if low <= high - low:  # starting at 0 at most doubles the height
        low = 0.0
    if high - low < least:  # widen about the middle to the least height
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    # Keep the height inside 0 (no figure here is negative) and, for percentages, 100.
    if high > top_limit:
        low, high = low - (high - top_limit), top_limit
    if low < 0:
        low, high = 0.0, high - low
    # Round out to whole steps (rounding first, so that 90.00000001 stays 90).
    low = math.floor(round(low / step, 6)) * step
    high = math.ceil(round(high / step, 6)) * step
    return (max(low, 0.0), min(high, top_limit))


#: A fixed percentage axis grows in these steps when a value would run off its top.
PERCENT_AXIS_STEP = 50.0


def percent_axis_top(values: Iterable[float | None], preferred: float = 100) -> float:
    """The top of a trend's fixed percentage axis from 0: `preferred` (50 for rates such as
    agency and turnover, 100 for shares, so that charts of a kind compare side by side) unless
    a value is above it; then the next step of 50 above the highest, so that no line runs off
    the top of the chart (a small team's turnover or share over its caseload limit can)."""
    high = max(
        (float(v) for v in values if v is not None and not math.isnan(float(v))), default=0.0
    )
    if high <= preferred:
        return preferred
    return math.ceil(high / PERCENT_AXIS_STEP) * PERCENT_AXIS_STEP


def rule(
    value: float,
    label: str,
    axis: str = "y",
    *,
    title: str | None = None,
    label_below: bool = False,
    label_outside: bool = False,
) -> alt.LayerChart:
    """A dashed, labelled line at `value` (a target or reference). By default the label sits
    inside the plot so that it is never cut off at the edge: above a horizontal line (below it
    when `label_below`, for a line at the top of the axis), and to the left of a vertical line,
    at the top. With `label_outside`, a horizontal line's label sits just right of the plot,
    level with the line, where no data line can run through it (the board pack's small
    charts). `title` is the axis title of the chart it is drawn on (without it, a layered axis
    would be titled after the rule's own field too: "Open cases, value").

    The value and the label are written into the marks (a datum and a text), on one row of
    their own, rather than as a data frame: a frame cost Altair some 35 ms a chart to convert
    and merge into the chart's layers, most of the board pack's time for its small charts."""
    # One empty row of its own: without it the marks would take the chart's data and be drawn
    # once per row of it.
    base = alt.Chart(alt.InlineData(values=[{}]))
    colour = "#333333"
    # A screen reader is told the line by its label (a mark with no field to describe it
    # would be an image without a name); the label's text is not read a second time.
    said = alt.value(label)
    if axis == "y":
        position: Any = alt.Y(datum=value, type="quantitative", title=title)
        line = base.mark_rule(strokeDash=[6, 4], color=colour).encode(y=position, description=said)
        if label_outside:
            text = base.mark_text(
                align="left", baseline="middle", dx=4, color=colour, text=label, aria=False
            ).encode(y=position, x=alt.value("width"))
        else:
            text = base.mark_text(
                align="left",
                baseline="top" if label_below else "bottom",
                dx=4,
                dy=3 if label_below else -3,
                color=colour,
                text=label,
                aria=False,
            ).encode(y=position, x=alt.value(0))
    else:
        position = alt.X(datum=value, type="quantitative", title=title)
        line = base.mark_rule(strokeDash=[6, 4], color=colour).encode(x=position, description=said)
        text = base.mark_text(
            align="right", baseline="top", dx=-4, dy=2, color=colour, text=label, aria=False
        ).encode(x=position, y=alt.value(0))
    return line + text


def trend_span(
    percent: bool = True, y_max: float = 100, y_domain: tuple[float, float] | None = None
) -> tuple[float, float] | None:
    """A trend's fixed value axis (bottom, top): `y_domain` when given, 0 to `y_max` for a
    percentage; None when the axis follows the data (from zero)."""
    if y_domain is not None:
        return y_domain
    return (0, y_max) if percent else None


#: How far a line's label reaches into a trend's plot from its left edge: about 6 pixels a
#: character (the label's font) on a plot about 350 pixels wide (a half-width chart on a
#: laptop, or a phone's screen).
LABEL_PIXELS_PER_CHARACTER = 6
PLOT_PIXELS = 350
#: How tall a label is, as a share of the value axis (11-pixel text 3 pixels off its line on a
#: plot about 200 pixels tall).
LABEL_HEIGHT_SHARE = 0.08


def labels_below(
    frame: pd.DataFrame, rules: Iterable[tuple[float, str]], span: tuple[float, float] | None
) -> tuple[float, ...]:
    """The values of the target/reference lines (`rules`) whose label goes just below the
    line rather than just above it. A label is written from the left edge of the plot; it
    goes below when its line is in the top tenth of a fixed axis (`span`; no room above), or
    when more of the data (`frame`'s `month` and `value`) runs just above the line than just
    below it where the label is written (it would sit on the data line), unless the line is in
    the bottom tenth (no room below)."""
    rules = list(rules)
    values = frame["value"].dropna().astype(float) if "value" in frame else pd.Series(dtype=float)
    if span is None:  # the axis runs from zero to the highest value or line
        drawn = [0.0, *values, *(value for value, _ in rules)]
        span = (min(drawn), max(drawn))
    bottom, top = span
    height = (top - bottom) or 1.0
    # Each value's place across the plot: 0 at the left edge, 1 at the right.
    across = pd.Series(0.0, index=values.index)
    if len(values):
        months = pd.to_datetime(frame.loc[values.index, "month"])
        length = months.max() - months.min()
        if length:
            across = (months - months.min()) / length
    band = LABEL_HEIGHT_SHARE * height
    below = []
    for value, label in rules:
        if value >= bottom + 0.9 * height:
            below.append(value)
            continue
        if value <= bottom + 0.1 * height:
            continue
        reach = min(1.0, (LABEL_PIXELS_PER_CHARACTER * len(label) + 8) / PLOT_PIXELS)
        under = values[across <= reach]
        above = ((under > value) & (under <= value + band)).sum()
        beneath = ((under < value) & (under >= value - band)).sum()
        if above > beneath:
            below.append(value)
    return tuple(below)


def trend_chart(
    frame: pd.DataFrame,
    *,
    y_title: str,
    percent: bool = True,
    y_max: float = 100,
    y_domain: tuple[float, float] | None = None,
    rules: Iterable[tuple[float, str]] = (),
    labels_below_at: Iterable[float] | None = None,
    height: int = 260,
    legend: bool = True,
    labels_outside: bool = False,
    months_between_labels: int = 1,
) -> alt.LayerChart | alt.FacetChart:
    """Lines of `value` by `month`, one per `series`, with optional target/reference lines.

    Each month's point sits on its month's label (a month end is placed at its month: the
    label "Nov 2024" is November's figure, not the one a day before December). The month axis
    has a tick for every `months_between_labels` months (Vega drops labels that would overlap;
    measuring every one of 24 labels to find out was most of the time vl-convert took to draw
    a small chart of the board pack).

    The value axis is `y_domain` when given (the board pack passes `value_axis`); otherwise
    percentages use a fixed 0 to `y_max` axis (100 for shares, 50 for rates such as agency
    and turnover) so that charts of the same kind can be compared side by side (`trend_span`).
    The lines' labels sit inside the plot, above or below their line (`labels_below`, worked
    out from `frame` unless given as `labels_below_at`, the values of the lines labelled below,
    for a chart built once and filled with other rows); `labels_outside` puts them right of
    the plot instead (see `rule`).
    """
    rules = list(rules)
    span = trend_span(percent, y_max, y_domain)
    if y_domain is not None:
        scale = alt.Scale(domain=list(y_domain), nice=False, zero=False)
    elif percent:
        scale = alt.Scale(domain=[0, y_max], clamp=False)
    else:
        scale = alt.Scale(zero=True)
    below = set(labels_below(frame, rules, span) if labels_below_at is None else labels_below_at)
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("yearmonth(month):T", axis=month_axis(months_between_labels)),
            y=alt.Y("value:Q", title=y_title, scale=scale),
            color=alt.Color(
                "series:N",
                title=None,
                # labelLimit 0: a legend label is never cut short ("Turnover, last 12 mo...").
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=0) if legend else None,
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("series:N", title="Indicator"),
                alt.Tooltip("value:Q", title=y_title, format=".1f"),
            ],
        )
    )
    # The lines' marks side by side with the data's (not a layer inside a layer, which Altair
    # takes longer to merge).
    layers = [lines] + [
        mark
        for value, label in rules
        for mark in rule(
            value,
            label,
            title=y_title,
            label_below=value in below,
            label_outside=labels_outside,
        ).layer
    ]
    return alt.layer(*layers).properties(height=height)


def cost_bars(
    frame: pd.DataFrame,
    *,
    budget: float | None = None,
    budget_label: str = "budget",
    height: int = 260,
    labels_outside: bool = False,
) -> alt.LayerChart | alt.FacetChart:
    """A bar of `value` (pounds) per `month`, on an axis from £0 labelled in whole pounds, with
    the budget as a dashed, labelled line when there is one (see `rule`); the axis reaches the
    budget even when every month is far under it. Each bar is labelled under its middle, one
    month in three (January, April, July, October)."""
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#0072B2")
        .encode(
            x=alt.X(
                "yearmonth(month):O",
                axis=alt.Axis(
                    title=None,
                    labelAngle=-40,
                    # Vega counts months from 0 (January); the blank labels take no room.
                    labelExpr="month(datum.value) % 3 == 0 ? timeFormat(datum.value, '%b %Y') : ''",
                    labelOverlap=False,
                ),
            ),
            y=alt.Y(
                "value:Q",
                title=None,
                scale=alt.Scale(zero=True),
                axis=alt.Axis(labelExpr="'£' + format(datum.value, ',.0f')"),
            ),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("value:Q", title="Cost (£)", format=",.0f"),
            ],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [bars]
    if budget is not None:
        layers.append(rule(budget, budget_label, title=None, label_outside=labels_outside))
    return alt.layer(*layers).properties(height=height)


def sparkline_domain(values: Iterable[float | None], target: float | None) -> tuple[float, float]:
    """A sparkline's height without a fixed axis: from the lowest to the highest of its values
    and its target, with a tenth of that span to spare above and below (1 when they are all
    the same)."""
    points = [float(v) for v in values if v is not None and not pd.isna(v)]
    points += [target] if target is not None else []
    low, high = min(points, default=0.0), max(points, default=1.0)
    margin = (high - low) * 0.1 or 1
    return (low - margin, high + margin)


#: A sparkline's colours: the line (the charts' first colour) and its target (dashed).
SPARKLINE_COLOUR, SPARKLINE_TARGET_COLOUR = "#0072B2", "#333333"


def sparkline_svg(
    history: Iterable[tuple[date, float | None]],
    target: float | None,
    *,
    width: float,
    height: float,
    margin: float,
    y_domain: tuple[float, float] | None = None,
    fixed_strokes: bool = False,
) -> str:
    """A small line of `history` (month end, value; oldest first) with no axes, and the target
    dashed across (so a reader sees at a glance which side of it the trend runs), as an SVG
    drawing `width` by `height` with `margin` to spare each side. The months are placed by
    date; the height spans `y_domain` when given (the board pack passes its trend chart's
    `value_axis`, so that the two agree), otherwise `sparkline_domain`. A month with no value
    leaves a gap (a month alone between gaps is a dot). With `fixed_strokes` the strokes keep
    their width however large the drawing is shown (a headline tile stretches it to its own
    width); otherwise they scale with it (the board pack's, placed at a fixed size).

    Written as SVG rather than as a Vega-Lite chart: a headline tile's chart cost the browser
    some 70 ms to set up, and each of the board pack's 16 cost some 100 ms to build and
    convert (docs/performance.md)."""
    history = list(history)
    low, high = y_domain or sparkline_domain((value for _, value in history), target)
    first, last = (history[0][0], history[-1][0]) if history else (None, None)
    days = (last - first).days if first and last else 0

    def x(day: date) -> float:
        across = (day - first).days / days if first and days else 0.0
        return margin + (width - 2 * margin) * across

    def y(value: float) -> float:
        return margin + (height - 2 * margin) * (high - value) / ((high - low) or 1)

    runs: list[list[tuple[float, float]]] = [[]]
    for day, value in history:
        if value is None or pd.isna(value):
            runs.append([])
        else:
            runs[-1].append((x(day), y(value)))
    stroke = 'fill="none"' + (' vector-effect="non-scaling-stroke"' if fixed_strokes else "")
    shapes = []
    if target is not None:
        shapes.append(
            f'<line x1="0" x2="{width:g}" y1="{y(target):.2f}" y2="{y(target):.2f}" '
            f'stroke="{SPARKLINE_TARGET_COLOUR}" stroke-width="1" stroke-dasharray="4 3" '
            f"{stroke}/>"
        )
    for run in runs:
        if len(run) == 1:
            ((cx, cy),) = run
            shapes.append(f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="2" fill="{SPARKLINE_COLOUR}"/>')
        elif run:
            points = " ".join(f"{px:.2f},{py:.2f}" for px, py in run)
            shapes.append(
                f'<polyline points="{points}" stroke="{SPARKLINE_COLOUR}" stroke-width="2" '
                f'stroke-linejoin="round" {stroke}/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}">' + "".join(shapes) + "</svg>"
    )
