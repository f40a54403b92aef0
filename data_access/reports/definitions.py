"""The metric sections of docs/metrics.md, written from the metric declarations.

Nothing in those sections is typed by hand: each metric's heading, plain words, definition,
formula, parts (with the fact each is measured over), target and notes come from
`data_access.indicators.metrics`. `python -m data_access write-docs` rewrites them between
the markers; the test suite fails while the file differs from what the declarations give.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from data_access.indicators.metrics import FACTS, METRICS, Metric

BEGIN = "<!-- the metric sections: written by `python -m data_access write-docs` -->"
END = "<!-- end of the written metric sections -->"
FAMILIES = ("Workforce stability", "Caseloads", "Supervision")
_UNIT_WORDS = {"%": "%", "cases": " cases", "fte": " FTE", "count": ""}
_MARGIN_WORDS = {"%": "points", "cases": "cases", "fte": "FTE", "count": ""}


def _number(value: float) -> str:
    return f"{value:g}"


def target_words(metric: Metric) -> str:
    """ "15% or lower, close within 3 points" (empty for a metric with no target)."""
    if metric.target is None or metric.better is None:
        return ""
    side = "or lower" if metric.better == "lower" else "or higher"
    return (
        f"{_number(metric.target)}{_UNIT_WORDS[metric.unit]} {side}, close within "
        f"{_number(metric.close_margin)} {_MARGIN_WORDS[metric.unit]}"
    )


def _section(metric: Metric) -> list[str]:
    lines = [
        f"### `{metric.name}` ({metric.label})",
        f"*In plain words:* {metric.summary}",
        "",
        metric.definition,
        "",
        f"Computed as `{metric.formula()}`"
        + (
            ", rounded to one decimal place, and null when the denominator is 0."
            if metric.denominator
            else ("." if metric.unit == "count" else ", rounded to one decimal place.")
        )
        + " Its parts:",
        "",
    ]
    for part in dict.fromkeys(metric.parts):  # agency_fte is in both parts of its rate
        lines.append(f"- `{part.name}`: over `{part.fact.name}`, {part.text}.")
    lines.append("")
    if target := target_words(metric):
        lines += [f"Default target: {target}.", ""]
    if metric.notes:
        lines += [metric.notes, ""]
    return lines


def metric_sections() -> str:
    """The generated block of docs/metrics.md, markers included."""
    lines = [
        BEGIN,
        "",
        "Every part is a count of rows, or a sum of a column, over one of these facts (each row",
        "belongs to the team of its worker, or of the vacancies row):",
        "",
        *(f"- `{fact.name}`: {fact.text}." for fact in FACTS),
        "",
    ]
    for family in FAMILIES:
        lines += [f"## {family}", ""]
        for metric in METRICS.values():
            if metric.family == family:
                lines += _section(metric)
    lines += [
        "## Targets",
        "",
        "The defaults, declared with each metric (`Metric.target`, `Metric.better`,",
        "`Metric.close_margin`). An administrator can change a value on the Access page",
        '(`data_access/settings.py`, `organisation_policy`): the direction and the "close"',
        "margin stay as below, and the change is logged.",
        "",
        "| metric | target | close within |",
        "| --- | --- | --- |",
    ]
    for metric in METRICS.values():
        if metric.target is None or metric.better is None:
            continue
        sign = "<=" if metric.better == "lower" else ">="
        unit = "%" if metric.unit == "%" else f" {metric.unit}"
        lines.append(
            f"| {metric.name} | {sign} {_number(metric.target)}{unit} | "
            f"{_number(metric.close_margin)} {_MARGIN_WORDS[metric.unit]} |"
        )
    lines += ["", END]
    return "\n".join(_wrapped(line) for line in lines)


def _wrapped(line: str) -> str:
    """A paragraph or a list item wrapped at 100 characters (headings and tables as they are)."""
    if line.startswith(("#", "|", "<!--", "*In plain words:*")) or len(line) <= 100:
        return line
    indent = "  " if line.startswith("- ") else ""
    return textwrap.fill(line, 100, subsequent_indent=indent, break_on_hyphens=False)


def with_metric_sections(document: str) -> str:
    """`document` with its block between the markers replaced by `metric_sections()`."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + metric_sections() + document[end:]


def write_metric_sections(path: Path) -> bool:
    """Rewrite the block in the file at `path`; True when it changed."""
    document = path.read_text(encoding="utf-8")
    updated = with_metric_sections(document)
    if updated != document:
        path.write_text(updated, encoding="utf-8")
    return updated != document
