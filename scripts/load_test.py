"""Many people at once: sessions that open the Overview and change a filter, as a browser does.

    .venv/bin/python scripts/load_test.py [--url http://127.0.0.1:8080] [--sessions 10,25,50]
        [--sign-in EMAIL[,EMAIL...]] [--timeout 60] [--budget 600]

Each session speaks Streamlit's own protocol, as the browser's JavaScript does: it loads the
page and the health check (which set the cookies), opens the websocket, asks for the Overview
(the time to the end of that run is the **first load**), then chooses the second area in the
sidebar's Area filter (the time to the end of that run is the **filter switch**). All sessions
of a level start together and stay connected until the level ends.

**Signed in** (`--sign-in`, for a deployment whose secrets file has `[auth]`): each session
first signs in for real, through the whole OpenID Connect redirect flow over HTTP. It opens the
sign-in page, presses **Sign in** (Streamlit answers with the address of its login route),
follows /auth/login to the identity provider, submits the provider's authorisation form for
the user, follows the redirect back to /oauth2callback, which sets the sign-in cookies, and
then opens a new websocket with them, as the browser's reload does. The provider must be
oidc-provider-mock (or another whose authorisation page is a form taking the user's `sub`)
on this machine; sessions take the e-mail addresses in turn, and each must then see the
signed-in dashboard ("Signed in as" in the sidebar), else it counts as an error. The time the
flow took is the **sign-in**; the first load is timed from the new websocket.

Each session is a `streamlit_client.Tab` (the protocol client the tests use too), which keeps
the dashboard's cookies itself: the proxy marks them `Secure`.

For each level it prints the errors (a session that failed to connect, timed out, could not
sign in, or whose page showed an error or an exception), the sign-in, first-load and
filter-switch times (median and 95th percentile), and the memory (RSS) of the dashboard's
processes on this machine after the level, summed (only those on --app-ports when given).

Bounded on purpose: loopback addresses only (the dashboard and the identity provider), at most
200 sessions a level, each run waits at most --timeout seconds, and the whole test stops after
--budget seconds.
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

import httpx
import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit_client import SignInError, Tab, is_loopback

MAX_SESSIONS = 200
#: What the sidebar says once someone has signed in (ui/auth.py).
SIGNED_IN = "Signed in as"


@dataclass
class Outcome:
    sign_in: float | None = None
    first_load: float | None = None
    filter_switch: float | None = None
    errors: list[str] = field(default_factory=list)
    #: Every text of the first run after opening (and signing in): what the person saw.
    texts: list[str] = field(default_factory=list)


async def one_session(
    base: str, timeout: float, ran: asyncio.Queue, hold: asyncio.Event, email: str | None = None
) -> Outcome:
    """(Sign in,) open, run the Overview, switch the area; then stay connected until `hold`
    is set."""
    outcome = Outcome()
    session = Tab(base, timeout=timeout)
    try:
        started = time.perf_counter()
        if email is None:
            await session.connect()
        else:
            await session.sign_in(email)
            outcome.sign_in = time.perf_counter() - started
            started = time.perf_counter()
        first = await session.run()
        outcome.first_load = time.perf_counter() - started
        outcome.errors += first.errors
        outcome.texts = first.texts
        if email is not None and not any(SIGNED_IN in text for text in first.texts):
            outcome.errors.append("signed in, but the dashboard did not say 'Signed in as'")
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
    except (
        TimeoutError,
        OSError,
        websockets.WebSocketException,
        httpx.HTTPError,
        SignInError,
    ) as error:
        outcome.errors.append(f"{type(error).__name__}: {str(error)[:160]}")
        await ran.put(outcome)
    finally:
        # Closing a broken connection may fail again; its error is already noted.
        with contextlib.suppress(Exception):
            await session.close()
    return outcome


def dashboard_memory_mb(ports: list[int] | None = None) -> float:
    """The summed RSS of this machine's Streamlit processes (the dashboard's), in MB: those
    listening on `ports` (by their --server.port) when given, else every one."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ") + b" "
            ours = not ports or any(f"--server.port={port} ".encode() in command for port in ports)
            if b"streamlit" in command and b" run " in command and ours:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def level(
    base: str, count: int, timeout: float, emails: list[str] | None = None
) -> list[Outcome]:
    """`count` sessions at once, all connected until the last has made its runs; signed in
    as `emails` in turn when given."""
    ran: asyncio.Queue = asyncio.Queue()
    hold = asyncio.Event()
    tasks = [
        asyncio.create_task(
            one_session(base, timeout, ran, hold, emails[number % len(emails)] if emails else None)
        )
        for number in range(count)
    ]
    for _ in range(count):
        await ran.get()
    hold.set()
    return list(await asyncio.gather(*tasks))


def report(count: int, outcomes: list[Outcome], memory: float) -> str:
    errors = [error for outcome in outcomes for error in outcome.errors]
    signs = [o.sign_in for o in outcomes if o.sign_in is not None]
    firsts = [o.first_load for o in outcomes if o.first_load is not None and not o.errors]
    switches = [o.filter_switch for o in outcomes if o.filter_switch is not None]

    def times(values: list[float]) -> str:
        if not values:
            return "none"
        return f"p50 {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"

    signed = f"sign-in {times(signs)}; " if signs else ""
    lines = [
        f"{count} sessions: {len(errors)} errors; {signed}first load {times(firsts)}; "
        f"filter switch {times(switches)}; dashboard memory {memory:,.0f} MB"
    ]
    lines += [f"  error: {error}" for error in sorted(set(errors))[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--sessions", default="10,25,50")
    parser.add_argument(
        "--sign-in",
        default="",
        metavar="EMAIL[,EMAIL...]",
        help="sign each session in as these users in turn (through the identity provider)",
    )
    parser.add_argument(
        "--app-ports",
        default="",
        metavar="PORT[,PORT...]",
        help="count the memory of only the Streamlit processes on these ports (serve.py's "
        "--first-app-port and up); default: every Streamlit process on this machine",
    )
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--budget", type=float, default=600, help="seconds for the whole test")
    args = parser.parse_args()
    if not is_loopback(args.url):
        sys.exit("load_test.py only runs against this machine (a loopback address)")
    counts = [int(count) for count in args.sessions.split(",")]
    if max(counts) > MAX_SESSIONS:
        sys.exit(f"at most {MAX_SESSIONS} sessions a level")
    ports = [int(port) for port in args.app_ports.split(",") if port.strip()]
    emails = [email.strip() for email in args.sign_in.split(",") if email.strip()] or None
    deadline = time.monotonic() + args.budget
    for count in counts:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            print("stopped: the time budget is spent")
            break
        try:
            outcomes = asyncio.run(
                asyncio.wait_for(level(args.url, count, args.timeout, emails), remaining)
            )
        except TimeoutError:
            print(f"{count} sessions: stopped, the time budget ran out")
            break
        print(report(count, outcomes, dashboard_memory_mb(ports)), flush=True)
        time.sleep(2)  # let the server close the level's sessions


if __name__ == "__main__":
    main()
