"""AppTest: the Agency page on the hand-worked agency organisation (tests/support/agency.py
has the working: D = 31/03/2025)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.agency import RETURN_2025_Q1_RULES
from support.app import shown_text, signed_in

from data_access.access.grants import GrantScope
from data_access.core import db
from data_access.ingest.importer import import_files
from data_access.settings import agency_monthly_budget, change_agency_monthly_budget, our_authority


@pytest.fixture
def agency_app(agency_org, fresh_caches):
    """The agency organisation with a caseload count dated 30/04/2025, so that the month ends
    to March 2025 are complete (the filters offer months that dated records cover)."""
    caseloads = b"staff_id,snapshot_date,open_cases\nP1,2025-04-30,12\n"
    assert import_files({"caseloads.csv": caseloads}, engine=agency_org, source="test").loaded
    return agency_org


def open_agency(role: str = "admin", scopes=None, **query: str) -> AppTest:
    kwargs = {} if scopes is None else {"scopes": scopes}
    return signed_in(db.get_engine(), "agency", role=role, as_at="March 2025", **kwargs, **query)


def tiles(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {metric.label: (metric.value, metric.delta) for metric in app.metric}


def tab_labels(app: AppTest) -> list[str]:
    return [tab.label for tab in app.tabs]


def test_the_tiles_show_the_hand_worked_figures(agency_app):
    app = open_agency()
    assert app.title[0].value == "Agency social workers"
    # March 2025: 19,689.48; March 2024 only AS3 was active: 41.00 x 30 x 21 / 5 = 5,166.00.
    assert tiles(app) == {
        "Agency cost in the month": ("£19,689", "+£14,523"),
        "Agency assignments active": ("3", "+2"),
        "Agency assignments meeting every rule": ("33.3%", "+33.3 pts"),
        "Price-cap breaches without sign-off": ("1", "+1"),
    }


def test_each_rule_and_the_lists_needing_attention(agency_app):
    app = open_agency()
    rules = next(frame.value for frame in app.dataframe if list(frame.value.columns)[0] == "Rule")
    shares = dict(zip(rules["Rule"], rules["Compliant (%)"], strict=True))
    # Experience 2/3, no return 2/3, price cap 1/3, references 2/3, notice 2/3.
    assert shares == {
        "3 years' post-qualifying experience": 66.7,
        "No return within 3 months": 66.7,
        "Within the price cap": 33.3,
        "2 practice-based references": 66.7,
        "Notice period": 66.7,
    }
    # The lists are the page's second section, opened by its address.
    assert "Cap breaches without sign-off (1)" not in tab_labels(app)
    app = open_agency(section="Assignments")
    assert "Cap breaches without sign-off (1)" in tab_labels(app)
    assert "Ending within 4 weeks (1)" in tab_labels(app)
    assert "Running over 12 months (1)" in tab_labels(app)
    assert "Not meeting every rule (2)" in tab_labels(app)
    workers = [frame.value for frame in app.dataframe if list(frame.value.columns)[0] == "Worker"]
    # The unsigned breach is AS2 (Abe, team manager, 57.00 over 55.00).
    assert list(workers[0]["Worker"]) == ["Abe"]
    assert workers[0]["Cap (£/h)"].tolist() == [55.0]
    assert list(workers[2]["Worker"]) == ["Ada"]  # AS3 started 01/12/2023
    # Each list can be downloaded whole (its names, so the download is logged and served once).
    labels = [d.proto.label for d in app.get("download_button")]
    assert labels.count("Download CSV (1 assignment)") == 3
    assert "Download CSV (2 assignments)" in labels


def test_names_only_inside_the_grant(agency_app):
    """Two more agency workers in Beta (T2), so that Beta holds 3 active assignments and the
    organisation less Alpha's 2 still 3: nothing is suppressed for a leader granted Alpha."""
    more = (
        b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
        b"A4,Amy,social_worker,agency,1,T2,2025-02-03\nA5,Art,social_worker,agency,1,T2,2025-02-03\n"
    )
    assignments = (
        b"assignment_id,staff_id,agency,role_category,swe_number,start_date,hours_per_week,"
        b"hourly_pay_rate,hourly_capped_cost,hourly_charge_rate,project_team,cover_reason\n"
        b"AS6,A4,Acme,social_worker,SW6,2025-02-03,37,34,38.95,46.20,no,vacancy\n"
        b"AS7,A5,Acme,social_worker,SW7,2025-02-03,37,34,38.95,46.20,no,vacancy\n"
    )
    files = {"staff.csv": more, "agency_assignments.csv": assignments}
    assert import_files(files, engine=db.get_engine(), source="test").loaded
    leader = (GrantScope("team", "T1", "Alpha"),)
    app = open_agency(role="leader", scopes=leader, section="Assignments")
    workers = [frame.value for frame in app.dataframe if list(frame.value.columns)[0] == "Worker"]
    names = {name for frame in workers for name in frame["Worker"]}
    # Abe's AS2 is an unsigned breach ending soon; Ann's AS1 needs no attention; Ada's AS3
    # (running long, not compliant) is in Beta (T2), like Amy's and Art's.
    assert names == {"Abe"}
    notes = [shown_text(caption.value) for caption in app.caption]
    assert any("3 active assignments in scope are outside it" in note for note in notes)
    # The return is for data officers and administrators only.
    app = open_agency(role="leader", scopes=leader, section="Quarterly return")
    notes = [shown_text(caption.value) for caption in app.caption]
    assert not [d for d in app.get("download_button") if "return" in d.proto.label]
    assert any("data officers and administrators produce it" in note for note in notes)


