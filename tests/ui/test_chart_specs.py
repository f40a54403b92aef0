"""The pages' charts are built once per distinct data and served as Vega-Lite specs."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
import pytest
from support.charts import dashed_lines, layers_of

from ui import chart_specs

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def counted_builds(monkeypatch, fresh_caches):
    """Count how often the shared trend chart is really built."""
    builds = []
    original = chart_specs._BUILDERS["trend_chart"]

    def counting(*args, **options):
        builds.append(options.get("y_title"))
        return original(*args, **options)

    monkeypatch.setitem(chart_specs._BUILDERS, "trend_chart", counting)
    return builds


def months(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-08-31", "2026-09-30", "2026-10-31"]),
            "value": values,
            "series": "Agency rate (FTE)",
        }
    )


def test_a_trend_is_built_once_per_set_of_options_whatever_its_data(counted_builds):
    """A trend's frame changes only the lines drawn, so its chart is built once per set of
    options (on an empty frame) and each frame's rows put in it."""
    first = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    again = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    assert counted_builds == ["%"]
    assert again == first

    other = chart_specs.trend(months([10.0, 12.5, 99.0]), y_title="%", rules=[(15, "target 15%")])
    assert counted_builds == ["%"]
    assert other != first
    assert [row["value"] for rows in other["datasets"].values() for row in rows if row][:3] == [
        10.0,
        12.5,
        99.0,
    ]
    chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="pts", rules=[(15, "target 15%")])
    assert counted_builds == ["%", "pts"]


def test_the_spec_holds_the_data_and_the_target_line(counted_builds):
    spec = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert [row["value"] for row in rows if "series" in row] == [10.0, 12.5, 11.0]
    assert dashed_lines(spec) == [(15, "target 15%")]


def test_builders_called_with_the_same_arguments_do_not_share_a_spec(fresh_caches):
    # The cache key names the builder: equal arguments to two builders give two charts.
    frame = pd.DataFrame(
        {
            "Team": ["Alpha", "Beta"],
            "Open cases": [17, 12],
            "Case holders": [1, 1],
            "Over their limit": [1, 0],
            "Month of ASYE": [3, 9],
            "Protected limit": [16.2, 16.2],
        }
    )
    distribution = chart_specs.caseload_distribution(frame, 16.2)
    asye = chart_specs.asye_caseloads(frame, ["Alpha", "Beta"])
    assert distribution["layer"][0]["mark"]["type"] == "bar"
    assert asye["layer"][0]["mark"]["type"] == "circle"


def test_legends_are_never_cut_short(fresh_caches):
    long = "Turnover, last 12 months (FTE): a label far longer than Vega's default limit"
    spec = chart_specs.trend(
        months([10.0, 12.5, 11.0]).assign(series=long), y_title="%", rules=[(15, "target 15%")]
    )
    legend = next(
        layer["encoding"]["color"]["legend"]
        for layer in layers_of(spec)
        if "color" in layer.get("encoding", {})
    )
    assert legend["labelLimit"] == 0  # no limit
    survey = chart_specs.survey_trend(
        pd.DataFrame(
            {
                "survey_date": pd.to_datetime(["2025-06-30"]),
                "question": ["The child's views and wishes are discussed in my supervision " * 2],
                "share": [70.0],
                "responses": [40],
            }
        )
    )
    legends = [
        layer["encoding"][channel]["legend"]
        for layer in layers_of(survey)
        for channel in ("color", "shape")
        if channel in layer["encoding"] and "legend" in layer["encoding"][channel]
    ]
    assert legends and all(legend["labelLimit"] == 0 for legend in legends)
    # A long question wraps onto lines of at most 60 characters.
    label = next(iter(survey["datasets"].values()))[0]["label"]
    assert "\n" in label and max(len(line) for line in label.split("\n")) <= 60


