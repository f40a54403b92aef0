"""AppTest: the app starts on a database and the headlines page shows the right figures."""

from __future__ import annotations

import pytest
import streamlit as st
from conftest import SMALL_ORG, read_folder_bytes
from streamlit.testing.v1 import AppTest

from data_access.config import PROJECT_ROOT
from data_access.importer import import_files

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_headlines_show_the_figures_for_the_latest_month(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Children's social work workforce"
    # The latest complete month is April 2025.
    assert app.subheader[0].value == "Headline indicators, April 2025"
    assert app.caption[0].value.startswith("Whole organisation · as at 30/04/2025")
    tiles = {metric.label: metric for metric in app.metric}
    assert list(tiles) == [
        "Agency rate (FTE)",
        "Turnover, last 12 months (FTE)",
        "Vacancy rate (FTE)",
        "Stability index",
        "Supervision in date",
        "Supervision agreements in place",
        "Average caseload",
        "Case holders over threshold",
    ]
    # At 2025-04-30: S14 has started; agency 2.5 / (2.5 + 8.5) = 22.7%.
    assert tiles["Agency rate (FTE)"].value == "22.7%"
    # The 2025-04-30 snapshot holds only S01 with 40 cases.
    assert tiles["Average caseload"].value == "40.0 cases"
    assert tiles["Case holders over threshold"].value == "100.0%"


def test_an_empty_database_says_how_to_load_data(engine, fresh_caches):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "There is no data yet" in app.info[0].value
    assert not app.metric


def test_an_unreachable_database_is_a_plain_message(monkeypatch, fresh_caches):
    from data_access import db

    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    db.get_engine.cache_clear()
    app = AppTest.from_file(APP, default_timeout=60).run()
    db.get_engine.cache_clear()
    assert not app.exception
    assert "cannot reach its database" in app.error[0].value


def test_an_error_while_drawing_a_page_shows_no_traceback(engine, fresh_caches, monkeypatch):
    from ui import queries

    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(queries, "headline_figures", broken)
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.error[0].value.startswith("Something went wrong while drawing this page.")
    assert "ZeroDivisionError" not in app.error[0].value
