"""Uploads through the real server, as a browser sends them: `streamlit run app.py` on the
demo organisation, a tab that speaks Streamlit's protocol (it loads the page, opens the
websocket, PUTs the files to the upload route and sets the upload box, then presses Import).

- The server's own peak memory (VmHWM, reset once it rests after its first pages) stays under
  500 MB while the Data page checks and imports the largest uploads the limits allow, both as
  measured and with its growth added to what a server that loaded the demo itself rests at.
- A check whose browser leaves while it runs is still recorded in the import history (the
  page stops at its next drawing once the browser has gone).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import upload_shapes
from sqlalchemy import select
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from support.app import EVERYWHERE, give_access
from support.browser import Served, auth_secrets, free_port, serve
from support.streamlit_protocol import AsyncTab, Run, run_async
from upload_shapes import SERVER_REST_MB, UPLOAD_MEMORY_BOUND_MB

from data_access.core import db
from data_access.core.models import ImportLog
from data_access.ingest.importer import import_files
from data_access.setup import prepare_database

OFFICER = "dee.data@council.example"
#: Demo staff and teams, which the valid shapes refer to on this server.
DEMO_STAFF = [f"S{n:05d}" for n in range(1, 16)]
DEMO_TEAMS = [f"T{n:03d}" for n in range(1, 4)]


@dataclass
class Server:
    """The running dashboard, its database and the address a browser uses."""

    served: Served
    url: str
    base: str

    def status(self, key: str) -> float:
        return self.served.memory_mb(key)

    def reset_peak(self) -> None:
        """Start the server's VmHWM afresh from its present memory."""
        Path(f"/proc/{self.served.pid}/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """A SQLite file holding the demo organisation, made once and copied for each server."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = db.make_engine(f"sqlite:///{path}")
    prepare_database(engine, load_demo_if_empty=True)
    engine.dispose()
    return path


@pytest.fixture
def server(demo_database, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` on a council's own database (a copy of the demo's rows with an
    import of its own, so not the demo: the demo database takes no uploads) with sign-in set
    up against a local identity provider, where a data officer may sign in; each test has a
    server of its own. A first reader has opened the Overview: the server then holds what it
    holds before any upload (its caches of the organisation's figures)."""
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("web")
    shutil.copy(demo_database, folder / "web.db")
    url = f"sqlite:///{folder / 'web.db'}"
    engine = db.make_engine(url)
    council = {"vacancies.csv": b"team_id,as_at,vacant_fte\nT001,2026-10-31,1\n"}
    assert import_files(council, engine=engine, source="upload: vacancies.csv").loaded
    give_access(engine, OFFICER, "data_officer", EVERYWHERE)
    engine.dispose()
    officer = User(sub=OFFICER, claims={"email": OFFICER, "email_verified": True})
    with run_server_in_thread(user_claims=[officer]) as provider:
        port = free_port()
        metadata = f"http://localhost:{provider.server_port}/.well-known/openid-configuration"
        secrets = auth_secrets(folder, port, metadata)
        with serve(folder, url, f"--secrets.files={secrets}", port=port) as served:
            # The sign-in cookies are bound to the redirect address's host.
            base = served.base.replace("127.0.0.1", "localhost")
            run_async(_warm(base))
            yield Server(served, url, base)


async def signed_in(tab: AsyncTab) -> Run:
    """Sign the tab in as the data officer; its page's first signed-in run."""
    await tab.sign_in(OFFICER)
    return await tab.run()


async def _warm(base: str) -> None:
    tab = AsyncTab(base)
    try:
        await signed_in(tab)
    finally:
        await tab.close()


def data_page(base: str) -> AsyncTab:
    """A tab on the Data page (to be signed in)."""
    return AsyncTab(base, page="data")


def outcomes(server: Server, source: str) -> list[str]:
    engine = db.make_engine(server.url)
    try:
        with db.session_scope(engine) as session:
            query = select(ImportLog.outcome).where(ImportLog.source == source)
            return list(session.scalars(query))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "shape", ["three_large_csvs", "three_files_of_long_notes", "one_wide_table"]
)
def test_the_server_checks_and_imports_an_upload_at_the_limits_under_500_mb(
    server, tmp_path, monkeypatch, shape
):
    monkeypatch.setattr(upload_shapes, "KNOWN_STAFF", DEMO_STAFF)
    monkeypatch.setattr(upload_shapes, "KNOWN_TEAMS", DEMO_TEAMS)
    getattr(upload_shapes, shape)(tmp_path)

    async def check_then_import() -> tuple[float, float]:
        tab = data_page(server.base)
        try:
            first = await signed_in(tab)
            uploader = first.widgets["Files to import (.csv, .xlsx or .zip)"][0]
            server.reset_peak()
            resting = server.status("VmRSS")
            await tab.upload(tmp_path)
            checked = await tab.run([tab.uploaded(uploader)])
            refused = [text for text in checked.texts if "Nothing can be imported" in text]
            assert not refused, checked.texts
            press = WidgetState(id=checked.widgets["Import"][0], trigger_value=True)
            await tab.run([tab.uploaded(uploader), press], until_settled=True)
            return resting, server.status("VmHWM")
        finally:
            await tab.close()

    started = time.monotonic()
    resting, peak = run_async(check_then_import())
    names = ", ".join(sorted(path.name for path in tmp_path.iterdir()))
    print(f"{shape} on the web: resting {resting:.0f} MB, peak {peak:.0f} MB, "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip
    assert outcomes(server, f"upload: {names}") == ["loaded"]
    assert peak < UPLOAD_MEMORY_BOUND_MB
    assert SERVER_REST_MB + peak - resting < UPLOAD_MEMORY_BOUND_MB


def test_a_check_whose_browser_leaves_is_still_recorded(server, tmp_path):
    # The workbook of millions of shared texts takes a few seconds to be refused: the tab
    # closes as soon as the check has started, and the refusal must still reach the history.
    upload_shapes.shared_strings_workbook(tmp_path)

    async def upload_then_leave() -> None:
        tab = data_page(server.base)
        try:
            first = await signed_in(tab)
            await tab.upload(tmp_path)
            uploader = first.widgets["Files to import (.csv, .xlsx or .zip)"][0]
            await tab.send([tab.uploaded(uploader)])
            async with asyncio.timeout(60):  # until the server says the check is running
                while True:
                    reply = ForwardMsg()
                    reply.ParseFromString(await tab.socket.recv())
                    if reply.WhichOneof("type") == "session_status_changed" and (
                        reply.session_status_changed.script_is_running
                    ):
                        break
        finally:
            await tab.close()

    server.reset_peak()
    run_async(upload_then_leave())
    deadline = time.monotonic() + 60
    while outcomes(server, "upload: extract.xlsx") != ["refused"]:
        assert time.monotonic() < deadline, "the abandoned check was never recorded"
        time.sleep(0.2)
    assert server.status("VmHWM") < UPLOAD_MEMORY_BOUND_MB
