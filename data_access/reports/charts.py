"""Chart specifications (Altair), shared by the dashboard's pages (ui/charts.py draws them in
Streamlit) and the board pack (exported to SVG with vl-convert), so that a chart looks and
means the same on the screen and on paper.

Lines that mark a target or reference are dashed and labelled, so they never depend on colour
alone. Percentage axes are fixed (0-100 for shares, 0-50 for rates).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=-40, title=None, tickCount="month")


def rule(
    value: float,
    label: str,
    axis: str = "y",
    *,
    title: str | None = None,
    label_below: bool = False,
) -> alt.LayerChart:
    """A dashed, labelled line at `value` (a target or reference). The label sits inside the
    plot so that it is never cut off at the edge: above a horizontal line (below it when
    `label_below`, for a line at the top of the axis), and to the left of a vertical line,
    at the top. `title` is the axis title of the chart it is drawn on (without it, a layered
    axis would be titled after the rule's own field too: "Open cases, value")."""
    frame = pd.DataFrame({"value": [value], "label": [label]})
    base = alt.Chart(frame)
    if axis == "y":
        position = alt.Y("value:Q", title=title)
        line = base.mark_rule(strokeDash=[6, 4], color="#333333").encode(y=position)
        text = base.mark_text(
            align="left",
            baseline="top" if label_below else "bottom",
            dx=4,
            dy=3 if label_below else -3,
            color="#333333",
        ).encode(y=position, text="label:N", x=alt.value(0))
    else:
        position = alt.X("value:Q", title=title)
        line = base.mark_rule(strokeDash=[6, 4], color="#333333").encode(x=position)
        text = base.mark_text(align="right", baseline="top", dx=-4, dy=2, color="#333333").encode(
            x=position, text="label:N", y=alt.value(0)
        )
    return line + text


def trend_chart(
    frame: pd.DataFrame,
    *,
    y_title: str,
    percent: bool = True,
    y_max: float = 100,
    rules: list[tuple[float, str]] = (),
    height: int = 260,
    legend: bool = True,
) -> alt.LayerChart:
    """Lines of `value` by `month`, one per `series`, with optional target/reference lines.

    Percentages use a fixed 0 to `y_max` axis (100 for shares, 50 for rates such as agency
    and turnover) so that charts of the same kind can be compared side by side.
    """
    scale = alt.Scale(domain=[0, y_max], clamp=False) if percent else alt.Scale(zero=True)
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("month:T", axis=MONTH_AXIS),
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
    layers = [lines] + [
        rule(value, label, title=y_title, label_below=percent and value >= 0.9 * y_max)
        for value, label in rules
    ]
    return alt.layer(*layers).properties(height=height)


def sparkline(
    frame: pd.DataFrame, target: float | None, *, width: int | str = 150, height: int = 28
) -> alt.LayerChart:
    """A small line of `value` by `month` with no axes, and the target as a dashed line (so a
    reader sees at a glance which side of it the trend runs)."""
    values = [v for v in frame["value"] if v is not None and not pd.isna(v)]
    low = min([*values, *([target] if target is not None else [])], default=0)
    high = max([*values, *([target] if target is not None else [])], default=1)
    margin = (high - low) * 0.1 or 1
    scale = alt.Scale(domain=[low - margin, high + margin])
    line = (
        alt.Chart(frame)
        .mark_line(color="#0072B2", strokeWidth=2)
        .encode(x=alt.X("month:T", axis=None), y=alt.Y("value:Q", axis=None, scale=scale))
    )
    layers = [line]
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"value": [target]}))
            .mark_rule(strokeDash=[4, 3], color="#333333")
            .encode(y=alt.Y("value:Q", scale=scale))
        )
    return (
        alt.layer(*layers)
        .properties(width=width, height=height)
        .configure_view(stroke=None)
        .configure(padding=2)
    )
