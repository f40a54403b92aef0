"""The command line end to end, as a user runs it: a subprocess with DATABASE_URL set."""

from __future__ import annotations

import json

import pytest
from support.cli import run_cli
from support.hand_worked import TEAM_T1, WHOLE_ORGANISATION
from support.org import BENCHMARKS, SMALL_ORG

from data_access.core import config
from data_access.indicators.metrics import METRICS

NO_AGENCY = {
    "agency_assignments_active": 0,
    "agency_cost_month": 0.0,
    "agency_compliant_share": None,
    "agency_cap_breaches_unsigned": 0,
}


def test_import_then_metrics_as_json(database_url):
    loaded = run_cli(database_url, "import", str(SMALL_ORG))
    assert loaded.returncode == 0, loaded.stderr
    assert "staff.csv: 15 added, 0 replaced, 0 unchanged" in loaded.stdout

    whole = run_cli(database_url, "metrics", "--as-at", "2025-03-31", "--json")
    assert whole.returncode == 0, whole.stderr
    values = json.loads(whole.stdout)
    assert list(values) == [*METRICS, *NO_AGENCY]  # the metrics in order, then the agency four
    # The small organisation has no agency assignments: the four agency figures are empty.
    assert values == {**WHOLE_ORGANISATION, **NO_AGENCY}

    team = run_cli(database_url, "metrics", "--as-at", "2025-03-31", "--team", "T1", "--json")
    assert json.loads(team.stdout) == {**TEAM_T1, **NO_AGENCY}

    area = run_cli(database_url, "metrics", "--as-at", "2025-03-31", "--area", "south", "--json")
    assert json.loads(area.stdout)["turnover_rate_fte"] == 30.0

    readable = run_cli(database_url, "metrics", "--as-at", "2025-03-31", "--hub", "Hub A")
    assert readable.returncode == 0
    assert "As at 31/03/2025, hub Hub A" in readable.stdout
    assert "Agency rate (FTE)" in readable.stdout and "31.3%" in readable.stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--area", "Atlantis", 'error: unknown area "Atlantis"'),
        ("--hub", "Hub Z", 'error: unknown hub "Hub Z"'),
        ("--team", "T99", 'error: unknown team "T99"'),
    ],
)
def test_unknown_scope_is_an_error(database_url, option, value, message):
    assert run_cli(database_url, "import", str(SMALL_ORG)).returncode == 0
    result = run_cli(database_url, "metrics", "--as-at", "2025-03-31", option, value, "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == message


def test_refused_import_lists_problems_and_exits_1(database_url, tmp_path):
    (tmp_path / "teams.csv").write_text(
        "team_id,team_name,team_type,hub,area\nT1,One,safeguarding,H,N\nT1,Two,nonsense,H,N\n"
    )
    (tmp_path / "staff.csv").write_text("staff_id,display_name\nS1,A\n")
    result = run_cli(database_url, "import", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        'teams.csv, line 3, team_type: unknown value "nonsense"; expected one of: '
        "safeguarding, family_support, assessment, children_in_care, disabled_children, "
        "care_leavers, front_door, other",
        'teams.csv, line 3, team_id: duplicate key "T1": already on line 2',
        "staff.csv, line 1, role: required column is missing from the header",
        "staff.csv, line 1, employment_type: required column is missing from the header",
        "staff.csv, line 1, fte: required column is missing from the header",
        "staff.csv, line 1, team_id: required column is missing from the header",
        "staff.csv, line 1, start_date: required column is missing from the header",
        "Import refused: 7 problem(s) found; nothing was written.",
    ]
    metrics = run_cli(database_url, "metrics", "--as-at", "2025-03-31", "--json")
    assert json.loads(metrics.stdout)["headcount"] == 0


def test_other_csv_files_in_the_folder_are_ignored_with_a_warning(database_url, tmp_path):
    (tmp_path / "Teams.CSV").write_text("team_id,team_name,team_type,hub,area\nT1,A,other,H,N\n")
    (tmp_path / "staff (1).csv").write_text("whatever\n")
    result = run_cli(database_url, "import", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (
        "warning: staff (1).csv: not recognised as any import file (by its name or its "
        "header), ignored"
    ) in result.stdout
    assert "teams.csv: 1 added, 0 replaced, 0 unchanged" in result.stdout


def test_import_of_a_folder_without_import_files(database_url, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli(database_url, "import", str(tmp_path))
    assert result.returncode == 1
    assert "no import files found; expected .csv, .xlsx or .zip files" in result.stderr


def test_import_of_a_missing_folder(database_url, tmp_path):
    result = run_cli(database_url, "import", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("nowhere: folder not found")


def test_bad_date_argument_is_a_usage_error(database_url):
    result = run_cli(database_url, "metrics", "--as-at", "2025-02-30", "--json")
    assert result.returncode == 2
    assert '"2025-02-30" is not a real date' in result.stderr


def test_metrics_before_init_says_what_to_do(tmp_path):
    result = run_cli(f"sqlite:///{tmp_path / 'new.db'}", "metrics", "--as-at", "2025-03-31")
    assert result.returncode == 1
    assert "run `python -m data_access init-db`" in result.stderr


def test_init_db_is_repeatable(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    for _ in range(2):
        result = run_cli(url, "init-db")
        assert result.returncode == 0
        assert result.stdout.strip() == "Database schema is up to date."


def test_unreachable_database_is_a_clear_error():
    result = run_cli(
        "postgresql://nobody:secret@127.0.0.1:1/none", "metrics", "--as-at", "2025-03-31"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: database problem at postgresql+psycopg://nobody:***@")


def test_the_demo_loads_into_an_empty_database_where_the_dashboard_would_load_it(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("WORKFORCE_LOAD_DEMO", raising=False)
    assert config.load_demo_into_empty_database()  # the embedded file is the demo's
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@somewhere/council")
    assert not config.load_demo_into_empty_database()
    monkeypatch.setenv("WORKFORCE_LOAD_DEMO", "1")
    assert config.load_demo_into_empty_database()


#: As with no DATABASE_URL (the embedded file), on a database of the test's own.
AS_THE_DEFAULT_DATABASE = {"WORKFORCE_LOAD_DEMO": "1"}
LOADED_THE_DEMO = (
    "Loaded the demo organisation (made-up data, with made-up national figures) into the "
    "empty database"
)


def test_init_db_loads_the_demo_as_the_dashboard_does_at_its_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = run_cli(url, "init-db", env=AS_THE_DEFAULT_DATABASE)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "Database schema is up to date."
    assert first.stdout.splitlines()[1].startswith(LOADED_THE_DEMO)
    again = run_cli(url, "init-db", env=AS_THE_DEFAULT_DATABASE)
    assert again.stdout.strip() == "Database schema is up to date."


def test_the_readme_s_board_pack_command_run_first_works_and_the_demo_takes_no_data(tmp_path):
    """Issue 21: run before the dashboard's first start, the board pack found no tables; and an
    import into the demo's database mixed real rows into the demo."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    out = tmp_path / "board-pack.pdf"
    pack = run_cli(url, "board-pack", "--as-at", "2026-10-31", "--out", str(out),
                   env=AS_THE_DEFAULT_DATABASE)  # fmt: skip
    assert pack.returncode == 0, pack.stderr
    assert pack.stderr.startswith(LOADED_THE_DEMO)
    assert out.read_bytes().startswith(b"%PDF")

    benchmarks = BENCHMARKS
    refused = {
        ("import", str(SMALL_ORG)): f"import {SMALL_ORG}",
        ("import-benchmarks", str(benchmarks / "indicators.csv")): (
            f"import-benchmarks {benchmarks / 'indicators.csv'}"
        ),
        ("census", str(benchmarks / "census_return.xml")): (
            f"census {benchmarks / 'census_return.xml'}"
        ),
    }
    for args, again in refused.items():
        result = run_cli(url, *args, env=AS_THE_DEFAULT_DATABASE)
        assert result.returncode == 1
        assert result.stderr == (
            "error: this database holds only the demo organisation (made-up data), and the "
            "demo takes no other data: your rows would be mixed into the demo's figures and "
            "demo mode would end for everyone using the dashboard. Use a database of your "
            f"own, for example `DATABASE_URL=sqlite:///council.db python -m data_access "
            f"{again}` (README: Loading real data); the demo stays as it is\n"
        )
    # Still the demo alone: its 62 teams, and the demo's own national figures.
    scopes = run_cli(url, "scopes", env=AS_THE_DEFAULT_DATABASE)
    assert scopes.stderr == ""  # prepared already: nothing loaded twice
    assert len(scopes.stdout.splitlines()) == 62
    demo_city = run_cli(url, "benchmarks", "--la", "600", "--json", env=AS_THE_DEFAULT_DATABASE)
    assert json.loads(demo_city.stdout)["la_name"] == "Demo City"
    birmingham = run_cli(url, "benchmarks", "--la", "330", env=AS_THE_DEFAULT_DATABASE)
    assert birmingham.stderr == "error: no authority with old LA code 330 in the published file\n"
    # Giving people access is not data: allowed (the README's sign-in trial does it).
    user = run_cli(url, "users", "add", "me@council.example", "--role", "admin",
                   env=AS_THE_DEFAULT_DATABASE)  # fmt: skip
    assert user.returncode == 0, user.stderr
