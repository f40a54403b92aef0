"""The scale benchmark: import an organisation of any size and time every page on SQLite and
PostgreSQL, against a naive baseline and the floor, in one run.

    .venv/bin/python scripts/benchmark_scale.py [--practitioners 40000] [--months 60]
        [--databases sqlite,postgresql] [--postgres-url postgresql://postgres@127.0.0.1/scale]
        [--repeat 3] [--folder /tmp/org] [--skip-import] [--imports-only]

For each database (emptied first: the PostgreSQL database named by --postgres-url is dropped
and created again; the SQLite file lives beside the folder):
1. `python -m data_access import` in a child process, its time and peak memory (RSS): first
   everything but the last month, then the last month's rows into that full database (what a
   council's monthly import costs once years are stored);
2. every page in AppTest (the whole script, no browser), cold (Streamlit's caches emptied) and
   warm, for the whole organisation, one area and one team, signed in as an administrator
   with access to every name (who may open every page) (medians of --repeat runs);
3. single calls: `compute_metrics` for the whole organisation at the latest month end; one
   indicator's 24-month trend against a single month;
4. one figure (supervision coverage, whole organisation, latest month end) three ways: ours
   (`parts_totals`), the naive pattern (read the whole staff and sessions tables into pandas,
   filter and compute there) and the floor (one hand-written SQL aggregate over the recorded
   tables), with the ratios.

The folder is written by scripts/generate_org.py unless it already exists. Results go to
standard output as Markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from sqlalchemy import text  # noqa: E402

from data_access.core import db  # noqa: E402
from ui.pages import PAGES as APP_PAGES  # noqa: E402

DIRECTOR = "director@benchmark.invalid"
#: Every page that reads the organisation's figures (the accessibility statement reads none,
#: the benchmarks page reads the published files).
PAGES = tuple(page.name for page in APP_PAGES if page.name not in ("benchmarks", "accessibility"))


def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: The date column of each dated file (rows dated in the last month form the increment).
PERIOD_COLUMNS = {
    "supervision_sessions.csv": "session_date",
    "caseloads.csv": "snapshot_date",
    "vacancies.csv": "as_at",
    "supervision_audits.csv": "audit_date",
}


def split_last_month(folder: Path) -> tuple[Path, Path, int]:
    """Write FOLDER-base (everything before the last month) and FOLDER-month (the last
    month's sessions, snapshots, vacancies and audits, as a council's monthly extract would
    add them); returns both and the increment's row count. Streamed, like the import."""
    import csv

    base, month = folder.with_name(folder.name + "-base"), folder.with_name(folder.name + "-month")
    if base.exists() and month.exists():
        rows = sum(sum(1 for _ in path.open()) - 1 for path in month.glob("*.csv"))
        return base, month, rows
    base.mkdir(exist_ok=True)
    month.mkdir(exist_ok=True)
    last = max(line.split(",")[1] for line in (folder / "vacancies.csv").open() if line[0] != "t")[
        :7
    ]  # "YYYY-MM" of the last month end
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        column = PERIOD_COLUMNS.get(path.name)
        with path.open(newline="") as source, (base / path.name).open("w", newline="") as early:
            reader = csv.reader(source)
            header = next(reader)
            early_rows = csv.writer(early)
            early_rows.writerow(header)
            if column is None:
                early_rows.writerows(reader)
                continue
            position = header.index(column)
            with (month / path.name).open("w", newline="") as late:
                late_rows = csv.writer(late)
                late_rows.writerow(header)
                for row in reader:
                    if row[position].startswith(last):
                        late_rows.writerow(row)
                        rows += 1
                    else:
                        early_rows.writerow(row)
    return base, month, rows


