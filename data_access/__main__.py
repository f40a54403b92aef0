"""Command line: `python -m data_access COMMAND`. Run with `--help` for the commands.

Every command uses `DATABASE_URL` (default: the embedded SQLite file). Errors are printed as
plain messages with a non-zero exit status, never as a traceback.

Every command first prepares the database as the dashboard does when the dashboard would load
the demo into it (the embedded SQLite file, or `WORKFORCE_LOAD_DEMO=1`): the schema, and the
demo organisation in an empty database. So any command works as the first one run, and finds
the same data as the dashboard. A database that holds only the demo takes no other data
(`import`, `import-benchmarks` and `census` are refused: data_access/demo/own_data.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import SQLAlchemyError

from data_access.access import grants as access
from data_access.access import sign_in
from data_access.agency.figures import AGENCY_LABELS, agency_figures
from data_access.agency.quarterly_return import Quarter, produce_return, return_workbook
from data_access.core.config import (
    DEFAULT_DATABASE_PATH,
    database_url,
    load_demo_into_empty_database,
    using_default_database,
)
from data_access.core.db import (
    init_db,
    schema_at_latest_revision,
    schema_is_current,
    session_scope,
)
from data_access.core.problems import Problem
from data_access.core.scope import Scope, UnknownScope, resolve_scope, teams_in_scope
from data_access.core.text import inert, printable
from data_access.demo.organisation import DemoNotLoaded, holds_only_demo, load_demo
from data_access.demo.own_data import demo_database_refusal
from data_access.indicators.grid import compute_metrics
from data_access.indicators.metrics import METRICS
from data_access.ingest.bulk_import import import_folder, is_streamable
from data_access.ingest.importer import ImportResult, import_files
from data_access.ingest.parsing import InvalidValue, parse_date
from data_access.ingest.reading import read_folder
from data_access.ingest.validation import format_problems
from data_access.national.benchmarks import load_benchmarks
from data_access.national.catalogue import BENCHMARK_INDICATORS
from data_access.national.census import load_census
from data_access.national.comparison import benchmark_years, comparison, find_authority
from data_access.settings import COMMAND_NAMES, current_settings, set_by_name
from data_access.setup import (
    Prepared,
    SchemaNotReady,
    bring_stored_values_up_to_date,
    prepare_database,
)


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


def _where() -> str:
    """The database, as messages name it (never a password)."""
    return DEFAULT_DATABASE_PATH.name if using_default_database() else _safe_url()


def _say_prepared(prepared: Prepared, started: float, stream: TextIO = sys.stderr) -> None:
    if prepared.rules_changed:
        print(
            "The rules changed since the stored figures were derived ("
            + "; ".join(prepared.rules_changed)
            + "): every staff row's derived dates and every stored month end were rebuilt.",
            file=stream,
        )
    if prepared.months_stored:
        print(f"Stored the figures' parts for {prepared.months_stored} month ends.", file=stream)
    if prepared.demo_loaded:
        print(
            f"Loaded the demo organisation (made-up data, with made-up national figures) into "
            f"the empty database {_where()} in {time.perf_counter() - started:.1f} s.",
            file=stream,
        )
    elif prepared.demo_national_added:
        print("Gave the demo its made-up national figures and census return.", file=stream)


def _prepare(*, migrate: bool | None = None) -> Prepared:
    try:
        return prepare_database(load_demo_if_empty=True, migrate=migrate)
    except SchemaNotReady as error:
        raise CommandError(str(error)) from None


def cmd_init_db(_args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if load_demo_into_empty_database():
        # As the dashboard's start: the schema, and the demo in an empty database.
        prepared = _prepare(migrate=True)
    else:
        init_db()
        prepared = bring_stored_values_up_to_date()
    print("Database schema is up to date.")
    _say_prepared(prepared, started, sys.stdout)
    return 0


def _refuse_the_demo_database(command: list[str]) -> None:
    """Stop here when the database holds only the demo (see data_access/demo/own_data.py)."""
    if not schema_is_current():
        return
    with session_scope() as session:
        if holds_only_demo(session=session):
            raise CommandError(demo_database_refusal(command))


def cmd_import(args: argparse.Namespace) -> int:
    _refuse_the_demo_database(["import", args.folder])
    started = time.perf_counter()
    folder = Path(args.folder)
    # The history shows the folder's name, never a server path.
    source = f"command line: folder {folder.resolve().name}"
    not_kept = 0
    if folder.is_dir() and is_streamable(folder):
        init_db()
        result, not_kept = import_folder(folder, source=source, user=args.user)
    else:
        sources, problems = read_folder(folder)
        if problems:
            for line in format_problems(problems):
                print(line, file=sys.stderr)
            return 1
        init_db()
        result = import_files(sources, source=source, user=args.user)
        not_kept = result.problem_count - len(result.problems)
    if not result.loaded:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        found = len(result.problems) + not_kept
        for line in format_problems(result.problems, total=found):
            print(line, file=sys.stderr)
        print(
            f"Import refused: {found} problem(s) found; nothing was written.",
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
    print(
        "With made-up national figures and census return (never DfE's): "
        "`python -m data_access benchmarks --la 600`."
    )
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        try:
            scope = resolve_scope(
                Scope(area=args.area, hub=args.hub, team_id=args.team), session=session
            )
        except UnknownScope as error:
            raise CommandError(str(error)) from None
        values: dict[str, Any] = compute_metrics(args.as_at, scope, session=session)
        values |= agency_figures(args.as_at, scope, session=session).as_json()
    if args.json:
        print(json.dumps(values))
        return 0
    print(f"As at {args.as_at:%d/%m/%Y}, {_scope_label(scope)}")
    for name, value in values.items():
        label, unit = (
            (METRICS[name].label, METRICS[name].unit) if name in METRICS else (AGENCY_LABELS[name])
        )
        shown = "no data" if value is None else f"{value}{'%' if unit == '%' else ''}"
        print(f"  {label:<45} {shown}")
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
        teams = teams_in_scope(Scope(), session=session)
    for team in teams:
        print(f"{team.area}\t{team.hub}\t{team.team_id}\t{team.team_name} ({team.team_type})")
    return 0


def _read_file(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"{path_text}: file not found")
    try:
        return path.name, path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path_text}: cannot read file: {error}") from None


def _print_refusal(problems: Sequence[Problem], warnings: Iterable[Problem] = ()) -> int:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for line in format_problems(problems):
        print(line, file=sys.stderr)
    print(f"Refused: {len(problems)} problem(s) found; nothing was written.", file=sys.stderr)
    return 1


def cmd_import_benchmarks(args: argparse.Namespace) -> int:
    _refuse_the_demo_database(
        ["import-benchmarks", args.indicators]
        + (["--neighbours", args.neighbours] if args.neighbours else [])
    )
    indicators = _read_file(args.indicators)
    neighbours = _read_file(args.neighbours) if args.neighbours else None
    init_db()
    result = load_benchmarks(indicators, neighbours, user=args.user, source="command line")
    if not result.loaded:
        return _print_refusal(result.problems, result.warnings)
    for warning in result.warnings:
        print(f"warning: {warning}")
    # A load without problems has rows, and so its years.
    assert result.years is not None
    first, last = result.years
    print(
        f"Loaded {result.rows} published rows ({first} to {last}, {result.authorities} "
        "authorities), replacing the earlier benchmark load."
    )
    if neighbours:
        print(f"Statistical neighbour model: {result.neighbour_models} authorities.")
    else:
        print("No neighbour file given: the neighbour model already held (if any) is kept.")
    return 0


def cmd_benchmarks(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        years = benchmark_years(session=session)
        if not years:
            raise CommandError(
                "no benchmarks loaded: run `python -m data_access import-benchmarks FILE` first"
            )
        year = args.year or years[0]
        if year not in years:
            raise CommandError(
                f"no published figures for {year}; years held: {min(years)} to {max(years)}"
            )
        if find_authority(args.la, session=session) is None:
            raise CommandError(f"no authority with old LA code {args.la} in the published file")
        result = comparison(args.la, year, session=session)
    if result is None:
        raise CommandError(f"authority {args.la} has no published figures for {year}")
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    print(f"{result.la_name} ({result.la_code}), {result.region_name}, 30 September {year}")
    if result.joint_return:
        print(f"  (figures of the joint return {result.joint_return})")
    for name, item in result.indicators.items():
        indicator = BENCHMARK_INDICATORS[name]
        if item.la.value is not None:
            ours = str(item.la.value)
        else:
            meaning = item.la.meaning or "not published"
            ours = f"{item.la.status or '-'} ({meaning})"
        rank = f"rank {item.rank} of {item.of}, band {item.quartile}" if item.rank else "unranked"
        print(
            f"  {indicator.label:<24} {ours:<12} England {item.england.value}  region "
            f"{item.region.value}  neighbours {item.neighbours_median}  {rank}"
        )
    return 0


def cmd_census(args: argparse.Namespace) -> int:
    _refuse_the_demo_database(["census", args.file])
    name, content = _read_file(args.file)
    init_db()
    result = load_census(name, content, user=args.user, source="command line")
    figures = result.figures
    read_with = f"Read with the {result.layout} layout." if result.layout else ""
    if figures is None:  # not loaded
        if read_with:
            print(read_with, file=sys.stderr)
        return _print_refusal(result.problems)
    # Warnings go to stderr with --json, so that stdout stays one JSON object.
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(figures.as_json()))
        return 0
    print(
        f"Census return for {figures.la_code}, 30 September {figures.year}: "
        f"{figures.worker_records} worker records. {read_with} Figures saved:"
    )
    for key, value in figures.as_json().items():
        if key not in ("la_code", "year", "reference_date", "worker_records", "layout"):
            print(f"  {key:<28} {'-' if value is None else printable(str(value))}")
    return 0


def _grant_scopes(args: argparse.Namespace) -> list[access.GrantScope]:
    scopes = [access.GrantScope("organisation", access.WHOLE_ORGANISATION_NAME)] * bool(
        args.whole_organisation
    )
    for kind in ("area", "hub", "team"):
        scopes += [access.GrantScope(kind, name) for name in getattr(args, kind) or []]
    return scopes


def cmd_users_add(args: argparse.Namespace) -> int:
    _require_schema()
    try:
        with session_scope() as session:
            grant = access.save_user(
                args.email,
                args.role,
                _grant_scopes(args),
                by=f"command line: {args.by}",
                session=session,
            )
    except access.AccessError as error:
        raise CommandError(str(error)) from None
    print(f"{grant.email}: {grant.role_label}; names: {grant.describe_names()}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        users = access.list_users(session=session)
    if args.json:
        print(
            json.dumps(
                [{"email": u.email, "role": u.role, "names": u.names} for u in users], indent=1
            )
        )
        return 0
    if not users:
        print("No users yet: add one with `python -m data_access users add EMAIL --role ROLE`.")
    for user in users:
        print(f"{user.email:<40} {user.role:<13} names: {user.names}")
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    _require_schema()
    try:
        with session_scope() as session:
            removed = access.remove_user(args.email, by=f"command line: {args.by}", session=session)
    except access.AccessError as error:
        raise CommandError(str(error)) from None
    if not removed:
        raise CommandError(f'there is no user "{args.email}"')
    print(f"Removed {args.email.strip().lower()}.")
    return 0


def cmd_users_sign_out(args: argparse.Namespace) -> int:
    _require_schema()
    try:
        with session_scope() as session:
            done = sign_in.sign_out(args.email, by=f"command line: {args.by}", session=session)
    except access.AccessError as error:
        raise CommandError(str(error)) from None
    if not done:
        raise CommandError(f'there is no user "{args.email}"')
    print(f"Signed {args.email.strip().lower()} out everywhere: they must sign in again.")
    return 0


def cmd_agency_return(args: argparse.Namespace) -> int:
    """The quarterly return on agency social workers (SWE numbers and pay rates): written to
    a workbook or printed as JSON, and recorded in the access log."""
    _require_schema()
    try:
        quarter = Quarter.parse(args.quarter)
    except ValueError as error:
        raise CommandError(str(error)) from None
    with session_scope() as session:
        data = produce_return(quarter, by=args.by, via="command line", session=session)
    if args.json:
        print(json.dumps(data))
        return 0
    Path(args.out).write_bytes(return_workbook(data))
    print(f"Wrote the agency return for {quarter} ({len(data['assignments'])} assignments) to "
          f"{args.out}.")  # fmt: skip
    return 0


def cmd_settings_list(_args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        values = current_settings(session=session)
    for name, value in values.items():
        print(f"{name:<26} {'(not set)' if value is None else value}")
    return 0


def cmd_settings_set(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        try:
            set_by_name(args.name, args.value, session=session, by=args.by)
        except ValueError as error:
            raise CommandError(str(error)) from None
        now = current_settings(session=session)[args.name]
    print(f"{args.name} is now {now if now is not None else '(not set)'}.")
    return 0


def cmd_access_log(args: argparse.Namespace) -> int:
    _require_schema()
    with session_scope() as session:
        events = access.access_log(args.limit, session=session)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["when (UTC)", "who", "action", "scope", "detail"])
    for event in events:
        writer.writerow(
            inert(cell)
            for cell in (
                event.at.isoformat(timespec="seconds"),
                event.user_email,
                event.action,
                event.scope,
                event.detail,
            )
        )
    return 0


def cmd_write_docs(_args: argparse.Namespace) -> int:
    from data_access.core.config import PROJECT_ROOT
    from data_access.reports.definitions import write_metric_sections

    path = PROJECT_ROOT / "docs" / "metrics.md"
    changed = write_metric_sections(path)
    print(f"{path}: {'metric sections rewritten' if changed else 'already up to date'}")
    return 0


def cmd_board_pack(args: argparse.Namespace) -> int:
    # Imported here: the PDF engine and chart exporter load only for this command.
    from data_access.reports.board_pack import NoPack
    from data_access.reports.pdf import board_pack_pdf

    _require_schema()
    started = time.perf_counter()
    try:
        with session_scope() as session:
            pdf = board_pack_pdf(
                args.as_at,
                Scope(area=args.area, hub=args.hub),
                produced_by=f"{args.by} (command line)",
                session=session,
            )
    except NoPack as error:
        raise CommandError(str(error)) from None
    out = Path(args.out)
    try:
        out.write_bytes(pdf)
    except OSError as error:
        raise CommandError(f"{out}: cannot write: {error.strerror}") from None
    print(f"Wrote {out} ({len(pdf) // 1024} KB) in {time.perf_counter() - started:.1f} s.")
    return 0


class _PrintableStream:
    """A text stream that prints control characters from data as `?` (see `printable`)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


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

    user = os.environ.get("USER") or "local user"
    loading = commands.add_parser(
        "import-benchmarks",
        help="load the DfE workforce indicators CSV (and statistical neighbour CSV), replacing "
        "the earlier benchmark load",
    )
    loading.add_argument("indicators", help="the DfE children's social work workforce CSV")
    loading.add_argument("--neighbours", help="the DfE statistical neighbour model CSV")
    loading.add_argument("--user", default=user, help="recorded as importer")
    loading.set_defaults(run=cmd_import_benchmarks)

    bench = commands.add_parser(
        "benchmarks", help="an authority's published figures beside England, region, neighbours"
    )
    bench.add_argument("--la", required=True, help="old LA code, such as 330")
    bench.add_argument("--year", type=int, help="reporting year (default: the latest)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(run=cmd_benchmarks)

    census = commands.add_parser(
        "census", help="check our CSWW census return (XML) and save the figures DfE will publish"
    )
    census.add_argument("file", help="the census return XML file")
    census.add_argument("--json", action="store_true", help="print the figures as JSON")
    census.add_argument("--user", default=user, help="recorded as importer")
    census.set_defaults(run=cmd_census)

    users = commands.add_parser(
        "users", help="who may sign in, their role and whose names they may see"
    ).add_subparsers(dest="users_command", required=True)
    adding = users.add_parser(
        "add",
        help="add a user or replace their role and grants",
        description="Roles: board (aggregates only, never names), leader, manager (opens on "
        "their first team), data_officer (the Data page), admin (users, settings, access "
        "log). Grants say whose names the user may see; give any number.",
    )
    adding.add_argument("email")
    adding.add_argument("--role", required=True, choices=access.ROLES)
    adding.add_argument("--team", action="append", help="a team id (repeatable)")
    adding.add_argument("--hub", action="append", help="a hub name: all its teams (repeatable)")
    adding.add_argument("--area", action="append", help="an area name: all its teams")
    adding.add_argument("--whole-organisation", action="store_true", help="names in every team")
    adding.add_argument("--by", default=user, help="recorded in the access log")
    adding.set_defaults(run=cmd_users_add)
    listing = users.add_parser("list", help="every user with role and grants")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_users_list)
    removing = users.add_parser("remove", help="remove a user and their grants")
    removing.add_argument("email")
    removing.add_argument("--by", default=user, help="recorded in the access log")
    removing.set_defaults(run=cmd_users_remove)
    leaving = users.add_parser(
        "sign-out", help="end every sign-in of a user at once (they must sign in again)"
    )
    leaving.add_argument("email")
    leaving.add_argument("--by", default=user, help="recorded in the access log")
    leaving.set_defaults(run=cmd_users_sign_out)

    pack = commands.add_parser(
        "board-pack",
        help="the improvement board pack (PDF) for the organisation, an area or a hub",
    )
    pack.add_argument("--as-at", required=True, type=_as_at, help="a date in the month, YYYY-MM-DD")
    pack_scope = pack.add_mutually_exclusive_group()
    pack_scope.add_argument("--area", help="area name")
    pack_scope.add_argument("--hub", help="hub name")
    pack.add_argument("--out", required=True, help="the PDF file to write")
    pack.add_argument("--by", default=user, help="named on the cover as who produced it")
    pack.set_defaults(run=cmd_board_pack)

    commands.add_parser(
        "write-docs",
        help="rewrite the metric sections of docs/metrics.md from the metric declarations",
    ).set_defaults(run=cmd_write_docs)

    agency = commands.add_parser(
        "agency-return",
        help="the quarterly return on agency social workers (DfE's agency rules), logged",
    )
    agency.add_argument("--quarter", required=True, help="a calendar quarter, such as 2026-Q3")
    agency_out = agency.add_mutually_exclusive_group(required=True)
    agency_out.add_argument("--out", help="the Excel workbook (.xlsx) to write")
    agency_out.add_argument("--json", action="store_true", help="print one JSON object")
    agency.add_argument("--by", default=user, help="recorded in the access log")
    agency.set_defaults(run=cmd_agency_return)

    settings = commands.add_parser(
        "settings", help="the organisation's settings (logged when changed)"
    ).add_subparsers(dest="settings_command", required=True)
    settings.add_parser("list", help="every setting and its value").set_defaults(
        run=cmd_settings_list
    )
    setting_one = settings.add_parser("set", help="change a setting: " + ", ".join(COMMAND_NAMES))
    setting_one.add_argument("name", choices=list(COMMAND_NAMES))
    setting_one.add_argument("value")
    setting_one.add_argument("--by", default=user, help="recorded in the access log")
    setting_one.set_defaults(run=cmd_settings_set)

    log = commands.add_parser(
        "access-log", help="the access log as CSV: views and downloads of names, every change"
    )
    log.add_argument("--limit", type=int, default=10000, help="the latest N events")
    log.set_defaults(run=cmd_access_log)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Names, file names and values come from data: none may drive the terminal.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PrintableStream(sys.stdout), _PrintableStream(sys.stderr)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = streams


def _run(args: argparse.Namespace) -> int:
    try:
        if args.run not in (cmd_init_db, cmd_demo, cmd_write_docs):
            started = time.perf_counter()
            if load_demo_into_empty_database():
                _say_prepared(_prepare(), started)
            elif schema_is_current() and schema_at_latest_revision():
                # No figure is read from values stored under other rules (stored_parts.py).
                _say_prepared(bring_stored_values_up_to_date(), started)
        return args.run(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader stopped reading (as `| head` does): not an error. Point stdout at
        # /dev/null so that Python's exit flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
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
