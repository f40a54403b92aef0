"""Where a dashed target line's label goes on a trend: just above its line, or just below it
when the data would run through the label. Worked by hand; the reach of a label and the
height of its band follow from the constants in data_access/reports/charts.py:
a 10-character label ("target 12%") reaches (6 x 10 + 8) / 350 = 0.194 of the plot from its
left edge; the band it covers is 8% of the axis (4 points on a 0-50 axis)."""

from __future__ import annotations

import re

import pandas as pd
import vl_convert

from data_access.reports.charts import labels_below, trend_chart


def trend(values: list[float | None]) -> pd.DataFrame:
    """A monthly series from January 2024, one value a month (None: no figure)."""
    return pd.DataFrame(
        {
            "month": pd.date_range("2024-01-31", periods=len(values), freq="ME"),
            "series": "Turnover",
            "value": values,
        }
    )


#: 24 months: the first five (positions 0/23 to 4/23 = 0.174, within 0.194) are under a
#: 10-character label; the sixth (5/23 = 0.217) is not.
TURNOVER = [14.5, 13.5, 12.8, 12.3, 12.8] + [30.0] * 19


def test_data_just_above_a_line_where_its_label_is_written_puts_the_label_below():
    # 14.5, 13.5, 12.8, 12.3 and 12.8 are all above 12 and within 4 of it.
    assert labels_below(trend(TURNOVER), [(12.0, "target 12%")], (0, 50)) == (12.0,)


def test_data_clear_of_the_label_leaves_it_above():
    # Under the label the data is 18 or more above the line (none within 4 of 12); the
    # sixth month onwards is beyond the label's reach.
    far = [30.0] * 5 + [12.5] * 19
    assert labels_below(trend(far), [(12.0, "target 12%")], (0, 50)) == ()
    # Just below the line (8.5 to 11.5 are within 4 under 12): the label stays above.
    under = [11.5, 10.0, 8.5, 11.0, 9.0] + [30.0] * 19
    assert labels_below(trend(under), [(12.0, "target 12%")], (0, 50)) == ()


def test_more_data_just_above_than_just_below_decides():
    # Under the label: 12.5 and 13 above (2), 11 below (1); 5.0 is beyond the band.
    mixed = [12.5, 11.0, 13.0, 5.0, None] + [30.0] * 19
    assert labels_below(trend(mixed), [(12.0, "target 12%")], (0, 50)) == (12.0,)
    # 11, 11.5 below (2) against 12.5 above (1).
    mixed = [12.5, 11.0, 11.5, 5.0, None] + [30.0] * 19
    assert labels_below(trend(mixed), [(12.0, "target 12%")], (0, 50)) == ()


def test_a_longer_label_reaches_further_across():
    # 20.0 for eight months, then just above 15: a 10-character label covers the 20.0s only
    # (20 is 5 above 15, beyond the band of 4); a 60-character one reaches the whole plot
    # ((360 + 8) / 350 is more than 1) and so the 15.5s.
    values = [20.0] * 8 + [15.5] * 16
    short = "target 15%"
    long = "Reflective supervision and Supervision in date: target 15%!!"
    assert len(long) == 60
    assert labels_below(trend(values), [(15.0, short)], (0, 50)) == ()
    assert labels_below(trend(values), [(15.0, long)], (0, 50)) == (15.0,)


def test_the_top_and_bottom_tenths_of_the_axis_decide_first():
    # 95 is in the top tenth of 0-100 (90 and above): below, whatever the data.
    assert labels_below(trend([50.0] * 12), [(95.0, "target 95%")], (0, 100)) == (95.0,)
    # 4 is in the bottom tenth of 0-50 (5 and under): above, even with the data just above.
    assert labels_below(trend([6.0] * 12), [(4.0, "target 4%")], (0, 50)) == ()


def test_each_line_is_placed_on_its_own():
    values = [14.0] * 24
    rules = [(12.0, "target 12%"), (30.0, "target 30%")]
    assert labels_below(trend(values), rules, (0, 50)) == (12.0,)


