"""The demo organisation: deterministic, valid, shaped as the brief says, telling its story."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from datetime import date

from support.cli import run_cli
from support.org import data_contents

from data_access.core import db
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.demo.national import DEMO_LOADER, national_files
from data_access.demo.organisation import (
    DEMO_SOURCE,
    SEED,
    DemoBuilder,
    demo_files,
    load_demo,
    load_demo_national_figures,
)
from data_access.indicators.grid import compute_metrics
from data_access.indicators.policy import DEFAULT_POLICY
from data_access.ingest.importer import import_files
from data_access.ingest.validation import validate
from data_access.national.census import latest_census_return
from data_access.national.comparison import comparison


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def test_demo_files_are_deterministic():
    assert demo_files() == demo_files()
    builder = DemoBuilder().build()
    assert national_files(builder, SEED) == national_files(DemoBuilder().build(), SEED)


def test_the_demo_files_pass_every_check_and_the_quick_load_reads_them_alike(engine):
    """The first load writes the builder's rows without writing and reading the CSV
    (data_access/demo/loading.py): they must be exactly what the import reads from the files,
    and the files must pass every check of the import."""
    builder = DemoBuilder().build()
    with session_scope(engine) as session:
        checked = validate(builder.files(), session=session)
    assert list(checked.problems) == [] and checked.warnings == []
    quick = builder.validation()
    assert list(quick.files) == list(checked.files)
    assert {"agency_price_caps.csv", "agency_assignments.csv"} <= set(checked.files)
    for name, parsed in checked.files.items():
        rows = [(row.line, row.values) for row in quick.files[name].rows]
        assert rows == [(row.line, row.values) for row in parsed.rows], name


def _engine_on_a_copy(template, path):
    shutil.copy(template, path)
    return db.make_engine(f"sqlite:///{path}")


def test_the_quick_load_makes_the_database_the_import_makes(sqlite_template, tmp_path):
    quick = _engine_on_a_copy(sqlite_template, tmp_path / "quick.db")
    imported = _engine_on_a_copy(sqlite_template, tmp_path / "imported.db")
    try:
        assert load_demo(quick).loaded
        result = import_files(demo_files(), engine=imported, source=DEMO_SOURCE, user=DEMO_LOADER)
        assert result.loaded
        assert load_demo_national_figures(engine=imported)
        different = {
            table
            for table, rows in data_contents(quick).items()
            if rows != data_contents(imported)[table]
        }
        # Only the two tables that record when they were loaded.
        assert different <= {"benchmark_source", "census_return"}
    finally:
        quick.dispose()
        imported.dispose()


def test_demo_city_s_figures_are_the_demo_organisation_s(demo_engine):
    """Demo City (600) is the demo organisation: its "published" figures for 2022 to 2025 and
    its census return for 2026 are what the dashboard's own metrics give for those dates (two
    ways to the same numbers: Python over the builder's rows, SQL over the loaded tables)."""
    # The demo as the first start leaves it, made once per test session.
    with session_scope(demo_engine) as session:

        def internal(name: str, day: date) -> float | None:
            return compute_metrics(day, Scope(), DEFAULT_POLICY, names=[name], session=session)[
                name
            ]

        pairs = {
            "turnover_rate_fte": "turnover_rate_fte",
            "agency_rate_fte": "agency_rate_fte",
            "vacancy_rate_fte": "vacancy_rate_fte",
            "caseload_fte": "caseload_average",
        }
        for year in (2022, 2023, 2024, 2025):
            published = comparison("600", year, session=session)
            for name, metric in pairs.items():
                value = published.indicators[name].la.value
                assert value == internal(metric, date(year, 9, 30)), (year, name)
        census = latest_census_return("600", session=session).figures
        assert (census.year, census.reference_date) == (2026, date(2026, 9, 30))
        for name, metric in pairs.items():
            assert getattr(census, name) == internal(metric, date(2026, 9, 30)), name
        assert census.inpost_fte == internal("fte_in_post", date(2026, 9, 30))


def test_about_800_social_workers_in_post_at_the_latest_date():
    practitioners = ("social_worker", "senior_practitioner", "advanced_practitioner")
    in_post = [
        row
        for row in _rows(demo_files(), "staff.csv")
        if row["role"] in practitioners
        and row["start_date"] <= "2026-10-31"
        and (row["end_date"] == "" or row["end_date"] > "2026-10-31")
    ]
    assert 760 <= len(in_post) <= 840


def test_demo_structure():
    teams = _rows(demo_files(), "teams.csv")
    areas = {team["area"] for team in teams}
    assert areas == {"North", "South", "East", "West"}
    community_hubs: dict[str, Counter] = {}
    for team in teams:
        if team["hub"].endswith(" hub"):
            community_hubs.setdefault(team["hub"], Counter())[team["team_type"]] += 1
    hubs_per_area = Counter(
        team["area"]
        for team in teams
        if team["hub"].endswith(" hub") and team["team_name"].endswith("safeguarding team 1")
    )
    assert all(count in (3, 4) for count in hubs_per_area.values())
    assert all(
        types == Counter({"safeguarding": 2, "family_support": 1})
        for types in community_hubs.values()
    )
    area_wide = Counter(
        (team["area"], team["team_type"]) for team in teams if "area-wide" in team["hub"]
    )
    for area in areas:
        assert area_wide[(area, "assessment")] >= 1
        assert area_wide[(area, "children_in_care")] >= 1


def test_demo_loads_through_the_import_and_tells_its_story(database_url):
    loaded = run_cli(database_url, "demo")
    assert loaded.returncode == 0, loaded.stderr
    assert "staff.csv:" in loaded.stdout

    def metrics(as_at: str, *scope: str) -> dict:
        result = run_cli(database_url, "metrics", "--as-at", as_at, *scope, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    start, end = metrics("2021-11-30"), metrics("2026-10-31")
    # About a third agency at the start, falling towards 15%.
    assert 27 <= start["agency_rate_fte"] <= 36
    assert 11 <= end["agency_rate_fte"] <= 17
    # Supervision coverage climbs into the high 80s.
    assert start["supervision_coverage"] < 70
    assert 85 <= end["supervision_coverage"] <= 92
    # Children's views recorded rises from about 42%.
    assert 38 <= start["childs_views_share"] <= 46
    assert end["childs_views_share"] > 70
    # Caseloads ease.
    assert end["caseload_average"] < start["caseload_average"] - 2
    # About 800 social workers (practitioners) in post at the latest date; with managers ~880.
    assert 840 <= end["headcount"] <= 920
    # Some hubs struggle: Stonebridge is well behind Riverside.
    struggling, strong = (
        metrics("2026-10-31", "--hub", "Stonebridge hub"),
        metrics("2026-10-31", "--hub", "Riverside hub"),
    )
    assert struggling["agency_rate_fte"] > strong["agency_rate_fte"] + 10
    assert struggling["supervision_coverage"] < strong["supervision_coverage"] - 15
    assert struggling["caseload_average"] > strong["caseload_average"] + 3

    again = run_cli(database_url, "demo")
    assert again.returncode == 0
    assert " 0 added, 0 replaced" in again.stdout


def test_demo_refuses_a_database_holding_other_data(database_url):
    from support.org import SMALL_ORG

    assert run_cli(database_url, "import", str(SMALL_ORG)).returncode == 0
    result = run_cli(database_url, "demo")
    assert result.returncode == 1
    assert "loads only into an empty database" in result.stderr
