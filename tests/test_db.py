"""The schema: the Alembic migrations build exactly what the models declare."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from data_access.core import db
from data_access.core.db import session_scope
from data_access.core.models import Staff


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    config = db.alembic_config(engine)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    command.upgrade(config, "head")
    assert db.schema_is_current(engine)
    engine.dispose()


def test_foreign_keys_are_enforced(engine):
    """SQLite ignores foreign keys unless asked; both backends must refuse an orphan row."""
    orphan = Staff(
        staff_id="S1",
        display_name="Nobody",
        role="social_worker",
        employment_type="permanent",
        fte=1.0,
        team_id="NO-SUCH-TEAM",
        start_date=date(2025, 1, 1),
    )
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(orphan)
