"""What a browser session may ask of the server outside any page (ui/server_guards.py): clear
the caches, upload files, fetch a file holding names. The attacks run for real against
`streamlit run app.py`, speaking Streamlit's own protocol as a browser's JavaScript does, and the
server's memory is read from /proc.

The guards wrap private interfaces of the pinned Streamlit; the first test fails when one of
them changes shape, so an upgrade cannot silently switch a guard off.
"""

from __future__ import annotations

import inspect
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import streamlit as st
from support.browser import (
    DEADLINE_MS,
    auth_secrets,
    free_port,
    require_browser,
    serve,
    settle,
)
from support.streamlit_protocol import Tab

from data_access.access.grants import DOWNLOAD_NAMES, access_log
from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.setup import prepare_database
from ui import server_guards

MB = 1024 * 1024


def test_the_private_interfaces_the_guards_wrap_are_as_pinned():
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.web.server.starlette import starlette_routes

    requirements = (PROJECT_ROOT / "requirements.txt").read_text()
    assert f"streamlit=={st.__version__}\n" in requirements
    for owner, name in (
        (AppSession, "_handle_clear_cache_request"),
        (Runtime, "is_active_session"),
        (MediaFileManager, "execute_deferred"),
        (MemoryMediaFileStorage, "get_file"),
        (MemoryMediaFileStorage, "delete_file"),
    ):
        assert callable(getattr(owner, name)), (owner, name)
    assert "file_storage" in inspect.getsource(MemoryUploadedFileManager.__init__)
    assert "_deferred_callables" in inspect.getsource(MediaFileManager.execute_deferred)
    # The upload route asks whether the session is active before it reads a byte of the body:
    # that is where the upload guard answers 403. Nothing else in Streamlit asks.
    route = inspect.getsource(starlette_routes.create_upload_routes)
    assert (
        0 < route.index("runtime.is_active_session(session_id)") < route.index("request.stream()")
    )
    package = Path(st.__file__).parent
    callers = subprocess.run(
        ["grep", "-rl", "--include=*.py", r"\.is_active_session(", str(package)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert sorted(Path(path).name for path in callers if "/tests/" not in path) == [
        "runtime.py",
        "starlette_routes.py",
    ]


def test_clearing_the_caches_is_refused_for_anyone_but_an_administrator(fresh_caches):
    from streamlit.runtime.app_session import AppSession

    calls = []

    @st.cache_data(ttl=60)
    def counted() -> int:
        calls.append(1)
        return len(calls)

    class Session:  # the parts of an AppSession the handler uses
        def __init__(self, session_id: str) -> None:
            self.id = session_id
            self._session_state = {}

    server_guards.install()
    counted()
    AppSession._handle_clear_cache_request(Session("a-manager"))
    assert counted() == 1  # still cached
    server_guards._allowed["an-admin"] = frozenset({server_guards.CLEAR_CACHES})
    try:
        AppSession._handle_clear_cache_request(Session("an-admin"))
    finally:
        server_guards._allowed.pop("an-admin", None)
    assert counted() == 2  # cleared, so computed again


# --- against the running server ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The dashboard in demo mode, and its database's URL."""
    require_browser()
    folder = tmp_path_factory.mktemp("guards-demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = db.make_engine(url)
    prepare_database(engine, load_demo_if_empty=True)
    engine.dispose()
    with serve(folder, url) as served:
        yield served, url


@pytest.fixture(scope="module")
def sign_in_server(tmp_path_factory):
    """The dashboard with sign-in configured: every visitor sees only the sign-in page (the
    provider is never reached in these tests)."""
    require_browser()
    folder = tmp_path_factory.mktemp("guards-sign-in")
    url = f"sqlite:///{folder / 'signin.db'}"
    engine = db.make_engine(url)
    prepare_database(engine, load_demo_if_empty=True)
    engine.dispose()
    port = free_port()
    secrets = auth_secrets(folder, port, "http://127.0.0.1:9/.well-known/openid-configuration")
    with serve(folder, url, f"--secrets.files={secrets}", port=port) as served:
        yield served


@pytest.mark.browser
def test_before_sign_in_no_upload_is_taken_and_memory_stays_put(sign_in_server):
    server = sign_in_server
    with Tab(server.base) as tab:
        assert "Sign in with your council account" in "\n".join(tab.texts)
        before = server.memory_mb()
        # The tester's attack: 25 files of 19 MB from a session that has only seen the sign-in
        # page (each was accepted, and the server grew by 476 MB).
        answers = [tab.upload(19 * MB, f"file-{n}") for n in range(25)]
        grown = server.memory_mb() - before
    print(
        f"25 uploads of 19 MB before sign-in: {answers.count(403)} refused 403, the server "
        f"grew by {grown:.1f} MB"
    )  # the figure docs/performance.md quotes (pytest -s)
    assert set(answers) <= {403, 0} and answers.count(403) >= 1, answers
    assert grown < 40, f"the server grew by {grown:.0f} MB"


@pytest.mark.browser
def test_only_a_data_officer_uploads_and_only_what_one_import_needs(demo_server):
    base = demo_server[0].base
    with Tab(base, "view_as=Director") as director:
        assert director.upload(1000, "one") == 403
    with Tab(base, "view_as=Data+officer") as officer:
        answers = [
            officer.upload(1000, f"file-{n}")
            for n in range(server_guards.MAX_FILES_PER_SESSION + 1)
        ]
    assert answers == [204] * server_guards.MAX_FILES_PER_SESSION + [413]


@pytest.mark.browser
def test_a_names_csv_is_made_when_pressed_served_once_and_logged(demo_server, browser):
    served, url = demo_server
    base = served.base
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.goto(f"{base}/team?team=Stonebridge+safeguarding+team+1")
    settle(page)
    # Nothing waits on the server to be fetched before the button is pressed.
    assert page.locator('a[href*="/media/"]').count() == 0
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))

    def press(button) -> tuple[str, str]:
        """Press a download button: (the file's text, its address), once the browser has made
        both of the requests one press makes (the download, and Streamlit's check of it)."""
        fetched.clear()
        with page.expect_download() as download:
            button.click()
        text = Path(download.value.path()).read_text()
        address = download.value.url
        deadline = time.monotonic() + DEADLINE_MS / 1000
        while fetched.count(address) < 1:
            # Each finished request wakes this up: no fixed wait, and no deadline missed.
            left = deadline - time.monotonic()
            assert left > 0, f"the browser never finished fetching {address}"
            page.wait_for_event("requestfinished", timeout=left * 1000)
        return text, address

    saved, address = press(page.get_by_role("button", name="Download CSV").first)
    assert saved.startswith("Name,Supervision,Next due")
    assert "/media/" in address
    # Fetched again, by the same browser or by anyone who copied the address: gone.
    assert httpx.get(address).status_code == 404
    assert page.request.get(address).status == 404

    # The supervision timeline's table names supervisors: its download is logged too.
    page.get_by_role("tab", name="Table").last.click()
    timeline, address = press(page.get_by_role("button", name="Download CSV").last)
    assert "Supervisor" in timeline.splitlines()[0]
    assert httpx.get(address).status_code == 404
    context.close()

    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        downloads = [e.detail for e in access_log(session=session) if e.action == DOWNLOAD_NAMES]
    engine.dispose()
    assert any(detail.startswith("people in post (Everyone)") for detail in downloads)
    assert any(detail.startswith("supervision timeline of") for detail in downloads)
