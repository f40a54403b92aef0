"""AppTest: the Board pack page (preview, commentary, download) as each role meets it."""

from __future__ import annotations

import pytest
from conftest import SMALL_ORG, add_beta_support, read_folder_bytes, signed_in

from data_access.ingest.importer import import_files


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def scorecard(app):
    return next(f.value for f in app.dataframe if "Trajectory" in f.value.columns)


def test_a_leader_previews_writes_commentary_and_can_download(small_org):
    app = signed_in(small_org, "board_pack", role="leader", scopes=(), as_at="March 2025")
    assert app.title[0].value == "Board pack"
    table = scorecard(app).set_index("Indicator")
    # Whole organisation at 31/03/2025 (test_metrics.py): agency 25.0%, target 15%, missed.
    assert table.loc["Agency rate (FTE)", "Value"] == "25.0%"
    assert table.loc["Agency rate (FTE)", "Status"] == "✗ Missed"
    # At 30/09/2024 agency FTE was S03 1 + S09 1 + S10 0.5 = 2.5 and permanent FTE S01 1, S02
    # 0.5, S04 0.8, S05 1, S08 1, S12 1, S13 0.6 = 5.9: 2.5 / 8.4 = 29.8%. Pace (25.0 - 29.8)
    # / 6 = -0.8 a month; the gap of 10.0 takes 12.5, so 13 months: April 2026.
    assert table.loc["Agency rate (FTE)", "Trajectory"] == (
        "Target reached by April 2026 at 0.80 pts a month"
    )
    assert len(table) == 12
    labels = [area.label for area in app.text_area]
    assert labels == [
        "Summary",
        "Workforce stability",
        "Supervision",
        "Caseloads",
        "National comparison",
    ]
    app.text_area[0].input("Agency use is still too high; recruitment campaign in April.")
    next(b for b in app.button if b.label == "Save commentary").click().run()
    assert not app.exception
    assert app.success[0].value == "Saved the commentary on Summary."
    assert "Agency use is still too high; recruitment campaign in April." in [
        t.value for t in app.text
    ]
    downloads = [e for e in app.get("download_button")]
    assert [d.proto.label for d in downloads] == ["Download the board pack (PDF)"]


def test_a_board_member_reads_but_does_not_write(small_org):
    app = signed_in(small_org, "board_pack", role="board", scopes=(), as_at="March 2025")
    assert not app.text_area
    assert "Leaders, data officers and administrators write the commentary." in [
        c.value for c in app.caption
    ]
    assert len(scorecard(app)) == 12


def test_a_team_scope_is_widened_to_its_hub(small_org):
    add_beta_support(small_org)  # Hub A's figures may then be shown to everyone (conftest)
    app = signed_in(
        small_org, "board_pack", role="board", scopes=(), as_at="March 2025",
        area="North", hub="Hub A", team="Alpha safeguarding",
    )  # fmt: skip
    assert "this one is for Hub A, North area" in app.info[0].value
    table = scorecard(app).set_index("Indicator")
    # Hub A at 31/03/2025 (HUB_A in test_metrics.py): agency 31.3%.
    assert table.loc["Agency rate (FTE)", "Value"] == "31.3%"
