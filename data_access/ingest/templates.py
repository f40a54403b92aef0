"""Template files for the import: each file's header and two example rows.

The rows name their columns (a blank is left out), so the columns and their order come from
the file's specification (data_access/ingest/specs.py) alone.

The examples together form a valid import (a test checks it), so a performance officer can
start from them with confidence.
"""

from __future__ import annotations

from data_access.ingest.reading import csv_bytes
from data_access.ingest.specs import FILE_SPECS

EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "teams.csv": [
        {
            "team_id": "T101",
            "team_name": "Northfield safeguarding team 1",
            "team_type": "safeguarding",
            "hub": "Northfield hub",
            "area": "South",
        },
        {
            "team_id": "T102",
            "team_name": "South ASTI team 1",
            "team_type": "assessment",
            "hub": "South area-wide services",
            "area": "South",
        },
    ],
    "staff.csv": [
        {
            "staff_id": "S0001",
            "display_name": "Amina Patel",
            "role": "social_worker",
            "employment_type": "permanent",
            "fte": "1",
            "team_id": "T101",
            "start_date": "2024-09-02",
            "asye_start_date": "2024-09-02",
            "supervision_agreement_date": "2024-09-20",
        },
        {
            "staff_id": "S0002",
            "display_name": "Daniel Hughes",
            "role": "team_manager",
            "employment_type": "permanent",
            "fte": "1",
            "team_id": "T101",
            "start_date": "15/01/2019",
            "supervision_agreement_date": "2019-02-01",
            "supervision_training_date": "2025-03-14",
        },
        {
            "staff_id": "S0003",
            "display_name": "Grace Okafor",
            "role": "social_worker",
            "employment_type": "agency",
            "fte": "1",
            "team_id": "T101",
            "start_date": "2025-04-07",
        },
    ],
    "supervision_sessions.csv": [
        {
            "session_id": "SS0001",
            "staff_id": "S0001",
            "supervisor_id": "S0002",
            "session_date": "2025-09-05",
            "status": "held",
            "duration_minutes": "90",
            "reflective": "yes",
            "childs_views_recorded": "yes",
        },
        {
            "session_id": "SS0002",
            "staff_id": "S0001",
            "supervisor_id": "S0002",
            "session_date": "2025-09-12",
            "status": "cancelled",
        },
    ],
    "caseloads.csv": [
        {"staff_id": "S0001", "snapshot_date": "2025-09-30", "open_cases": "14"},
        {"staff_id": "S0002", "snapshot_date": "2025-09-30", "open_cases": "0"},
    ],
    "vacancies.csv": [
        {"team_id": "T101", "as_at": "2025-09-30", "vacant_fte": "1.5"},
        {"team_id": "T102", "as_at": "2025-09-30", "vacant_fte": "0"},
    ],
    "supervision_audits.csv": [
        {"audit_id": "A0001", "staff_id": "S0001", "audit_date": "2025-09-25", "grade": "good"},
        {
            "audit_id": "A0002",
            "staff_id": "S0001",
            "audit_date": "2025-06-20",
            "grade": "requires improvement",
        },
    ],
    "appraisals.csv": [
        {"appraisal_id": "AP0001", "staff_id": "S0002", "appraisal_date": "2025-04-10"},
        {"appraisal_id": "AP0002", "staff_id": "S0002", "appraisal_date": "2024-04-15"},
    ],
    "agency_price_caps.csv": [
        {"role_category": "social_worker", "effective_from": "2025-04-01", "hourly_cap": "42.50"},
        {"role_category": "team_manager", "effective_from": "2025-04-01", "hourly_cap": "55.00"},
    ],
    "agency_assignments.csv": [
        {
            "assignment_id": "AA0001",
            "staff_id": "S0003",
            "agency": "Northern Social Care Recruitment Ltd",
            "role_category": "social_worker",
            "swe_number": "SW104233",
            "start_date": "2025-04-07",
            "end_date": "",
            "hours_per_week": "37",
            "hourly_pay_rate": "34.00",
            "hourly_capped_cost": "38.95",
            "hourly_charge_rate": "46.20",
            "project_team": "no",
            "cover_reason": "vacancy",
            "pqe_years": "6",
            "last_permanent_la_code": "331",
            "last_permanent_end_date": "2024-10-31",
            "references_received": "2",
            "notice_weeks": "4",
        },
        {
            "assignment_id": "AA0002",
            "staff_id": "S0003",
            "agency": "Northern Social Care Recruitment Ltd",
            "role_category": "senior_social_worker",
            "swe_number": "SW104233",
            "start_date": "2025-10-06",
            "end_date": "2026-03-31",
            "hours_per_week": "30",
            "hourly_pay_rate": "38.00",
            "hourly_capped_cost": "43.60",
            "hourly_charge_rate": "51.75",
            "project_team": "yes",
            "cover_reason": "project",
            "pqe_years": "6",
            "references_received": "2",
            "notice_weeks": "4",
            "cap_breach_dcs_signoff_date": "2025-09-29",
            "cap_breach_ceo_signoff_date": "2025-10-01",
        },
    ],
    "staff_survey.csv": [
        {
            "survey_date": "2025-06-30",
            "question": "My supervision helps me reflect on my practice",
            "responses": "412",
            "agree": "301",
        },
        {
            "survey_date": "2025-06-30",
            "team_id": "T101",
            "question": "My supervision helps me reflect on my practice",
            "responses": "14",
            "agree": "11",
        },
    ],
}


def template_csv(file_name: str) -> bytes:
    """The template for one import file, as UTF-8 CSV bytes."""
    spec = next(spec for spec in FILE_SPECS if spec.name == file_name)
    columns = [column.name for column in spec.columns]
    rows = [[row.get(column, "") for column in columns] for row in EXAMPLE_ROWS[file_name]]
    return csv_bytes(columns, rows)


def all_templates() -> dict[str, bytes]:
    return {spec.name: template_csv(spec.name) for spec in FILE_SPECS}
