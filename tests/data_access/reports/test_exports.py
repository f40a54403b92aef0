"""Every CSV the dashboard writes is safe to open in a spreadsheet, and text it prints is
safe in a terminal."""

from __future__ import annotations

import pandas as pd

from data_access.reports.exports import csv_text, printable


def test_text_a_spreadsheet_would_run_is_made_inert_and_numbers_stay_numbers():
    table = pd.DataFrame(
        {
            "Name": ['=HYPERLINK("http://x","y")', "+1+2", "@SUM(1+1)", "Ann", "-2", None, "\tx"],
            "Open cases": [17, -2, 3, 4, 5, 6, 7],
            "Change": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            "=cmd|' /C calc'!A0": ["a", "b", "c", "d", "e", "f", "g"],
        }
    )
    assert csv_text(table).decode("utf-8").splitlines() == [
        "Name,Open cases,Change,'=cmd|' /C calc'!A0",
        '"\'=HYPERLINK(""http://x"",""y"")",17,-1.5,a',
        "'+1+2,-2,2,b",
        "'@SUM(1+1),3,3,c",
        "Ann,4,4,d",
        "'-2,5,5,e",
        ",6,6,f",
        "'\tx,7,7,g",
    ]


def test_values_are_written_as_the_pages_show_them():
    from datetime import date, datetime

    table = pd.DataFrame(
        {
            "Next due": [date(2025, 3, 31), None],
            "Imported": [datetime(2026, 12, 1, 9, 5), None],
            "Limit": [18.0, 16.2],
            "Over limit": [True, False],
            "Open cases": pd.array([20, None], dtype="Int64"),
        }
    )
    assert csv_text(table).decode("utf-8").splitlines() == [
        "Next due,Imported,Limit,Over limit,Open cases",
        "31/03/2025,01/12/2026 09:05,18,yes,20",
        ",,16.2,no,",
    ]


def test_string_columns_are_covered_and_the_table_shown_is_unchanged():
    table = pd.DataFrame({"Team": pd.Series(["=1+1", "Alpha"], dtype="string")})
    assert csv_text(table).decode("utf-8").splitlines() == ["Team", "'=1+1", "Alpha"]
    assert table["Team"].tolist() == ["=1+1", "Alpha"]


def test_every_csv_the_pages_offer_goes_through_the_one_safe_writer():
    from data_access.core.config import PROJECT_ROOT

    writers = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("app_pages", "ui", "data_access")
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
        for line in path.read_text().splitlines()
        if ".to_csv(" in line or ".to_excel(" in line
    ]
    assert writers == ["data_access/reports/exports.py"]  # csv_text


def test_printed_text_loses_its_control_characters():
    hostile = "Alpha\x1b]0;owned\x07 team\x1b[2J\u202eevil\x9b1m\tend"
    assert printable(hostile) == "Alpha?]0;owned? team?[2J?evil?1m\tend"
