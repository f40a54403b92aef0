"""The pages' charts, each built once per distinct data and kept as a finished Vega-Lite spec.

Building an Altair chart and turning it into Vega-Lite costs 15-45 ms a chart (Altair copies
and validates its schema objects), which on a page of eight charts was most of a warm run.
Every builder here is wrapped by `cached_chart`: the spec is built the first time a given frame
and set of options is drawn and then served from Streamlit's cache, shared by every visitor
with the same data (the data is part of the key, so nobody is served a chart of data they were
not given). `ui.charts.chart_block` draws the spec.

The trend lines and target rules themselves are in data_access/reports/charts.py, shared with
the board pack so that a chart means the same on the screen and on paper.
"""

from __future__ import annotations

import copy
import functools
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from data_access.indicators.policy import TargetStatus
from data_access.reports import charts as shared
from ui import format as fmt

#: A finished Vega-Lite specification, data included.
Spec = dict[str, Any]

_BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {}


#: Whether each spec is checked against Vega-Lite's schema as it is built. The tests check
#: every chart the pages draw (tests/conftest.py turns this on); the server does not, since the
#: check was a third of a cold page's time at national size (0.2-0.4 s for a page of charts).
VALIDATE = False


@st.cache_data(show_spinner=False, max_entries=2000, ttl=3600)
def _spec(builder: str, *args: Any, **options: Any) -> Spec:
    return _BUILDERS[builder](*args, **options).to_dict(validate=VALIDATE)


#: Templates depend on the code and the options alone, never on data: kept for the server's
#: life (an import, which empties the data caches, leaves them).
@st.cache_resource(show_spinner=False, max_entries=500)
def _template(builder: str, columns: tuple[tuple[str, str], ...], **options: Any) -> Spec:
    """`builder`'s spec for an empty frame of `columns` (name, dtype) and `options` (shared:
    never changed; `_with_data` copies it)."""
    empty = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns})
    return _BUILDERS[builder](empty, **options).to_dict(validate=VALIDATE)


def _with_data(builder: str, frame: pd.DataFrame, options: dict[str, Any]) -> Spec:
    """The spec of a builder whose frame is only drawn (nothing else in the chart depends on
    it): its template with the frame's rows in place of the empty dataset. Building an Altair
    chart costs 20-40 ms; this, about a millisecond, once the template is built (the first
    time the server draws the chart with those options)."""
    columns = tuple((str(name), str(dtype)) for name, dtype in frame.dtypes.items())
    template = _template(builder, columns, **options)
    datasets = template["datasets"]
    empty = [name for name, rows in datasets.items() if rows == []]
    if len(empty) != 1:  # the frame's rows cannot be told apart: build it whole
        return _spec(builder, frame, **options)
    transform = alt.data_transformers.get()
    assert transform is not None  # Altair's default transformer is always registered
    rows = transform(frame)["values"]
    spec = copy.deepcopy({key: value for key, value in template.items() if key != "datasets"})
    spec["datasets"] = {**copy.deepcopy(datasets), empty[0]: rows}
    return spec


def cached_chart(
    builder: Callable[..., alt.TopLevelMixin] | None = None, *, data_only: bool = False
) -> Any:
    """`builder` returning its chart as a cached Vega-Lite spec (a dict). With `data_only`,
    the builder's first argument (a frame) must change nothing but the rows drawn (no scale,
    label or size computed from it): its spec is then built once per set of options and the
    rows put in it (`_with_data`)."""

    def wrap(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., Spec]:
        name = builder.__qualname__
        _BUILDERS[name] = builder

        @functools.wraps(builder)
        def spec(*args: Any, **options: Any) -> Spec:
            if data_only and len(args) == 1 and not args[0].empty:
                return _with_data(name, args[0], options)
            return _spec(name, *args, **options)

        return spec

    return wrap(builder) if builder is not None else wrap


def _month_axis(label_format: str = "%b %Y", angle: int = -40) -> alt.Axis:
    return alt.Axis(format=label_format, labelAngle=angle)


#: An axis of people or cases: whole numbers only (a team of three would otherwise get ticks
#: at 0.5, 1.5 and 2.5 people).
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)


#: A trend's frame changes only the lines drawn (its axis is fixed, or given as `y_domain`).
_trend = cached_chart(shared.trend_chart, data_only=True)


