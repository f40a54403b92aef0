"""The demo organisation: deterministic, valid, shaped as the brief says, telling its story."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from test_cli import run_cli

from data_access.demo.organisation import demo_files


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def test_demo_files_are_deterministic():
    assert demo_files() == demo_files()


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
    from conftest import SMALL_ORG

    assert run_cli(database_url, "import", str(SMALL_ORG)).returncode == 0
    result = run_cli(database_url, "demo")
    assert result.returncode == 1
    assert "loads only into an empty database" in result.stderr
