"""ui/replay.py: a drawing is made once per distinct content and replayed after, never
served for other content or from another function."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.core.scope import Scope
from data_access.indicators.breakdowns import Unit, UnitFigures
from ui.replay import content_key


def figures(label: str, value: float) -> list[UnitFigures]:
    names = ["agency_rate_fte", "turnover_rate_fte"]
    return [
        UnitFigures(
            Unit("area", label, Scope(area=label)),
            {name: value for name in names},
            {name: None for name in names},
        )
    ]


def draw_a(units: object) -> None:
    """Stands for a drawing function."""


def draw_b(units: object) -> None:
    """Stands for another."""


def test_the_same_content_has_the_same_key_however_its_values_are_shared():
    computed = figures("East", 12.5)
    # As Streamlit's cache hands them back: a pickle's copy, in which other values are
    # shared than in the figures as first computed.
    cached = pickle.loads(pickle.dumps(computed))
    names = ("agency_rate_fte", "turnover_rate_fte")
    assert content_key(draw_a, (computed, names), {}) == content_key(draw_a, (cached, names), {})


def test_other_content_or_another_function_has_another_key():
    key = content_key(draw_a, (figures("East", 12.5),), {})
    assert content_key(draw_a, (figures("East", 12.6),), {}) != key
    assert content_key(draw_a, (figures("West", 12.5),), {}) != key
    assert content_key(draw_b, (figures("East", 12.5),), {}) != key
    assert content_key(draw_a, (), {"units": figures("East", 12.5)}) != key
    # Arguments are told apart where they meet: ("ab", "c") is not ("a", "bc").
    assert content_key(draw_a, ("ab", "c"), {}) != content_key(draw_a, ("a", "bc"), {})


def replaying_script(log: str) -> None:
    """A page that draws a replayed table of the number the session chose, noting each time
    the drawing really runs in the file `log`."""
    from pathlib import Path as _Path

    import streamlit as st

    from ui.replay import replayed

    @replayed
    def table(number: int) -> None:
        with _Path(log).open("a") as notes:
            notes.write(f"{number}\n")
        with st.container(border=True):
            st.markdown(f"Figures for **{number}**")
            st.dataframe({"value": [number, number * 2]})

    table(st.session_state.get("number", 1))


def test_a_drawing_runs_once_per_content_and_is_shown_the_same_when_replayed(
    tmp_path: Path, fresh_caches
):
    log = tmp_path / "drawn.txt"

    def visit(number: int) -> AppTest:
        app = AppTest.from_function(replaying_script, args=(str(log),), default_timeout=60)
        app.session_state["number"] = number
        return app.run()

    first = visit(1)
    again = visit(1)
    other = visit(2)
    assert log.read_text().split() == ["1", "2"]  # the second visit of 1 replayed it
    for app in (first, again):
        assert not app.exception
        assert [m.value for m in app.markdown] == ["Figures for **1**"]
        assert app.dataframe[0].value["value"].tolist() == [1, 2]
    assert [m.value for m in other.markdown] == ["Figures for **2**"]
    assert other.dataframe[0].value["value"].tolist() == [2, 4]


def test_a_date_and_a_string_of_it_are_different_content():
    assert content_key(draw_a, (date(2026, 10, 31),), {}) != content_key(
        draw_a, ("2026-10-31",), {}
    )