def trend(frame: pd.DataFrame, **options: Any) -> Spec:
    """`shared.trend_chart` of `frame`: a percentage axis from 0 keeps its usual top (`y_max`)
    unless a value or a dashed line is above it (`shared.percent_axis_top`), so that none runs off;
    the top is an option, so the chart is still built once per top and filled with rows. So is
    which of the dashed lines' labels go below their line, clear of the data
    (`shared.labels_below`)."""
    if options.get("percent", True) and options.get("y_domain") is None and "value" in frame:
        drawn = [*frame["value"], *(value for value, _ in options.get("rules", ()))]
        options["y_max"] = shared.percent_axis_top(drawn, options.get("y_max", 100))
    if options.get("rules") and not options.get("labels_outside"):
        axis = {name: options[name] for name in ("percent", "y_max", "y_domain") if name in options}
        span = shared.trend_span(**axis)
        options["labels_below_at"] = shared.labels_below(frame, options["rules"], span)
    return _trend(frame, **options)


@cached_chart
def movements(long: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Starters above the zero line and leavers below it, per month, by contract (`month`,
    `employment_type`, `movement`, `value`, `signed`); the line and the two sides are
    labelled, so that nobody reads a leaver as a starter."""
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=None, axis=_month_axis()),
            y=alt.Y(
                "sum(signed):Q",
                title="Workers: starters ▲ · leavers ▼",
                # Leavers are drawn below the line, but two leavers are 2, not -2.
                axis=alt.Axis(format="d", tickMinStep=1, labelExpr="abs(datum.value)"),
            ),
            color=alt.Color("employment_type:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("employment_type:N", title="Contract"),
                alt.Tooltip("movement:N", title="Movement"),
                alt.Tooltip("value:Q", title="Workers"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#1A1A1A").encode(y="y:Q")
    top = long.loc[long["signed"] > 0].groupby("month")["signed"].sum().max()
    bottom = long.loc[long["signed"] < 0].groupby("month")["signed"].sum().min()

    def side(text: str, at: float, baseline: Literal["top", "bottom"]) -> alt.Chart:
        """A word at the left edge, above the tallest starters' bar or below the deepest
        leavers' one."""
        return (
            alt.Chart(pd.DataFrame({"y": [at], "text": [text]}))
            .mark_text(align="left", baseline=baseline, dx=4, fontWeight="bold", color="#1A1A1A")
            .encode(x=alt.value(0), y="y:Q", text="text:N")
        )

    starters = side("Starters ▲", top if pd.notna(top) else 1, "bottom")
    leavers = side("Leavers ▼", bottom if pd.notna(bottom) else -1, "top")
    return alt.layer(bars, zero, starters, leavers).properties(height=260)


@cached_chart
def leaving_reasons(reasons: pd.DataFrame) -> alt.Chart:
    """Leavers by reason, the most common first."""
    return (
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            x=alt.X("Leavers:Q", axis=COUNT_AXIS),
            y=alt.Y("Leaving reason:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
            tooltip=["Leaving reason", "Leavers", alt.Tooltip("FTE:Q", format=".1f")],
        )
        .properties(height=max(120, 28 * len(reasons)))
    )


@cached_chart
def service_bands(bands: pd.DataFrame, band_order: Sequence[str]) -> alt.Chart:
    """Workers in post by length-of-service band (in `band_order`) and contract."""
    return (
        alt.Chart(bands)
        .mark_bar()
        .encode(
            x=alt.X("sum(Workers):Q", title="Workers in post", axis=COUNT_AXIS),
            y=alt.Y("Length of service:N", sort=list(band_order), title=None),
            color=alt.Color("Contract:N", legend=alt.Legend(orient="bottom")),
            tooltip=["Length of service", "Contract", "Workers"],
        )
        .properties(height=200)
    )


#: Below this width (pixels) a team-by-month chart is on a phone: shorter labels.
NARROW = 600

#: Status against target: Okabe-Ito blue, orange and vermillion, told apart with red-green
#: colour blindness, and written in every cell as a symbol too (white text on blue, black on
#: the others: each at least 4.5:1).
STATUS_COLOURS = {
    TargetStatus.MET: "#0072B2",
    TargetStatus.CLOSE: "#E69F00",
    TargetStatus.MISSED: "#D55E00",
}


@cached_chart
def coverage_heat(heat: pd.DataFrame, legend: dict[str, str]) -> alt.LayerChart | alt.FacetChart:
    """Supervision coverage per team (rows) and month end (columns), weakest teams at the
    bottom, each cell coloured by its status against the target and labelled with its value
    (`Team`, `month`, `value`, `eligible`, `status`); `legend` names each status's band
    ("met: 90% or more")."""
    statuses = list(STATUS_COLOURS)
    frame = heat.assign(
        label=[
            f"{value:.1f}{fmt.STATUS_SYMBOL[status]}"
            for value, status in zip(heat["value"], heat["status"], strict=True)
        ],
        symbol=heat["status"].map(fmt.STATUS_SYMBOL),
        band=heat["status"].map(legend),
    )
    base = alt.Chart(frame).encode(
        x=alt.X(
            "yearmonth(month):O",
            title=None,
            axis=alt.Axis(format="%b %y", labelAngle=alt.ExprRef(f"width < {NARROW} ? -90 : 0")),
        ),
        y=alt.Y(
            "Team:N",
            title=None,
            sort=alt.EncodingSortField("value", op="mean", order="descending"),
            axis=alt.Axis(
                labelLimit=alt.ExprRef(f"width < {NARROW} ? 120 : 260"), labelOverlap=False
            ),
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "band:N",
            title="Against the target",
            scale=alt.Scale(
                domain=[legend[status] for status in statuses],
                range=[STATUS_COLOURS[status] for status in statuses],
            ),
            # One band a line: three side by side do not fit a phone.
            legend=alt.Legend(orient="bottom", labelLimit=0, columns=1),
        ),
        tooltip=[
            "Team",
            alt.Tooltip("month:T", title="Month", format="%B %Y"),
            alt.Tooltip("value:Q", title="% in date", format=".1f"),
            alt.Tooltip("band:N", title="Against the target"),
            alt.Tooltip("eligible:Q", title="Eligible workers"),
        ],
    )
    # On a narrow screen a cell is too small for "87.5~": it keeps the symbol (the status is
    # never colour alone) and the value is in the tooltip and the Table tab.
    text = base.mark_text(
        fontSize=10, text=alt.ExprRef(f"width < {NARROW} ? datum.symbol : datum.label")
    ).encode(
        color=alt.condition(alt.datum.status == "met", alt.value("#FFFFFF"), alt.value("#000000")),
    )
    return (cells + text).properties(height=max(160, 24 * heat["Team"].nunique()))


#: Audit grades coloured by what they mean: blues for the good grades (darker the better),
#: orange and vermillion for the two that need action (Okabe-Ito, told apart with red-green
#: colour blindness), in the order of `AUDIT_GRADES`.
GRADE_COLOURS = ("#0072B2", "#56B4E9", "#E69F00", "#D55E00")


@cached_chart
def audit_grades(
    grades: pd.DataFrame, grade_order: Sequence[str]
) -> alt.LayerChart | alt.FacetChart:
    """Each quarter's audits as shares by grade, stacked in `grade_order` (best first), with
    the number of audits above each bar: a 100% bar from two audits is not one from forty."""
    x = alt.X("yearmonth(quarter):O", title="Quarter ending", axis=_month_axis(angle=0))
    bars = (
        alt.Chart(grades)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "Audits:Q", stack="normalize", title="Share of audits", axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "Grade:N",
                sort=list(grade_order),
                scale=alt.Scale(domain=list(grade_order), range=list(GRADE_COLOURS)),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
            ),
            order=alt.Order("grade_rank:Q"),
            tooltip=[
                alt.Tooltip("quarter:T", title="Quarter ending", format="%B %Y"),
                "Grade",
                "Audits",
            ],
        )
        .transform_calculate(
            grade_rank=" + ".join(
                f"(datum.Grade == '{grade}') * {rank}" for rank, grade in enumerate(grade_order)
            )
        )
    )
    totals = (
        alt.Chart(grades)
        .transform_aggregate(audits="sum(Audits)", groupby=["quarter"])
        .transform_calculate(label="datum.audits + (datum.audits == 1 ? ' audit' : ' audits')")
        .mark_text(baseline="bottom", dy=-3, color="#1A1A1A")
        .encode(x=x, y=alt.datum(1), text="label:N")
    )
    return alt.layer(bars, totals).properties(height=260)


