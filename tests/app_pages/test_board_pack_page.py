"""AppTest: the Board pack page (preview, commentary, download) as each role meets it; and in
Chromium, the scorecard on a laptop and on a phone."""

from __future__ import annotations

import re

import pytest
from support.app import signed_in
from support.org import SMALL_ORG, add_beta_support, read_folder_bytes

from data_access.ingest.importer import import_files

#: The commentary boxes of a pack with no national comparison and no agency assignment (as
#: tests/fixtures/small_org, which has none), and the boxes added when it has them.
SECTIONS = ["Summary", "Workforce stability", "Supervision", "Caseloads"]
AGENCY = "Agency social workers"


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def unescaped(text: str) -> str:
    """A scorecard cell as shown: the page escapes Markdown (st.table reads it)."""
    return re.sub(r"\\(.)", r"\1", text)


def scorecard(app):
    table = next(t.value for t in app.table if "Trajectory" in t.value.columns)
    table = table.map(unescaped)
    table.index = table.index.map(unescaped)
    return table


def test_a_leader_previews_writes_commentary_and_can_download(small_org):
    app = signed_in(small_org, "board_pack", role="leader", scopes=(), as_at="March 2025")
    assert app.title[0].value == "Board pack"
    table = scorecard(app)
    # Whole organisation at 31/03/2025 (test_metrics.py): agency 25.0%, target 15%, missed.
    assert table.loc["Agency rate (FTE)", "Value"] == "25.0%"
    assert table.loc["Agency rate (FTE)", "Status"] == "✗ Missed"
    # At 30/09/2024 agency FTE was S03 1 + S09 1 + S10 0.5 = 2.5 and permanent FTE S01 1, S02
    # 0.5, S04 0.8, S05 1, S08 1, S12 1, S13 0.6 = 5.9: 2.5 / 8.4 = 29.8%. Down 4.8 points in 6
    # months, 0.8 a month; the gap of 10.0 takes 12.5, so 13 months: April 2026.
    assert table.loc["Agency rate (FTE)", "Trajectory"] == (
        "Down 4.8 points in 6 months, towards the target: reached by April 2026 at this pace"
    )
    # Every indicator with a target (data_access/indicators/policy.py has 16).
    assert len(table) == 16
    # The page says what the pack holds, its agency section included.
    assert any(
        "agency social workers under DfE's agency rules" in unescaped(m.value) for m in app.markdown
    )
    assert "Annual appraisals up to date" in table.index
    # No published figures are loaded: no national comparison box, and the caption says why
    # and who can put it right.
    assert [area.label for area in app.text_area] == SECTIONS
    assert any(
        "National comparison: none in this pack. The Department for Education's published "
        "workforce figures are not loaded: a data officer or an administrator loads DfE's "
        "published files on the Data page" in unescaped(c.value)
        for c in app.caption
    )
    app.text_area[0].input("Agency use is still too high; recruitment campaign in April.")
    next(b for b in app.button if b.label == "Save commentary").click().run()
    assert not app.exception
    assert app.success[0].value == "Saved the commentary on Summary."
    assert "Agency use is still too high; recruitment campaign in April." in [
        t.value for t in app.text
    ]
    downloads = [e for e in app.get("download_button")]
    assert [d.proto.label for d in downloads] == ["Download the board pack (PDF)"]


def test_the_national_box_is_offered_only_when_the_pack_has_a_comparison(small_org):
    from support.org import BENCHMARKS

    from data_access.national.benchmarks import load_benchmarks
    from data_access.settings import remember_our_authority

    files = [
        (name, (BENCHMARKS / name).read_bytes()) for name in ("indicators.csv", "neighbours.csv")
    ]
    assert load_benchmarks(*files, engine=small_org).loaded
    remember_our_authority("330", by="test", engine=small_org)
    app = signed_in(small_org, "board_pack", role="leader", scopes=(), as_at="March 2025")
    assert [area.label for area in app.text_area] == [*SECTIONS, "National comparison"]
    assert any(
        "National comparison: Birmingham, 30 September 2024." in unescaped(c.value)
        for c in app.caption
    )
    # An area's pack has no national section: no box, and the caption says why.
    add_beta_support(small_org)
    app = signed_in(
        small_org, "board_pack", role="leader", scopes=(), as_at="March 2025", area="North"
    )
    assert [area.label for area in app.text_area] == SECTIONS
    assert any(
        "National comparison: none in this pack. Published figures are for the whole authority"
        in unescaped(c.value)
        for c in app.caption
    )


