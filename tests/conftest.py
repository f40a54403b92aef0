"""Shared fixtures.

Database tests take the `engine` fixture, which runs each test on SQLite and, when
`TEST_DATABASE_URL` names a PostgreSQL database, again on PostgreSQL (otherwise those runs are
skipped). The schema is built by the Alembic migrations, exactly as in production. Helpers
that tests import live in tests/support/ (the hand-made organisation, AppTest signed in, the
hand-worked figures, the command line); the browser and demo-database fixtures are plugins.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from data_access.core import db
from data_access.core.config import normalise_database_url
from ui import chart_specs

# Every chart the pages draw in the tests is checked against Vega-Lite's schema (the server
# skips the check for speed: see ui/chart_specs.py).
chart_specs.VALIDATE = True

#: The browser fixtures (live_app, browser, page) for the browser and accessibility tests, the
#: demo database made once per test session (demo_template, demo_engine), and the small
#: organisation with agency assignments (agency_org).
pytest_plugins = ["support.browser", "support.demo_database", "support.agency"]


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An empty, migrated SQLite database file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.init_db(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    url = _postgres_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.init_db(engine)
    yield engine
    engine.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database_url(request, tmp_path, sqlite_template) -> str:
    """A migrated, empty database for this test, as a URL."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    _empty_postgres(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url, monkeypatch) -> Iterator[Engine]:
    """The engine for this test's database, also made the application's engine."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    db.get_engine.cache_clear()
    engine = db.get_engine()
    yield engine
    engine.dispose()
    db.get_engine.cache_clear()


@pytest.fixture
def fresh_caches():
    """Empty Streamlit's caches around an AppTest test (they live in this process)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow families by where they live, so that the fast unit tests run alone with
    `pytest -m "not (browser or apptest or hostile)"`: `hostile` for tests/hostile/, `apptest`
    for tests of modules that drive the app in AppTest."""
    for item in items:
        module = getattr(item, "module", None)
        if "hostile" in item.path.parts:
            item.add_marker(pytest.mark.hostile)
        if module is not None and {"AppTest", "app_as", "signed_in"} & set(vars(module)):
            item.add_marker(pytest.mark.apptest)