def test_the_return_preview_and_its_download_button(agency_app):
    app = open_agency(role="data_officer", section="Quarterly return")
    app.selectbox(key="agency-return-quarter").select_index(0).run()  # 2025-Q1
    text = " ".join(shown_text(block.value) for block in app.markdown)
    assert "5 assignments** active in 2025-Q1" in text
    outcomes = next(
        frame.value
        for frame in app.dataframe
        if list(frame.value.columns)[0] == "Rule"
        and "Not recorded" in frame.value.columns
        and len(frame.value) == 5
        and "Compliant (%)" not in frame.value.columns
    )
    experience = outcomes[outcomes["Rule"] == "3 years' post-qualifying experience"].iloc[0]
    assert experience["Compliant"] == RETURN_2025_Q1_RULES["experience"]["compliant"]
    labels = [d.proto.label for d in app.get("download_button")]
    assert "Download the return for 2025-Q1 (Excel)" in labels


def test_a_budget_is_drawn_for_the_whole_organisation_only(agency_app):
    with db.session_scope(db.get_engine()) as session:
        change_agency_monthly_budget(19_000, by="test", session=session)
    app = open_agency()
    text = " ".join(caption.value for caption in app.caption)
    assert "target ≤ £19,000" in text
    # 19,689.48 is 3.6% over 19,000: close (within 5%).
    badges = [block.value for block in app.markdown if "-badge[" in block.value]
    assert badges == [":orange-badge[:material/error: Close to target]"]
    hub = open_agency(area="North")
    assert "target ≤ £19,000" not in " ".join(caption.value for caption in hub.caption)


def test_the_team_page_lists_the_teams_agency_workers_with_their_end_dates(agency_app):
    app = signed_in(
        db.get_engine(),
        "team",
        role="manager",
        scopes=(GrantScope("team", "T1", "Alpha"),),
        as_at="March 2025",
    )
    assignments = next(frame.value for frame in app.dataframe if "Days left" in frame.value.columns)
    # Abe's AS2 ends 18/04/2025 (18 days after D), Ann's AS1 continues; Ada is in Beta.
    assert list(assignments["Name"]) == ["Abe", "Ann"]
    assert assignments["Days left"].tolist()[0] == 18
    assert assignments["Ends"].isna().tolist() == [False, True]
    assert list(assignments["Rules not met"]) == [
        "Over the price cap without both sign-offs",
        "none",
    ]


