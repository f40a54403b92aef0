"""The hand-made organisation (tests/fixtures/small_org), the fixture files, and what tests read
back from a database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL_ORG = FIXTURES / "small_org"
#: The hand-made DfE files (tests/fixtures/benchmarks) and the real ones beside the project.
BENCHMARKS = FIXTURES / "benchmarks"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def read_folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def add_beta_support(engine: Engine) -> None:
    """Add a second team to Hub B (South) of tests/fixtures/small_org: T4 Beta support, three
    permanent social workers in post since 2024, no cases, sessions or vacancies.

    In the fixture as it is, Hub B and South are one 2-person team (T3), so for anyone who
    may not see T3's names they, and everything that would give them away by subtraction
    (North, Hub A), are suppressed (data_access/access/suppression.py). With T4 beside it, T3
    is suppressed with T4 as its complement and every hub and area may be shown: this is the
    fixture for tests of a hub's or an area's figures as a board member sees them. Figures for
    Hub A and North are unchanged by it."""
    from data_access.ingest.importer import import_files

    files = {
        "teams.csv": b"team_id,team_name,team_type,hub,area\nT4,Beta support,family support,"
        b"Hub B,South\n",
        "staff.csv": (
            b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
            b"S21,Uma Upton,social_worker,permanent,1,T4,2024-01-01\n"
            b"S22,Val Vance,social_worker,permanent,1,T4,2024-01-01\n"
            b"S23,Wyn West,social_worker,permanent,1,T4,2024-01-01\n"
        ),
    }
    result = import_files(files, engine=engine, source="fixture: Beta support")
    assert result.loaded, [str(problem) for problem in result.problems]


def table_contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, for before/after comparisons."""
    metadata = MetaData()
    metadata.reflect(engine)
    contents = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = connection.execute(table.select()).all()
            contents[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return contents


def data_contents(engine: Engine) -> dict[str, list[tuple]]:
    """`table_contents` without the import log (which records refused attempts too) and the
    users and access log (which the signed-in tests set up)."""
    contents = table_contents(engine)
    for table in ("import_log", "access_log", "app_user", "user_grant"):
        contents.pop(table)
    return contents
