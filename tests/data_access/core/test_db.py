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


def test_a_database_from_before_revision_0007_keeps_its_data_and_gains_the_new_parts(tmp_path):
    """Staff loaded before the start deadlines existed get them from their start_date, and the
    stored parts are rebuilt with the new metrics' parts."""
    from sqlalchemy import text

    from data_access.indicators.grid import compute_metrics, stored_range
    from data_access.indicators.stored_parts import ensure_stored_parts

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = db.alembic_config(engine)
    command.upgrade(config, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO area (id, name) VALUES (1, 'North')"))
        connection.execute(text("INSERT INTO hub (id, name, area_id) VALUES (1, 'Hub', 1)"))
        connection.execute(
            text(
                "INSERT INTO team (team_id, team_name, team_type, hub_id) "
                "VALUES ('T1', 'One', 'safeguarding', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO staff (staff_id, display_name, role, employment_type, fte, team_id, "
                "start_date, supervision_agreement_date) VALUES "
                "('W1', 'Worker', 'social_worker', 'permanent', 1, 'T1', '2024-11-30', "
                "'2025-02-28'), "
                "('W2', 'Other', 'social_worker', 'permanent', 1, 'T1', '2024-08-31', "
                "'2025-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO caseload_snapshot (staff_id, snapshot_date, open_cases) "
                "VALUES ('W1', '2025-03-31', 10)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO setting (key, value) VALUES "
                "('engine.stored_parts_range', '2022-11-30/2024-11-30')"
            )
        )
    command.upgrade(config, "head")
    with session_scope(engine) as session:
        w1, w2 = session.get(Staff, "W1"), session.get(Staff, "W2")
        # Calendar months, clamped to the month's end.
        assert (w1.agreement_due_date, w1.training_due_date) == (
            date(2025, 2, 28),
            date(2025, 5, 30),
        )
        assert w2.agreement_due_date == date(2024, 11, 30)
        # The old stored parts lack the new columns' values: their record is gone, so they
        # are rebuilt.
        assert stored_range(session=session) is None
        assert ensure_stored_parts(session=session) > 0
    with session_scope(engine) as session:
        figures = compute_metrics(date(2025, 3, 31), session=session)
        # W1 signed on the day it was due; W2 (due 2024-11-30) signed in 2025.
        assert figures["agreement_within_3_months_share"] == 50.0
    engine.dispose()
