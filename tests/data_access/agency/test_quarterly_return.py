"""The quarterly return to DfE on agency social workers, against tests/support/agency.py's
organisation worked out by hand; the command line writes it and records who did."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from support.agency import RETURN_2025_Q1_COST, RETURN_2025_Q1_RULES
from support.cli import run_cli

from data_access.access.grants import PRODUCE_AGENCY_RETURN, access_log
from data_access.agency.quarterly_return import (
    Quarter,
    produce_return,
    quarterly_return,
    return_workbook,
)
from data_access.core.db import session_scope
from data_access.settings import agency_monthly_budget


def test_quarters():
    quarter = Quarter.parse("2026-q3")
    assert (str(quarter), quarter.first_day.isoformat(), quarter.last_day.isoformat()) == (
        "2026-Q3",
        "2026-07-01",
        "2026-09-30",
    )
    with pytest.raises(ValueError, match='expected a quarter such as 2026-Q3; found "2026-3"'):
        Quarter.parse("2026-3")


def test_the_return_for_the_first_quarter_of_2025(agency_org):
    with session_scope(agency_org) as session:
        data = quarterly_return(Quarter(2025, 1), session=session)
    assert data["quarter"] == "2025-Q1"
    assert [row["assignment_id"] for row in data["assignments"]] == [
        "AS3", "AS4", "AS1", "AS5", "AS2",
    ]  # fmt: skip
    first = data["assignments"][2]
    assert first == {
        "assignment_id": "AS1",
        "role_category": "social_worker",
        "swe_number": "SW1",
        "hourly_pay_rate": 34.0,
        "start_date": "2025-01-06",
        "end_date": None,
        "project_team": False,
        "experience": "compliant",
        "cooling_off": "compliant",
        "price_cap": "compliant",
        "references": "compliant",
        "notice": "compliant",
        "breach_signed_off": None,
    }
    over = data["assignments"][4]
    assert (over["price_cap"], over["breach_signed_off"], over["project_team"]) == (
        "not_compliant",
        False,
        True,
    )
    assert data["rules"] == RETURN_2025_Q1_RULES
    assert data["cap_breaches"] == {"signed_off": 0, "not_signed_off": 1}
    assert data["monthly_cost"] == RETURN_2025_Q1_COST
    assert data["by_agency"] == {
        "Acme": {"assignments": 3, "not_compliant": 2},
        "Best": {"assignments": 2, "not_compliant": 1},
    }


def test_the_workbook_holds_the_same_with_text_made_inert(agency_org):
    with session_scope(agency_org) as session:
        data = quarterly_return(Quarter(2025, 1), session=session)
    data["by_agency"] = {"=HYPERLINK(1)": {"assignments": 1, "not_compliant": 0}}
    book = load_workbook(io.BytesIO(return_workbook(data)))
    assert book.sheetnames == [
        "Assignments", "Rules", "Cap breaches", "Monthly cost", "By agency", "About",
    ]  # fmt: skip
    rows = list(book["Assignments"].iter_rows(values_only=True))
    assert rows[0][:4] == ("assignment_id", "role_category", "swe_number", "hourly_pay_rate")
    assert rows[3][:5] == ("AS1", "social_worker", "SW1", 34, "2025-01-06")
    assert list(book["Monthly cost"].iter_rows(values_only=True)) == [
        ("month", "cost"),
        ("2025-01", 13521.24),
        ("2025-02", 11757.6),
        ("2025-03", 19689.48),
    ]
    assert book["By agency"]["A2"].value == "'=HYPERLINK(1)"


def test_the_command_line_writes_it_and_the_access_log_says_who(agency_org, tmp_path):
    url = agency_org.url.render_as_string(hide_password=False)
    shown = run_cli(url, "agency-return", "--quarter", "2025-Q1", "--json", "--by", "me")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["monthly_cost"] == RETURN_2025_Q1_COST
    out = tmp_path / "return.xlsx"
    written = run_cli(
        url, "agency-return", "--quarter", "2025-Q1", "--out", str(out), "--by", "you"
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith("Wrote the agency return for 2025-Q1 (5 assignments)")
    assert load_workbook(out)["Rules"]["A2"].value == "experience"
    bad = run_cli(url, "agency-return", "--quarter", "Q3", "--json")
    assert (bad.returncode, bad.stderr.strip()) == (
        1,
        'error: expected a quarter such as 2026-Q3; found "Q3"',
    )
    with session_scope(agency_org) as session:
        events = [e for e in access_log(session=session) if e.action == PRODUCE_AGENCY_RETURN]
    assert sorted((e.user_email, e.detail) for e in events) == [
        ("me", "2025-Q1, 5 assignments, command line"),
        ("you", "2025-Q1, 5 assignments, command line"),
    ]


def test_settings_on_the_command_line(agency_org):
    url = agency_org.url.render_as_string(hide_password=False)
    listed = run_cli(url, "settings", "list")
    assert "our-authority              330" in listed.stdout.splitlines()
    assert "agency-min-notice-weeks    4" in listed.stdout.splitlines()
    changed = run_cli(url, "settings", "set", "agency-min-notice-weeks", "6", "--by", "me")
    assert (changed.returncode, changed.stdout) == (0, "agency-min-notice-weeks is now 6.\n")
    refused = run_cli(url, "settings", "set", "our-authority", "Birmingham")
    assert refused.returncode == 1
    assert "our authority is a three-digit old LA code, such as 330" in refused.stderr
    # With 6 weeks' notice required, every 4-week notice falls short: none is compliant.
    with session_scope(agency_org) as session:
        data = quarterly_return(Quarter(2025, 1), session=session)
    assert data["rules"]["notice"] == {"compliant": 0, "not_compliant": 4, "not_recorded": 1}


def test_the_quarter_of_a_day_and_quarters_back():
    assert Quarter.containing(date(2026, 10, 31)) == Quarter(2026, 4)
    assert Quarter.containing(date(2026, 1, 1)) == Quarter(2026, 1)
    assert [str(Quarter(2026, 2).back(n)) for n in range(4)] == [
        "2026-Q2",
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
    ]


def test_producing_the_return_is_logged_with_how(agency_org):
    with session_scope(agency_org) as session:
        data = produce_return(
            Quarter(2025, 1), by="officer@x.test", via="dashboard", session=session
        )
    assert len(data["assignments"]) == 5
    with session_scope(agency_org) as session:
        events = [e for e in access_log(10, session=session) if e.action == PRODUCE_AGENCY_RETURN]
    assert [(e.user_email, e.scope, e.detail) for e in events] == [
        ("officer@x.test", "whole organisation", "2025-Q1, 5 assignments, dashboard")
    ]


def test_the_monthly_budget_on_the_command_line(agency_org):
    url = agency_org.url.render_as_string(hide_password=False)
    assert (
        "agency-monthly-budget      (not set)"
        in run_cli(url, "settings", "list").stdout.splitlines()
    )
    set_ = run_cli(url, "settings", "set", "agency-monthly-budget", "£250,000", "--by", "me")
    assert (set_.returncode, set_.stdout) == (0, "agency-monthly-budget is now 250000.\n")
    refused = run_cli(url, "settings", "set", "agency-monthly-budget", "lots")
    assert refused.returncode == 1
    assert "must be whole pounds, or none to clear it" in refused.stderr
    with session_scope(agency_org) as session:
        assert agency_monthly_budget(session=session) == 250_000
    cleared = run_cli(url, "settings", "set", "agency-monthly-budget", "none")
    assert cleared.returncode == 0
    with session_scope(agency_org) as session:
        assert agency_monthly_budget(session=session) is None
