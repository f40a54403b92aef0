"""The dashboard in a real browser (Chromium): every page draws, with its title, figures and at
least one drawn chart and no error box; the sidebar filters change the URL and the figures, and
the URL alone brings the same view back. Screenshots of every page go to `screenshots/`.

See tests/support/browser.py for how the app and the browser are started.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from support.browser import (
    DEADLINE_MS,
    HEADER,
    PAGES,
    drawn,
    open_page,
    screenshot,
    settle,
    steady,
)

pytestmark = pytest.mark.browser

#: A drawn chart: Altair charts, and the trend lines inside the headline tiles (SVG images:
#: the Overview has no other chart).
CHART = ", ".join(
    [
        *(f'[data-testid="stVegaLiteChart"] {drawing}' for drawing in ("canvas", "svg")),
        '[data-testid="stImage"] img',
    ]
)
FIGURES = '[data-testid="stMetricValue"], [data-testid="stDataFrame"], [data-testid="stTable"]'


def no_error_boxes(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_draws_its_title_figures_and_charts(page, live_app, name):
    path, title, has_charts, query = PAGES[name]
    open_page(page, live_app, path, query)
    assert page.locator("h1").first.inner_text().strip() == title
    no_error_boxes(page)
    if name != "accessibility":
        page.locator(FIGURES).filter(visible=True).first.wait_for()
    if has_charts:
        page.wait_for_selector(CHART, state="visible")
        first = page.locator(CHART).first
        drawn = first.bounding_box()
        assert drawn and drawn["width"] > 100 and drawn["height"] > 20
        # An image is drawn once its picture is read (a broken one has no natural width).
        page.wait_for_function(
            "e => e.tagName !== 'IMG' || (e.complete && e.naturalWidth > 0)",
            arg=first.element_handle(),
        )
    number = list(PAGES).index(name) + 1
    assert screenshot(page, f"{number:02d}-{name}").stat().st_size > 10_000


def choose(page, label: str, option: str, key: str) -> None:
    """Pick `option` in the sidebar selectbox called `label`, as a mouse user does, wait for
    the address to hold it under `key`, then for the page to have been run again for it and
    drawn (its header names the option: Area "East" gives "East area").

    The list can close between being opened and the option being clicked (the click scrolls
    the sidebar, or the page is still laying out a chart or a table drawn late on a busy
    machine), and a closed list never shows the option: each try that does not see it within
    its time closes the list and opens it again, each try given twice the time of the one
    before, until the deadline."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label, exact=True)
    listbox = page.get_by_role("listbox")
    choice = page.get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + DEADLINE_MS / 1000
    attempt_ms = 5_000
    while True:
        try:
            if not listbox.is_visible():
                box.click(timeout=attempt_ms)
                try:
                    listbox.wait_for(state="visible", timeout=attempt_ms)
                except PlaywrightTimeout:
                    box.press("ArrowDown")  # the click scrolled the sidebar: list closed
            choice.click(timeout=attempt_ms)
            break
        except PlaywrightTimeout:
            if time.monotonic() + attempt_ms / 1000 > deadline:
                raise
            page.keyboard.press("Escape")
            attempt_ms *= 2
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get(key) == [option])
    settle(page, new_run=page.locator(HEADER).first.filter(has_text=option))


def shown_view(page) -> dict:
    """What the reader sees: the filter values, the header line, the headline figures and the
    first table (a chart's Table tab is opened when the page has no table in view), once the
    page has stopped changing."""
    if page.locator('[role="gridcell"]').count() == 0:
        tables = page.get_by_role("tab", name="Table")
        if tables.count():
            tables.first.click()
            drawn(page)
    steady(page)
    return {
        "filters": {
            label: page.get_by_role("combobox", name=label, exact=True).input_value()
            for label in ("Area", "Hub", "Team", "As at (month end)")
        },
        "header": page.locator(HEADER).first.inner_text(),
        "figures": page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        + page.locator('[role="gridcell"]').all_inner_texts()[:60],
    }


