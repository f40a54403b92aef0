"""How long the national benchmarks take, on whatever database DATABASE_URL names.

    .venv/bin/python scripts/benchmark_comparison.py INDICATORS_CSV SN_CSV [--la 330]
        [--year 2025] [--repeat 20]

Loads the published files (replacing any earlier benchmark load in that database, as the
`import-benchmarks` command does) and times the load, then the questions the Benchmarks page
asks: the comparison for one authority and year, its trend, and the ranking of every authority
(median and worst of --repeat runs, after one warm-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access.core.config import database_url  # noqa: E402
from data_access.core.db import init_db, session_scope  # noqa: E402
from data_access.national import comparison  # noqa: E402
from data_access.national.benchmarks import load_benchmarks  # noqa: E402


def _time(function, repeat: int) -> list[float]:
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("indicators", type=Path)
    parser.add_argument("neighbours", type=Path)
    parser.add_argument("--la", default="330")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"database: {database_url().split('@')[-1]}")
    init_db()
    started = time.perf_counter()
    result = load_benchmarks(
        (args.indicators.name, args.indicators.read_bytes()),
        (args.neighbours.name, args.neighbours.read_bytes()),
        source="benchmark script",
    )
    if not result.loaded:
        raise SystemExit("\n".join(str(problem) for problem in result.problems[:10]))
    print(f"load {result.rows} rows: {time.perf_counter() - started:.2f} s")
    with session_scope() as session:
        questions = {
            "comparison": lambda: comparison.comparison(args.la, args.year, session=session),
            "trend": lambda: comparison.trend(args.la, session=session),
            "ranking": lambda: comparison.ranked_authorities(
                args.year, "turnover_rate_fte", session=session
            ),
        }
        for name, question in questions.items():
            times = _time(question, args.repeat)
            print(
                f"{name:<11} median {statistics.median(times) * 1000:6.1f} ms   "
                f"worst {max(times) * 1000:6.1f} ms"
            )


if __name__ == "__main__":
    main()
