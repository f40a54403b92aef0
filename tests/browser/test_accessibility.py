"""Accessibility in a real browser: an axe-core scan of every page at WCAG 2.2 AA, and the
filters and downloads used by keyboard alone.

A serious or critical violation fails unless tests/browser/axe_known_violations.json allows it
(a rule of Streamlit's own frame, within the element named there). See tests/support/browser.py
for how the app and the browser are started.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from support.browser import HEADER, PAGES, drawn, open_page, settle

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KNOWN = json.loads((Path(__file__).parent / "axe_known_violations.json").read_text())["allowed"]


def _allowed(page, violation: dict) -> bool:
    """True when every element of the violation sits inside a container allowed for its rule."""
    containers = [entry["within"] for entry in KNOWN if entry["rule"] == violation["id"]]
    if not containers:
        return False
    for node in violation["nodes"]:
        selector = node["target"][-1] if node["target"] else ""
        inside = page.evaluate(
            "([selector, containers]) => { const element = document.querySelector(selector);"
            " return !!element && containers.some(c => element.closest(c)); }",
            [selector, containers],
        )
        if not inside:
            return False
    return True


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation_of_our_own(page, live_app, name):
    from axe_playwright_python.sync_playwright import Axe

    path, _, _, query = PAGES[name]
    open_page(page, live_app, path, query)
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    found = Axe().run(page, options=options).response["violations"]
    # Then again with every chart's Table tab open: the tables are the charts' alternative.
    tables = page.get_by_role("tab", name="Table")
    for index in range(tables.count()):
        tables.nth(index).click()
    if tables.count():
        drawn(page)  # every table now in view has drawn its rows
        found += Axe().run(page, options=options).response["violations"]
    ours = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[node['target'] for node in violation['nodes'][:3]]}"
        for violation in found
        if violation["impact"] in ("serious", "critical") and not _allowed(page, violation)
    ]
    assert ours == []


def _tab_to(page, matches, limit: int = 150) -> None:
    """Press Tab until the focused element satisfies `matches` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        script = f"() => {{ const e = document.activeElement; return !!e && ({matches}); }}"
        if page.evaluate(script):
            return
    raise AssertionError(f"{matches} never received focus after {limit} presses of Tab")


def test_the_sidebar_filters_work_by_keyboard_alone(page, live_app):
    open_page(page, live_app)
    _tab_to(page, "e.getAttribute('aria-label') === 'Area'")
    page.keyboard.type("Nor")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("area") == ["North"])
    # The address changes before the page is run again: the new run names the area.
    settle(page, new_run=page.locator(HEADER).first.filter(has_text="North area"))
    assert "North area" in page.locator(HEADER).first.inner_text()
    # On to the next filter, still by keyboard: Hub is the next control in tab order.
    _tab_to(page, "e.getAttribute('aria-label') === 'Hub'", limit=5)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "hub" in parse_qs(urlparse(url).query))
    hub = parse_qs(urlparse(page.url).query)["hub"][0]
    settle(page, new_run=page.locator(HEADER).first.filter(has_text=f"{hub}, North area"))
    assert f"{hub}, North area" in page.locator(HEADER).first.inner_text()


def test_a_download_works_by_keyboard_alone(page, live_app):
    open_page(page, live_app, "benchmarks")
    _tab_to(page, "e.innerText && e.innerText.trim() === 'Download CSV'")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "benchmarks-330-2025.csv"
    content = Path(download.value.path()).read_text()
    header, turnover = content.splitlines()[:2]
    assert header == (
        'Indicator,"Ours, published 2025","Ours, internal 30/09/2025",England,West Midlands,'
        "Neighbours' median,Rank,Band"
    )
    assert turnover.startswith("Turnover rate,8.5%,")
    assert turnover.endswith(",11.8%,11.5%,12.0% (5 with a value),1 of 7,A")
