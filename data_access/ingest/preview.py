"""What an import would do, without doing it: the problems or, when there are none, exact
added / replaced / unchanged counts and the period each file covers.

`check_upload` is the Data page's check of an upload: the preview, kept small enough to hold
between the page's reruns, with a refused or failed check recorded in the import history
before it returns (a browser that has left stops the page at its next drawing, so the page
itself cannot be relied on to record it)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from data_access.core.db import get_engine
from data_access.core.problems import Problem
from data_access.ingest.importer import ImportResult, load, record_failure, record_refusal
from data_access.ingest.reading import MEGABYTE, return_memory
from data_access.ingest.validation import validate

logger = logging.getLogger(__name__)

#: Rows of each file the check keeps to show.
PREVIEW_ROWS = 10


def preview_import(sources: Mapping[str, bytes], *, engine: Engine | None = None) -> ImportResult:
    """What `import_files` would do, without doing it: the problems or, when there are none,
    exact added / replaced / unchanged counts (the load runs and is rolled back)."""
    with Session(engine or get_engine()) as session:
        validation = validate(sources, session=session)
        result = ImportResult(validation)
        if validation.ok:
            result.counts = load(
                validation, session=session, source="preview", user="preview", refresh_parts=False
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


@dataclass(frozen=True)
class UploadCheck:
    """The outcome of checking an upload, without its rows: what the Data page shows and
    keeps while it waits for Import (a few kilobytes, where the checked rows of a large upload
    are hundreds of megabytes)."""

    #: The problems kept (at most MAX_KEPT_PROBLEMS) and how many were found in all.
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    summary: list[FileSummary] = field(default_factory=list)
    #: (file label, its first PREVIEW_ROWS rows' values) per file.
    previews: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    #: True when an error stopped the check (it is in the server's log).
    failed: bool = False

    @property
    def importable(self) -> bool:
        return not self.failed and not self.problems and bool(self.summary)


def check_upload(
    sources: Mapping[str, bytes],
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
) -> UploadCheck:
    """Check an upload as `preview_import` does and keep only what is shown. A check that
    finds problems is recorded in the import history as refused, and one that fails with an
    error as failed, here, before it returns."""
    try:
        result = preview_import(sources, engine=engine)
    except Exception:
        logger.exception("the upload of %s could not be checked", ", ".join(sources))
        record_failure(sources, engine=engine, source=source, user=user)
        _after_large(sources)
        return UploadCheck(failed=True)
    check = UploadCheck(
        problems=list(result.problems),
        problem_count=result.problem_count,
        warnings=list(result.warnings),
        summary=summarise(result),
        previews=[
            (parsed.label, [dict(row.values) for row in parsed.rows[:PREVIEW_ROWS]])
            for parsed in result.validation.files.values()
        ],
    )
    del result  # the checked rows: freed before the history is written and memory returned
    if check.problems:
        record_refusal(sources, check.problem_count, engine=engine, source=source, user=user)
    _after_large(sources)
    return check


def _after_large(sources: Mapping[str, bytes]) -> None:
    """Give the memory of a large check back to the operating system."""
    if sum(len(content) for content in sources.values()) >= MEGABYTE:
        return_memory()
