"""What an import would do, without doing it: the problems or, when there are none, exact
added / replaced / unchanged counts and the period each file covers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from data_access.core.db import get_engine
from data_access.ingest.importer import ImportResult, load
from data_access.ingest.validation import validate


def preview_import(sources: Mapping[str, bytes], *, engine: Engine | None = None) -> ImportResult:
    """What `import_files` would do, without doing it: the problems or, when there are none,
    exact added / replaced / unchanged counts (the load runs and is rolled back)."""
    with Session(engine or get_engine()) as session:
        validation = validate(sources, session)
        result = ImportResult(validation)
        if validation.ok:
            result.counts = load(
                validation, session, source="preview", user="preview", refresh_parts=False
            )
        session.rollback()
    return result


@dataclass(frozen=True)
class FileSummary:
    """One file (or sheet) of an upload, for the preview."""

    label: str
    kind: str
    rows: int
    added: int | None
    replaced: int | None
    unchanged: int | None
    first_date: date | None
    last_date: date | None


def summarise(result: ImportResult) -> list[FileSummary]:
    """Per file: rows, what loading would add or replace, and the period it covers."""
    counts = {count.file: count for count in result.counts}
    summaries = []
    for spec_name, parsed in result.validation.files.items():
        dates = [
            row.values[parsed.spec.period]
            for row in parsed.rows
            if parsed.spec.period and row.values[parsed.spec.period] is not None
        ]
        count = counts.get(spec_name)
        summaries.append(
            FileSummary(
                label=parsed.label,
                kind=spec_name,
                rows=len(parsed.rows),
                added=count.added if count else None,
                replaced=count.replaced if count else None,
                unchanged=count.unchanged if count else None,
                first_date=min(dates) if dates else None,
                last_date=max(dates) if dates else None,
            )
        )
    return summaries
