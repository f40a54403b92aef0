"""The pages' charts are built once per distinct data and served as Vega-Lite specs."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import chart_specs


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


def test_a_spec_is_built_once_per_distinct_data(counted_builds):
    first = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    again = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    assert counted_builds == ["%"]
    assert again == first

    other = chart_specs.trend(months([10.0, 12.5, 99.0]), y_title="%", rules=[(15, "target 15%")])
    assert counted_builds == ["%", "%"]
    assert other != first


def test_the_spec_holds_the_data_and_the_target_line(counted_builds):
    spec = chart_specs.trend(months([10.0, 12.5, 11.0]), y_title="%", rules=[(15, "target 15%")])
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert [row["value"] for row in rows if "series" in row] == [10.0, 12.5, 11.0]
    assert {"value": 15, "label": "target 15%"} in rows


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
    asye = chart_specs.asye_caseloads(frame, 16.2)
    assert distribution["layer"][0]["mark"]["type"] == "bar"
    assert asye["layer"][0]["mark"]["type"] == "circle"