def test_an_axis_that_follows_the_data_runs_from_zero_to_the_highest_value_or_line():
    # "target 18" reaches (6 x 9 + 8) / 350 = 0.177 across: of four months (at 0, 1/3, 2/3
    # and 1) only the first is under it.
    # Axis 0 to 22 (the highest value): band 0.08 x 22 = 1.76; 19 is 1 above the line.
    assert labels_below(trend([19.0, 22.0, 22.0, 22.0]), [(18.0, "target 18")], None) == (18.0,)
    # Axis 0 to 40 (the highest value): band 3.2; 21 is 3 above the line, within it.
    assert labels_below(trend([21.0, 40.0, 40.0, 40.0]), [(18.0, "target 18")], None) == (18.0,)
    # Axis 0 to 22: band 1.76; 21 is 3 above the line, beyond it.
    assert labels_below(trend([21.0, 22.0, 22.0, 22.0]), [(18.0, "target 18")], None) == ()


def test_no_data_leaves_every_label_above():
    assert labels_below(trend([]), [(12.0, "target 12%")], (0, 50)) == ()
    assert labels_below(trend([None, None]), [(12.0, "target 12%")], (0, 50)) == ()


def drawn(chart) -> tuple[dict[str, float], dict[str, float]]:
    """Where vl-convert draws a trend's points and its month labels across the plot:
    ({month of the point: x}, {label: x})."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    points = {
        month: float(x)
        for month, x in re.findall(
            r'aria-label="month \(year-month\): (\w+ \d{4});[^"]*"'
            r'[^>]*?transform="translate\(([\d.]+),',
            svg,
        )
    }
    labels = {
        text: float(x)
        for x, text in re.findall(
            r'transform="translate\(([\d.]+),\d+\) rotate\(320\)[^>]*>(\w+ \d{4})</text>', svg
        )
    }
    return points, labels


def test_a_months_point_sits_on_its_months_label():
    # Month ends: the point for 31 August is August's figure and must sit on "Aug 2026", not
    # a day before a tick labelled "Sep 2026".
    frame = trend([10.0, 20.0, 30.0]).assign(
        month=pd.to_datetime(["2026-08-31", "2026-09-30", "2026-10-31"])
    )
    points, labels = drawn(trend_chart(frame, y_title="%").properties(width=300))
    assert list(points) == ["Aug 2026", "Sep 2026", "Oct 2026"]
    assert points == {month: labels[month] for month in points}
    assert points["Aug 2026"] == 0 and points["Oct 2026"] == 300


def test_a_small_chart_labels_every_sixth_month():
    # 24 month ends from November 2024: ticks fall on January and July (Vega counts steps of
    # six months from the start of a year), each on its month's point.
    frame = trend([20.0] * 24).assign(month=pd.date_range("2024-11-30", periods=24, freq="ME"))
    chart = trend_chart(frame, y_title="%", months_between_labels=6).properties(width=170)
    points, labels = drawn(chart)
    assert list(labels) == ["Jan 2025", "Jul 2025", "Jan 2026", "Jul 2026"]
    assert all(points[label] == x for label, x in labels.items())


def test_a_dashed_line_and_its_label_are_drawn_once_and_stretch_an_axis_that_follows_the_data():
    # Values 5 to 10.5 on an axis that follows the data (caseloads): the line at 18 takes the
    # axis up to 18, and however many months are drawn, its label is written once.
    frame = trend([5.0 + month / 2 for month in range(12)])
    chart = trend_chart(frame, y_title="cases", percent=False, rules=[(18.0, "target 18")])
    svg = vl_convert.vegalite_to_svg(chart.properties(width=300).to_dict())
    assert svg.count(">target 18</text>") == 1
    # A screen reader is told the line by its label, once: the rule is named, the text is not
    # a graphic of its own (an unnamed one fails WCAG's "images have alternative text").
    assert re.findall(r'<line aria-label="([^"]*)" role="graphics-symbol"', svg) == ["target 18"]
    assert "graphics-symbol" not in re.search(r'<g class="mark-text role-mark.*?</g>', svg)[0]
    ticks = [int(tick) for tick in re.findall(r">(\d+)</text>", svg)]
    assert max(ticks) == 18
