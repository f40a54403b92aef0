"""Many people at once: sessions that open the Overview and change a filter, as a browser does.

    .venv/bin/python scripts/load_test.py [--url http://127.0.0.1:8080] [--sessions 10,25,50]
        [--timeout 60] [--budget 600]

Each session speaks Streamlit's own protocol, as the browser's JavaScript does: it loads the
page (which sets the cookies), opens the websocket, asks for the Overview (the time to the
end of that run is the **first load**), then chooses the second area in the sidebar's Area
filter (the time to the end of that run is the **filter switch**). All sessions of a level
start together and stay connected until the level ends.

For each level it prints the errors (a session that failed to connect, timed out, or whose
page showed an error or an exception), the first-load and filter-switch times (median and
95th percentile), and the memory (RSS) of the dashboard's processes on this machine after the
level, summed.

Bounded on purpose: loopback addresses only, at most 200 sessions a level, each run waits at
most --timeout seconds, and the whole test stops after --budget seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

MAX_SESSIONS = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Outcome:
    first_load: float | None = None
    filter_switch: float | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Run:
    """What one script run sent back: the widgets it drew (label -> (id, options)) and any
    error or exception shown."""

    widgets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: Every Markdown text and caption drawn.
    texts: list[str] = field(default_factory=list)


class Session:
    """One browser tab, as far as the server can tell."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.http = httpx.AsyncClient(base_url=self.base, timeout=timeout)
        self.socket = None

    async def open(self) -> None:
        page = await self.http.get("/")
        page.raise_for_status()
        xsrf = self.http.cookies.get("_streamlit_xsrf", "")
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.socket = await websockets.connect(
            url,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Cookie": cookies, "Origin": self.base} if cookies else {},
            max_size=None,
            open_timeout=self.timeout,
        )

    async def run(self, widget_states=()) -> Run:
        """Ask for a run of the Overview with `widget_states`; read until it finishes."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_name = ""
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base + "/"
        state.widget_states.widgets.extend(widget_states)
        await self.socket.send(message.SerializeToString())
        run = Run()
        async with asyncio.timeout(self.timeout):
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await self.socket.recv())
                kind = reply.WhichOneof("type")
                if kind == "delta":
                    self._note(reply, run)
                elif kind == "script_finished":
                    return run

    @staticmethod
    def _note(reply: ForwardMsg, run: Run) -> None:
        if reply.delta.WhichOneof("type") != "new_element":
            return
        element = reply.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.errors.append(f"exception: {element.exception.message[:120]}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            run.errors.append(f"error shown: {element.alert.body[:120]}")
        elif kind == "markdown":
            run.texts.append(element.markdown.body)
        elif kind == "selectbox":
            run.widgets[element.selectbox.label] = (
                element.selectbox.id,
                list(element.selectbox.options),
            )

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.http.aclose()


async def one_session(
    base: str, timeout: float, ran: asyncio.Queue, hold: asyncio.Event
) -> Outcome:
    """Open, run the Overview, switch the area; then stay connected until `hold` is set."""
    outcome = Outcome()
    session = Session(base, timeout)
    try:
        started = time.perf_counter()
        await session.open()
        first = await session.run()
        outcome.first_load = time.perf_counter() - started
        outcome.errors += first.errors
        area = first.widgets.get("Area")
        if area is None or len(area[1]) < 2:
            outcome.errors.append("no Area filter with a choice on the Overview")
        else:
            chosen = WidgetState(id=area[0], string_value=area[1][1])
            started = time.perf_counter()
            switched = await session.run([chosen])
            outcome.filter_switch = time.perf_counter() - started
            outcome.errors += switched.errors
            if not any(area[1][1] in text.replace("\\", "") for text in switched.texts):
                outcome.errors.append(f"the page did not change to {area[1][1]} area")
        await ran.put(outcome)
        await hold.wait()
    except (TimeoutError, OSError, websockets.WebSocketException, httpx.HTTPError) as error:
        outcome.errors.append(f"{type(error).__name__}: {str(error)[:120]}")
        await ran.put(outcome)
    finally:
        # Closing a broken connection may fail again; its error is already noted.
        with contextlib.suppress(Exception):
            await session.close()
    return outcome


def dashboard_memory_mb() -> float:
    """The summed RSS of this machine's Streamlit processes (the dashboard's), in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"streamlit" in command and b" run " in command:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def level(base: str, count: int, timeout: float) -> list[Outcome]:
    """`count` sessions at once, all connected until the last has made its runs."""
    ran: asyncio.Queue = asyncio.Queue()
    hold = asyncio.Event()
    tasks = [asyncio.create_task(one_session(base, timeout, ran, hold)) for _ in range(count)]
    for _ in range(count):
        await ran.get()
    hold.set()
    return list(await asyncio.gather(*tasks))


def report(count: int, outcomes: list[Outcome], memory: float) -> str:
    errors = [error for outcome in outcomes for error in outcome.errors]
    firsts = [o.first_load for o in outcomes if o.first_load is not None and not o.errors]
    switches = [o.filter_switch for o in outcomes if o.filter_switch is not None]

    def times(values: list[float]) -> str:
        if not values:
            return "none"
        return f"p50 {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"

    lines = [
        f"{count} sessions: {len(errors)} errors; first load {times(firsts)}; "
        f"filter switch {times(switches)}; dashboard memory {memory:,.0f} MB"
    ]
    lines += [f"  error: {error}" for error in sorted(set(errors))[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--sessions", default="10,25,50")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--budget", type=float, default=600, help="seconds for the whole test")
    args = parser.parse_args()
    if urlparse(args.url).hostname not in LOOPBACK:
        sys.exit("load_test.py only runs against this machine (a loopback address)")
    counts = [int(count) for count in args.sessions.split(",")]
    if max(counts) > MAX_SESSIONS:
        sys.exit(f"at most {MAX_SESSIONS} sessions a level")
    deadline = time.monotonic() + args.budget
    for count in counts:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            print("stopped: the time budget is spent")
            break
        try:
            outcomes = asyncio.run(
                asyncio.wait_for(level(args.url, count, args.timeout), remaining)
            )
        except TimeoutError:
            print(f"{count} sessions: stopped, the time budget ran out")
            break
        print(report(count, outcomes, dashboard_memory_mb()), flush=True)
        time.sleep(2)  # let the server close the level's sessions


if __name__ == "__main__":
    main()
