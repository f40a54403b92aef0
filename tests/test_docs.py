"""The written definitions stay in step with the code."""

from __future__ import annotations

import inspect

from data_access.core.config import PROJECT_ROOT
from data_access.indicators import survey
from data_access.indicators.metrics import METRICS
from data_access.ingest.specs import FILE_SPECS
from data_access.national import census, comparison
from data_access.national.catalogue import BENCHMARK_INDICATORS, SUPPRESSION_CODES


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_metric_sections_of_docs_metrics_md_are_written_from_the_declarations():
    """They are generated: run `python -m data_access write-docs` after changing a metric."""
    from data_access.reports.definitions import with_metric_sections

    document = (PROJECT_ROOT / "docs" / "metrics.md").read_text()
    assert document == with_metric_sections(document), "run: python -m data_access write-docs"
    flat = _one_line(document)
    for metric in METRICS.values():  # and the generator writes what a reader needs
        assert f"### `{metric.name}` ({metric.label})" in document
        assert _one_line(metric.definition) in flat, metric.name
        assert f"`{metric.formula()}`" in flat, metric.name
        for part in metric.parts:
            assert f"- `{part.name}`: over `{part.fact.name}`, {_one_line(part.text)}." in flat


def test_every_metric_has_a_plain_english_summary():
    """A director reads the summary first: a sentence with no column names or maths."""
    jargon = ("_", "x 100", "(D", "D -", "D]", "<=", ">=", "≤", " / ")
    for metric in METRICS.values():
        assert metric.summary.endswith(".") and metric.summary[0].isupper(), metric.name
        assert not [word for word in jargon if word in metric.summary], metric.name
        assert len(metric.summary) <= 160, metric.name


def test_the_survey_rule_is_in_docs_metrics_md():
    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    assert _one_line(inspect.getdoc(survey.survey_agreement_share)) in document
    assert _one_line(inspect.getdoc(survey.is_supervision_question)) in document


def test_every_import_column_is_in_docs_data_format_md():
    document = (PROJECT_ROOT / "docs" / "data-format.md").read_text()
    for spec in FILE_SPECS:
        assert f"`{spec.name}`" in document
        for column in spec.columns:
            assert f"`{column.name}`" in document, (spec.name, column.name)


def _bullets(docstring: str) -> list[str]:
    """The "- ..." items of a module docstring, each as one line."""
    items = docstring[docstring.index("\n- ") :].split("\n- ")
    return [_one_line(item.split("\n\n")[0]) for item in items if item.strip()]


def test_benchmark_and_census_definitions_are_in_docs_metrics_md():
    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    for indicator in BENCHMARK_INDICATORS.values():
        assert f"`{indicator.name}`" in document
        assert indicator.definition in document, indicator.name
    for code, meaning in SUPPRESSION_CODES.items():
        assert f"`{code}`: {meaning}" in document
    figures_doc = inspect.cleandoc(census.compute_census_figures.__doc__ or "")
    rules = _bullets(comparison.__doc__) + _bullets(figures_doc)
    assert len(rules) == 20  # 5 comparison rules, 15 census definitions
    for rule in rules:
        assert rule in document, rule


def test_the_small_numbers_rule_is_in_docs_metrics_md():
    from data_access.access.grants import SMALL_GROUP_MINIMUM, is_suppressed

    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    assert _one_line(is_suppressed.__doc__) in document
    assert f"`SMALL_GROUP_MINIMUM` = {SMALL_GROUP_MINIMUM}" in document


def test_the_complementary_suppression_rule_is_in_docs_metrics_md():
    from data_access.access import suppression

    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    rules = _bullets(suppression.__doc__)
    assert len(rules) == 3
    for rule in rules:
        assert rule in document, rule