def query_of(page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


@pytest.mark.parametrize("name", ["overview", "stability", "supervision", "caseloads", "team"])
def test_filters_change_the_url_and_figures_and_the_url_restores_the_view(page, live_app, name):
    path = PAGES[name][0]
    open_page(page, live_app, path)
    whole = shown_view(page)

    choose(page, "Area", "East", "area")
    east = shown_view(page)
    assert query_of(page)["area"] == "East"
    assert "East area" in east["header"]
    if name != "team":  # the Team page shows no figures until a team is chosen
        assert east["figures"] != whole["figures"]

    choose(page, "Hub", "Stonebridge hub", "hub")
    hub = shown_view(page)
    assert query_of(page)["hub"] == "Stonebridge hub"
    assert "Stonebridge hub, East area" in hub["header"]
    if name != "team":
        assert hub["figures"] != east["figures"]

    choose(page, "Team", "Stonebridge safeguarding team 1", "team")
    team = shown_view(page)
    assert query_of(page) | {"as_at": None} == {
        "area": "East",
        "hub": "Stonebridge hub",
        "team": "Stonebridge safeguarding team 1",
        "as_at": None,
    }
    assert "Stonebridge safeguarding team 1" in team["header"]
    assert team["figures"] and team["figures"] != hub["figures"]
    no_error_boxes(page)

    # The address alone brings the same view back, in a fresh tab.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    settle(fresh)
    assert shown_view(fresh) == team
    no_error_boxes(fresh)
    fresh.close()


def test_a_shared_link_with_a_date_opens_that_month(page, live_app):
    open_page(page, live_app, "supervision", "area=West&as_at=September+2025")
    view = shown_view(page)
    assert view["filters"]["Area"] == "West"
    assert view["filters"]["As at (month end)"] == "September 2025"
    assert "as at 30/09/2025" in view["header"]
    no_error_boxes(page)


def test_the_board_pack_downloads_as_a_pdf(page, live_app, tmp_path):
    open_page(page, live_app, "board_pack", "area=East")
    with page.expect_download(timeout=DEADLINE_MS) as download:
        page.get_by_role("button", name="Download the board pack (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "board-pack-east-area-2026-10.pdf"
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Scorecard" in text and "East area" in text
    assert "demo: Leader" in text  # who produced it, on the cover


@pytest.mark.parametrize("name", ["overview", "supervision"])
def test_pages_print_without_the_sidebar_or_buttons(page, live_app, name, tmp_path):
    path, _, _, query = PAGES[name]
    open_page(page, live_app, path, query)
    page.emulate_media(media="print")
    for hidden in ("stSidebar", "stHeader", "stDownloadButton"):
        for element in page.locator(f'[data-testid="{hidden}"]').all():
            assert not element.is_visible(), hidden
    out = tmp_path / f"{name}.pdf"
    page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = " ".join(p.extract_text() for p in reader.pages)
    assert PAGES[name][1] in text and "View as" not in text and "Download CSV" not in text


def test_no_page_makes_the_browser_fetch_anything_from_elsewhere(page, live_app):
    # Not a font, an icon or an image: every request goes to the dashboard's own server.
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_app, "data:", "blob:"))
            else None
        ),
    )
    for path, _title, _charts, query in PAGES.values():
        open_page(page, live_app, path, query)
    assert elsewhere == []


def test_the_team_table_shows_the_whole_team_with_no_inner_scroll(page, live_app):
    from playwright.sync_api import expect

    open_page(page, live_app, "team", "view_as=Team+manager%2C+Stonebridge")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    # The pill for everyone says how many people are in post; every one of them has a row
    # drawn (the grid only draws the rows in view) and the table's body does not scroll.
    everyone = page.get_by_role("radio", name=re.compile(r"^Everyone \(\d+\)$"))
    people = int(re.search(r"\d+", everyone.inner_text()).group())
    assert people > 10  # more than the 10 rows Streamlit shows by default
    # The grid draws its rows (with the heading row) once it has been laid out.
    expect(table.locator('[role="row"]')).to_have_count(people + 1, timeout=DEADLINE_MS)
    box = table.bounding_box()
    assert box and box["height"] >= 35 * (people + 1)


def test_a_link_to_a_team_that_does_not_exist_says_what_is_shown(page, live_app):
    open_page(page, live_app, "", "team=No+such+team&as_at=October+2026")
    notice = page.locator('[data-testid="stAlertContentWarning"]').first
    assert (
        "The link asked for team “No such team”, which is not in the data. Showing Whole "
        "organisation as at October 2026 instead" in notice.inner_text()
    )
    no_error_boxes(page)
