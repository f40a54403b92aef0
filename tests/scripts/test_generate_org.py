"""scripts/generate_org.py: a valid import folder of any size, the same for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from generate_org import generate  # scripts/ is on the test path (pyproject.toml)

from data_access.core.db import session_scope
from data_access.core.scope import Scope, teams_in_scope
from data_access.indicators.grid import compute_metrics
from data_access.ingest.bulk_import import import_folder

END = date(2026, 10, 31)


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_the_same_seed_writes_the_same_files_and_another_seed_does_not(tmp_path):
    first = generate(tmp_path / "a", practitioners=300, months=6, seed=7)
    generate(tmp_path / "b", practitioners=300, months=6, seed=7)
    generate(tmp_path / "c", practitioners=300, months=6, seed=8)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    assert contents(tmp_path / "a") != contents(tmp_path / "c")
    # 300 practitioners: one authority (one per 267) of 3 hubs x 11 teams.
    assert first["teams.csv"] == 33
    assert first["vacancies.csv"] == 33 * 6


def test_the_folder_imports_cleanly_and_has_the_size_asked_for(engine, tmp_path):
    generate(tmp_path / "org", practitioners=600, months=12, seed=3, end=END)
    result, not_kept = import_folder(tmp_path / "org", engine=engine)
    assert result.loaded, [str(problem) for problem in result.problems[:5]]
    assert not result.warnings and not_kept == 0
    with session_scope(engine) as session:
        assert len(teams_in_scope(Scope(), session=session)) == 66  # 2 authorities x 33 teams
        headcount = compute_metrics(END, session=session)["headcount"]
        figures = compute_metrics(END, session=session)
    # About 600 in post (team sizes are drawn around 600 / 66 each).
    assert 480 <= headcount <= 720
    # Every import file is written: yearly appraisals (each due one made with chance 0.85, so
    # the share is near 85%) and the September 2026 survey (one month end in the 12: each of
    # the 66 teams answers the 3 questions).
    assert 70 <= figures["appraisal_share"] <= 95
    counts = {
        path.name: len(path.read_text().splitlines()) - 1 for path in (tmp_path / "org").iterdir()
    }
    assert counts["staff_survey.csv"] == 66 * 3


def test_another_shape_of_hubs_with_agency_assignments(engine, tmp_path):
    """9 community hubs and an area-wide one: 33 - 5 = 28 community teams shared out as
    4 + 3 x 8; every agency worker has an assignment, and the folder imports cleanly."""
    counts = generate(
        tmp_path / "org", practitioners=300, months=6, seed=5, hubs_per_area=9, area_wide=True
    )
    assert counts["teams.csv"] == 33
    assert counts["agency_price_caps.csv"] == 10  # 5 role categories x 2 dates
    teams = (tmp_path / "org" / "teams.csv").read_text().splitlines()[1:]
    hubs = Counter(line.split(",")[3] for line in teams)
    assert sorted(hubs.values()) == [3] * 8 + [4, 5]
    assert hubs["Authority 001 area-wide services"] == 5
    staff = (tmp_path / "org" / "staff.csv").read_text().splitlines()[1:]
    agency = {line.split(",")[0] for line in staff if line.split(",")[3] == "agency"}
    assignments = (tmp_path / "org" / "agency_assignments.csv").read_text().splitlines()[1:]
    assert {line.split(",")[1] for line in assignments} == agency and len(agency) > 10
    result, _ = import_folder(tmp_path / "org", engine=engine)
    assert result.loaded, [str(problem) for problem in result.problems[:5]]
    assert not result.warnings
