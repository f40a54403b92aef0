"""Loading a validated import, all or nothing (see docs/data-format.md).

`import_files` validates the files (data_access/ingest/validation.py) and, only when nothing is
wrong, loads them in one transaction: `load` inserts new rows and replaces rows whose key
already exists, table by table, then `finish_load` refreshes planner statistics and the stored
parts of every figure and records the import in the history. A refused attempt writes no data
and is recorded too (`record_refusal`). The streamed command-line import
(data_access/ingest/bulk_import.py) uses the same loading steps chunk by chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, text, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, col

from data_access.core.db import SQLITE_BUSY_TIMEOUT_MS, allow_long_statements, session_scope
from data_access.core.models import (
    Appraisal,
    Area,
    CaseloadSnapshot,
    Hub,
    SupervisionAudit,
    SupervisionSession,
    table_of,
)
from data_access.core.problems import Problem
from data_access.indicators.policy import derived_staff_dates
from data_access.indicators.stored_parts import refresh_stored_parts
from data_access.ingest.history import log_import
from data_access.ingest.reading import MEGABYTE, return_memory
from data_access.ingest.specs import (
    FILE_SPECS,
    SPECS_BY_NAME,
    STAFF,
    STAFF_SURVEY,
    TEAMS,
    FileSpec,
)
from data_access.ingest.validation import (
    KEYS_PER_STATEMENT,
    ParsedFile,
    ProblemList,
    Validation,
    validate,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileLoadCount:
    file: str
    added: int
    replaced: int
    unchanged: int
    #: The earliest date whose figures the added or replaced rows can change (None: none).
    changed_from: date | None = None


@dataclass
class ImportResult:
    """The outcome of `import_files`: loaded (with counts) or refused (with problems)."""

    validation: Validation
    counts: list[FileLoadCount] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return self.validation.ok

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems

    @property
    def warnings(self) -> list[Problem]:
        return self.validation.warnings

    @property
    def problem_count(self) -> int:
        """Every problem found: those in `problems` and those past its cap."""
        return self.validation.problem_count


class ImportRefused(Exception):
    """Raised inside the import transaction to roll it back when validation fails."""


#: How long an import waits for another one to finish before it is refused, seconds.
IMPORT_LOCK_WAIT_SECONDS = 10
#: The key of PostgreSQL's advisory lock held by the running import.
_IMPORT_LOCK_KEY = 7_465_201
ANOTHER_IMPORT_RUNNING = (
    "another import is running; nothing was imported: try again when it has finished"
)


class ImportBusy(Exception):
    """Another import held the import lock for longer than IMPORT_LOCK_WAIT_SECONDS."""


def take_import_lock(*, session: Session) -> None:
    """Make this transaction the only import running: wait up to IMPORT_LOCK_WAIT_SECONDS
    for one already running to finish, else raise ImportBusy. Taken before validation, so
    that an import is checked against what the one before it stored. Also lifts the
    statement timeout for the import's own transaction."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = '{IMPORT_LOCK_WAIT_SECONDS}s'"))
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK_KEY})
            session.execute(text("SET LOCAL lock_timeout = 0"))
        else:
            # A write that changes nothing still takes SQLite's write lock, held to the end of
            # the transaction; a second writer waits for it up to the busy timeout.
            session.execute(text(f"PRAGMA busy_timeout = {IMPORT_LOCK_WAIT_SECONDS * 1000}"))
            try:
                session.execute(text("UPDATE setting SET value = value WHERE 1 = 0"))
            finally:
                session.execute(text(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"))
    except OperationalError as error:
        raise ImportBusy from error
    allow_long_statements(session)


def ensure_hubs(parsed: ParsedFile, *, session: Session) -> dict[str, int]:
    """Create missing areas and hubs (moving a hub whose area changed); hub name -> id."""
    areas = {
        name: area_id for area_id, name in session.execute(select(col(Area.id), col(Area.name)))
    }
    hubs = {
        name: (hub_id, area_id)
        for hub_id, name, area_id in session.execute(
            select(col(Hub.id), col(Hub.name), col(Hub.area_id))
        )
    }
    hub_ids: dict[str, int] = {}
    for row in parsed.rows:
        hub_name, area_name = row.values["hub"], row.values["area"]
        if area_name not in areas:
            area = Area(name=area_name)
            session.add(area)
            session.flush()
            areas[area_name] = area.id
        area_id = areas[area_name]
        if hub_name not in hubs:
            hub = Hub(name=hub_name, area_id=area_id)
            session.add(hub)
            session.flush()
            hubs[hub_name] = (hub.id, area_id)
        elif hubs[hub_name][1] != area_id:
            session.execute(
                update(Hub).where(col(Hub.id) == hubs[hub_name][0]).values(area_id=area_id)
            )
            hubs[hub_name] = (hubs[hub_name][0], area_id)
        hub_ids[hub_name] = hubs[hub_name][0]
    return hub_ids


def _staff_record(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, **derived_staff_dates(values["start_date"], values["asye_start_date"])}


def table_records(parsed: ParsedFile, hub_ids: dict[str, int]) -> list[dict[str, Any]]:
    spec = parsed.spec
    if spec is TEAMS:
        return [
            {
                "team_id": row.values["team_id"],
                "team_name": row.values["team_name"],
                "team_type": row.values["team_type"],
                "hub_id": hub_ids[row.values["hub"]],
            }
            for row in parsed.rows
        ]
    if spec is STAFF:
        return [_staff_record(row.values) for row in parsed.rows]
    if spec is STAFF_SURVEY:
        # A blank team_id is the organisation's own figure, stored as "" (part of the key).
        return [{**row.values, "team_id": row.values["team_id"] or ""} for row in parsed.rows]
    return [dict(row.values) for row in parsed.rows]


def _compare(
    session: Session, spec: FileSpec, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], date | None]:
    """(rows to insert, rows to replace, the earliest date they change) for `records`, by
    comparing them with the stored rows of the same keys; writes nothing."""
    model = spec.model
    columns = list(records[0])
    key_columns = [getattr(model, name) for name in spec.key]
    existing: dict[tuple, dict[str, Any]] = {}
    for start in range(0, len(records), KEYS_PER_STATEMENT):
        chunk = records[start : start + KEYS_PER_STATEMENT]
        keys = [tuple(record[name] for name in spec.key) for record in chunk]
        # One IN per key column (a superset of the chunk's keys, matched exactly below): both
        # databases answer it from the primary key's index, where SQLite scans the whole
        # table for a row-value IN, so each import got slower as the table grew.
        condition = and_(
            *(
                column.in_(sorted({key[position] for key in keys}))
                for position, column in enumerate(key_columns)
            )
        )
        selected = [getattr(model, name) for name in columns]
        for found in session.execute(select(*selected).where(condition)).all():
            row = dict(zip(columns, found, strict=True))
            existing[tuple(row[name] for name in spec.key)] = row
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for record in records:
        stored = existing.get(tuple(record[name] for name in spec.key))
        if stored is None:
            to_insert.append(record)
        elif stored != record:
            to_update.append(record)
    return (
        to_insert,
        to_update,
        earliest_change(spec, to_insert, to_update, existing, session=session),
    )


def _write(
    session: Session,
    spec: FileSpec,
    to_insert: list[dict[str, Any]],
    to_update: list[dict[str, Any]],
) -> None:
    if to_insert:
        session.execute(insert(spec.model), to_insert)
    if to_update:
        session.execute(update(spec.model), to_update)


def upsert_records(
    spec: FileSpec, records: list[dict[str, Any]], *, session: Session
) -> FileLoadCount:
    """Insert new rows, replace changed rows with the same key, leave identical rows alone."""
    to_insert, to_update, changed_from = _compare(session, spec, records)
    _write(session, spec, to_insert, to_update)
    return FileLoadCount(
        spec.name,
        len(to_insert),
        len(to_update),
        len(records) - len(to_insert) - len(to_update),
        changed_from,
    )


def earliest_change(
    spec: FileSpec,
    to_insert: list[dict[str, Any]],
    to_update: list[dict[str, Any]],
    existing: dict[tuple, dict[str, Any]],
    *,
    session: Session,
) -> date | None:
    """The earliest month whose figures these rows can change (see data_access/stored_parts):
    their dates, and for a replaced row its old dates too. A replaced team (its type sets
    caseload limits) changes every month; a replaced staff row changes every month from the
    earliest of its start and its own sessions, snapshots and audits."""
    if spec is TEAMS:
        return date.min if to_update else None
    if spec.period is None:
        raise ValueError(f"{spec.name} has no period column")
    old = [existing[tuple(record[name] for name in spec.key)] for record in to_update]
    days = [row[spec.period] for row in (*to_insert, *to_update, *old) if row[spec.period]]
    if spec is STAFF and to_update:
        ids = [record["staff_id"] for record in to_update]
        for column, staff_column in (
            (col(SupervisionSession.session_date), col(SupervisionSession.staff_id)),
            (col(CaseloadSnapshot.snapshot_date), col(CaseloadSnapshot.staff_id)),
            (col(SupervisionAudit.audit_date), col(SupervisionAudit.staff_id)),
            (col(Appraisal.appraisal_date), col(Appraisal.staff_id)),
        ):
            for start in range(0, len(ids), KEYS_PER_STATEMENT):
                chunk = ids[start : start + KEYS_PER_STATEMENT]
                found = session.execute(
                    select(func.min(column)).where(staff_column.in_(chunk))
                ).scalar()
                if found is not None:
                    days.append(found)
    return min(days) if days else None


#: Rows compared and written at a time: the records made for the database, the stored rows
#: they are compared with and the statement's parameters exist for one chunk only (a 500,000
#: row file written at once more than doubled an import's memory).
LOAD_CHUNK_ROWS = 5_000
#: What `_load_file` does with a row, once compared.
_UNCHANGED, _INSERT, _UPDATE = 0, 1, 2


def load(
    validation: Validation,
    *,
    session: Session,
    source: str,
    user: str,
    refresh_parts: bool = True,
) -> list[FileLoadCount]:
    """Write validated rows (new or replacing), bring the stored parts up to date (unless
    `refresh_parts` is False: a preview that will be rolled back) and log the import. Caller
    owns the transaction."""
    counts = []
    hub_ids: dict[str, int] = {}
    for spec in FILE_SPECS:
        parsed = validation.files.get(spec.name)
        if parsed is None:
            continue
        if spec is TEAMS:
            hub_ids = ensure_hubs(parsed, session=session)
        counts.append(_load_file(session, spec, parsed, hub_ids))
        session.flush()
    finish_load(counts, source=source, user=user, refresh_parts=refresh_parts, session=session)
    return counts


def _load_file(
    session: Session, spec: FileSpec, parsed: ParsedFile, hub_ids: dict[str, int]
) -> FileLoadCount:
    """Write a file's rows LOAD_CHUNK_ROWS at a time, in two passes. First every chunk is
    compared with what is stored, and only what to do with each row is kept (a byte a row);
    then every chunk is made again and written. So every comparison sees the table as it
    was before the import, as when the file is written at once: comparing and writing chunk
    by chunk made PostgreSQL look rows up in a table growing with every chunk, with a plan
    made while it was small (1.3 s a lookup at 150,000 rows, three minutes a file)."""
    rows = parsed.rows
    actions = bytearray(len(rows))
    changes: list[date] = []
    for start in range(0, len(rows), LOAD_CHUNK_ROWS):
        records = table_records(
            replace(parsed, rows=rows[start : start + LOAD_CHUNK_ROWS]), hub_ids
        )
        to_insert, to_update, changed_from = _compare(session, spec, records)
        inserted, updated = {id(record) for record in to_insert}, {id(r) for r in to_update}
        for offset, record in enumerate(records):
            if id(record) in inserted:
                actions[start + offset] = _INSERT
            elif id(record) in updated:
                actions[start + offset] = _UPDATE
        if changed_from is not None:
            changes.append(changed_from)
    for start in range(0, len(rows), LOAD_CHUNK_ROWS):
        records = table_records(
            replace(parsed, rows=rows[start : start + LOAD_CHUNK_ROWS]), hub_ids
        )
        chosen = list(zip(records, actions[start : start + LOAD_CHUNK_ROWS], strict=True))
        _write(
            session,
            spec,
            [record for record, action in chosen if action == _INSERT],
            [record for record, action in chosen if action == _UPDATE],
        )
    return FileLoadCount(
        spec.name,
        actions.count(_INSERT),
        actions.count(_UPDATE),
        actions.count(_UNCHANGED),
        min(changes, default=None),
    )


def finish_load(
    counts: list[FileLoadCount],
    *,
    session: Session,
    source: str,
    user: str,
    refresh_parts: bool = True,
) -> None:
    """After the rows of an import: planner statistics, the stored parts, the log entry."""
    _refresh_statistics(session, [SPECS_BY_NAME[count.file] for count in counts])
    if refresh_parts:
        changes = [
            count.changed_from
            for count in counts
            if count.changed_from is not None and SPECS_BY_NAME[count.file].in_metrics
        ]
        refresh_stored_parts(min(changes) if changes else None, session=session)
    log_import(
        kind="organisation",
        source=source,
        files=", ".join(count.file for count in counts),
        user=user,
        outcome="loaded",
        added=sum(count.added for count in counts),
        replaced=sum(count.replaced for count in counts),
        unchanged=sum(count.unchanged for count in counts),
        session=session,
    )


def _refresh_statistics(session: Session, specs: list[FileSpec]) -> None:
    """Update PostgreSQL's planner statistics for the tables just loaded.

    Without this, PostgreSQL plans the first queries after a large import as if the tables
    were nearly empty: on the demo organisation, supervision coverage took 1.9 s (a nested
    loop) instead of a few milliseconds. ANALYZE may run inside the import's transaction.
    SQLite is left alone: measured on the demo, its plans were slower with statistics
    (whole-organisation metrics 55 ms against 34 ms without).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    tables = {table_of(spec.model).name for spec in specs}
    if TEAMS in specs:
        tables |= {table_of(Area).name, table_of(Hub).name}
    for table in sorted(tables):
        session.execute(text(f'ANALYZE "{table}"'))


def import_files(
    sources: Mapping[str, bytes],
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
) -> ImportResult:
    """Validate `sources` and, only if nothing is wrong, load them all in one transaction.

    A refused attempt writes no data; it is recorded in the import log (in a transaction of
    its own) so that the history shows it.
    """
    result: ImportResult | None = None
    try:
        with session_scope(engine) as session:
            take_import_lock(session=session)
            validation = validate(sources, session=session)
            result = ImportResult(validation)
            if not validation.ok:
                raise ImportRefused
            result.counts = load(validation, session=session, source=source, user=user)
    except ImportRefused:
        refused = result.problem_count if result is not None else 0
        record_refusal(sources, refused, engine=engine, source=source, user=user)
    except ImportBusy:
        busy = Problem("import", None, None, ANOTHER_IMPORT_RUNNING)
        result = ImportResult(Validation(problems=ProblemList([busy])))
        record_refusal(sources, 1, engine=engine, source=source, user=user)
    except BaseException:
        record_failure(sources, engine=engine, source=source, user=user)
        _after_large(sources, result)
        raise
    assert result is not None
    _after_large(sources, result)
    return result


def _after_large(sources: Mapping[str, bytes], result: ImportResult | None) -> None:
    """After a large import: its rows are written (or refused), so only the counts, problems
    and warnings are returned; the rows' memory goes back to the operating system."""
    if result is not None:
        for parsed in result.validation.files.values():
            parsed.rows = []
    if sum(len(content) for content in sources.values()) >= MEGABYTE:
        return_memory()


def record_refusal(
    sources: Mapping[str, bytes],
    problem_count: int,
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
    kind: str = "organisation",
) -> None:
    """Record in the import history an attempt refused before the import was tried (for
    example an upload whose preview found problems). `kind` is as in `ImportLog.kind`."""
    _record_attempt(sources, "refused", problem_count, engine, source, user, kind)


def record_failure(
    sources: Mapping[str, bytes],
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
    kind: str = "organisation",
) -> None:
    """Record in the import history an attempt that failed with an error (it wrote nothing:
    its transaction was rolled back)."""
    _record_attempt(sources, "failed", 0, engine, source, user, kind)


def _record_attempt(
    sources: Mapping[str, bytes],
    outcome: str,
    problem_count: int,
    engine: Engine | None,
    source: str,
    user: str,
    kind: str,
) -> None:
    """One attempt that wrote no data, recorded in a transaction of its own. Best effort: when
    the database cannot take the record (it is what failed, or on SQLite another import holds
    its one write lock), the attempt's own outcome stands and the server log has it."""
    try:
        with session_scope(engine) as session:
            log_import(
                kind=kind,
                source=source,
                files=", ".join(sources),
                user=user,
                outcome=outcome,
                problem_count=problem_count,
                session=session,
            )
    except SQLAlchemyError:
        logger.exception("could not record the %s import of %s", outcome, ", ".join(sources))