def test_a_target_at_the_top_of_the_axis_is_labelled_inside_the_plot(fresh_caches):
    spec = chart_specs.trend(
        months([60.0, 70.0, 80.0]), y_title="%", rules=[(100, "target 100%"), (50, "target 50%")]
    )
    marks = [layer for layer in layers_of(spec) if layer["mark"]["type"] == "text"]
    baselines = sorted(layer["mark"]["baseline"] for layer in marks)
    # 100 is at the top of the 0-100 axis: its label goes below the line; 50's above.
    assert baselines == ["bottom", "top"]
    # The rules take the chart's axis title, so the axis is not titled "%, value".
    rules = [layer for layer in layers_of(spec) if layer["mark"]["type"] == "rule"]
    assert {layer["encoding"]["y"]["title"] for layer in rules} == {"%"}


def test_a_vertical_limit_is_labelled_to_its_left_and_keeps_the_axis_title(fresh_caches):
    spec = chart_specs.asye_caseloads(
        pd.DataFrame(
            {"Team": ["A"], "Month of ASYE": [3], "Open cases": [17], "Protected limit": [16.2]}
        ),
        ["A"],
    )
    label = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "text")
    assert (label["mark"]["align"], label["mark"]["dx"]) == ("right", -4)
    # The rule's own field ("value") must not join the axis title ("Open cases, value").
    rules = [layer for layer in layers_of(spec) if layer["mark"]["type"] in ("rule", "text")]
    assert {layer["encoding"]["x"]["title"] for layer in rules} == {"Open cases"}


def test_a_tile_sparkline_is_drawn_to_scale_with_its_gaps_and_target():
    history = (
        (date(2026, 8, 31), 20.0),
        (date(2026, 9, 30), 22.0),
        (date(2026, 10, 31), None),
        (date(2026, 11, 30), 16.0),
    )
    svg = ElementTree.fromstring(chart_specs.tile_sparkline(history, 15.0))
    assert (svg.get("viewBox"), svg.get("width"), svg.get("height")) == ("0 0 300 46", "300", "46")
    # Worked by hand: the values and the target run from 15 to 22, a tenth (0.7) to spare each
    # side: 14.3 to 22.7, drawn over the 40 pixels between margins of 3, top down, so a value
    # v is at 3 + 40 x (22.7 - v) / 8.4. The 91 days from 31 August to 30 November span the
    # 294 pixels between the margins: 30 September at 3 + 294 x 30 / 91 = 99.92.
    (line,) = svg.findall(f"{SVG}polyline")
    assert line.get("points") == "3.00,15.86 99.92,6.33"
    # October has no figure: November stands alone, a dot.
    (dot,) = svg.findall(f"{SVG}circle")
    assert (dot.get("cx"), dot.get("cy")) == ("297.00", "34.90")
    (target,) = svg.findall(f"{SVG}line")
    assert (target.get("y1"), target.get("y2"), target.get("stroke-dasharray")) == (
        "39.67",
        "39.67",
        "4 3",
    )


def test_a_tile_sparkline_without_a_target_has_no_dashed_line():
    history = ((date(2026, 9, 30), 5.0), (date(2026, 10, 31), 5.0))
    svg = ElementTree.fromstring(chart_specs.tile_sparkline(history, None))
    assert svg.findall(f"{SVG}line") == []
    # All the same: 5 with 1 to spare each side, so the line runs across the middle.
    assert svg.find(f"{SVG}polyline").get("points") == "3.00,23.00 297.00,23.00"


def arrow_rows(data: bytes) -> list[dict]:
    return pa.ipc.open_stream(data).read_all().to_pylist()


def test_datasets_go_as_arrow_unless_a_column_mixes_text_and_numbers():
    spec = {
        "mark": "bar",
        "datasets": {
            "counts": [{"team": "A", "cases": 3}, {"team": "B", "cases": None}],
            "mixed": [{"label": "A"}, {"label": 2}],
        },
    }
    converted = chart_specs.arrow_datasets(spec)
    assert arrow_rows(converted["datasets"]["counts"]) == spec["datasets"]["counts"]
    assert converted["datasets"]["mixed"] == [{"label": "A"}, {"label": 2}]
    assert converted["mark"] == "bar" and isinstance(spec["datasets"]["counts"], list)


