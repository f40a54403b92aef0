"""The one helper that draws a trend against its targets on Workforce stability, Supervision
and Caseloads (ui/charts.py): its dashed lines, its words and its table, on hand-made points
and targets."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest
from support.charts import dashed_lines

from data_access.indicators.policy import Target
from ui.charts import target_rules

#: Made-up targets, not the organisation's defaults: what the lines say follows from these.
TARGETS = {
    "reflective_share": Target(80.0, "higher", 10.0),
    "childs_views_share": Target(60.0, "higher", 10.0),
    "supervision_coverage": Target(80.0, "higher", 5.0),
    "caseload_average": Target(18.0, "lower", 2.0),
}


def test_one_target_is_one_line_named_by_its_value():
    assert target_rules(("reflective_share",), TARGETS) == [(80.0, "target 80%")]
    assert target_rules(("caseload_average",), TARGETS, unit="") == [(18.0, "target 18")]


def test_metrics_sharing_a_target_share_its_line():
    assert target_rules(("reflective_share", "supervision_coverage"), TARGETS) == [
        (80.0, "target 80%")
    ]


def test_different_targets_are_lines_named_after_their_metrics_lowest_first():
    assert target_rules(
        ("reflective_share", "childs_views_share", "supervision_coverage"), TARGETS
    ) == [
        (60.0, "Child's views recorded: target 60%"),
        (80.0, "Reflective supervision and Supervision in date: target 80%"),
    ]


def test_a_metric_without_a_target_has_no_line():
    assert target_rules(("appraisal_share",), TARGETS) == []


def drawing(case: str) -> None:
    """A page drawing one trend from hand-made points (the case names which)."""
    from datetime import date as _date

    from data_access.indicators.breakdowns import SeriesPoint
    from data_access.indicators.policy import Target as _Target
    from ui.charts import trend_against_targets

    targets = {
        "reflective_share": _Target(80.0, "higher", 10.0),
        "childs_views_share": _Target(60.0, "higher", 10.0),
        "caseload_average": _Target(18.0, "lower", 2.0),
    }
    points = [
        SeriesPoint(_date(2025, 1, 31), "reflective_share", 75.0),
        SeriesPoint(_date(2025, 1, 31), "childs_views_share", 50.5),
        SeriesPoint(_date(2025, 1, 31), "caseload_average", 19.2),
        SeriesPoint(_date(2025, 2, 28), "reflective_share", 82.5),
        SeriesPoint(_date(2025, 2, 28), "childs_views_share", None),
        SeriesPoint(_date(2025, 2, 28), "caseload_average", 17.0),
    ]
    if case == "two":
        trend_against_targets(
            points, ("reflective_share", "childs_views_share"), targets, title="Quality"
        )
    elif case == "reference":
        trend_against_targets(
            points,
            ("childs_views_share",),
            targets,
            title="Views",
            note="A note.",
            reference=(42.0, "42% (2015)", "The dashed line is 2015's figure."),
        )
    elif case == "caseload":
        trend_against_targets(
            points,
            ("caseload_average",),
            targets,
            y_title="cases per FTE",
            unit="",
            columns={"caseload_average": "Cases per FTE"},
            percent=False,
        )
    else:
        trend_against_targets(points, ("appraisal_share",), targets)


def draw(case: str) -> AppTest:
    app = AppTest.from_function(drawing, args=(case,), default_timeout=60).run()
    assert not app.exception
    return app


def rule_labels(app: AppTest) -> list[str]:
    """The labels of the chart's dashed lines."""
    (chart,) = app.get("vega_lite_chart")
    return sorted(label for _, label in dashed_lines(json.loads(chart.proto.spec)))


def test_two_metrics_with_their_targets():
    app = draw("two")
    assert [header.value for header in app.subheader] == ["Quality"]
    assert app.caption[0].value.endswith("The dashed lines are the targets.")
    assert rule_labels(app) == [
        "Child's views recorded: target 60%",
        "Reflective supervision: target 80%",
    ]
    table = app.dataframe[0].value
    assert list(table.columns) == ["Month", "Child's views recorded", "Reflective supervision"]
    assert table["Month"].tolist() == ["01/2025", "02/2025"]
    assert table["Reflective supervision"].tolist() == [75.0, 82.5]
    # A month without a figure is an empty cell, not a zero.
    assert table["Child's views recorded"].iloc[0] == 50.5
    assert table["Child's views recorded"].isna().tolist() == [False, True]


def test_a_reference_line_instead_of_the_target_with_a_note():
    app = draw("reference")
    caption = app.caption[0].value
    assert caption.endswith("A note. The dashed line is 2015's figure.")
    assert rule_labels(app) == ["42% (2015)"]
    assert app.dataframe[0].value["Child's views recorded"].tolist() == [50.5]


def test_one_metric_titled_by_its_label_with_its_own_column_heading():
    app = draw("caseload")
    assert [header.value for header in app.subheader] == ["Average caseload"]
    assert app.caption[0].value.endswith("The dashed line is the target.")
    assert rule_labels(app) == ["target 18"]
    table = app.dataframe[0].value
    assert list(table.columns) == ["Month", "Cases per FTE"]
    assert table["Cases per FTE"].tolist() == [19.2, 17.0]


def test_no_figure_in_the_period_says_so():
    app = draw("none")
    assert app.get("vega_lite_chart") == []
    assert [info.value for info in app.info] == ["No data for this scope and date."]
    assert not any("dashed" in caption.value for caption in app.caption)