@cached_chart
def caseload_distribution(
    distribution: pd.DataFrame, threshold: float
) -> alt.LayerChart | alt.FacetChart:
    """Case holders by number of open cases, with the threshold as a dashed line."""
    bars = (
        alt.Chart(distribution)
        .mark_bar()
        .encode(
            x=alt.X("Open cases:Q", title="Open cases", axis=alt.Axis(format="d")),
            y=alt.Y("Case holders:Q", axis=COUNT_AXIS),
            tooltip=["Open cases", "Case holders", "Over their limit"],
        )
    )
    return (
        bars + shared.rule(threshold, f"threshold {threshold:g}", axis="x", title="Open cases")
    ).properties(height=260)


@cached_chart
def over_threshold_by_team(teams: pd.DataFrame) -> alt.Chart:
    """Each team's share of case holders over their limit, the highest first."""
    return (
        alt.Chart(teams)
        .mark_bar()
        .encode(
            x=alt.X("% over threshold:Q", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("Team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["Team", "Case holders", "Average caseload", "% over threshold"],
        )
        .properties(height=max(120, 20 * len(teams)))
    )


@cached_chart
def asye_caseloads(
    asye: pd.DataFrame, team_order: Sequence[str]
) -> alt.LayerChart | alt.FacetChart:
    """One dot per ASYE worker (open cases, by team, teams in `team_order`) against their
    protected limit, which follows the team type: one labelled line when every team shown has
    the same limit, otherwise a dark bar on each team's row at its own limit."""
    points = (
        alt.Chart(asye)
        .mark_circle(size=80, opacity=0.8)
        .encode(
            x=alt.X("Open cases:Q", scale=alt.Scale(zero=True), axis=COUNT_AXIS),
            y=alt.Y("Team:N", title=None, sort=list(team_order), axis=alt.Axis(labelLimit=260)),
            tooltip=["Team", "Month of ASYE", "Open cases", "Protected limit"],
        )
    )
    limits = asye["Protected limit"].unique()
    if len(limits) == 1:
        limit = float(limits[0])
        marks = shared.rule(limit, f"protected limit {limit:g}", axis="x", title="Open cases")
    else:
        marks = (
            alt.Chart(asye.groupby("Team", as_index=False)["Protected limit"].max())
            .mark_tick(color="#333333", thickness=3, size=18)
            .encode(
                x=alt.X("Protected limit:Q", title="Open cases"),
                y=alt.Y("Team:N", sort=list(team_order)),
                tooltip=["Team", "Protected limit"],
            )
        )
    return (points + marks).properties(height=max(140, 22 * asye["Team"].nunique()))


@cached_chart
def session_timeline(sessions: pd.DataFrame, since: date, as_at: date) -> alt.Chart:
    """One worker's held and cancelled sessions between `since` and `as_at`, shaped by whether
    they were reflective (`date`, `Status`, `Reflective`, `childs_views`, `Minutes`,
    `Supervisor`; a Vega field name cannot hold an apostrophe)."""
    return (
        alt.Chart(sessions)
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                scale=alt.Scale(domain=[since.isoformat(), as_at.isoformat()]),
                axis=alt.Axis(format="%b %Y"),
            ),
            y=alt.Y("Status:N", title=None, sort=["held", "cancelled"]),
            shape=alt.Shape("Reflective:N", legend=alt.Legend(title="Reflective")),
            color=alt.Color("Status:N", legend=None),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%d/%m/%Y"),
                "Status",
                "Reflective",
                alt.Tooltip("childs_views:N", title="Child's views"),
                "Minutes",
                "Supervisor",
            ],
        )
        .properties(height=140)
    )