def test_the_heat_map_shows_status_against_the_target_in_colour_blind_safe_colours(fresh_caches):
    heat = pd.DataFrame(
        {
            "Team": ["A", "B", "C"],
            "month": pd.to_datetime(["2026-10-31"] * 3),
            "value": [92.0, 87.5, 60.0],
            "eligible": [10, 8, 12],
            "status": ["met", "close", "missed"],
        }
    )
    bands = {"met": "met: 90% or more", "close": "close: 85% to 90%", "missed": "missed: under 85%"}
    spec = chart_specs.coverage_heat(heat, bands)
    cells = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "rect")
    scale = cells["encoding"]["color"]["scale"]
    assert scale == {
        "domain": list(bands.values()),
        "range": ["#0072B2", "#E69F00", "#D55E00"],  # Okabe-Ito blue, orange, vermillion
    }
    # Not by colour alone: every cell is labelled with its value and a symbol.
    labels = [row["label"] for row in next(iter(spec["datasets"].values()))]
    assert labels == ["92.0✓", "87.5~", "60.0✗"]


def test_starters_and_leavers_are_told_apart_by_a_zero_line_and_words(fresh_caches):
    long = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-09-30", "2026-09-30", "2026-10-31"]),
            "employment_type": ["permanent", "permanent", "agency"],
            "movement": ["starters", "leavers", "leavers"],
            "value": [3, 2, 1],
            "signed": [3, -2, -1],
        }
    )
    spec = chart_specs.movements(long)
    layers = layers_of(spec)
    rules = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    assert [spec["datasets"][rule["data"]["name"]] for rule in rules] == [[{"y": 0}]]
    words = sorted(
        (layer["mark"]["baseline"], row["text"], row["y"])
        for layer in layers
        if layer["mark"]["type"] == "text"
        for row in spec["datasets"][layer["data"]["name"]]
    )
    # "Starters" just above the tallest month of starters (3), "Leavers" below the deepest (-2).
    assert words == [("bottom", "Starters ▲", 3), ("top", "Leavers ▼", -2)]
    bars = next(layer for layer in layers if layer["mark"]["type"] == "bar")
    # Whole people, and two leavers are 2 (below the line), not -2.
    assert bars["encoding"]["y"]["axis"] == {
        "format": "d",
        "tickMinStep": 1,
        "labelExpr": "abs(datum.value)",
    }


def test_audit_grades_are_coloured_by_meaning_and_count_their_audits(fresh_caches):
    grades = pd.DataFrame(
        {
            "quarter": pd.to_datetime(["2026-09-30", "2026-09-30"]),
            "Grade": ["good", "requires improvement"],
            "Audits": [1, 1],
        }
    )
    order = ["outstanding", "good", "requires improvement", "inadequate"]
    layers = layers_of(chart_specs.audit_grades(grades, order))
    bars = next(layer for layer in layers if layer["mark"]["type"] == "bar")
    scale = bars["encoding"]["color"]["scale"]
    # Good is blue, requires improvement orange (it was green, and good orange).
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "outstanding": "#0072B2",
        "good": "#56B4E9",
        "requires improvement": "#E69F00",
        "inadequate": "#D55E00",
    }
    totals = next(layer for layer in layers if layer["mark"]["type"] == "text")
    assert totals["transform"][0] == {
        "aggregate": [{"op": "sum", "field": "Audits", "as": "audits"}],
        "groupby": ["quarter"],
    }


def test_the_heat_map_keeps_its_symbols_on_a_phone(fresh_caches):
    heat = pd.DataFrame(
        {
            "Team": ["A"],
            "month": pd.to_datetime(["2026-10-31"]),
            "value": [92.0],
            "eligible": [10],
            "status": ["met"],
        }
    )
    spec = chart_specs.coverage_heat(heat, {"met": "m", "close": "c", "missed": "x"})
    text = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "text")
    assert text["mark"]["text"] == {"expr": "width < 600 ? datum.symbol : datum.label"}
    rows = next(iter(spec["datasets"].values()))
    assert (rows[0]["symbol"], rows[0]["label"]) == ("✓", "92.0✓")


