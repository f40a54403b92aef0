"""A rule changed in the code never leaves old figures behind (see indicators/stored_parts.py).

The stored parts of every metric and the staff rows' derived dates follow from the rules in
data_access/indicators/policy.py and the definitions in data_access/indicators/grid.py. The
first test changes the rules in the code itself, as a developer would (in a copy of the
package, run as the command line runs), and checks that a database imported under the old
rules then gives exactly what a fresh import under the new rules gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text
from sqlmodel import Session
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.config import PROJECT_ROOT
from data_access.core.models import StoredRule
from data_access.indicators import policy, stored_parts
from data_access.indicators.stored_parts import changed_rules, ensure_stored_parts
from data_access.ingest.importer import import_files

#: A month end inside the small organisation's records (February to April 2025).
STORED_MONTH_END = "2025-03-31"
#: Three rules edited in the code: the monthly supervision interval, the agreement deadline
#: (a derived date on every staff row) and the ASYE's weekly phase (another derived date).
EDITS = {
    "MONTHLY_INTERVAL_DAYS = 31": "MONTHLY_INTERVAL_DAYS = 20",
    "AGREEMENT_WITHIN_MONTHS = 3": "AGREEMENT_WITHIN_MONTHS = 1",
    "ASYE_WEEKLY_DAYS = 42": "ASYE_WEEKLY_DAYS = 60",
}


def _code_with_edited_rules(folder: Path) -> Path:
    """A copy of the package with the rules in EDITS changed, as a developer edits them."""
    shutil.copytree(
        PROJECT_ROOT / "data_access",
        folder / "data_access",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    rules = folder / "data_access" / "indicators" / "policy.py"
    source = rules.read_text()
    for before, after in EDITS.items():
        assert source.count(before) == 1, before
        source = source.replace(before, after)
    rules.write_text(source)
    return folder


def _command(code: Path, database: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m data_access ARGS` run from `code` (the project or the edited copy)."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(code)}
    environment.pop("WORKFORCE_LOAD_DEMO", None)
    done = subprocess.run(
        [sys.executable, "-m", "data_access", *args],
        cwd=code,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done


def _stored_values(database: Path) -> tuple[list, list]:
    """Every stored part (team and hub rollups) and every staff row's derived dates."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            parts = [
                tuple(row)
                for table in ("team_month_parts", "hub_month_parts")
                for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            ]
            derived = [
                tuple(row)
                for row in connection.execute(
                    text(
                        "SELECT staff_id, "
                        + ", ".join(policy.DERIVED_STAFF_COLUMNS)
                        + " FROM staff ORDER BY staff_id"
                    )
                )
            ]
    finally:
        engine.dispose()
    return parts, derived


def test_a_rule_changed_in_the_code_rebuilds_every_stored_value(tmp_path):
    edited = _code_with_edited_rules(tmp_path / "edited")
    folder = str(SMALL_ORG)
    before_the_change = tmp_path / "before.db"
    _command(PROJECT_ROOT, before_the_change, "import", folder)
    stored_under_old_rules = _stored_values(before_the_change)
    old = json.loads(
        _command(
            PROJECT_ROOT, before_the_change, "metrics", "--as-at", STORED_MONTH_END, "--json"
        ).stdout
    )

    # The same database, read by the edited code: it says what changed and rebuilds.
    shown = _command(edited, before_the_change, "metrics", "--as-at", STORED_MONTH_END, "--json")
    assert "The rules changed since the stored figures were derived (" in shown.stderr
    assert (
        "(AGREEMENT_WITHIN_MONTHS 3 -> 1; ASYE_WEEKLY_DAYS 42 -> 60; MONTHLY_INTERVAL_DAYS 31 -> "
        f"20; {stored_parts.DEFINITIONS})" in shown.stderr
    ), shown.stderr
    rebuilt = json.loads(shown.stdout)

    # A fresh import under the edited rules.
    fresh_database = tmp_path / "fresh.db"
    _command(edited, fresh_database, "import", folder)
    fresh = json.loads(
        _command(edited, fresh_database, "metrics", "--as-at", STORED_MONTH_END, "--json").stdout
    )

    assert rebuilt == fresh
    assert _stored_values(before_the_change) == _stored_values(fresh_database)
    # ... and the edit mattered: a 20-day interval leaves fewer workers in date, and a one-month
    # deadline fewer agreements made in time.
    assert fresh["supervision_coverage"] < old["supervision_coverage"]
    parts, derived = _stored_values(before_the_change)
    assert parts != stored_under_old_rules[0]
    assert derived != stored_under_old_rules[1]
    # A second run finds nothing to rebuild.
    again = _command(edited, before_the_change, "metrics", "--as-at", STORED_MONTH_END, "--json")
    assert "rules changed" not in again.stderr


def test_the_changed_rule_is_named_and_a_rebuild_records_the_new_rules(engine, monkeypatch):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with Session(engine) as session:
        assert changed_rules(session=session) == []
        assert ensure_stored_parts(session=session) == 0  # nothing to do
    monkeypatch.setattr(policy, "DUE_SOON_DAYS", 10)
    stored_parts.current_rules.cache_clear()
    try:
        with Session(engine) as session:
            assert changed_rules(session=session) == ["DUE_SOON_DAYS 7 -> 10"]
            assert ensure_stored_parts(session=session) > 0
            session.commit()
            assert changed_rules(session=session) == []
    finally:
        stored_parts.current_rules.cache_clear()


def test_values_stored_before_rules_were_recorded_are_rebuilt_once(engine):
    # As a database migrated to revision 0009 is: parts stored, no rules recorded.
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with Session(engine) as session:
        session.execute(delete(StoredRule))
        session.commit()
        assert changed_rules(session=session) == ["not recorded (stored before rules were)"]
        assert ensure_stored_parts(session=session) > 0
        session.commit()
        assert changed_rules(session=session) == []
        assert ensure_stored_parts(session=session) == 0


@pytest.mark.parametrize("name", ["MONTHLY_INTERVAL_DAYS", "SUPERVISION_STANDARD_MINUTES"])
def test_every_rule_constant_is_in_the_fingerprint(name):
    assert stored_parts.current_rules()[name] == repr(getattr(policy, name))
