"""AppTest: the Data page's upload flow, history and data-quality panel."""

from __future__ import annotations

import streamlit as st
from conftest import FIXTURES, SMALL_ORG, data_contents, read_folder_bytes, shown_text, signed_in
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from test_reading import workbook

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.core.models import ImportLog
from data_access.ingest import preview, reading
from data_access.ingest.importer import import_files

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
    assert app.error[0].value.startswith("3 problem(s) found.")
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
    ]
    assert {m.label: m.value for m in app.metric} == {
        "Social workers in post with no caseload row": "2",
        "Social workers with no supervision ever recorded": "3",
        "Teams with no vacancies record": "1",
    }


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
    assert app.error[0].value.startswith("2 problem(s) found.")
    assert frame_with(app, "Outcome")["Outcome"].tolist() == ["refused"]


def test_a_refused_census_return_is_recorded_once(engine, fresh_caches):
    app = data_page()
    census = (FIXTURES / "benchmarks" / "census_return.xml").read_bytes()
    bad = census.replace(b"<FTE>0.8</FTE>", b"<FTE>full</FTE>")
    app.file_uploader[2].set_value(("bad.xml", bad, "text/xml"))
    app.run()
    assert app.error[0].value.startswith("1 problem(s) found in the return")
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
