"""AppTest: the Data page's upload flow, history and data-quality panel."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from support.app import app_as, shown_text, signed_in
from support.files import workbook
from support.org import BENCHMARKS, SMALL_ORG, data_contents, read_folder_bytes

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.core.models import ImportLog, Team
from data_access.ingest import preview, reading
from data_access.ingest.importer import import_files
from data_access.ingest.templates import template_csv

APP = str(PROJECT_ROOT / "app.py")
CSV = "text/csv"


def data_page(**query: str) -> AppTest:
    """The Data page, signed in as a data officer who may see every name."""
    return signed_in(db.get_engine(), "data", role="data_officer", **query)


def upload(app: AppTest, files: dict[str, bytes]) -> AppTest:
    mime = {".csv": CSV, ".xlsx": "application/vnd.ms-excel", ".zip": "application/zip"}
    app.file_uploader[0].set_value(
        [(name, content, mime[name[name.rindex(".") :]]) for name, content in files.items()]
    )
    app.run()
    assert not app.exception, app.exception
    return app


def frame_with(app: AppTest, column: str):
    return next(f.value for f in app.dataframe if column in list(f.value.columns))


def test_a_good_upload_is_previewed_then_imported_and_pages_update(engine, fresh_caches):
    app = data_page()
    assert "Nothing has been imported yet." in [info.value for info in app.info]
    upload(app, read_folder_bytes(SMALL_ORG))
    summary = frame_with(app, "Kind").set_index("Kind")
    assert summary.loc["staff.csv", "Rows"] == 15
    assert summary.loc["staff.csv", "New"] == 15
    assert summary.loc["caseloads.csv", "From"].isoformat() == "2025-02-28"
    assert summary.loc["caseloads.csv", "To"].isoformat() == "2025-04-30"
    assert not app.error
    app.button[0].click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Imported ")
    assert "54 rows added, 0 replaced" in app.success[0].value
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Added"]].values.tolist() == [["loaded", 54]]
    # Straight after the import every page shows the new data.
    app.switch_page("app_pages/overview.py").run()
    assert {m.label: m.value for m in app.metric}["Agency rate (FTE)"] == "22.7%"


def test_a_refused_upload_lists_problems_changes_nothing_and_is_recorded(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    before = data_contents(engine)
    app = data_page()
    bad = b"staff_id,snapshot_date,open_cases\nS01,2025-05-31,999\nS77,31/02/2025,3\n"
    upload(app, {"caseloads.csv": bad})
    assert app.error[0].value.startswith("3 problems found.")
    problems = frame_with(app, "Value found")
    assert problems.values.tolist() == [
        [
            "caseloads.csv",
            2,
            "open_cases",
            'must be a whole number from 0 to 200; found "999"',
            "999",
        ],
        ["caseloads.csv", 3, "snapshot_date", '"31/02/2025" is not a real date', "31/02/2025"],
        [
            "caseloads.csv",
            3,
            "staff_id",
            'unknown staff_id "S77": not in staff.csv nor in the database',
            "S77",
        ],
    ]
    assert not [button for button in app.button if button.label == "Import"]
    # What it would add or replace is unknown while something is wrong: left out, not "None".
    summary = frame_with(app, "Kind")
    assert list(summary.columns) == ["File", "Kind", "Rows", "From", "To"]
    assert summary["Rows"].tolist() == [2]
    assert "What importing would add or replace is shown once nothing is wrong." in [
        caption.value for caption in app.caption
    ]
    assert data_contents(engine) == before
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Problems", "Files"]].values.tolist()[0] == [
        "refused",
        3,
        "caseloads.csv",
    ]
    app.run()  # a rerun of the same upload is not recorded twice
    assert frame_with(app, "Outcome")["Outcome"].tolist() == ["refused", "loaded"]


def test_an_excel_workbook_and_a_windows_1252_csv(engine, fresh_caches):
    teams = "team_id,team_name,team_type,hub,area\nT1,Équipe Zoë – north,other,Hub,North\n"
    book = workbook(
        {
            "Staff": [
                [
                    "Staff_ID",
                    "Display_Name",
                    "Role",
                    "Employment_Type",
                    "FTE",
                    "Team_ID",
                    "Start_Date",
                ],
                ["S1", "Zoë", "Social Worker", "Permanent", 1, "T1", "01/04/2024"],
            ]
        }
    )
    app = data_page()
    upload(app, {"teams.csv": teams.encode("cp1252"), "extract.xlsx": book})
    assert not app.error
    assert any("read as Windows-1252" in shown_text(warning.value) for warning in app.warning)
    summary = frame_with(app, "Kind").set_index("Kind")
    assert summary.loc["staff.csv", "File"] == "extract.xlsx, sheet Staff"
    app.button[0].click().run()
    assert "2 rows added" in app.success[0].value


def test_templates_and_the_data_quality_panel(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    app = data_page(as_at="March 2025")
    labels = [element.label for element in app.get("download_button")]
    assert [label for label in labels if label.startswith("Template: ")] == [
        "Template: teams.csv",
        "Template: staff.csv",
        "Template: supervision_sessions.csv",
        "Template: caseloads.csv",
        "Template: vacancies.csv",
        "Template: supervision_audits.csv",
        "Template: appraisals.csv",
        "Template: staff_survey.csv",
        "Template: agency_price_caps.csv",
        "Template: agency_assignments.csv",
    ]
    # One line per check, its count first (hand-counted in the small organisation at March 2025).
    lines = [element.value for element in app.markdown if " · " in element.value]
    assert lines == [
        "**2** · Social workers in post with no caseload row",
        "**3** · Social workers with no supervision ever recorded",
        "**1** · Teams with no vacancies record",
    ]
    assert not app.metric


def test_every_upload_box_takes_the_importer_s_file_size(engine, fresh_caches):
    app = data_page()
    limits = [uploader.proto.max_upload_size_mb for uploader in app.file_uploader]
    assert limits == [reading.MAX_FILE_BYTES // reading.MEGABYTE] * 3 == [20, 20, 20]


def test_an_upload_is_checked_once_however_often_the_page_reruns(engine, fresh_caches, monkeypatch):
    checks = []
    real_check = preview.check_upload

    def counted(*args, **kwargs):
        checks.append(args[0])
        return real_check(*args, **kwargs)

    monkeypatch.setattr(preview, "check_upload", counted)
    app = data_page()
    upload(app, read_folder_bytes(SMALL_ORG))
    app.run()  # a rerun with the same upload (a filter, a click elsewhere)
    assert len(checks) == 1
    app.button[0].click().run()
    assert "54 rows added" in app.success[0].value
    assert len(checks) == 1  # Import did not check the files again
    # The same file uploaded again is a new attempt: checked afresh.
    bad = b"staff_id,snapshot_date,open_cases\nS01,2025-05-31,999\n"
    upload(app, {"caseloads.csv": bad})
    upload(app, {"caseloads.csv": bad})
    assert len(checks) == 3
    assert frame_with(app, "Outcome")["Outcome"].tolist() == ["refused", "refused", "loaded"]


def test_a_check_whose_browser_has_left_is_still_recorded_once(engine, fresh_caches, monkeypatch):
    # When the browser has gone, Streamlit stops the page at its next drawing: here, as the
    # spinner closes after the check. The refusal is recorded by the check itself, and a
    # browser that comes back to the session finds the outcome rather than a second attempt.
    from contextlib import contextmanager

    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    left = {"gone": True}
    real_spinner = st.spinner

    @contextmanager
    def spinner_of_a_closed_tab(*args, **kwargs):
        with real_spinner(*args, **kwargs):
            yield
        if left["gone"]:
            raise StopException()

    monkeypatch.setattr(st, "spinner", spinner_of_a_closed_tab)
    app = data_page()
    bad = b"staff_id,snapshot_date,open_cases\nS01,2025-05-31,999\n"
    app.file_uploader[0].set_value([("caseloads.csv", bad, CSV)])
    app.run()
    assert not app.error  # the page stopped before it drew the problems
    with db.session_scope(engine) as session:
        assert session.scalars(select(ImportLog.outcome)).all() == ["refused"]
    left["gone"] = False
    app.run()  # the browser is back
    assert app.error[0].value.startswith("2 problems found.")
    assert frame_with(app, "Outcome")["Outcome"].tolist() == ["refused"]


def test_a_refused_census_return_is_recorded_once(engine, fresh_caches):
    app = data_page()
    census = (BENCHMARKS / "census_return.xml").read_bytes()
    bad = census.replace(b"<FTE>0.8</FTE>", b"<FTE>full</FTE>")
    app.file_uploader[2].set_value(("bad.xml", bad, "text/xml"))
    app.run()
    assert app.error[0].value.startswith("1 problem found in the return")
    app.run()
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Kind", "Files", "Problems"]].values.tolist() == [
        ["refused", "census return", "bad.xml", 1]
    ]


def test_benchmark_files_that_are_not_recognised_are_a_recorded_refusal(engine, fresh_caches):
    app = data_page()
    app.file_uploader[1].set_value([("notes.csv", b"colour,shape\nred,round\n", CSV)])
    app.run()
    assert "Not recognised: notes.csv" in shown_text(app.error[0].value)
    app.run()
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Kind", "Files"]].values.tolist() == [
        ["refused", "national benchmarks", "notes.csv"]
    ]


# --- the demo database takes no other data (data_access/demo/own_data.py) -------------------


def demo_data_page(view_as: str = "Data officer") -> AppTest:
    """The Data page in demo mode (no sign-in configured), viewed as `view_as`."""
    return app_as(None, "data", auth=False, view_as=view_as)


def test_in_the_demo_the_templates_are_checked_but_never_imported(demo_engine, fresh_caches):
    """Issue 21: the project's own templates, uploaded in the demo and 'imported', ended demo
    mode for everyone and mixed 2 teams into the demo's 62. Now they are checked as a new
    database would take them, Import is off and says why, and the demo is as it was."""
    before = data_contents(demo_engine)
    app = demo_data_page()
    assert app.warning[0].value.startswith("**This is the demo: its data are made up")
    assert "export DATABASE_URL=sqlite:///council.db" in app.code[0].value
    assert "python -m data_access import path/to/folder" in app.code[0].value
    templates = {name: template_csv(name) for name in ("teams.csv", "staff.csv")}
    upload(app, templates)
    summary = frame_with(app, "Kind").set_index("Kind")
    # Two teams and three staff (the third an agency worker, for the assignments' template),
    # all new (as in a new database), nothing replaced.
    assert summary.loc["teams.csv", ["Rows", "New", "Replacing"]].tolist() == [2, 2, 0]
    assert summary.loc["staff.csv", ["Rows", "New", "Replacing"]].tolist() == [3, 3, 0]
    assert not app.error
    import_button = next(button for button in app.button if button.label == "Import")
    assert import_button.disabled
    assert any(warning.value.startswith("**Import is off in the demo**") for warning in app.warning)
    app.run()  # and again: still nothing written
    assert data_contents(demo_engine) == before
    # Everyone still sees the demo, with its 62 teams; nobody is asked to sign in.
    visitor = app_as(None, auth=False)
    assert not [error for error in visitor.error if "Sign-in is required" in error.value]
    assert "Demo mode." in visitor.sidebar.info[0].value
    with db.session_scope(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 62


def test_in_the_demo_a_file_is_checked_against_a_new_database_and_a_refusal_recorded(
    demo_engine, fresh_caches
):
    # T001 is a demo team; a council's new database has no teams, so a staff file on its own
    # refers to an unknown team, and the page says so, as the council's first import would.
    staff = b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
    staff += b"X1,Ann Example,social_worker,permanent,1,T001,2025-01-06\n"
    app = demo_data_page()
    upload(app, {"staff.csv": staff})
    assert app.error[0].value.startswith("1 problem found.")
    problems = frame_with(app, "Value found")
    assert problems.values.tolist() == [
        [
            "staff.csv",
            2,
            "team_id",
            'unknown team_id "T001": not in teams.csv nor in the database',
            "T001",
        ]
    ]
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Files", "By"]].values.tolist()[0] == [
        "refused",
        "staff.csv",
        "demo: Data officer",
    ]


def test_in_the_demo_benchmarks_and_a_census_return_are_checked_but_not_loaded(
    demo_engine, fresh_caches
):
    before = data_contents(demo_engine)
    app = demo_data_page("Administrator")
    files = [
        (name, (BENCHMARKS / name).read_bytes(), CSV)
        for name in ("indicators.csv", "neighbours.csv")
    ]
    app.file_uploader[1].set_value(files).run()
    assert any("16 published rows, 2024 to 2025, 8 authorities" in m.value for m in app.markdown)
    assert next(button for button in app.button if button.label == "Load benchmarks").disabled
    assert any(
        w.value.startswith("**Loading DfE's figures is off in the demo**") for w in app.warning
    )
    census = (BENCHMARKS / "census_return.xml").read_bytes()
    app.file_uploader[2].set_value(("return.xml", census, "text/xml")).run()
    assert next(button for button in app.button if button.label == "Save these figures").disabled
    assert any(
        w.value.startswith("**Saving a census return is off in the demo**") for w in app.warning
    )
    assert data_contents(demo_engine) == before


def test_in_the_demo_a_role_without_the_data_page_is_told_how_to_see_it(demo_engine, fresh_caches):
    app = demo_data_page("Board member")
    assert app.error[0].value == (
        "The Data page is for data officers and administrators: your access (Board member) "
        "does not include it. In the demo, choose **Data officer** or **Administrator** under "
        "*View as* in the sidebar to see it."
    )