def test_the_overview_shows_the_agency_cost_and_rules(agency_app):
    app = signed_in(db.get_engine(), None, as_at="March 2025")
    shown = tiles(app)
    assert shown["Agency cost in the month"] == ("£19,689", "+£14,523")
    assert shown["Agency assignments meeting every rule"] == ("33.3%", "+33.3 pts")
    assert "Agency assignments active" not in shown


def test_an_administrator_sets_the_budget_and_our_authority(agency_app):
    app = signed_in(db.get_engine(), "access", role="admin", scopes=())
    caps = next(f.value for f in app.dataframe if "Hourly cap (£)" in f.value.columns)
    assert list(caps["Hourly cap (£)"]) == [40.0, 55.0]
    budget = next(n for n in app.number_input if n.label.startswith("Monthly budget"))
    budget.set_value(250_000)
    ours = next(t for t in app.text_input if t.label.startswith("Our authority"))
    assert ours.value == "330"  # no national figures loaded: typed, not chosen from a list
    ours.input("331")
    next(b for b in app.button if b.label == "Save settings").click().run()
    assert not app.exception
    log = next(f.value for f in app.dataframe if "Action" in f.value.columns)
    assert sorted(zip(log["Scope"][:2], log["Detail"][:2], strict=True)) == [
        ("Agency monthly budget (pounds)", "(not set) -> 250000"),
        ("Our authority (DfE old LA code)", "330 -> 331"),
    ]
    with db.session_scope(db.get_engine()) as session:
        assert agency_monthly_budget(session=session) == 250_000
        assert our_authority(session=session) == "331"
    # A wrong code saves nothing, not even the budget changed beside it.
    next(n for n in app.number_input if n.label.startswith("Monthly budget")).set_value(9_000)
    next(t for t in app.text_input if t.label.startswith("Our authority")).input("abc")
    next(b for b in app.button if b.label == "Save settings").click().run()
    assert shown_text(app.error[0].value) == (
        "Nothing was saved: our authority is a three-digit old LA code, such as 330."
    )
    with db.session_scope(db.get_engine()) as session:
        assert agency_monthly_budget(session=session) == 250_000
        assert our_authority(session=session) == "331"


def test_the_return_is_offered_for_quarters_already_over(agency_app):
    """As at 30/04/2025 the newest quarter over is 2025-Q1 (January to March)."""
    app = signed_in(db.get_engine(), "agency", as_at="April 2025", section="Quarterly return")
    quarters = app.selectbox(key="agency-return-quarter")
    assert [str(q) for q in quarters.options[:3]] == [
        "2025-Q1 (01/01/2025 to 31/03/2025)",
        "2024-Q4 (01/10/2024 to 31/12/2024)",
        "2024-Q3 (01/07/2024 to 30/09/2024)",
    ]


def test_a_board_member_sees_figures_no_names_and_nothing_of_one_or_two_people(agency_app):
    app = open_agency(role="board", scopes=(), section="Assignments")
    assert tiles(app)["Agency assignments active"] == ("3", "+2")
    assert not [f for f in app.dataframe if list(f.value.columns)[0] == "Worker"]
    notes = [shown_text(caption.value) for caption in app.caption]
    assert any(note.startswith("Your access shows figures without names") for note in notes)
    # Two permanent staff more in Beta (T2), so that its 3 people in post may be shown: its one
    # active assignment (AS3) may not, on this page or on the Overview.
    staff = (
        b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
        b"P2,Pam,social_worker,permanent,1,T2,2020-01-01\n"
        b"P3,Pip,social_worker,permanent,1,T2,2020-01-01\n"
    )
    assert import_files({"staff.csv": staff}, engine=db.get_engine(), source="test").loaded
    south = open_agency(role="board", scopes=(), area="South")
    assert not south.metric
    assert shown_text(south.info[0].value).startswith(
        "The agency figures for South area are suppressed (c)"
    )
    overview = signed_in(
        db.get_engine(), None, role="board", scopes=(), as_at="March 2025", area="South"
    )
    assert tiles(overview)["Agency rate (FTE)"][0] == "33.3%"  # Ada of Ada, Pam and Pip
    assert "Agency cost in the month" not in tiles(overview)
