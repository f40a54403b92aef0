"""Command line: `python -m data_access COMMAND`. Run with `--help` for the commands.

Every command uses `DATABASE_URL` (default: the embedded SQLite file). Errors are printed as
plain messages with a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data_access.config import database_url
from data_access.db import init_db, schema_is_current, session_scope
from data_access.demo import DemoNotLoaded, load_demo
from data_access.importer import ImportResult, format_problems, import_files
from data_access.metrics import METRICS, compute_metrics
from data_access.parsing import InvalidValue, parse_date
from data_access.reading import read_folder
from data_access.scope import Scope, UnknownScope, resolve_scope, teams_in_scope


class CommandError(Exception):
    """A failure to report to the user as one line, with exit status 1."""


def _as_at(text: str) -> date:
    try:
        return parse_date(text.strip())
    except InvalidValue as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _require_schema() -> None:
    if not schema_is_current():
        raise CommandError(
            "the database has no tables yet: run `python -m data_access init-db` "
            "(or `demo` or `import`) first"
        )


def _print_loaded(result: ImportResult, started: float) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}")
    for count in result.counts:
        print(
            f"{count.file}: {count.added} added, {count.replaced} replaced, "
            f"{count.unchanged} unchanged"
        )
    print(f"Loaded in one transaction in {time.perf_counter() - started:.1f} s.")


def cmd_init_db(_args: argparse.Namespace) -> int:
    init_db()
    print("Database schema is up to date.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    sources, problems = read_folder(Path(args.folder))
    if problems:
        for line in format_problems(problems):
            print(line, file=sys.stderr)
        return 1
    init_db()
    result = import_files(sources, source=f"folder {args.folder}", user=args.user)
    if not result.loaded:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for line in format_problems(result.problems):
            print(line, file=sys.stderr)
        print(
            f"Import refused: {len(result.problems)} problem(s) found; nothing was written.",
            file=sys.stderr,
        )
        return 1
    _print_loaded(result, started)
    return 0


def cmd_demo(_args: argparse.Namespace) -> int:
    started = time.perf_counter()
    init_db()
    try:
        result = load_demo()
    except DemoNotLoaded as error:
        raise CommandError(str(error)) from None
    if not result.loaded:  # the demo is built to pass validation; say so loudly if it does not
        for line in format_problems(result.problems):
            print(line, file=sys.stderr)
        return 1
    _print_loaded(result, started)
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        try:
            scope = resolve_scope(session, Scope(area=args.area, hub=args.hub, team_id=args.team))
        except UnknownScope as error:
            raise CommandError(str(error)) from None
        values = compute_metrics(session, args.as_at, scope)
    if args.json:
        print(json.dumps(values))
        return 0
    print(f"As at {args.as_at:%d/%m/%Y}, {_scope_label(scope)}")
    for name, value in values.items():
        metric = METRICS[name]
        shown = "no data" if value is None else f"{value}{'%' if metric.unit == '%' else ''}"
        print(f"  {metric.label:<45} {shown}")
    return 0


def _scope_label(scope: Scope) -> str:
    if scope.team_id:
        return f"team {scope.team_id}"
    if scope.hub:
        return f"hub {scope.hub}"
    if scope.area:
        return f"area {scope.area}"
    return "whole organisation"


def cmd_scopes(_args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        teams = teams_in_scope(session, Scope())
    for team in teams:
        print(f"{team.area}\t{team.hub}\t{team.team_id}\t{team.team_name} ({team.team_type})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data_access",
        description="Workforce dashboard data: set up, import, demo data and metrics. "
        "Uses DATABASE_URL (default: the embedded SQLite file).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("init-db", help="create or upgrade the database schema").set_defaults(
        run=cmd_init_db
    )

    importing = commands.add_parser(
        "import", help="validate and load a folder of CSV files (all or nothing)"
    )
    importing.add_argument("folder", help="folder holding any of the import CSV files")
    importing.add_argument(
        "--user", default=os.environ.get("USER") or "local user", help="recorded as importer"
    )
    importing.set_defaults(run=cmd_import)

    commands.add_parser(
        "demo", help="load the deterministic demo organisation into an empty database"
    ).set_defaults(run=cmd_demo)

    metrics = commands.add_parser("metrics", help="compute every metric as at a date")
    metrics.add_argument("--as-at", required=True, type=_as_at, help="date, YYYY-MM-DD")
    where = metrics.add_mutually_exclusive_group()
    where.add_argument("--area", help="area name")
    where.add_argument("--hub", help="hub name")
    where.add_argument("--team", help="team id")
    metrics.add_argument("--json", action="store_true", help="print one JSON object")
    metrics.set_defaults(run=cmd_metrics)

    commands.add_parser("scopes", help="list areas, hubs and teams").set_defaults(run=cmd_scopes)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(
            f"error: database problem at {_safe_url()}: {type(error).__name__}: "
            f"{str(error).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1


def _safe_url() -> str:
    """The database URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
