"""Running the real dashboard in a real browser, for tests/browser/test_browser.py and
tests/browser/test_accessibility.py.

`live_app` starts `streamlit run app.py` headless on a free port against a temporary SQLite
database holding the demo organisation, the hand-made benchmark files (Birmingham, 330, chosen
as our authority) and the hand-made census return. `page` opens a fresh browser tab in Debian's
Chromium (`/usr/bin/chromium`, driven by Playwright; no browser download). Without Chromium or
Playwright every browser test is skipped, and the test run's summary says so.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.national.benchmarks import load_benchmarks
from data_access.national.census import load_census
from data_access.settings import remember_our_authority
from data_access.setup import prepare_database
from support.org import BENCHMARKS
from ui.pages import PAGES as APP_PAGES

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = PROJECT_ROOT / "screenshots"
BENCHMARK_FILES = BENCHMARKS
#: How long a page may take to run and draw, or to do anything else a test waits for. Quiet,
#: the slowest first visit (the server's first run of a page) settles in about 9 s; a loaded
#: machine may take ten times as long, and a wait that passes costs nothing more.
DEADLINE_MS = 180_000
#: The line under each page's title that says what it shows: scope, date, data freshness.
HEADER = '[data-testid="stCaptionContainer"]'
#: Every page: URL path, title (h1), whether it draws charts, and the query that opens it with
#: something to show (the demo runs in demo mode: "view_as" picks whose view; the default is
#: the director, who may see every name but has no Data or Access page).
#: The pages that draw charts, and the query that opens a page with something to show.
CHARTS = {"overview", "stability", "supervision", "caseloads", "benchmarks", "team"}
QUERIES = {
    "team": "team=Stonebridge+safeguarding+team+1",
    "data": "view_as=Data+officer",
    "access": "view_as=Administrator",
}
PAGES = {
    page.name: (page.url_path, page.title, page.name in CHARTS, QUERIES.get(page.name, ""))
    for page in APP_PAGES
}
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM} (install Debian's `chromium` package, or set CHROMIUM_PATH)"
)


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return SKIP_REASON
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (requirements-dev.txt)"
    return None


def _first_outgoing_port() -> int:
    """The lowest port the kernel gives outgoing connections (Linux's default when unknown)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports(count: int = 1, *, avoiding: frozenset[int] = frozenset()) -> list[int]:
    """`count` consecutive ports on 127.0.0.1 that nothing listens on or is connected from,
    none of them in `avoiding`.

    They are taken from below the kernel's range for outgoing connections: a port in that
    range can be taken by any connection the machine opens (a pooled database connection
    holds one for the whole run) between this check and the server's start, and the server
    then cannot listen on it (the likeliest reason why, in one CI run, one of the
    deployment's two dashboard processes never answered).
    """
    below = min(_first_outgoing_port(), 65_536)
    candidates = range(10_000, below - count)
    generator = random.Random()
    for _attempt in range(200 if candidates else 0):
        first = generator.choice(candidates)
        wanted = [first + offset for offset in range(count)]
        if avoiding.intersection(wanted):
            continue
        probes: list[socket.socket] = []
        try:
            for port in wanted:
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return wanted
    raise RuntimeError(f"no {count} consecutive free ports below {below}")


def free_port() -> int:
    """One port for a server to listen on (see `free_ports`)."""
    return free_ports(1)[0]


def auth_secrets(folder: Path, port: int, metadata_url: str) -> Path:
    """A secrets file whose `[auth]` section points the dashboard on `port` at the provider
    whose metadata is at `metadata_url` (a local mock: nothing is real)."""
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"\n'
        'client_id = "workforce-dashboard"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{metadata_url}"\n'
    )
    return secrets