@cached_chart
def benchmark_trend(
    points: pd.DataFrame, *, unit: str, label: str, series_order: Sequence[str]
) -> alt.Chart:
    """A published indicator by year, one line per series (ours, England, region,
    neighbours) in `series_order`."""
    return (
        alt.Chart(points)
        .mark_line(point=alt.OverlayMarkDef(size=40))
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "series:N",
                title=None,
                sort=list(series_order),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None, sort=list(series_order)),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("series:N", title="Line"),
                alt.Tooltip("value:Q", title=label, format=".1f"),
            ],
        )
    )


@cached_chart
def benchmark_ranking(
    ranked: pd.DataFrame,
    *,
    unit: str,
    label: str,
    england: float | None,
    colours: tuple[str, str],
) -> alt.LayerChart | alt.FacetChart:
    """Every authority's bar, lowest to highest, ours coloured and named (`Rank`, `Authority`,
    `Region`, `value`, `who`), with England as a dashed line. `colours`: ours, the others."""
    order = list(ranked["Authority"])
    bars = (
        alt.Chart(ranked)
        .mark_bar()
        .encode(
            x=alt.X("Authority:N", sort=order, axis=None, title="Authorities, lowest to highest"),
            y=alt.Y("value:Q", title=unit),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(domain=["Ours", "Other authorities"], range=list(colours)),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("Rank:Q"),
                alt.Tooltip("Authority:N"),
                alt.Tooltip("Region:N"),
                alt.Tooltip("value:Q", title=label, format=".1f"),
            ],
        )
    )
    ours = (
        alt.Chart(ranked[ranked["who"] == "Ours"])
        .mark_text(dy=-10, fontWeight="bold", color="#222222")
        .encode(x=alt.X("Authority:N", sort=order), y="value:Q", text=alt.Text("Authority:N"))
    )
    layers = [bars, ours]
    if england is not None:
        layers.append(shared.rule(england, f"England {england:.1f}", title=unit))
    return alt.layer(*layers)


