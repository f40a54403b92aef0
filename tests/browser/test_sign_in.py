"""Sign-in through a real OpenID Connect redirect flow, in Chromium.

A local OpenID Connect provider (the `oidc-provider-mock` package, in this process) stands in
for the council's Microsoft Entra ID. The dashboard runs with an `[auth]` section pointing at
it (a secrets file of the test's own, passed with `--secrets.files`), on the demo organisation
with three users given access. Each test signs in through the provider's authorisation page,
then tries to reach other teams' names by every URL and widget path it has.
"""

from __future__ import annotations

import pytest
from support.browser import (
    DEADLINE_MS,
    auth_secrets,
    free_port,
    require_browser,
    serve,
    settle,
)

from data_access.access.grants import GrantScope, access_log, save_user
from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.setup import prepare_database

pytestmark = pytest.mark.browser

MANAGER = "mo.manager@council.example"
BOARD = "bea.board@council.example"
STRANGER = "sam.stranger@council.example"
IMPOSTOR = "impostor-account"
#: T035 in the demo: Stonebridge safeguarding team 1 (East area, Stonebridge hub).
HOME_TEAM = "T035"
OTHER_TEAM_QUERY = "area=East&hub=Greenway+hub&team=Greenway+safeguarding+team+1"


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    """(base URL, database URL) of the dashboard with sign-in through the local provider."""
    require_browser()
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("sign-in")
    url = f"sqlite:///{folder / 'signin.db'}"
    engine = db.make_engine(url)
    prepare_database(engine, load_demo_if_empty=True)
    with db.session_scope(engine) as session:
        save_user(MANAGER, "manager", [GrantScope("team", HOME_TEAM)], by="test", session=session)
        save_user(BOARD, "board", [], by="test", session=session)
    users = [
        User(sub=MANAGER, claims={"email": MANAGER, "name": "Mo Manager"}),
        User(sub=BOARD, claims={"email": BOARD, "name": "Bea Board"}),
        User(sub=STRANGER, claims={"email": STRANGER, "name": "Sam Stranger"}),
        # An account at the provider that claims the manager's address without having
        # verified it (the tester's "ADMIN@Council.Example" became an administrator).
        User(
            sub=IMPOSTOR,
            claims={"email": MANAGER.upper(), "email_verified": False, "name": "Imp"},
        ),
    ]
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        metadata = f"http://localhost:{provider.server_port}/.well-known/openid-configuration"
        secrets = auth_secrets(folder, port, metadata)
        with serve(folder, url, f"--secrets.files={secrets}", port=port) as served:
            yield served.base.replace("127.0.0.1", "localhost"), engine
    engine.dispose()


