"""How long each page takes to settle in Chromium, three ways.

    .venv/bin/streamlit run app.py --server.headless true      # in another terminal
    .venv/bin/python scripts/benchmark_browser.py [--url http://localhost:8501] [--loads 5]
        [--pages overview,stability] [--sign-in EMAIL] [--busy]

For each page, --loads times each:
- **first visit**: a new browser profile (empty cache) opens the page's address;
- **return visit**: the same browser, its cache warm, opens the address again;
- **by the menu**: from another page, the reader clicks the page in the sidebar (no reload:
  how people move around the dashboard).

With --sign-in (a database of real data, sign-in set up against a local oidc-provider-mock
whose user is EMAIL, `--url` the origin of `[auth] redirect_uri`; see docs/deploy.md), each new
browser signs in first, untimed, in a tab it then closes: a "first visit" is the first time
that signed-in browser opens the page's address, in a new tab (its cache holds what the
sign-in loaded).

With --busy, each change by the menu is also traced (Chrome's own trace, the categories the
browser's performance panel records) and the line adds **browser busy**: how long the page's
renderer main thread spent running tasks (the union of its top-level tasks) between the click
and the end of the trace. Unlike the wall clock it barely moves with what else the machine is
doing, so it is the figure to compare two versions of a page by. Tracing slows the browser, so
the "by the menu" times of a --busy run are not comparable with those of a run without it.

"Settled" is when Streamlit's running indicator has been gone for half a second (that half
second not counted), after the page title has appeared. Uses Debian's Chromium
(/usr/bin/chromium) through Playwright; prints the times sorted, so the middle one is the
median.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ui.pages import PAGES as APP_PAGES  # noqa: E402

#: Every page a director opens (the Data and Access pages are other roles', and the benchmarks
#: page is timed at council size with its published files loaded, see docs/performance.md).
PAGES = {
    page.name: page.url_path
    for page in APP_PAGES
    if page.name not in ("benchmarks", "data", "access")
}
QUIET_SECONDS = 0.5
#: The trace categories of the browser's performance panel: top-level tasks, scripts, style,
#: layout and paint.
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def settle(page: Page, started: float) -> float:
    """Seconds from `started` until the running indicator has been gone for QUIET_SECONDS."""
    page.wait_for_selector("h1", timeout=60_000)
    quiet_since = None
    while True:
        running = page.query_selector('[data-testid="stStatusWidget"]')
        now = time.perf_counter()
        if running is None:
            quiet_since = quiet_since or now
            if now - quiet_since >= QUIET_SECONDS:
                return quiet_since - started
        else:
            quiet_since = None
        page.wait_for_timeout(20)


def busy_seconds(trace: bytes) -> float:
    """Seconds the renderers' main threads spent running tasks in a Chrome trace: the union of
    the top-level task spans ("RunTask") on each thread named CrRendererMain."""
    events = json.loads(trace)["traceEvents"]
    main_threads = {
        (event["pid"], event["tid"])
        for event in events
        if event.get("ph") == "M"
        and event.get("name") == "thread_name"
        and event.get("args", {}).get("name") == "CrRendererMain"
    }
    busy = 0.0
    for thread in main_threads:
        spans = sorted(
            (event["ts"], event["ts"] + event.get("dur", 0))
            for event in events
            if event.get("ph") == "X"
            and event.get("name") == "RunTask"
            and (event["pid"], event["tid"]) == thread
        )
        covered_to = float("-inf")
        for start, stop in spans:
            if stop > covered_to:
                busy += stop - max(start, covered_to)
                covered_to = stop
    return busy / 1_000_000


def change_by_menu(
    browser: Browser, page: Page, path: str, traced: bool
) -> tuple[float, float | None]:
    """Click `path` in the sidebar and wait for it to settle: seconds, and with `traced` the
    seconds the browser's main thread was busy."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first
    if traced:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    started = time.perf_counter()
    link.click()
    # Not wait_for_function: behind scripts/serve.py the Content-Security-Policy forbids the
    # eval it uses.
    page.wait_for_url(f"**/{path}")
    settled = settle(page, started)
    busy = busy_seconds(browser.stop_tracing()) if traced else None
    return settled, busy


def sign_in(page: Page, base: str, email: str) -> None:
    """Press Sign in, choose `email` at the provider, and wait for the dashboard to settle."""
    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{base}/**")
    page.get_by_text("Signed in as").first.wait_for(timeout=60_000)
    settle(page, time.perf_counter())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--sign-in", dest="email", help="sign each new browser in as EMAIL")
    parser.add_argument(
        "--busy", action="store_true", help="trace each change by the menu: browser busy"
    )
    args = parser.parse_args()
    viewport = {"width": 1440, "height": 900}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        returning = browser.new_context(viewport=viewport)
        warm_up = returning.new_page()
        if args.email:
            sign_in(warm_up, args.url, args.email)
        else:
            warm_up.goto(args.url)
            settle(warm_up, time.perf_counter())
        warm_up.close()
        for name in args.pages.split(","):
            path = PAGES[name]
            first, again, by_menu, busy = [], [], [], []
            for _ in range(args.loads):
                fresh = browser.new_context(viewport=viewport)
                page = fresh.new_page()
                if args.email:
                    # Signed in in a tab of its own, closed: the page is then opened in a new
                    # tab, as a return visit is (a navigation within the sign-in's tab was
                    # 0.4-1 s quicker than any new tab).
                    sign_in(page, args.url, args.email)
                    page.close()
                    page = fresh.new_page()
                started = time.perf_counter()
                page.goto(f"{args.url}/{path}")
                first.append(settle(page, started))
                fresh.close()

                page = returning.new_page()
                started = time.perf_counter()
                page.goto(f"{args.url}/{path}")
                again.append(settle(page, started))

                other = "accessibility" if name != "accessibility" else ""
                page.goto(f"{args.url}/{other}")
                settle(page, time.perf_counter())
                settled, busy_for = change_by_menu(browser, page, path, args.busy)
                by_menu.append(settled)
                if busy_for is not None:
                    busy.append(busy_for)
                page.close()

            def shown(times: list[float]) -> str:
                return " ".join(f"{value:.2f}" for value in sorted(times))

            traced = f" | browser busy {shown(busy)}" if busy else ""
            print(
                f"{name:<14} first visit {shown(first)} | return visit {shown(again)} | "
                f"by the menu {shown(by_menu)}{traced}",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