def prepare_demo_with_benchmarks(engine) -> None:
    """The demo organisation, the hand-made benchmark files (Birmingham, 330, chosen as our
    authority) and the hand-made census return."""
    prepare_database(engine, load_demo_if_empty=True)
    benchmarks = load_benchmarks(
        *[
            (name, (BENCHMARK_FILES / name).read_bytes())
            for name in ("indicators.csv", "neighbours.csv")
        ],
        engine=engine,
    )
    assert benchmarks.loaded, benchmarks.problems
    remember_our_authority("330", by="test", engine=engine)
    census = BENCHMARK_FILES / "census_return.xml"
    assert load_census(census.name, census.read_bytes(), engine=engine).loaded


def pytest_terminal_summary(terminalreporter) -> None:
    """Say loudly, at the end of the run, when browser tests were skipped because the browser
    cannot run. When it can, say nothing: the browser tests skipped then are skipped by design
    (the deployment's tests in their SQLite variant: the deployment runs on PostgreSQL)."""
    reason = browser_unavailable()
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in getattr(report, "keywords", {})
    ]
    if reason and skipped:
        terminalreporter.write_sep(
            "!", f"{len(skipped)} BROWSER TESTS SKIPPED: {reason}", yellow=True
        )


def require_browser() -> None:
    """Skip (or, with REQUIRE_BROWSER_TESTS=1, fail) when the browser tests cannot run."""
    reason = browser_unavailable()
    if reason and os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}")
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[str]:
    """The dashboard's base URL, served by `streamlit run` for the whole test session."""
    require_browser()
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.db'}"
    engine = db.make_engine(url)
    prepare_demo_with_benchmarks(engine)
    engine.dispose()
    with serve(folder, url) as served:
        yield served.base


@dataclass(frozen=True)
class Served:
    """A running dashboard: its base URL and its process id."""

    base: str
    pid: int

    def memory_mb(self, key: str = "VmRSS") -> float:
        """The process's resident memory (VmRSS), or its peak (VmHWM), in MB."""
        status = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith(f"{key}:")).split()[1]) / 1024