def test_the_agency_box_is_offered_when_the_pack_has_agency_assignments(agency_org, fresh_caches):
    # The hand-worked agency organisation (tests/support/agency.py), with a dated record so
    # that a pack's months run to March 2025: AS1, AS2 and AS3 are active at 31/03/2025, and
    # the box follows caseloads (no published figures: no national box).
    vacancies = b"team_id,as_at,vacant_fte\nT1,2023-01-31,0\nT1,2025-03-31,1\n"
    assert import_files({"vacancies.csv": vacancies}, engine=agency_org, source="test").loaded
    app = signed_in(agency_org, "board_pack", role="leader", scopes=(), as_at="March 2025")
    assert [area.label for area in app.text_area] == [*SECTIONS, AGENCY]
    box = next(area for area in app.text_area if area.label == AGENCY)
    box.input("Two agency starters in March; the price-cap breach is being signed off.")
    next(b for b in app.button if b.label == "Save commentary").click().run()
    assert not app.exception
    assert app.success[0].value == "Saved the commentary on Agency social workers."
    assert "Two agency starters in March; the price-cap breach is being signed off." in [
        t.value for t in app.text
    ]
    assert any(m.value.startswith(f"**{AGENCY}** (tester") for m in app.markdown)


def test_a_board_member_reads_but_does_not_write(small_org):
    app = signed_in(small_org, "board_pack", role="board", scopes=(), as_at="March 2025")
    assert not app.text_area
    assert "Leaders, data officers and administrators write the commentary." in [
        c.value for c in app.caption
    ]
    assert len(scorecard(app)) == 16


def test_a_team_scope_is_widened_to_its_hub(small_org):
    add_beta_support(small_org)  # Hub A's figures may then be shown to everyone (conftest)
    app = signed_in(
        small_org, "board_pack", role="board", scopes=(), as_at="March 2025",
        area="North", hub="Hub A", team="Alpha safeguarding",
    )  # fmt: skip
    assert "this one is for Hub A, North area" in app.info[0].value
    table = scorecard(app)
    # Hub A at 31/03/2025 (HUB_A in test_metrics.py): agency 31.3%.
    assert table.loc["Agency rate (FTE)", "Value"] == "31.3%"


#: What the scorecard's layout is in the browser: whether its rows are cards, and every cell or
#: box whose content is wider than it (cut off, or scrolling sideways).
SCORECARD_LAYOUT = """() => {
  const box = document.querySelector('.st-key-board-scorecard');
  const wider = [...box.querySelectorAll('*'), document.documentElement]
    .filter(element => element.tagName !== 'THEAD' && !element.closest('thead'))
    .filter(element => element.scrollWidth > element.clientWidth + 1)
    .map(element => element.tagName + ' ' + element.textContent.slice(0, 40));
  const row = box.querySelector('tbody tr');
  return {cards: getComputedStyle(row).display === 'block', wider,
          trajectory: row.querySelector('td:last-of-type').innerText};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("width", "cards"), [(1280, False), (390, True)])
def test_the_scorecard_fits_a_laptop_and_a_phone(browser, live_app, width, cards):
    """At 1280 px (the sidebar open) the scorecard is a table whose cells wrap, with no text
    cut off; at 390 px each row is a card, and nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{live_app}/board_pack")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        page.locator(".st-key-board-scorecard [data-testid='stTable']").wait_for()
        layout = page.evaluate(SCORECARD_LAYOUT)
        assert layout["cards"] is cards
        assert layout["wider"] == []
        # The trajectory is there in full, however it wraps (the tester's cut "...at 0.07
        # pts a m"): it ends with its last words.
        assert layout["trajectory"].rstrip().endswith(("Target met", "at this pace", "better)"))
    finally:
        context.close()