def test_the_asye_chart_puts_teams_in_the_order_it_is_given(fresh_caches):
    frame = pd.DataFrame(
        {
            "Team": ["Alpha", "Beta"],
            "Month of ASYE": [3, 9],
            "Open cases": [10, 17],
            "Protected limit": [16.2, 16.2],
        }
    )
    spec = chart_specs.asye_caseloads(frame, ["Beta", "Alpha"])
    points = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "circle")
    assert points["encoding"]["y"]["sort"] == ["Beta", "Alpha"]


def test_the_asye_chart_marks_each_team_s_own_limit_when_team_types_differ(fresh_caches):
    """A safeguarding team's ASYE limit (18 x 0.9) is not a front door team's (say 12 x 0.9):
    each row gets its own mark, at its own value, instead of one line for everyone."""
    frame = pd.DataFrame(
        {
            "Team": ["Alpha", "Beta", "Beta"],
            "Month of ASYE": [3, 9, 4],
            "Open cases": [10, 17, 5],
            "Protected limit": [16.2, 10.8, 10.8],
        }
    )
    spec = chart_specs.asye_caseloads(frame, ["Beta", "Alpha"])
    kinds = [layer["mark"]["type"] for layer in layers_of(spec)]
    assert "rule" not in kinds
    ticks = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "tick")
    rows = spec["datasets"][ticks["data"]["name"]]
    assert sorted((row["Team"], row["Protected limit"]) for row in rows) == [
        ("Alpha", 16.2),
        ("Beta", 10.8),
    ]


def y_scales(spec: dict) -> list[dict]:
    return [
        layer["encoding"]["y"]["scale"]
        for layer in layers_of(spec)
        if "scale" in layer.get("encoding", {}).get("y", {})
    ]


def test_a_percentage_axis_grows_when_a_line_would_run_off_its_top(fresh_caches):
    """A rate's chart keeps its usual 0 to 50% axis, but a small team whose share over its
    caseload limit reaches 58% gets 0 to 100%: the line was drawn off the top of the chart."""
    usual = chart_specs.trend(months([12.0, 30.0, 49.0]), y_title="%", y_max=50)
    assert {tuple(scale["domain"]) for scale in y_scales(usual)} == {(0, 50)}
    high = chart_specs.trend(months([12.0, 58.0, 49.0]), y_title="%", y_max=50)
    assert {tuple(scale["domain"]) for scale in y_scales(high)} == {(0, 100)}
    # A turnover of 130% in a team of two: up to 150.
    higher = chart_specs.trend(months([12.0, 130.0, 49.0]), y_title="%", y_max=50)
    assert {tuple(scale["domain"]) for scale in y_scales(higher)} == {(0, 150)}
    # A dashed line counts too, and a chart not in percentages keeps its own axis.
    target = chart_specs.trend(months([5.0, 6.0, 7.0]), y_title="%", y_max=50, rules=[(60, "t")])
    assert {tuple(scale["domain"]) for scale in y_scales(target)} == {(0, 100)}
    cases = chart_specs.trend(months([12.0, 58.0, 49.0]), y_title="cases", percent=False)
    assert all("domain" not in scale for scale in y_scales(cases))


def test_a_label_the_data_would_run_through_goes_below_its_line(fresh_caches):
    # On the 0-50 axis of a rate, 14 in the first month is just above the 12% target, where
    # its label is written; a month later the line is far above.
    spec = chart_specs.trend(
        months([14.0, 30.0, 30.0]), y_title="%", y_max=50, rules=[(12, "target 12%")]
    )
    (label,) = [layer for layer in layers_of(spec) if layer["mark"]["type"] == "text"]
    assert label["mark"]["baseline"] == "top"
    clear = chart_specs.trend(
        months([30.0, 30.0, 14.0]), y_title="%", y_max=50, rules=[(12, "target 12%")]
    )
    (label,) = [layer for layer in layers_of(clear) if layer["mark"]["type"] == "text"]
    assert label["mark"]["baseline"] == "bottom"
