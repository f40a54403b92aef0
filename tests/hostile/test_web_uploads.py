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
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import upload_shapes
import websockets
from browser_support import free_port
from sqlalchemy import select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from upload_shapes import SERVER_REST_MB, UPLOAD_MEMORY_BOUND_MB

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.core.models import ImportLog
from data_access.core.setup import prepare_database

DATA_OFFICER = "view_as=Data+officer"
#: Demo staff and teams, which the valid shapes refer to on this server.
DEMO_STAFF = [f"S{n:05d}" for n in range(1, 16)]
DEMO_TEAMS = [f"T{n:03d}" for n in range(1, 4)]


@dataclass
class Server:
    base: str
    pid: int
    url: str

    def status(self, key: str) -> float:
        text = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(key + r":\s+(\d+) kB", text).group(1)) / 1024

    def reset_peak(self) -> None:
        """Start the server's VmHWM afresh from its present memory."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")


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
    """`streamlit run app.py` on a copy of the demo database (an import of the council's
    data ends demo mode, so each test has a server of its own)."""
    folder = tmp_path_factory.mktemp("web")
    shutil.copy(demo_database, folder / "web.db")
    url = f"sqlite:///{folder / 'web.db'}"
    port = free_port()
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _answers(base):
            assert process.poll() is None and time.monotonic() < deadline, (
                folder / "streamlit.log"
            ).read_text()[-2000:]
            time.sleep(0.2)
        served = Server(base, process.pid, url)
        asyncio.run(_warm(served))
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


async def _warm(server: Server) -> None:
    """Open the Overview once, as the first reader of the day does: the server then holds
    what it holds before any upload (its caches of the organisation's figures)."""
    tab = Tab(server.base)
    try:
        await tab.open(page="")
    finally:
        await tab.close()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/_stcore/health", timeout=2).text == "ok"
    except httpx.HTTPError:
        return False


@dataclass
class Run:
    """What one run of the page drew: widgets by label (id), texts, how it finished."""

    widgets: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    status: str = ""


class Tab:
    """One browser tab on the Data page, as far as the server can tell."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.AsyncClient(base_url=base, timeout=300)
        self.socket = None
        self.session_id = ""
        self.files: list[tuple[str, str, int]] = []  # (file id, name, size)
        self.page = "data"

    async def open(self, page: str = "data") -> Run:
        self.page = page
        (await self.http.get(f"/{page}?{DATA_OFFICER}")).raise_for_status()
        (await self.http.get("/_stcore/health")).raise_for_status()  # the XSRF cookie
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        self.socket = await websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf],
            additional_headers={"Cookie": cookies, "Origin": self.base},
            max_size=None,
        )
        return await self.run()

    async def upload(self, folder: Path) -> None:
        """PUT every file in `folder` to the upload route, as the upload box does."""
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        for path in sorted(folder.iterdir()):
            file_id = str(uuid.uuid4())
            answer = await self.http.put(
                f"/_stcore/upload_file/{self.session_id}/{file_id}",
                files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
                headers={"X-Xsrftoken": xsrf, "Origin": self.base},
            )
            assert answer.status_code == 204, answer.text
            self.files.append((file_id, path.name, path.stat().st_size))

    def uploaded(self, uploader: str) -> WidgetState:
        state = FileUploaderState()
        for file_id, name, size in self.files:
            info = state.uploaded_file_info.add()
            info.file_id, info.name, info.size = file_id, name, size
            info.file_urls.file_id = file_id
            info.file_urls.upload_url = f"/_stcore/upload_file/{self.session_id}/{file_id}"
            info.file_urls.delete_url = info.file_urls.upload_url
        widget = WidgetState(id=uploader)
        widget.file_uploader_state_value.CopyFrom(state)
        return widget

    async def send(self, widgets=()) -> None:
        message = BackMsg()
        message.rerun_script.query_string = DATA_OFFICER
        message.rerun_script.page_name = self.page
        message.rerun_script.context_info.timezone = "Europe/London"
        message.rerun_script.widget_states.widgets.extend(widgets)
        await self.socket.send(message.SerializeToString())

    async def run(self, widgets=(), *, until_settled: bool = False) -> Run:
        """Run the page with `widgets` set; what it drew. With `until_settled`, runs that the
        page starts itself (st.rerun) are followed to the end."""
        await self.send(widgets)
        run = Run()
        async with asyncio.timeout(300):
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await self.socket.recv())
                kind = reply.WhichOneof("type")
                if kind == "new_session":
                    self.session_id = reply.new_session.initialize.session_id
                elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                    element = reply.delta.new_element
                    which = element.WhichOneof("type")
                    if which in ("file_uploader", "button"):
                        widget = getattr(element, which)
                        run.widgets[widget.label] = widget.id
                    elif which in ("markdown", "alert"):
                        run.texts.append(getattr(element, which).body)
                elif kind == "script_finished":
                    run.status = ForwardMsg.ScriptFinishedStatus.Name(reply.script_finished)
                    if not (until_settled and run.status == "FINISHED_EARLY_FOR_RERUN"):
                        return run

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.http.aclose()


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
        tab = Tab(server.base)
        try:
            first = await tab.open()
            uploader = first.widgets["Files to import (.csv, .xlsx or .zip)"]
            server.reset_peak()
            resting = server.status("VmRSS")
            await tab.upload(tmp_path)
            checked = await tab.run([tab.uploaded(uploader)])
            assert not any("problem(s) found" in text for text in checked.texts), checked.texts
            press = WidgetState(id=checked.widgets["Import"], trigger_value=True)
            await tab.run([tab.uploaded(uploader), press], until_settled=True)
            return resting, server.status("VmHWM")
        finally:
            await tab.close()

    started = time.monotonic()
    resting, peak = asyncio.run(check_then_import())
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
        tab = Tab(server.base)
        try:
            first = await tab.open()
            await tab.upload(tmp_path)
            uploader = first.widgets["Files to import (.csv, .xlsx or .zip)"]
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
    asyncio.run(upload_then_leave())
    deadline = time.monotonic() + 60
    while outcomes(server, "upload: extract.xlsx") != ["refused"]:
        assert time.monotonic() < deadline, "the abandoned check was never recorded"
        time.sleep(0.2)
    assert server.status("VmHWM") < UPLOAD_MEMORY_BOUND_MB
