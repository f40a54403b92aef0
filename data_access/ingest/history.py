"""The import history: every attempt, loaded or refused, recorded by `log_import` and listed
newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

from sqlalchemy import select
from sqlmodel import Session, col

from data_access.core.models import ImportLog


def log_import(
    *,
    session: Session,
    kind: str,
    source: str,
    files: str,
    user: str,
    outcome: str,
    added: int = 0,
    replaced: int = 0,
    unchanged: int = 0,
    problem_count: int = 0,
) -> None:
    """Record one import attempt in the caller's transaction. `kind` is "organisation",
    "benchmarks" or "census"; `outcome` "loaded", "refused" (with its problem count) or
    "failed" (an error stopped it; nothing was written)."""
    session.add(
        ImportLog(
            imported_at=datetime.now(UTC),
            source=source[:500],
            files=files,
            rows_added=added,
            rows_replaced=replaced,
            rows_unchanged=unchanged,
            imported_by=user,
            outcome=outcome,
            problem_count=problem_count,
            kind=kind,
        )
    )


@dataclass(frozen=True)
class ImportRecord:
    imported_at: datetime
    source: str
    files: str
    rows_added: int
    rows_replaced: int
    rows_unchanged: int
    imported_by: str
    outcome: str
    problem_count: int
    kind: str


def public_source(source: str) -> str:
    """Where an import came from, without a server path: earlier versions recorded the whole
    folder path of a command-line import ("folder /srv/extracts/2025-10")."""
    if source.startswith("folder "):
        return f"command line: folder {PurePath(source.removeprefix('folder ')).name}"
    return source


def import_history(limit: int = 100, *, session: Session) -> list[ImportRecord]:
    """The latest `limit` import attempts, newest first; sources never show a server path."""
    query = select(ImportLog).order_by(col(ImportLog.imported_at).desc(), col(ImportLog.id).desc())
    return [
        ImportRecord(
            log.imported_at,
            public_source(log.source),
            log.files,
            log.rows_added,
            log.rows_replaced,
            log.rows_unchanged,
            log.imported_by,
            log.outcome,
            log.problem_count,
            log.kind,
        )
        for log in session.execute(query.limit(limit)).scalars()
    ]
