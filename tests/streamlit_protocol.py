"""A browser tab as far as Streamlit's server can tell, for tests that attack or load the real
server: it loads the page (cookies), opens the websocket, asks for one run with a query string,
and keeps the session open until the `with` block ends. It speaks Streamlit's own protocol, as
the browser's JavaScript does (scripts/load_test.py does the same for many sessions)."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class Tab:
    """One browser tab, as far as the server can tell: its cookies, its session id and the
    texts its first run drew. Its websocket stays open, in a thread of its own (the browser
    tests' Playwright may hold this thread's event loop), until the `with` block ends."""

    def __init__(self, base: str, query: str = "", page: str = "") -> None:
        self.base, self.query, self.page = base, query, page
        self.http = httpx.Client(base_url=base, timeout=120)
        self.session_id = ""
        #: Markdown and alert texts the first run drew, and how long it took from the first
        #: request to the end of the run.
        self.texts: list[str] = []
        self.seconds = 0.0
        self._ready = threading.Event()
        self._release = threading.Event()
        self._pool = ThreadPoolExecutor(1)

    def __enter__(self) -> Tab:
        started = time.perf_counter()
        self.http.get(f"/{self.page}?{self.query}").raise_for_status()
        self.http.get("/_stcore/health").raise_for_status()  # sets the XSRF cookie, as in a browser
        self._held = self._pool.submit(asyncio.run, self._hold())
        while not self._ready.wait(0.1):
            if self._held.done():
                self._held.result()  # raises what went wrong
        self.seconds = time.perf_counter() - started
        return self

    def __exit__(self, *_exc) -> None:
        self._release.set()
        self._held.result(timeout=60)
        self._pool.shutdown()
        self.http.close()

    async def _hold(self) -> None:
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        async with websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf],
            additional_headers={"Cookie": cookies, "Origin": self.base},
            max_size=None,
        ) as socket:
            message = BackMsg()
            message.rerun_script.query_string = self.query
            message.rerun_script.page_name = self.page
            message.rerun_script.context_info.timezone = "Europe/London"
            await socket.send(message.SerializeToString())
            async with asyncio.timeout(180):
                while not self._ready.is_set():
                    reply = ForwardMsg()
                    reply.ParseFromString(await socket.recv())
                    self._note(reply)
            while not self._release.is_set():
                # Answer the server's pings while the test uploads.
                try:
                    async with asyncio.timeout(0.2):
                        await socket.recv()
                except TimeoutError:
                    pass

    def _note(self, reply: ForwardMsg) -> None:
        kind = reply.WhichOneof("type")
        if kind == "new_session":
            self.session_id = reply.new_session.initialize.session_id
        elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
            element = reply.delta.new_element
            if element.WhichOneof("type") in ("markdown", "alert"):
                self.texts.append(getattr(element, element.WhichOneof("type")).body)
        elif kind == "script_finished":
            self._ready.set()

    def upload(self, size: int, file_id: str) -> int:
        """PUT a file of `size` bytes as the upload widget does: the HTTP status, or 0 when the
        server closed the connection before answering."""
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        try:
            answer = self.http.put(
                f"/_stcore/upload_file/{self.session_id}/{file_id}",
                files={"file": ("staff.csv", b"x" * size, "text/csv")},
                headers={"X-Xsrftoken": xsrf, "Origin": self.base},
            )
        except httpx.TransportError:
            return 0
        return answer.status_code
