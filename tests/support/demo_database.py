"""A database holding the demo as the dashboard's first start leaves it (the organisation, its
made-up national figures and census return, Demo City chosen as our authority), made once per
test session and copied for each test that takes `demo_engine` (a plugin of tests/conftest.py:
the template is made only in a test session that asks for it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.core import db
from data_access.setup import prepare_database


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    engine = db.make_engine(f"sqlite:///{path}")
    prepared = prepare_database(engine, load_demo_if_empty=True)
    engine.dispose()
    assert prepared.demo_loaded
    return path


@pytest.fixture
def demo_engine(demo_template, tmp_path, monkeypatch) -> Iterator[Engine]:
    """A copy of the demo database, made the application's database for this test."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("WORKFORCE_LOAD_DEMO", raising=False)
    db.get_engine.cache_clear()
    engine = db.get_engine()
    yield engine
    engine.dispose()
    db.get_engine.cache_clear()
