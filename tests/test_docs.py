"""The written definitions stay in step with the code."""

from __future__ import annotations

from data_access.config import PROJECT_ROOT
from data_access.importer import FILE_SPECS
from data_access.metrics import METRICS


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_every_metric_definition_is_in_docs_metrics_md():
    document = _one_line((PROJECT_ROOT / "docs" / "metrics.md").read_text())
    for metric in METRICS.values():
        assert f"`{metric.name}`" in document
        assert metric.definition in document, metric.name


def test_every_import_column_is_in_docs_data_format_md():
    document = (PROJECT_ROOT / "docs" / "data-format.md").read_text()
    for spec in FILE_SPECS:
        assert f"`{spec.name}`" in document
        for column in spec.columns:
            assert f"`{column.name}`" in document, (spec.name, column.name)
