"""A browser tab as far as Streamlit's server can tell, for tests that attack or load the real
server: scripts/streamlit_client.py's `Tab` (the load test's client too), here as

- `AsyncTab`: the tab, in asyncio;
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

import websockets
from streamlit_client import Run
from streamlit_client import Tab as AsyncTab

__all__ = ["AsyncTab", "Run", "Tab", "run_async"]


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
