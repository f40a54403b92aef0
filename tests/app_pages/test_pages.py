"""AppTest: every page, on the hand-made organisation, checking the figures it shows.

Filters are set through the URL (query parameters) and through the sidebar widgets. Most
figures are as at 31/03/2025 (URL value "March 2025"); see test_metrics.py for the working.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from support.app import sections, shown_text, signed_in
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.ingest.importer import import_files
from ui import filters

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def open_app(page: str | None = None, **query: str) -> AppTest:
    """The app as an administrator who may see every name (see conftest.signed_in)."""
    return signed_in(db.get_engine(), page, **query)


def tiles(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def table(app: AppTest, first_column: str):
    """The first dataframe on the page whose first column is `first_column`."""
    for frame in app.dataframe:
        value = frame.value
        data = value.data if hasattr(value, "data") else value  # a pandas Styler or a frame
        if list(data.columns)[0] == first_column:
            return data
    raise AssertionError(f"no table starting with {first_column}")


def test_overview_defaults_to_the_latest_month(small_org):
    app = open_app()
    assert app.title[0].value == "Overview"
    # The latest complete month is April 2025: S14 has started, agency 2.5 / 11.0.
    assert app.caption[0].value.startswith("**Whole organisation** · as at **30/04/2025**")
    assert tiles(app)["Agency rate (FTE)"] == "22.7%"
    assert app.selectbox(key="as_at").value.isoformat() == "2025-04-30"


def test_overview_figures_as_at_a_month_from_the_url(small_org):
    app = open_app(as_at="March 2025")
    assert tiles(app) == {
        "Agency rate (FTE)": "25.0%",
        "Turnover, last 12 months (FTE)": "18.7%",
        "Vacancy rate (FTE)": "16.7%",
        "Stability index": "50.0%",
        "Supervision in date": "62.5%",
        "Supervision agreements in place": "25.0%",
        "Average caseload": "18.0 cases",
        "Case holders over threshold": "40.0%",
    }
    areas = table(app, "Area")
    assert list(areas["Area"]) == ["North", "South"]
    assert list(areas["Agency rate (FTE)"]) == [31.3, 0.0]
    summary = "\n".join(shown_text(markdown.value) for markdown in app.markdown)
    assert "Furthest from target: North area" in summary


def test_overview_scoped_by_the_area_widget(small_org):
    app = open_app(as_at="March 2025")
    app.selectbox(key="area").select("North").run()
    assert not app.exception
    assert app.caption[0].value.startswith("**North area** · as at **31/03/2025**")
    shown = tiles(app)
    # North holds only Hub A: see HUB_A in test_metrics.py.
    assert shown["Agency rate (FTE)"] == "31.3%"
    assert shown["Supervision in date"] == "57.1%"
    assert list(table(app, "Hub")["Hub"]) == ["Hub A"]


def test_hub_and_team_options_narrow_with_the_area(small_org):
    app = open_app(as_at="March 2025")
    assert app.selectbox(key="hub").options == ["All", "Hub A", "Hub B"]
    app.selectbox(key="area").select("South").run()
    assert app.selectbox(key="hub").options == ["All", "Hub B"]
    assert app.selectbox(key="team").options == ["All", "Beta assessment"]


def test_a_stale_hub_falls_back_to_all_when_the_area_changes(small_org):
    app = open_app(as_at="March 2025", area="North", hub="Hub A")
    app.selectbox(key="area").select("South").run()
    assert not app.exception
    assert app.selectbox(key="hub").value == "All"
    assert app.caption[0].value.startswith("**South area**")


def test_a_large_scope_lists_its_teams_once_an_area_narrows_it(small_org, monkeypatch):
    """With at most 2 choices a box (national size: 300), the whole organisation's 3 teams are
    not listed until an area is chosen; its 2 hubs are. A link naming only a team still opens
    on it, its area and hub named for it."""
    monkeypatch.setattr(filters, "MAX_CHOICES", 2)
    app = open_app(as_at="March 2025")
    assert app.selectbox(key="hub").options == ["All", "Hub A", "Hub B"]
    assert app.selectbox(key="team").options == ["All"]
    assert (
        app.selectbox(key="team").help == "Choose an area or hub first: 3 teams are in this scope."
    )
    app.selectbox(key="area").select("North").run()
    assert app.selectbox(key="team").options == [
        "All",
        "Alpha family support",
        "Alpha safeguarding",
    ]
    linked = open_app(as_at="March 2025", team="Beta assessment")
    assert (linked.selectbox(key="area").value, linked.selectbox(key="hub").value) == (
        "South",
        "Hub B",
    )
    assert linked.selectbox(key="team").value == "Beta assessment"
    assert shown_text(linked.caption[0].value).startswith("**Beta assessment (Hub B, South)**")
    monkeypatch.setattr(filters, "MAX_CHOICES", 1)
    few = open_app(as_at="March 2025")
    assert few.selectbox(key="hub").options == ["All"]
    assert few.selectbox(key="hub").help == "Choose an area first: the organisation has 2 hubs."


def test_a_shared_url_restores_the_same_view(small_org):
    link = {"area": "North", "hub": "Hub A", "team": "Alpha safeguarding", "as_at": "March 2025"}
    app = open_app(**link)
    assert app.selectbox(key="area").value == "North"
    assert app.selectbox(key="hub").value == "Hub A"
    assert app.selectbox(key="team").value == "Alpha safeguarding"
    assert app.selectbox(key="as_at").value.isoformat() == "2025-03-31"
    assert shown_text(app.caption[0].value).startswith(
        "**Alpha safeguarding (Hub A, North)** · as at **31/03/2025**"
    )
    # Team T1's figures (TEAM_T1 in test_metrics.py).
    assert tiles(app)["Turnover, last 12 months (FTE)"] == "22.9%"
    assert tiles(app)["Average caseload"] == "18.6 cases"


def test_stability_page(small_org):
    app = open_app("stability", as_at="March 2025")
    assert app.title[0].value == "Workforce stability"
    # Two sections (tabs); only the open one is run and drawn.
    assert sections(app) == {"Indicators": True, "Starters and leavers": False}
    # The first section: the four indicators and the units compared, nothing of the second.
    assert [s.value for s in app.subheader] == [
        "Agency rate (FTE)",
        "Turnover, last 12 months (FTE)",
        "Vacancy rate (FTE)",
        "Stability index",
        "Areas compared",
    ]
    agency = table(app, "Month")
    assert agency.iloc[-1].tolist() == ["03/2025", 25.0]
    assert list(table(app, "Area")["Area"]) == ["North", "South"]

    # The second section, opened by its address (as a click on its tab sets it).
    app = open_app("stability", as_at="March 2025", section="Starters and leavers")
    assert sections(app) == {"Indicators": False, "Starters and leavers": True}
    assert [s.value for s in app.subheader] == [
        "Starters and leavers each month",
        "Why permanent staff left, last 12 months",
        "Length of service of those in post",
    ]
    reasons = table(app, "Leaving reason")
    assert sorted(zip(reasons["Leaving reason"], reasons["FTE"], strict=True)) == [
        ("Moved to another council", 0.6),
        ("Resigned", 0.8),
    ]
    bands = table(app, "Length of service")
    counts = {
        (band, contract): workers
        for band, contract, workers in bands.itertuples(index=False)
        if workers
    }
    assert counts == {
        ("Under 1 year", "permanent"): 4,
        ("Under 1 year", "agency"): 1,
        ("1 to 2 years", "permanent"): 1,
        ("2 to 5 years", "agency"): 2,
        ("5 to 10 years", "permanent"): 2,
        ("10 years +", "permanent"): 1,
    }


def test_supervision_page(small_org):
    app = open_app("supervision", as_at="March 2025")
    assert app.title[0].value == "Supervision"
    assert tiles(app) == {
        "In date": "5 of 8",
        "Overdue": "3",  # S02 S03 S15
        # In date now but not a week later: S01, S06 (ASYE weekly), S11 (ASYE fortnightly).
        "Due within 7 days": "3",
        "Never supervised": "3",  # S03 S06 S15
    }
    # How the tiles add up, in words: S03 and S15 never supervised and overdue, S06 a new
    # starter (on D) still in date.
    assert (
        "5 in date + 3 overdue = 8 social workers. Due within 7 days is part of the 5 in date. "
        "Of the 3 never supervised, 2 are overdue and the rest are new starters still in date."
        in [caption.value for caption in app.caption][1]
    )
    assert sections(app) == {"In date": True, "Agreements and training": False, "Quality": False}
    # The first section: coverage over time and by team, nothing of the others.
    assert [header.value for header in app.subheader] == [
        "Supervision in date",
        "Supervision in date by team, last 12 months",
    ]
    coverage = table(app, "Month")
    assert coverage.iloc[-1].tolist() == ["03/2025", 62.5]
    heat = table(app, "Team")
    assert heat.set_index("Team").loc["Alpha safeguarding", "03/2025"] == 50.0


def latest_in_trends(app: AppTest) -> dict[str, float]:
    """The latest month's value of every series in the page's trend tables."""
    months = [frame.value for frame in app.dataframe if "Month" in list(frame.value.columns)]
    return {column: frame[column].iloc[-1] for frame in months for column in frame.columns}


def test_a_link_to_a_section_that_does_not_exist_opens_the_first(small_org):
    app = open_app("supervision", as_at="March 2025", section="Nonsense")
    assert sections(app) == {"In date": True, "Agreements and training": False, "Quality": False}
    assert "section" not in app.query_params


def test_the_supervision_standards_sections(small_org):
    # The new standards (worked by hand in test_metrics.py), each with its plain sentence and
    # its exact rule behind "How it is calculated", in the section its address opens.
    app = open_app("supervision", as_at="March 2025", section="Agreements and training")
    assert sections(app)["Agreements and training"]
    assert [header.value for header in app.subheader] == [
        "Supervision agreements",
        "Supervision training for managers",
        "Annual appraisals",
    ]
    latest = latest_in_trends(app)
    assert latest["Annual appraisals up to date"] == 50.0
    assert latest["Agreements made within 3 months of starting"] == 0.0

    app = open_app("supervision", as_at="March 2025", section="Quality")
    assert sections(app)["Quality"]
    assert [header.value for header in app.subheader] == [
        "Reflective supervision and the child's views",
        "Sessions of 1.5 hours or more",
        "Supervision audit grades, last 8 quarters",
        "Staff survey: supervision",
    ]
    assert latest_in_trends(app)["Sessions of 1.5 hours or more"] == 20.0
    expanders = [shown_text(block.markdown[0].value) for block in app.expander]
    assert any(
        "**Sessions of 1.5 hours or more**: Of the held sessions of in-scope supervisees" in text
        for text in expanders
    )
    captions = " ".join(caption.value for caption in app.caption)
    assert "the share lasting at least an hour and a half" in captions


def test_the_staff_survey_on_the_supervision_page(small_org):
    app = open_app("supervision", as_at="March 2025", team="Alpha safeguarding", section="Quality")
    survey = table(app, "Survey")
    assert survey.values.tolist() == [
        # No team results in 2024: the organisation's figure, and it says so.
        ["30/06/2024", "My supervision helps me reflect on my practice", 10, 6, 60.0,
         "Whole organisation"],
        ["31/03/2025", "My supervision helps me reflect on my practice", 5, 4, 80.0,
         "Alpha safeguarding (Hub A, North)"],
    ]  # fmt: skip
    assert any(
        "the whole organisation's figure is shown" in caption.value for caption in app.caption
    )


def test_caseloads_page(small_org):
    app = open_app("caseloads", as_at="March 2025")
    assert app.title[0].value == "Caseloads"
    assert sections(app) == {"Over time": True, "By team and ASYE": False}
    assert [header.value for header in app.subheader] == [
        "Average caseload",
        "Case holders over threshold",
        "Caseloads at the latest snapshot (31/03/2025)",
    ]
    distribution = table(app, "Open cases")
    assert distribution.values.tolist() == [
        [10, 1, 0],
        [16, 1, 0],
        [17, 1, 1],
        [18, 1, 0],
        [20, 1, 1],
    ]

    app = open_app("caseloads", as_at="March 2025", section="By team and ASYE")
    assert sections(app) == {"Over time": False, "By team and ASYE": True}
    assert [header.value for header in app.subheader] == [
        "Share over threshold by team",
        "Newly qualified (ASYE) workers' caseloads",
    ]
    teams = table(app, "Team").set_index("Team")
    assert teams.loc["Alpha safeguarding"].tolist() == [4, 18.6, 50.0]
    assert teams.loc["Beta assessment"].tolist() == [1, 16.0, 0.0]
    asye = [frame for frame in app.dataframe if "Protected limit" in list(frame.value.columns)][0]
    assert asye.value.values.tolist() == [
        ["Alpha safeguarding", 1, 17, 16.2],
        ["Beta assessment", 3, 16, 16.2],
    ]


def test_team_page_lists_people_with_their_status(small_org):
    app = open_app("team", team="Alpha safeguarding", as_at="March 2025")
    focus = app.button_group(key="team-focus")
    assert focus.value == "Everyone"
    assert focus.options == [
        "Overdue (2)",  # S02 S03
        "Due within 7 days (2)",  # S01 S06
        "Over caseload limit (2)",  # S01 20 > 18, S06 17 > 16.2 (ASYE)
        "No agreement (2)",  # S03 S06
        "Everyone (5)",
    ]
    people = table(app, "Name")
    # What a manager acts on, in six columns: status, next due, then caseload.
    assert list(people.columns) == [
        "Name", "Supervision", "Next due", "Cases", "Limit", "Over limit",
    ]  # fmt: skip
    assert people["Name"].tolist() == [
        "Ben Baker",
        "Cat Cole",
        "Ann Archer",
        "Fay Ford",
        "Eve Eden",
    ]
    assert people["Supervision"].tolist() == [
        "✗ Overdue",
        "✗ Overdue",
        "! Due within 7 days",
        "! Due within 7 days",
        "– Not required",
    ]
    # Numbers are numbers (they sort and sum), and the limit is each person's own.
    # Eve Eden has no caseload row at the snapshot: missing, not 0.
    assert [None if pd.isna(v) else v for v in people["Cases"]] == [10, 18, 20, 17, None]
    assert people["Limit"].tolist() == [18.0, 18.0, 18.0, 16.2, 18.0]
    assert people["Over limit"].tolist() == ["", "", "✗ Over", "✗ Over", ""]
    assert str(people["Cases"].dtype) == "Int64"
    assert people.set_index("Name").loc["Ann Archer", "Next due"].isoformat() == "2025-03-31"
    # Who they are and the dates behind the status, in the second table, same order.
    details = next(f.value for f in app.dataframe if "Last supervision" in f.value.columns)
    assert list(details.columns) == [
        "Name", "Last supervision", "Agreement", "ASYE", "Role", "Contract", "FTE",
    ]  # fmt: skip
    assert details["Name"].tolist() == people["Name"].tolist()
    ann = details.set_index("Name").loc["Ann Archer"]
    assert ann["Last supervision"].isoformat() == "2025-02-28"
    assert details.set_index("Name").loc["Fay Ford", "ASYE"] == "ASYE month 1 (weekly supervision)"
    assert [d.proto.label for d in app.get("download_button")][0] == (
        "Download CSV: everyone (5 people)"
    )


def test_team_page_shows_everyone_over_their_limit_together(small_org):
    app = open_app("team", team="Alpha safeguarding", as_at="March 2025")
    app.button_group(key="team-focus").set_value("Over caseload limit").run()
    people = table(app, "Name")
    assert people["Name"].tolist() == ["Ann Archer", "Fay Ford"]
    assert people["Over limit"].tolist() == ["✗ Over", "✗ Over"]
    assert [d.proto.label for d in app.get("download_button")][0] == (
        "Download CSV: over caseload limit (2 people)"
    )
    app.button_group(key="team-focus").set_value("No agreement").run()
    assert table(app, "Name")["Name"].tolist() == ["Cat Cole", "Fay Ford"]


def test_the_team_csv_keeps_numbers_as_numbers_and_dates_as_shown(small_org):
    app = open_app("team", team="Alpha safeguarding", as_at="March 2025")
    people = table(app, "Name")
    from data_access.reports.exports import csv_text

    lines = csv_text(people).decode().splitlines()
    assert lines[0] == "Name,Supervision,Next due,Cases,Limit,Over limit"
    assert "Ann Archer,! Due within 7 days,31/03/2025,20,18,✗ Over" in lines
    assert "Fay Ford,! Due within 7 days,07/04/2025,17,16.2,✗ Over" in lines


def test_team_page_asks_for_a_team_and_sets_the_filter(small_org):
    app = open_app("team", as_at="March 2025")
    assert "Choose a team" in app.info[0].value
    app.selectbox(key="team-picker").select("Beta assessment").run()
    assert not app.exception
    assert app.selectbox(key="team").value == "Beta assessment"
    assert table(app, "Name")["Name"].tolist() == ["Kit King", "Lee Lowe"]


def test_a_forged_team_picker_value_changes_nothing_and_raises_nothing(small_org):
    app = open_app("team", as_at="March 2025")
    picker = app.selectbox(key="team-picker")

    class Forged(type(picker)):
        """What a hand-written widget message sends: a team that is not among the options
        (AppTest itself only sends options)."""

        @property
        def _widget_state(self):
            state = WidgetState(id=self.id)
            state.string_value = "Gamma forged team"
            return state

    picker.__class__ = Forged
    picker.run()
    assert not app.exception
    assert not app.error
    assert app.selectbox(key="team").value == "All"
    assert "Choose a team" in app.info[0].value


def test_a_link_naming_a_hub_without_its_area_names_the_hubs_area(small_org):
    app = open_app("team", as_at="March 2025", hub="Hub B")
    header = app.caption[0].value
    assert header.startswith("**Hub B, South area**"), header
    assert "None" not in header


def test_an_empty_database_says_how_to_load_data(engine, fresh_caches):
    for page in (None, "stability", "supervision", "caseloads", "team"):
        app = open_app(page)
        assert "There is no data yet" in app.info[0].value
        assert not app.metric


def test_an_unreachable_database_is_a_plain_message(monkeypatch, fresh_caches):
    from data_access.core import db

    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    db.get_engine.cache_clear()
    app = AppTest.from_file(APP, default_timeout=60).run()
    db.get_engine.cache_clear()
    assert not app.exception
    message = app.error[0].value
    assert "cannot read the database just now" in message
    # Nothing about the server: no host, port, user or driver detail.
    for detail in ("127.0.0.1", "nobody", "none", "port", "psycopg", "Error"):
        assert detail not in message


def test_an_error_while_drawing_a_page_shows_no_traceback(small_org, monkeypatch):
    from ui import queries

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(queries, "headline_figures", broken)
    app = signed_in(small_org)
    assert not app.exception
    assert app.error[0].value.startswith("Something went wrong while drawing this page.")
    assert "ZeroDivisionError" not in app.error[0].value


def test_accessibility_statement(small_org):
    app = open_app("accessibility")
    assert app.title[0].value == "Accessibility statement"
    headings = [heading.value for heading in app.subheader]
    assert headings == [
        "How accessible the dashboard is",
        "Known gaps",
        "What we did not test",
        "Reporting a problem",
    ]
    text = "\n".join(markdown.value for markdown in app.markdown)
    assert "Every chart has a table." in text
    assert "WCAG" in text and "2.2" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"team": "No such team"},
            "The link asked for team “No such team”, which is not in the data. Showing Whole "
            "organisation as at April 2025 instead",
        ),
        (
            {"area": "Atlantis", "as_at": "June 2031"},
            "The link asked for area “Atlantis” and month “June 2031”, which are not in the "
            "data. Showing Whole organisation as at April 2025 instead",
        ),
        (
            # A real hub, but not in the area the link names: shown where it is.
            {"area": "South", "hub": "Hub A", "as_at": "March 2025"},
            "The link asked for Hub A in South area; it is in North area. Showing Hub A, North "
            "area as at March 2025.",
        ),
    ],
    ids=["team", "area-and-month", "hub-outside-area"],
)
def test_a_link_to_something_that_does_not_exist_says_so(small_org, query, expected):
    app = open_app(**query)
    assert not app.exception
    assert shown_text(app.warning[0].value).startswith(expected)
    # The page still shows what it says it shows.
    assert tiles(app)["Agency rate (FTE)"]


def test_a_link_is_quoted_as_text_not_markdown(small_org):
    app = open_app(team="[click me](https://evil.example) **now**")
    notice = app.warning[0].value
    # Every Markdown character is escaped, so the link and the bold show as typed.
    assert "\\[click me\\]\\(https" in notice and "\\*\\*now\\*\\*" in notice
    assert shown_text(notice).startswith(
        "The link asked for team “[click me](https://evil.example) **now**”"
    )


def test_a_good_link_has_no_notice_and_a_change_clears_one(small_org):
    assert not open_app(team="Alpha safeguarding", as_at="March 2025").warning
    app = open_app(team="No such team")
    assert app.warning
    app.selectbox(key="as_at").select_index(1).run()
    assert not app.warning