@contextmanager
def serve(folder: Path, url: str, *options: str, port: int | None = None) -> Iterator[Served]:
    """Run `streamlit run app.py` on `url` with extra command-line `options`; yield it once it
    answers, and stop it afterwards."""
    port = port or free_port()
    log = (folder / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--server.fileWatcherType=none",
            *options,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + DEADLINE_MS / 1000
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "streamlit did not start: " + (folder / "streamlit.log").read_text()[-2000:]
                )
            time.sleep(0.5)
        yield Served(base, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(live_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # A tall window: Streamlit scrolls inside its own container, so a full-page screenshot is
    # only as tall as the window.
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(DEADLINE_MS)
    yield tab
    context.close()


#: What a page still has to draw, as a list of strings (empty when everything is drawn):
#: Streamlit's script still running, no title yet, a lazily loaded element still showing its
#: skeleton placeholder, an element of an earlier run not yet replaced, a chart in view not
#: yet drawn by Vega, an image in view not yet read (a headline tile's line), a data frame in
#: view whose grid has not drawn its rows. Elements in a closed tab or expander are left out:
#: Chromium draws them only when they are opened.
_PENDING = """() => {
  const pending = [];
  const all = (selector) => [...document.querySelectorAll(selector)];
  const shown = (selector) => all(selector).filter((element) => element.checkVisibility());
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : 'not started';
  if (state !== 'notRunning') pending.push(`script ${state}`);
  if (!document.querySelector('h1')) pending.push('no title');
  const skeletons = all('[data-testid="stSkeleton"]').length;
  if (skeletons) pending.push(`${skeletons} skeleton placeholders`);
  const stale = all('[data-stale="true"]').length;
  if (stale) pending.push(`${stale} elements of an earlier run`);
  const charts = shown('[data-testid="stVegaLiteChart"]')
    .filter((chart) => !chart.querySelector('svg.marks .mark-group, canvas')).length;
  if (charts) pending.push(`${charts} charts not drawn`);
  const images = shown('[data-testid="stImage"] img')
    .filter((image) => !(image.complete && image.naturalWidth > 0)).length;
  if (images) pending.push(`${images} images not read`);
  const grids = shown('[data-testid="stDataFrame"]')
    .filter((frame) => !frame.querySelector('[data-testid="data-grid-canvas"] [role="row"]'))
    .length;
  if (grids) pending.push(`${grids} data frames without rows`);
  return pending;
}"""


def _wait_until_nothing_pending(page, what: str) -> None:
    """Wait (checking on every animation frame) until `_PENDING` is empty; on the deadline,
    fail saying what was still pending."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => ({_PENDING})().length === 0", timeout=DEADLINE_MS)
    except PlaywrightTimeout:
        pending = page.evaluate(_PENDING)
        raise AssertionError(
            f"{what}: not within {DEADLINE_MS // 1000} s at {page.url}: still {pending}"
        ) from None


def settle(page, new_run=None) -> None:
    """Wait until the page's script has run to the end and everything it drew is drawn (see
    `_PENDING`).

    After a navigation the page is a fresh document, whose script state starts as "initial",
    so "notRunning" means its first run has ended. After an action that reruns the page in
    the same document (a filter changed, a page link followed), the old run's "notRunning"
    is still shown until the server's first message of the new run arrives, and the address
    changes before that: pass `new_run`, a locator for something only the new run draws (the
    header naming the new choice), and the wait starts once it is visible."""
    if new_run is not None:
        new_run.wait_for(timeout=DEADLINE_MS)
    _wait_until_nothing_pending(page, "the page did not finish running and drawing")


def drawn(page) -> None:
    """Wait until everything in view is drawn, after something shown without a rerun (a tab
    opened: its data frame draws its grid once it is visible)."""
    _wait_until_nothing_pending(page, "the page did not finish drawing")


def open_page(page, base: str, path: str = "", query: str = "") -> None:
    page.goto(f"{base}/{path}{'?' + query if query else ''}")
    settle(page)


#: True once the page's layout has stayed the same for `frames` animation frames in a row:
#: its height, the place and size of every chart and data frame, and the text of every
#: headline figure and table cell (a data frame can draw a run's rows a frame or two after
#: the run has ended). Checked on every frame, so a loaded machine, which draws frames more
#: slowly, is given proportionally longer.
_LAYOUT_STABLE = """(frames) => {
  const boxes = [...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"]'
  )].map((element) => {
    const box = element.getBoundingClientRect();
    return [box.x, box.y, box.width, box.height].map(Math.round);
  });
  const texts = [...document.querySelectorAll(
    '[data-testid="stMetricValue"], [role="gridcell"]'
  )].map((element) => element.textContent);
  const layout = JSON.stringify([document.documentElement.scrollHeight, boxes, texts]);
  const seen = window.__testLayout;
  const same = seen && seen.layout === layout ? seen.frames + 1 : 0;
  window.__testLayout = { layout, frames: same };
  return same >= frames;
}"""


def steady(page, frames: int = 10) -> None:
    """Wait until the page has stayed the same, in layout and in what its figures and tables
    say, for `frames` animation frames in a row (`_LAYOUT_STABLE`)."""
    page.evaluate("() => { window.__testLayout = undefined; }")
    page.wait_for_function(_LAYOUT_STABLE, arg=frames, timeout=DEADLINE_MS)


def _resize(page, height: int) -> None:
    """Make the window `height` pixels tall and wait until the page has laid itself out again
    and drawn what came into view."""
    page.set_viewport_size({"width": 1366, "height": height})
    page.wait_for_function(f"() => window.innerHeight === {height}", timeout=DEADLINE_MS)
    page.evaluate("() => { window.__testLayout = undefined; }")
    page.wait_for_function(_LAYOUT_STABLE, arg=5, timeout=DEADLINE_MS)
    drawn(page)


def screenshot(page, name: str) -> Path:
    """Save the whole page (the window is made as tall as the content first)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('section, [data-testid=stMain], "
        "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 900)"
    )
    _resize(page, min(int(height) + 120, 12000))
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, timeout=DEADLINE_MS)
    _resize(page, 900)
    return path