#: How the survey chart names whose figure a point is.
SURVEY_BASIS = {"scope": "this part of the organisation", "organisation": "the whole organisation"}


@cached_chart
def survey_trend(points: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """The share agreeing with each survey question (`survey_date`, `question`, `share`,
    `responses`, and `basis`: "scope", or "organisation" where the scope has no team results
    and the whole organisation's figure stands in), one line per question; a share not shown
    (too few responses) leaves a gap. Each point is shaped by whose figure it is, so a line
    that mixes the two says so. A long question wraps onto several legend lines."""
    frame = points.assign(
        label=points["question"].map(lambda text: "\n".join(textwrap.wrap(text, 60))),
        whose=points.get("basis", pd.Series("scope", index=points.index)).map(SURVEY_BASIS),
    )
    x = alt.X("survey_date:T", title="Survey", axis=alt.Axis(format="%b %Y", tickCount="year"))
    y = alt.Y("share:Q", title="% agreeing", scale=alt.Scale(domain=[0, 100]))
    colour = alt.Color(
        "label:N",
        title=None,
        legend=alt.Legend(
            orient="bottom", columns=1, labelLimit=0, labelExpr="split(datum.label, '\\n')"
        ),
    )
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(x=x, y=y, color=colour, strokeDash=alt.StrokeDash("label:N", legend=None))
    )
    dots = (
        alt.Chart(frame)
        .mark_point(size=60, filled=True)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape(
                "whose:N",
                title="Figures for",
                scale=alt.Scale(domain=list(SURVEY_BASIS.values()), range=["circle", "triangle"]),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("survey_date:T", title="Survey", format="%B %Y"),
                alt.Tooltip("question:N", title="Question"),
                alt.Tooltip("share:Q", title="% agreeing", format=".1f"),
                alt.Tooltip("responses:Q", title="Responses"),
                alt.Tooltip("whose:N", title="Figures for"),
            ],
        )
    )
    return alt.layer(lines, dots)


#: Headline tiles' lines kept, one per distinct line and target: about 1 KB each.
TILE_SPARKLINES_KEPT = 4096
#: A tile's line: its drawing's width (stretched to the tile's), height and margin, in pixels.
TILE_SPARKLINE_WIDTH, TILE_SPARKLINE_HEIGHT, TILE_SPARKLINE_MARGIN = 300, 46, 3


