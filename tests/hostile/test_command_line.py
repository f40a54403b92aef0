"""The command line with hostile data: names with terminal escape sequences, and folders with
nothing to import."""

from __future__ import annotations

from support.cli import run_cli
from support.org import SMALL_ORG, read_folder_bytes

from data_access.ingest.importer import import_files


def test_scopes_prints_names_without_terminal_escape_sequences(engine, database_url):
    files = read_folder_bytes(SMALL_ORG)
    files["teams.csv"] = files["teams.csv"].replace(
        b"Alpha safeguarding", b"Alpha\x1b]0;owned\x07 safe\x1b[2Jguarding"
    )
    assert import_files(files, engine=engine, source="fixture").loaded
    listed = run_cli(database_url, "scopes")
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "T1\tAlpha?]0;owned? safe?[2Jguarding (safeguarding)" in listed.stdout


def test_a_folder_with_nothing_to_import_is_refused(database_url, tmp_path):
    (tmp_path / "notes.csv").write_text("colour,shape\nred,round\n")
    refused = run_cli(database_url, "import", str(tmp_path))
    assert refused.returncode == 1
    assert "none of the files is an import file" in refused.stderr
    assert "Import refused: 1 problem(s) found; nothing was written." in refused.stderr


def test_a_workbook_with_nothing_to_import_is_refused(database_url, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["colour", "shape"])
    workbook.active.append(["red", "round"])
    workbook.save(tmp_path / "notes.xlsx")
    refused = run_cli(database_url, "import", str(tmp_path))
    assert refused.returncode == 1
    assert "none of the files is an import file" in refused.stderr
