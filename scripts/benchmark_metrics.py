"""How long the metrics take, on whatever database DATABASE_URL names (default: the demo).

    .venv/bin/python scripts/benchmark_metrics.py [--as-at 2026-10-31] [--team T001] [--repeat 20]

Times `compute_metrics` in-process (median and worst of --repeat runs, after one warm-up) for
the whole organisation and for one team, and the `metrics --json` command end to end (which
includes starting Python). Loads the demo organisation first if the database is empty.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access.core.config import PROJECT_ROOT, database_url  # noqa: E402
from data_access.core.db import session_scope  # noqa: E402
from data_access.core.scope import Scope  # noqa: E402
from data_access.indicators.grid import compute_metrics  # noqa: E402
from data_access.setup import prepare_database  # noqa: E402


def _time(function, repeat: int) -> list[float]:
    function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def _report(label: str, timings: list[float]) -> None:
    print(
        f"{label:<45} median {statistics.median(timings) * 1000:8.1f} ms   "
        f"worst {max(timings) * 1000:8.1f} ms   ({len(timings)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-at", default="2026-10-31", type=date.fromisoformat)
    parser.add_argument("--team", default="T001")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    prepare_database(load_demo_if_empty=True)
    print(f"database: {database_url().split('@')[-1]}   as at {args.as_at}")

    for label, scope in (
        ("whole organisation", Scope()),
        (f"team {args.team}", Scope(team_id=args.team)),
    ):

        def run(scope=scope) -> None:
            with session_scope() as session:
                compute_metrics(args.as_at, scope, session=session)

        _report(f"compute_metrics, {label}", _time(run, args.repeat))

    for label, extra in (("whole organisation", []), (f"team {args.team}", ["--team", args.team])):
        command = [sys.executable, "-m", "data_access", "metrics", "--as-at", str(args.as_at)]
        command += [*extra, "--json"]

        def run_cli(command=command) -> None:
            subprocess.run(
                command, cwd=PROJECT_ROOT, env=os.environ, check=True, capture_output=True
            )

        _report(f"CLI metrics --json, {label}", _time(run_cli, max(args.repeat // 4, 3)))


if __name__ == "__main__":
    main()
