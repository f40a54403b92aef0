"""The command line's streamed import of a folder (data_access/ingest/bulk_import.py): the same
rows, counts and messages as the upload path, chunk by chunk, all or nothing, on both databases."""

from __future__ import annotations

import shutil

from sqlalchemy import delete, select
from sqlmodel import SQLModel
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.db import session_scope
from data_access.core.models import ImportLog, team_month_parts
from data_access.ingest import bulk_import
from data_access.ingest.bulk_import import import_folder
from data_access.ingest.importer import import_files

DATA_TABLES = (
    "area", "hub", "team", "staff", "supervision_session", "caseload_snapshot", "vacancy",
    "supervision_audit", "appraisal", "staff_survey_result", "team_month_parts", "hub_month_parts",
)  # fmt: skip


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every data table, sorted, without surrogate ids."""
    tables = SQLModel.metadata.tables
    out = {}
    with engine.connect() as connection:
        for name in DATA_TABLES:
            table = tables[name]
            columns = [
                column for column in table.c if column.name not in ("id", "hub_id", "area_id")
            ]
            out[name] = sorted(tuple(row) for row in connection.execute(select(*columns)))
    return out


def wipe(engine) -> None:
    with session_scope(engine) as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name in DATA_TABLES or table.name in ("import_log", "setting"):
                session.execute(delete(table))


def test_the_streamed_import_stores_exactly_what_the_upload_path_stores(engine):
    result, not_kept = import_folder(SMALL_ORG, engine=engine, source="folder")
    assert result.loaded and not_kept == 0
    streamed = dump(engine)
    streamed_counts = [(c.file, c.added, c.replaced, c.unchanged) for c in result.counts]
    wipe(engine)
    uploaded = import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="upload")
    assert dump(engine) == streamed
    assert [(c.file, c.added, c.replaced, c.unchanged) for c in uploaded.counts] == (
        streamed_counts
    )
    # The same warnings too (the fixture has an unknown column and a total row).
    assert [str(w) for w in result.warnings] == [str(w) for w in uploaded.warnings]


def test_chunks_are_checked_across_their_boundaries(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_import, "CHUNK_ROWS", 2)
    folder = tmp_path / "folder"
    shutil.copytree(SMALL_ORG, folder)
    sessions = folder / "supervision_sessions.csv"
    lines = sessions.read_text().splitlines()
    # Line 9 repeats line 2's session id, several chunks later; line 10 names a stranger.
    lines.append(lines[1].replace("2025-02-28", "2025-03-01"))
    lines.append("X99,S77,S05,2025-03-02,held,90,yes,yes")
    sessions.write_text("\n".join(lines) + "\n")
    result, _ = import_folder(folder, engine=engine)
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [
        'supervision_sessions.csv, line 10, session_id: duplicate key "X01": already on line 2',
        'supervision_sessions.csv, line 11, staff_id: unknown staff_id "S77": not in staff.csv'
        " nor in the database",
    ]
    with session_scope(engine) as session:
        # Nothing written, not even the chunks read before the problem; the refusal logged.
        assert session.execute(select(team_month_parts.c.team_id)).first() is None
        outcomes = session.execute(select(ImportLog.outcome, ImportLog.problem_count)).all()
        assert outcomes == [("refused", 2)]


def test_a_second_import_counts_replaced_and_unchanged_rows_chunk_by_chunk(
    engine, tmp_path, monkeypatch
):
    assert import_folder(SMALL_ORG, engine=engine)[0].loaded
    monkeypatch.setattr(bulk_import, "CHUNK_ROWS", 3)
    folder = tmp_path / "again"
    shutil.copytree(SMALL_ORG, folder)
    staff = folder / "staff.csv"
    # Ann Archer's FTE changes; one new worker.
    text = staff.read_text(encoding="utf-8-sig")
    text = text.replace(
        "S01,Ann Archer,social_worker,permanent,1,", "S01,Ann Archer,social_worker,permanent,0.6,"
    )
    staff.write_text(
        text.rstrip("\n") + "\nS99,Zed Zane,social_worker,permanent,1,T1,2025-01-06,,,,,\n"
    )
    result, _ = import_folder(folder, engine=engine)
    assert result.loaded
    counts = {count.file: (count.added, count.replaced, count.unchanged) for count in result.counts}
    staff_rows = len([line for line in text.splitlines()[1:] if line.strip()])
    assert counts["staff.csv"] == (1, 1, staff_rows - 1)
    assert counts["supervision_sessions.csv"][:2] == (0, 0)


def test_problems_beyond_the_kept_number_are_counted(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_import, "MAX_KEPT_PROBLEMS", 2)
    folder = tmp_path / "bad"
    folder.mkdir()
    rows = "\n".join(f"X{n},S01,S05,not a date,held,90,yes,yes" for n in range(5))
    (folder / "supervision_sessions.csv").write_text(
        "session_id,staff_id,supervisor_id,session_date,status,duration_minutes,reflective,"
        f"childs_views_recorded\n{rows}\n"
    )
    result, not_kept = import_folder(folder, engine=engine)
    # Five bad dates and five unknown staff ids S01/S05 (an empty database): 15 problems.
    assert (len(result.problems), not_kept) == (2, 13)


def test_a_windows_1252_file_is_read_with_a_warning(engine, tmp_path):
    folder = tmp_path / "cp1252"
    folder.mkdir()
    (folder / "teams.csv").write_bytes(
        "team_id,team_name,team_type,hub,area\nT1,Caf\u00e9 team,assessment,Hub A,North\n".encode(
            "cp1252"
        )
    )
    result, _ = import_folder(folder, engine=engine)
    assert result.loaded
    assert [str(w) for w in result.warnings] == [
        "teams.csv: not UTF-8: read as Windows-1252 (Excel's usual CSV encoding)"
    ]
    with session_scope(engine) as session:
        from data_access.core.models import Team

        assert session.execute(select(Team.team_name)).scalar() == "Caf\u00e9 team"


def test_a_utf16_file_is_one_clear_refusal_on_the_command_line_too(engine, tmp_path):
    folder = tmp_path / "utf16"
    folder.mkdir()
    teams = "team_id,team_name,team_type,hub,area\nT1,Alpha,assessment,Hub A,North\n"
    (folder / "teams.csv").write_bytes(teams.encode("utf-16"))  # with its byte order mark
    result, _ = import_folder(folder, engine=engine)
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [
        "teams.csv: saved as UTF-16 (Unicode text): save it as CSV UTF-8"
    ]
    assert not result.warnings
