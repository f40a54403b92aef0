"""The tests check each chart against Vega-Lite's schema as the pages build it (the server
skips that check): a chart that breaks the schema fails here."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from jsonschema import ValidationError

from data_access.reports import charts as shared
from ui import chart_specs


@chart_specs.cached_chart
def _wrong(frame: pd.DataFrame) -> alt.Chart:
    # "sideways" is not a type of field Vega-Lite knows; Altair checks it only in to_dict.
    return alt.Chart(frame).mark_bar().encode(x={"field": "n", "type": "sideways"})


def test_the_tests_check_every_chart_against_the_schema(monkeypatch):
    assert chart_specs.VALIDATE is True
    st.cache_data.clear()
    with pytest.raises(ValidationError):
        _wrong(pd.DataFrame({"n": [1, 2]}))
    # The server builds it without the check.
    monkeypatch.setattr(chart_specs, "VALIDATE", False)
    st.cache_data.clear()
    assert _wrong(pd.DataFrame({"n": [1, 2]}))["encoding"]["x"]["type"] == "sideways"
    st.cache_data.clear()


def _renamed(spec: dict) -> dict:
    """`spec` with its datasets named by their rows' order, so that two specs compare by what
    they draw (Altair names a dataset after a hash of its rows)."""
    datasets = spec.get("datasets", {})
    contents = sorted(json.dumps(rows, sort_keys=True) for rows in datasets.values())
    text = json.dumps(spec, sort_keys=True)
    for name, rows in datasets.items():
        text = text.replace(name, f"dataset-{contents.index(json.dumps(rows, sort_keys=True))}")
    renamed = json.loads(text)
    renamed["datasets"] = sorted(renamed.get("datasets", {}).values(), key=json.dumps)
    return renamed


@pytest.mark.parametrize("options", [{}, {"rules": [(90.0, "target 90%")], "y_title": "%"}])
def test_a_trend_built_from_its_template_draws_what_building_it_whole_does(options):
    """The trend's spec is built once per set of options on an empty frame, and the rows put
    in (ui/chart_specs._with_data): the same spec, datasets aside, as the chart built whole."""
    options = {"y_title": "%", **options}
    frame = pd.DataFrame(
        {
            "month": pd.date_range("2025-01-31", periods=3, freq="ME"),
            "series": ["Coverage"] * 3,
            "value": [81.5, None, 90.0],
        }
    )
    st.cache_data.clear()
    from_template = chart_specs.trend(frame, **options)
    whole = shared.trend_chart(frame, **options).to_dict()
    assert _renamed(from_template) == _renamed(whole)
    assert {"month": "2025-02-28T00:00:00", "series": "Coverage", "value": None} in [
        row for rows in from_template["datasets"].values() for row in rows
    ]