@pytest.fixture
def tab(signed_in_app, browser):
    """A fresh browser context (no cookies: nobody signed in) in the session's Chromium."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    yield page
    context.close()


def sign_in(page, base: str, email: str) -> None:
    """Open the dashboard, press Sign in, choose the user on the provider's page."""
    page.goto(base)
    settle(page)
    assert page.locator("h1").first.inner_text() == "Social work workforce dashboard"
    assert page.locator('[data-testid="stMetricValue"]').count() == 0  # nothing before sign-in
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{base}/**")
    settle(page)


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def shot(page, name: str) -> None:
    folder = PROJECT_ROOT / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"sign-in-{name}.png"), full_page=True)


def test_a_team_manager_signs_in_sees_their_team_and_no_other_names(tab, signed_in_app):
    base, engine = signed_in_app
    sign_in(tab, base, MANAGER)
    assert "Signed in as Mo Manager (Manager)" in sidebar_text(tab)
    # The dashboard opens on their team.
    header = tab.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    assert header.startswith("Stonebridge safeguarding team 1 (Stonebridge hub, East)")
    shot(tab, "manager-overview")

    tab.get_by_role("link", name="Your team's people").click()
    # The link reruns the app in the same document: the wait starts once the new page's
    # title is drawn.
    settle(tab, new_run=tab.get_by_role("heading", level=1, name="Team", exact=True))
    assert tab.locator("h1").first.inner_text() == "Team"
    names = tab.locator('[data-testid="stDataFrame"]').first
    names.wait_for()
    assert tab.get_by_role("button", name="Download CSV").count() >= 1
    shot(tab, "manager-team")

    # Another team's names, asked for by URL: a clear message and no table of people.
    tab.goto(f"{base}/team?{OTHER_TEAM_QUERY}")
    settle(tab)
    body = tab.locator('[data-testid="stMain"]').inner_text()
    assert "Your access does not cover the names of Greenway safeguarding team 1" in body
    assert tab.locator('[data-testid="stDataFrame"]').count() == 0

    # A hub with none of their teams: the Team page's picker has nothing to offer.
    tab.goto(f"{base}/team?area=East&hub=Greenway+hub")
    settle(tab)
    body = tab.locator('[data-testid="stMain"]').inner_text()
    assert "Your access does not cover the names of any team in Greenway hub" in body
    assert tab.locator('[data-testid="stDataFrame"]').count() == 0

    # Pages that are not theirs, by address.
    for path, refusal in (("data", "The Data page is for"), ("access", "for administrators")):
        tab.goto(f"{base}/{path}")
        settle(tab)
        assert refusal in tab.locator('[data-testid="stMain"]').inner_text()
    assert "Data" not in tab.locator('[data-testid="stSidebarNav"]').inner_text()

    with db.session_scope(engine) as session:
        events = [e for e in access_log(session=session) if e.user_email == MANAGER]
    # The first sign-in bound the address to the provider's account for this person.
    assert [e.action for e in events if e.action != "view names"] == ["bind account"]
    assert all(HOME_TEAM in e.scope for e in events if e.action == "view names")

    # Someone copies the browser's cookies before the manager signs out...
    copied = tab.context.cookies()
    # Signing out also ends the session at the provider (RP-initiated logout), then comes back.
    tab.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_selector("text=Sign in with your council account")
    settle(tab)
    assert tab.locator('[data-testid="stMetricValue"]').count() == 0

    # ... and uses them afterwards: signed out all the same, and no names.
    other = tab.context.browser.new_context(viewport={"width": 1366, "height": 900})
    other.add_cookies(copied)
    thief = other.new_page()
    thief.set_default_timeout(DEADLINE_MS)
    for path in ("", f"team?team={HOME_TEAM}"):
        thief.goto(f"{base}/{path}")
        settle(thief)
        main = thief.locator('[data-testid="stMain"]').inner_text()
        assert "You have been signed out" in main
        assert "Signed in as" not in thief.locator("body").inner_text()
        assert thief.locator('[data-testid="stDataFrame"]').count() == 0
    other.close()


def test_a_board_member_sees_figures_and_never_a_name(tab, signed_in_app):
    base, _ = signed_in_app
    sign_in(tab, base, BOARD)
    assert "Signed in as Bea Board (Board member)" in sidebar_text(tab)
    assert tab.locator('[data-testid="stMetricValue"]').count() >= 8
    nav = tab.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Team" not in nav.split() and "Data" not in nav.split()
    shot(tab, "board-overview")
    for query in ("", f"?{OTHER_TEAM_QUERY}", "?area=East&hub=Stonebridge+hub&team=All"):
        tab.goto(f"{base}/team{query}")
        settle(tab)
        assert (
            "board members see figures only" in tab.locator('[data-testid="stMain"]').inner_text()
        )
        assert tab.locator('[data-testid="stDataFrame"]').count() == 0


def test_an_unverified_address_is_refused_whatever_it_names(tab, signed_in_app):
    base, _ = signed_in_app
    sign_in(tab, base, IMPOSTOR)
    main = tab.locator('[data-testid="stMain"]').inner_text()
    assert "has not verified the e-mail address" in main
    assert tab.locator('[data-testid="stMetricValue"]').count() == 0
    assert tab.locator('[data-testid="stSidebarNav"]').count() == 0
    shot(tab, "unverified")


def test_someone_not_given_access_sees_only_how_to_ask(tab, signed_in_app):
    base, _ = signed_in_app
    sign_in(tab, base, STRANGER)
    main = tab.locator('[data-testid="stMain"]').inner_text()
    assert "you have not been given access to this dashboard" in main
    assert STRANGER in main
    assert tab.locator('[data-testid="stMetricValue"]').count() == 0
    assert tab.locator('[data-testid="stSidebarNav"]').count() == 0
    tab.goto(f"{base}/team?{OTHER_TEAM_QUERY}")
    settle(tab)
    assert tab.locator('[data-testid="stDataFrame"]').count() == 0
    shot(tab, "no-access")
