"""Template files for the import: each file's header and two example rows.

The examples together form a valid import (a test checks it), so a performance officer can
start from them with confidence.
"""

from __future__ import annotations

from data_access.ingest.reading import csv_bytes
from data_access.ingest.specs import FILE_SPECS

EXAMPLE_ROWS: dict[str, list[list[str]]] = {
    "teams.csv": [
        ["T101", "Northfield safeguarding team 1", "safeguarding", "Northfield hub", "South"],
        ["T102", "South ASTI team 1", "assessment", "South area-wide services", "South"],
    ],
    "staff.csv": [
        [
            "S0001",
            "Amina Patel",
            "social_worker",
            "permanent",
            "1",
            "T101",
            "2024-09-02",
            "",
            "",
            "2024-09-02",
            "2024-09-20",
            "",
        ],
        [
            "S0002",
            "Daniel Hughes",
            "team_manager",
            "permanent",
            "1",
            "T101",
            "15/01/2019",
            "",
            "",
            "",
            "2019-02-01",
            "2025-03-14",
        ],
    ],
    "supervision_sessions.csv": [
        ["SS0001", "S0001", "S0002", "2025-09-05", "held", "90", "yes", "yes"],
        ["SS0002", "S0001", "S0002", "2025-09-12", "cancelled", "", "", ""],
    ],
    "caseloads.csv": [
        ["S0001", "2025-09-30", "14"],
        ["S0002", "2025-09-30", "0"],
    ],
    "vacancies.csv": [
        ["T101", "2025-09-30", "1.5"],
        ["T102", "2025-09-30", "0"],
    ],
    "supervision_audits.csv": [
        ["A0001", "S0001", "2025-09-25", "good"],
        ["A0002", "S0001", "2025-06-20", "requires improvement"],
    ],
    "appraisals.csv": [
        ["AP0001", "S0002", "2025-04-10"],
        ["AP0002", "S0002", "2024-04-15"],
    ],
    "staff_survey.csv": [
        ["2025-06-30", "", "My supervision helps me reflect on my practice", "412", "301"],
        ["2025-06-30", "T101", "My supervision helps me reflect on my practice", "14", "11"],
    ],
}


def template_csv(file_name: str) -> bytes:
    """The template for one import file, as UTF-8 CSV bytes."""
    spec = next(spec for spec in FILE_SPECS if spec.name == file_name)
    return csv_bytes([column.name for column in spec.columns], EXAMPLE_ROWS[file_name])


def all_templates() -> dict[str, bytes]:
    return {spec.name: template_csv(spec.name) for spec in FILE_SPECS}