@functools.lru_cache(maxsize=TILE_SPARKLINES_KEPT)
def tile_sparkline(history: tuple[tuple[date, float | None], ...], target: float | None) -> str:
    """A headline tile's line (`history`: month end, value) with its target dashed across it:
    `shared.sparkline_svg`, `TILE_SPARKLINE_WIDTH` by `TILE_SPARKLINE_HEIGHT`, shown as wide
    as the tile (`st.image`, with its words for a screen reader as the image's alt text) with
    strokes that keep their width."""
    return shared.sparkline_svg(
        history,
        target,
        width=TILE_SPARKLINE_WIDTH,
        height=TILE_SPARKLINE_HEIGHT,
        margin=TILE_SPARKLINE_MARGIN,
        fixed_strokes=True,
    )


def arrow_datasets(spec: Spec) -> Spec:
    """`spec` with each dataset's rows as Arrow IPC bytes, the form Streamlit sends them in.

    Given rows, Streamlit makes a pandas frame of them and converts it on every draw (2-3 ms a
    chart); given bytes, it sends them as they are. pyarrow reads the rows directly and types
    them as Streamlit's conversion did (numbers stay numbers, a missing value stays null, a
    date stays a date). A dataset pyarrow cannot type (text and numbers in one column) is left
    as rows."""
    converted: dict[str, Any] = {}
    for name, rows in spec.get("datasets", {}).items():
        try:
            table = pa.Table.from_pylist(rows)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            converted[name] = rows
            continue
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        converted[name] = sink.getvalue().to_pybytes()
    return {**spec, "datasets": converted} if converted else spec


#: An axis of pounds: £0, £250k, £1.2m.
POUNDS_AXIS = alt.Axis(
    labelExpr="datum.value >= 1000000 ? '£' + format(datum.value / 1000000, '.1f') + 'm' : "
    "datum.value == 0 ? '£0' : '£' + format(datum.value / 1000, ',') + 'k'"
)


@cached_chart
def agency_cost(
    costs: pd.DataFrame, budget: float | None
) -> alt.LayerChart | alt.FacetChart | alt.Chart:
    """Each month's agency cost (`month`, `part`, `cost` in pounds), the project teams' part
    stacked on the rest, with the monthly budget dashed across when there is one."""
    bars = (
        alt.Chart(costs)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", axis=_month_axis(), title=None),
            y=alt.Y("sum(cost):Q", title="Cost", axis=POUNDS_AXIS),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(range=["#1d70b8", "#f47738"]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("part:N", sort="descending"),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("part:N", title="Assignments"),
                alt.Tooltip("cost:Q", title="Cost (£)", format=",.0f"),
            ],
        )
    )
    if budget is None:
        return bars.properties(height=260)
    return alt.layer(bars, shared.rule(budget, f"budget £{budget:,.0f}", title="Cost")).properties(
        height=260
    )


#: The colours of the rules' outcomes: compliant blue, not compliant red, the two kinds of
#: missing evidence in greys (each also named in the legend and tooltip).
OUTCOME_COLOURS = {
    "Compliant": "#1d70b8",
    "Not compliant": "#d4351c",
    "Not recorded": "#b1b4b6",
    "No cap set": "#6f777b",
}


@cached_chart
def rule_outcomes(outcomes: pd.DataFrame, rule_order: Sequence[str]) -> alt.Chart:
    """The active assignments by rule (in `rule_order`) and outcome (`Rule`, `Outcome`,
    `Assignments`), one stacked bar per rule."""
    return (
        alt.Chart(outcomes)
        .mark_bar()
        .encode(
            x=alt.X("Assignments:Q", stack="zero", axis=COUNT_AXIS),
            y=alt.Y("Rule:N", sort=list(rule_order), title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "Outcome:N",
                scale=alt.Scale(domain=list(OUTCOME_COLOURS), range=list(OUTCOME_COLOURS.values())),
                # Two to a row: four in one row ran off a phone's screen.
                legend=alt.Legend(orient="bottom", title=None, columns=2, labelLimit=0),
            ),
            order=alt.Order("order:Q"),
            tooltip=["Rule", "Outcome", "Assignments"],
        )
        .properties(height=40 * len(rule_order) + 40)
    )


@cached_chart
def counts_by(counts: pd.DataFrame, category: str, value: str) -> alt.Chart:
    """One bar per `category`, as long as its `value` (a count), the largest first."""
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", axis=COUNT_AXIS),
            y=alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=[category, value],
        )
        .properties(height=max(120, 28 * len(counts)))
    )