def run_import(folder: Path, url: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of the command-line import in a child process (the peak of
    that child alone, from wait4)."""
    environment = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "data_access", "import", str(folder)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"the import of {folder} failed (exit {child.returncode})")
    return elapsed, usage.ru_maxrss / 1024


def empty_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = db.make_engine(url.rsplit("/", 1)[0] + "/postgres").execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    db.get_engine.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def time_pages(repeat: int) -> list[tuple[str, str, float, float]]:
    """(page, scope, cold, warm) for every page at three scopes."""
    from benchmark_pages import run_page

    from data_access.core.db import session_scope
    from data_access.core.scope import Scope, teams_in_scope

    with session_scope() as session:
        team = teams_in_scope(Scope(), session=session)[0]
    scopes = {
        "whole organisation": {},
        f"area ({team.area})": {"area": team.area},
        f"team ({team.team_id})": {"area": team.area, "hub": team.hub, "team": team.team_id},
    }
    rows = []
    for page in PAGES:
        for label, query in scopes.items():
            if page in ("data", "access") and query:
                continue  # these pages do not depend on the scope
            cold, warm = [], []
            for _ in range(repeat):
                st.cache_data.clear()
                cold.append(run_page(page, query, DIRECTOR))
                warm.append(run_page(page, query, DIRECTOR))
            rows.append((page, label, statistics.median(cold), statistics.median(warm)))
            print(f"  {page:<12} {label:<28} cold {rows[-1][2]:6.2f} s  warm {rows[-1][3]:6.2f} s")
    return rows


def floor_coverage(session, day: date) -> float:
    """Supervision coverage in one hand-written SQL aggregate over the recorded tables."""
    weekly, fortnightly, monthly = (day - timedelta(days=n) for n in (7, 14, 31))
    eligible, in_date = session.execute(
        text(
            """
            SELECT count(*), sum(CASE WHEN s.start_date > c.cutoff OR EXISTS (
                     SELECT 1 FROM supervision_session x
                     WHERE x.staff_id = s.staff_id AND x.status = 'held'
                       AND x.session_date >= c.cutoff AND x.session_date <= :d)
                   THEN 1 ELSE 0 END)
            FROM staff s
            CROSS JOIN LATERAL (SELECT CASE
                WHEN s.asye_start_date <= :d AND s.asye_weekly_until > :d THEN :weekly
                WHEN s.asye_start_date <= :d AND s.asye_fortnightly_until > :d THEN :fortnightly
                ELSE :monthly END AS cutoff) c
            WHERE s.role IN ('social_worker', 'senior_practitioner', 'advanced_practitioner')
              AND s.start_date <= :d AND (s.end_date IS NULL OR s.end_date > :d)
            """
            if session.get_bind().dialect.name == "postgresql"
            else """
            SELECT count(*), sum(CASE WHEN start_date > cutoff OR EXISTS (
                     SELECT 1 FROM supervision_session x
                     WHERE x.staff_id = s.staff_id AND x.status = 'held'
                       AND x.session_date >= cutoff AND x.session_date <= :d)
                   THEN 1 ELSE 0 END)
            FROM (SELECT *, CASE
                WHEN asye_start_date <= :d AND asye_weekly_until > :d THEN :weekly
                WHEN asye_start_date <= :d AND asye_fortnightly_until > :d THEN :fortnightly
                ELSE :monthly END AS cutoff FROM staff) s
            WHERE s.role IN ('social_worker', 'senior_practitioner', 'advanced_practitioner')
              AND s.start_date <= :d AND (s.end_date IS NULL OR s.end_date > :d)
            """
        ),
        {"d": day, "weekly": weekly, "fortnightly": fortnightly, "monthly": monthly},
    ).one()
    return round(100 * in_date / eligible, 1)


def naive_coverage(engine, day: date) -> float:
    """The naive pattern: whole tables into pandas, then filter and compute there."""
    staff = pd.read_sql("SELECT * FROM staff", engine, parse_dates=False)
    sessions = pd.read_sql("SELECT * FROM supervision_session", engine)
    for frame, columns in (
        (staff, ["start_date", "end_date", "asye_start_date", "asye_weekly_until",
                 "asye_fortnightly_until"]),
        (sessions, ["session_date"]),
    ):  # fmt: skip
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
    d = pd.Timestamp(day)
    staff = staff[
        staff.role.isin(["social_worker", "senior_practitioner", "advanced_practitioner"])
        & (staff.start_date <= d)
        & (staff.end_date.isna() | (staff.end_date > d))
    ].copy()
    started = staff.asye_start_date <= d
    staff["cutoff"] = d - pd.Timedelta(days=31)
    fortnightly = started & (staff.asye_fortnightly_until > d)
    weekly = started & (staff.asye_weekly_until > d)
    staff.loc[fortnightly, "cutoff"] = d - pd.Timedelta(days=14)
    staff.loc[weekly, "cutoff"] = d - pd.Timedelta(days=7)
    held = sessions[(sessions.status == "held") & (sessions.session_date <= d)]
    last = held.groupby("staff_id").session_date.max()
    staff["last"] = staff.staff_id.map(last)
    in_date = (staff["last"] >= staff.cutoff) | (staff.start_date > staff.cutoff)
    return round(100 * in_date.sum() / len(staff), 1)


def time_calls(repeat: int) -> dict[str, float]:
    from data_access.core.dates import add_months, month_end
    from data_access.core.db import get_engine, session_scope
    from data_access.core.scope import Scope
    from data_access.indicators.breakdowns import metric_series
    from data_access.indicators.grid import compute_metrics, metric_from_parts, parts_totals
    from data_access.indicators.policy import DEFAULT_POLICY
    from data_access.indicators.summary import latest_complete_month_end

    engine = get_engine()
    with session_scope() as session:
        day = latest_complete_month_end(session=session)
        months = [month_end(add_months(day, -k)) for k in range(23, -1, -1)]
        ours = metric_from_parts(
            "supervision_coverage",
            parts_totals([day], Scope(), DEFAULT_POLICY, session=session)[day],
        )
        floor = floor_coverage(session, day)
        naive = naive_coverage(engine, day)
        assert ours == floor == naive, (ours, floor, naive)
        result = {
            "compute_metrics, whole organisation": median_time(
                lambda: compute_metrics(day, Scope(), session=session), repeat
            ),
            "one indicator, 1 month": median_time(
                lambda: metric_series(["supervision_coverage"], [day], Scope(), session=session),
                repeat,
            ),
            "one indicator, 24 months": median_time(
                lambda: metric_series(["supervision_coverage"], months, Scope(), session=session),
                repeat,
            ),
            "coverage: ours (parts_totals)": median_time(
                lambda: parts_totals([day], Scope(), DEFAULT_POLICY, session=session), repeat
            ),
            "coverage: floor (one SQL aggregate)": median_time(
                lambda: floor_coverage(session, day), repeat
            ),
            "coverage: naive (pandas)": median_time(
                lambda: naive_coverage(engine, day), max(1, repeat // 2)
            ),
        }
    print(f"  supervision coverage at {day}: {ours}% by all three ways")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--practitioners", type=int, default=40_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/scale")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--skip-import", action="store_true", help="use the databases as they are")
    parser.add_argument(
        "--imports-only", action="store_true", help="time the imports, not the pages and calls"
    )
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    # AppTest runs without a server, and Streamlit warns about that on every run.
    from streamlit.logger import set_log_level

    set_log_level("error")
    folder = args.folder or Path(f"/tmp/org-{args.practitioners}-{args.months}")
    if not folder.exists():
        from generate_org import generate

        started = time.perf_counter()
        generate(folder, practitioners=args.practitioners, months=args.months)
        print(f"generated {folder} in {time.perf_counter() - started:.0f} s")
    urls = {
        "sqlite": f"sqlite:///{folder.parent / (folder.name + '.db')}",
        "postgresql": args.postgres_url,
    }
    names = args.databases.split(",")
    if not args.skip_import:
        # Every import first, while this process is small: a child's peak memory counts the
        # pages it shares with its parent at fork, so a parent grown by the page runs would
        # inflate it.
        base, month, month_rows = split_last_month(folder)
        for name in names:
            empty_database(urls[name])
            seconds, peak = run_import(base, urls[name])
            print(f"{name}: import of all but the last month: {seconds:.0f} s, peak {peak:.0f} MB")
            seconds, _ = run_import(month, urls[name])
            print(f"{name}: then the last month ({month_rows:,} rows) into it: {seconds:.1f} s")
    if args.imports_only:
        return
    for name in names:
        print(f"\n## {name}")
        use_database(urls[name])
        from data_access.access import grants as access
        from data_access.core.db import session_scope

        with session_scope() as session:
            everyone = access.GrantScope("organisation", access.WHOLE_ORGANISATION_NAME)
            access.save_user(DIRECTOR, "admin", [everyone], by="benchmark", session=session)
        for label, seconds in time_calls(args.repeat).items():
            print(f"  {label:<40} {seconds * 1000:8.0f} ms")
        time_pages(args.repeat)


if __name__ == "__main__":
    main()
