"""How long each page takes to run on the current database (default: the demo organisation).

    .venv/bin/python scripts/benchmark_pages.py [--repeat 3] [--area East] [--team "..."]
        [--benchmarks-la 330] [--pages overview,agency,supervision:Quality]
        [--profile supervision] [--as EMAIL]

Runs app.py and each page with Streamlit's AppTest (the whole script, in-process, without a
browser) three ways and prints the median of --repeat runs: first (the page's first run in a
server process: every cache empty, the charts' templates built), cold (the data caches
emptied, as an import empties them: what the first visitor after an import waits for) and
warm (every later visitor). --profile PAGE prints where one cold (or, with --warm, warm) run
of the page spends its time. A browser adds about a
second of drawing on top (measured separately; see the closing notes).

On the demo organisation the pages run in demo mode as the director (who may see every name).
On a database holding real data, sign-in is required: pass --as EMAIL, a user already given
access (`python -m data_access users add`); AppTest then runs as that user signed in.

A page with sections (ui/layout.sections) runs only its open one: the default times its first
section; `page:Section` in --pages times another (a reader's tab change is that page's run).

With --benchmarks-la, the National benchmarks page is timed too, for that authority (this
saves it as "our authority" in the database, as choosing it on the page would); load the DfE
files first with `python -m data_access import-benchmarks`.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
import streamlit.logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

streamlit.logger.set_log_level(logging.ERROR)  # before the pages' modules load (see `quiet`)

from data_access.setup import prepare_database  # noqa: E402
from ui import chart_specs  # noqa: E402
from ui.pages import BY_NAME  # noqa: E402
from ui.pages import PAGES as APP_PAGES  # noqa: E402

#: Every page but the National benchmarks (timed with --benchmarks-la, which needs DfE's files).
PAGES = tuple(page.name for page in APP_PAGES if page.name != "benchmarks")


#: What an [auth] section looks like; AppTest never contacts the provider.
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "benchmark-script",
    "client_id": "benchmark-script",
    "client_secret": "benchmark-script",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def quiet() -> None:
    """Streamlit's warnings off: AppTest runs without a server, and Streamlit says so (and
    that the caches it empties have no runtime) at every step. Each AppTest run sets
    Streamlit's log level back to its default, so this follows every run."""
    streamlit.logger.set_log_level(logging.ERROR)


def drawn_section(app: AppTest) -> str | None:
    """The label of the page's open section (the top-level tab with content), if it has any."""
    for node in app.main.children.values():
        if node.type == "tab_container":
            return next((tab.label for tab in node.children.values() if tab.children), None)
    return None


def run_page(page: str, query: dict[str, str], email: str | None) -> float:
    page, _, section = page.partition(":")
    if section:
        query = {**query, "section": section}
    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    if email:
        app.secrets["auth"] = AUTH
        # What st.user holds after a real sign-in: the dashboard trusts no token without its
        # issuer, subject and time of issue.
        app.user = {
            "is_logged_in": True,
            "email": email,
            "name": email,
            "iss": "https://benchmark.invalid",
            "sub": f"benchmark-{email}",
            "iat": int(time.time()),
        }
    for key, value in query.items():
        app.query_params[key] = value
    # Straight to the page, as its address does: app.py and that page run, nothing else.
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py")
    app.run()
    quiet()
    if app.exception:
        raise SystemExit(f"{page}: {app.exception}")
    # A page timed must be the page drawn, not a refusal or the sign-in page.
    shown = [title.value for title in app.title]
    if BY_NAME[page].title not in shown:
        said = [element.value for element in (*app.error, *app.warning, *app.info)][:2]
        raise SystemExit(f"{page}: not drawn (titles {shown}; {said})")
    if section and drawn_section(app) != section:
        raise SystemExit(f"{page}: section {section!r} not drawn ({drawn_section(app)!r} was)")
    return time.perf_counter() - started


def profile(page: str, query: dict[str, str], email: str | None, *, warm: bool = False) -> None:
    """One warm-up run (imports, the database's first connection), then one cold run profiled:
    the 45 calls with the most cumulative time in the thread that runs the page's script
    (AppTest runs it in a thread of its own, which cProfile does not follow by itself)."""
    import cProfile
    import pstats
    import threading

    run_page(page, query, email)
    if not warm:
        st.cache_data.clear()
    profilers: list[cProfile.Profile] = []

    def start(*_: object) -> None:
        sys.setprofile(None)
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(start)
    try:
        seconds = run_page(page, query, email)
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    print(
        f"{page}: {seconds:.2f} s {'warm' if warm else 'cold'} (profiled, {len(profilers)} threads)"
    )
    stats = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        stats.add(profiler)
    stats.sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--area")
    parser.add_argument("--team", default="Stonebridge safeguarding team 1")
    parser.add_argument("--benchmarks-la", help="also time the benchmarks page for this LA")
    parser.add_argument("--as", dest="email", help="sign in as this user (needed on real data)")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument(
        "--view-as", help='demo mode: whose view, such as "Administrator" (default: the director)'
    )
    parser.add_argument(
        "--profile", metavar="PAGE", help="profile one cold run of PAGE and print where it goes"
    )
    parser.add_argument("--warm", action="store_true", help="with --profile: a warm run")
    args = parser.parse_args()
    prepare_database(load_demo_if_empty=True)
    query = {"area": args.area} if args.area else {}
    if args.view_as:
        query["view_as"] = args.view_as
    print(f"scope: {args.area or 'whole organisation'}; team page: {args.team}")
    pages = tuple(args.pages.split(",")) if args.pages else PAGES
    if args.profile:
        profile(args.profile, {**query, "team": args.team} if args.profile == "team" else query,
                args.email, warm=args.warm)  # fmt: skip
        return
    if args.benchmarks_la:
        from data_access.settings import remember_our_authority

        remember_our_authority(args.benchmarks_la, by="benchmark script")
        pages = (*PAGES, "benchmarks")
    # The first run of a server process also builds the charts' templates (kept for the
    # process's life: ui/chart_specs._template); "cold" is every later run after the data
    # caches were emptied (as an import empties them); "warm" the run after that.
    print(f"{'page':<36}{'first':>8}{'cold':>8}{'warm':>8}   (seconds, medians)")
    for page in pages:
        page_query = {**query, "team": args.team} if page.startswith("team") else query
        first, cold, warm = [], [], []
        for _ in range(args.repeat):
            st.cache_data.clear()
            chart_specs._template.clear()
            first.append(run_page(page, page_query, args.email))
            st.cache_data.clear()
            cold.append(run_page(page, page_query, args.email))
            warm.append(run_page(page, page_query, args.email))
        print(
            f"{page:<36}{statistics.median(first):8.2f}{statistics.median(cold):8.2f}"
            f"{statistics.median(warm):8.2f}"
        )


if __name__ == "__main__":
    main()
