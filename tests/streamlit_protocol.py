"""A browser tab as far as Streamlit's server can tell, for tests that attack or load the real
server. It speaks Streamlit's own protocol, as the browser's JavaScript does: it loads the page
(which sets the cookies), asks for the XSRF cookie, opens the websocket, asks for runs with
widget states, and PUTs files to the upload route as the upload box does.
(scripts/load_test.py does the same for many sessions at once.)

- `AsyncTab`: the tab, in asyncio.
- `Tab`: the same tab driven from plain test code: its websocket stays open, on an event loop
  in a thread of its own (the browser tests' Playwright may hold the test thread's loop), until
  its `with` block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


@dataclass
class Run:
    """What one run of the page drew."""

    #: Markdown texts and alert bodies, in order.
    texts: list[str] = field(default_factory=list)
    #: Label -> widget id, for the upload boxes and buttons.
    widgets: dict[str, str] = field(default_factory=dict)
    #: How the run ended (ForwardMsg.ScriptFinishedStatus).
    status: str = ""


class AsyncTab:
    """One browser tab on `page` with `query` in its address."""

    def __init__(self, base: str, query: str = "", page: str = "") -> None:
        self.base, self.query, self.page = base, query, page
        self.http = httpx.AsyncClient(base_url=base, timeout=300)
        self.socket = None
        self.session_id = ""
        self.files: list[tuple[str, str, int]] = []  # (file id, name, size) uploaded

    async def open(self) -> Run:
        """Load the page and run it once."""
        (await self.http.get(f"/{self.page}?{self.query}")).raise_for_status()
        (await self.http.get("/_stcore/health")).raise_for_status()  # sets the XSRF cookie
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        self.socket = await websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf],
            additional_headers={"Cookie": cookies, "Origin": self.base},
            max_size=None,
        )
        return await self.run()

    async def put(self, name: str, content: bytes, file_id: str | None = None) -> int:
        """PUT one file to the upload route as the upload box does: the HTTP status, or 0 when
        the server closed the connection before answering."""
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        file_id = file_id or str(uuid4())
        try:
            answer = await self.http.put(
                f"/_stcore/upload_file/{self.session_id}/{file_id}",
                files={"file": (name, content, "application/octet-stream")},
                headers={"X-Xsrftoken": xsrf, "Origin": self.base},
            )
        except httpx.TransportError:
            return 0
        if answer.status_code == 204:
            self.files.append((file_id, name, len(content)))
        return answer.status_code

    async def upload(self, folder: Path) -> None:
        """Upload every file in `folder`, each of which must be taken."""
        for path in sorted(folder.iterdir()):
            assert await self.put(path.name, path.read_bytes()) == 204, path.name

    def uploaded(self, uploader: str) -> WidgetState:
        """The upload box `uploader` holding every file uploaded so far."""
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
        message.rerun_script.query_string = self.query
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


def run_async(coroutine):
    """Run `coroutine` to its end on an event loop in a thread of its own and return what it
    returns (the browser tests' Playwright may hold this thread's loop)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Tab:
    """An `AsyncTab`, opened when the `with` block starts and closed when it ends; `texts` and
    `seconds` (from the first request to the end of the first run) describe its first run."""

    def __init__(self, base: str, query: str = "", page: str = "") -> None:
        self._tab = AsyncTab(base, query, page)
        self._pool = ThreadPoolExecutor(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._release: asyncio.Event | None = None
        self.texts: list[str] = []
        self.seconds = 0.0

    @property
    def session_id(self) -> str:
        return self._tab.session_id

    def __enter__(self) -> Tab:
        started = time.perf_counter()
        self._held = self._pool.submit(asyncio.run, self._hold())
        while not self._ready.wait(0.1):
            if self._held.done():
                self._held.result()  # raises what went wrong
        self.seconds = time.perf_counter() - started
        return self

    def __exit__(self, *_exc) -> None:
        self._loop.call_soon_threadsafe(self._release.set)
        self._held.result(timeout=60)
        self._pool.shutdown()

    async def _hold(self) -> None:
        self._loop, self._release = asyncio.get_running_loop(), asyncio.Event()
        try:
            self.texts = (await self._tab.open()).texts
            self._ready.set()
            # Read (and drop) what the server sends while the tab is held, so that its pings
            # are answered and its messages never back up.
            drain = asyncio.create_task(self._drain())
            await self._release.wait()
            drain.cancel()
        finally:
            await self._tab.close()

    async def _drain(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await self._tab.socket.recv()

    def upload(self, size: int, file_id: str) -> int:
        """PUT a file of `size` bytes: the HTTP status (0: closed without one)."""
        put = self._tab.put("staff.csv", b"x" * size, file_id)
        return asyncio.run_coroutine_threadsafe(put, self._loop).result(timeout=300)
