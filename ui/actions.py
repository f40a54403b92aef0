"""What the pages do on a user's behalf: check and load uploads, remember a choice.

The pages call these, never data_access's functions (tests/test_layers.py checks it). Every
action that writes empties the dashboard's caches when it succeeds, so that every page shows
the new data at once and no page can forget to.
"""

from __future__ import annotations

from collections.abc import Mapping

from data_access.demo.own_data import check_as_new_database
from data_access.ingest import importer, preview, templates
from data_access.ingest.importer import ImportResult
from data_access.ingest.preview import UploadCheck
from data_access.national import benchmarks, census
from data_access.national.census import CensusCheck, CensusLoadResult
from data_access.national.published_files import BenchmarkLoadResult
from data_access.settings import remember_our_authority
from ui.queries import clear_all


def check_upload(
    sources: Mapping[str, bytes], *, source: str, user: str, as_new_database: bool
) -> UploadCheck:
    """Check an upload without writing it; `as_new_database` (the demo) checks it as the
    first import of a database of its own would."""
    check = check_as_new_database if as_new_database else preview.check_upload
    return check(sources, source=source, user=user)


def import_upload(sources: Mapping[str, bytes], *, source: str, user: str) -> ImportResult:
    """Import the files, all or nothing."""
    outcome = importer.import_files(sources, source=source, user=user)
    if outcome.loaded:
        clear_all()
    return outcome


def record_refusal(
    sources: Mapping[str, bytes], problem_count: int, *, source: str, user: str, kind: str
) -> None:
    """Put a refused upload in the import history."""
    importer.record_refusal(sources, problem_count, source=source, user=user, kind=kind)


def template_csv(file_name: str) -> bytes:
    """The import file's template: its header and example rows."""
    return templates.template_csv(file_name)


def recognise_benchmark_file(content: bytes) -> str | None:
    """ "indicators", "neighbours" or None (neither of DfE's files)."""
    return benchmarks.recognise_benchmark_file(content)


def check_benchmarks(
    indicators: tuple[str, bytes], neighbours: tuple[str, bytes] | None
) -> BenchmarkLoadResult:
    """Check the published files without loading them."""
    return benchmarks.check_benchmarks(indicators, neighbours)


def load_benchmarks(
    indicators: tuple[str, bytes], neighbours: tuple[str, bytes] | None, *, user: str
) -> BenchmarkLoadResult:
    """Load the published files (replacing the figures of the years they hold)."""
    loaded = benchmarks.load_benchmarks(indicators, neighbours, user=user, source="upload")
    if loaded.loaded:
        clear_all()
    return loaded


def check_census(name: str, content: bytes, *, user: str) -> CensusCheck:
    """Check our census return and compute its figures, without keeping them."""
    return census.check_census(name, content, user=user, source="upload")


def load_census(name: str, content: bytes, *, user: str) -> CensusLoadResult:
    """Keep our census return's figures (never its worker records)."""
    saved = census.load_census(name, content, user=user, source="upload")
    if saved.loaded:
        clear_all()
    return saved


def choose_our_authority(la_code: str, *, by: str) -> None:
    """Remember which authority is ours (logged as a change of setting), and empty the caches:
    the agency rules' no-return check reads our authority's region."""
    remember_our_authority(la_code, by=by)
    clear_all()
