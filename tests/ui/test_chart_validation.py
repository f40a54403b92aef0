"""The tests check each chart against Vega-Lite's schema as the pages build it (the server
skips that check): a chart that breaks the schema fails here."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from jsonschema import ValidationError

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