def test_the_upload_limits_in_docs_data_format_md_are_the_code_s():
    from data_access.ingest import reading
    from data_access.ingest.importer import IMPORT_LOCK_WAIT_SECONDS
    from data_access.ingest.validation import MAX_KEPT_PROBLEMS

    document = _one_line((PROJECT_ROOT / "docs" / "data-format.md").read_text())
    megabyte = reading.MEGABYTE
    for text in (
        f"{reading.MAX_FILE_BYTES // megabyte} MB per file",
        f"({reading.MAX_FILE_BYTES:,} bytes",
        f"{reading.MAX_TOTAL_BYTES // megabyte} MB per import",
        f"{reading.MAX_LINES:,} lines",
        f"{reading.MAX_CELLS / 1e6:g} million cells",
        f"{reading.MAX_WORKBOOK_XML_BYTES // megabyte} MB for what a workbook holds",
        f"{reading.MAX_SHARED_STRINGS:,} different texts",
        f"{reading.MAX_WORKBOOK_PARTS:,} parts",
        f"{reading.MAX_RECORD_ELEMENTS:,} XML elements",
        f"{reading.MAX_RECORD_BYTES // megabyte} MB in one row",
        f"{reading.MAX_PART_ELEMENTS:,} XML elements",
        f"{reading.MAX_PART_BYTES // megabyte} MB besides",
        f"{reading.MAX_TAG_BYTES // 1024} KB",
        f"{reading.MAX_ZIP_MEMBERS} files in a zip",
        f"{reading.MAX_READ_SECONDS:g} seconds of reading",
        f"{census.MAX_CENSUS_ELEMENTS:,} XML elements",
        f"{census.MAX_PART_ELEMENTS:,} in one worker",
        f"Up to {MAX_KEPT_PROBLEMS:,} problems",
        f"waits up to {IMPORT_LOCK_WAIT_SECONDS} seconds",
    ):
        assert text in document, text
    lengths = {length for spec in FILE_SPECS for length in spec.max_lengths.values()}
    assert {100, 200} <= lengths
    assert "100 characters for ids" in document and "200 for names" in document


def test_the_upload_boxes_the_server_and_the_importer_take_the_same_file_size():
    """Streamlit's upload box refuses a file over `maxUploadSize` megabytes of 1,000,000
    bytes (in the browser), its server over `maxUploadSize` x 1,048,576 bytes: the importer's
    MAX_FILE_BYTES is the box's number, so a file the box takes is never refused for its size
    by the importer, and one between the two is refused by the importer (and recorded)."""
    import re
    import tomllib

    from data_access.ingest import reading

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    megabytes = config["server"]["maxUploadSize"]
    assert reading.MEGABYTE == 1_000_000
    assert megabytes * reading.MEGABYTE == reading.MAX_FILE_BYTES
    page = (PROJECT_ROOT / "app_pages" / "data.py").read_text()
    assert "UPLOAD_LIMIT_MB = MAX_FILE_BYTES // MEGABYTE" in page
    uploaders = re.findall(r"st\.file_uploader\((.*?)\n\)", page, flags=re.DOTALL)
    assert len(uploaders) == 3
    assert all("max_upload_size=UPLOAD_LIMIT_MB" in uploader for uploader in uploaders)


def test_every_metric_has_a_short_heading():
    from ui.tables import SHORT_HEADINGS

    assert set(SHORT_HEADINGS) == set(METRICS)
    assert all(len(heading) <= 13 for heading in SHORT_HEADINGS.values())


def test_the_agency_rules_are_in_docs_metrics_md():
    from data_access.indicators import agency_rules

    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    rules = _bullets(agency_rules.__doc__ or "")
    assert len(rules) == 7  # the five rules, all five together, the monthly cost
    for rule in rules:
        assert rule in document, rule


def test_the_agency_figures_are_in_docs_metrics_md():
    from data_access.agency import figures

    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    rules = _bullets(figures.__doc__ or "")
    assert len(rules) == 6
    for rule in rules:
        assert rule in document, rule
