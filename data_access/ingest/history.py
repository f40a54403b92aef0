"""The import history: every attempt, loaded or refused, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select
from sqlmodel import Session

from data_access.core.models import ImportLog


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


def import_history(session: Session, limit: int = 100) -> list[ImportRecord]:
    """The latest `limit` import attempts, newest first; sources never show a server path."""
    query = select(ImportLog).order_by(ImportLog.imported_at.desc(), ImportLog.id.desc())
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
