"""How long each page takes to run on the current database (default: the demo organisation).

    .venv/bin/python scripts/benchmark_pages.py [--repeat 3] [--area East] [--team "..."]
        [--benchmarks-la 330]

Runs app.py and each page with Streamlit's AppTest (the whole script, in-process, without a
browser), first with empty caches (what the first visitor after an import waits for) and then
warm (every later visitor), and prints the median of --repeat runs. A browser adds about a
second of drawing on top (measured separately; see the closing notes).

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
from streamlit.testing.v1 import AppTest  # noqa: E402

from data_access.setup import prepare_database  # noqa: E402

PAGES = ("overview", "stability", "supervision", "caseloads", "team")


def run_page(page: str, query: dict[str, str]) -> float:
    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py").run()
    if app.exception:
        raise SystemExit(f"{page}: {app.exception}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--area")
    parser.add_argument("--team", default="Stonebridge safeguarding team 1")
    parser.add_argument("--benchmarks-la", help="also time the benchmarks page for this LA")
    args = parser.parse_args()
    # AppTest runs without a server; Streamlit warns about that on every run.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    prepare_database(load_demo_if_empty=True)
    query = {"area": args.area} if args.area else {}
    print(f"scope: {args.area or 'whole organisation'}; team page: {args.team}")
    pages = PAGES
    if args.benchmarks_la:
        from data_access.benchmarks import remember_our_authority

        remember_our_authority(args.benchmarks_la, by="benchmark script")
        pages = (*PAGES, "benchmarks")
    for page in pages:
        page_query = {**query, "team": args.team} if page == "team" else query
        cold, warm = [], []
        for _ in range(args.repeat):
            st.cache_data.clear()
            cold.append(run_page(page, page_query))
            warm.append(run_page(page, page_query))
        print(
            f"{page:<12} cold cache {statistics.median(cold):6.2f} s   "
            f"warm cache {statistics.median(warm):6.2f} s"
        )


if __name__ == "__main__":
    main()
