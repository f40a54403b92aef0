"""The import files: their columns, how each value is parsed, their keys and references, and
how a table is recognised as one of them (see docs/data-format.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

from sqlmodel import SQLModel

from data_access.core.models import (
    AGENCY_ROLE_CATEGORIES,
    AUDIT_GRADES,
    COOLING_OFF_EXCEPTIONS,
    COVER_REASONS,
    EMPLOYMENT_TYPES,
    ROLES,
    SESSION_STATUSES,
    AgencyAssignment,
    AgencyPriceCap,
    Appraisal,
    Area,
    CaseloadSnapshot,
    Hub,
    Staff,
    StaffSurveyResult,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
    table_of,
)
from data_access.indicators.policy import TEAM_TYPES
from data_access.ingest.parsing import (
    Parser,
    category,
    decimal_range,
    money,
    parse_bool,
    parse_date,
    parse_la_code,
    parse_swe_number,
    parse_text,
    whole_number_range,
)
from data_access.ingest.reading import Table


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    parse: Parser = parse_text
    #: The header must have this column.
    in_header: bool = True
    #: Every row must have a value (a row-level rule may still relax this).
    value_required: bool = True
    #: The longest text the database holds, when the column is not the model's own (see
    #: `FileSpec.max_lengths`).
    max_length: int | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[SQLModel]
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    #: The date column that says which period a file covers (None for teams.csv).
    period: str | None = None
    #: Whether any metric reads the file's rows (a change then refreshes the stored parts).
    in_metrics: bool = True

    def column(self, name: str) -> ColumnSpec:
        return next(column for column in self.columns if column.name == name)

    @cached_property
    def max_lengths(self) -> dict[str, int]:
        """Column -> the most characters a value may have: the length of the model's column
        of that name (`max_length` on its Field), so that a value too long for the database
        is refused at validation with its file, line and column, on SQLite as on PostgreSQL."""
        table = table_of(self.model)
        lengths = {}
        for column in self.columns:
            stored = table.c.get(column.name)
            length = column.max_length or getattr(getattr(stored, "type", None), "length", None)
            if length:
                lengths[column.name] = length
        return lengths


def _length(model: type[SQLModel], column: str) -> int | None:
    """The most characters the model's column `column` holds."""
    return getattr(table_of(model).c[column].type, "length", None)


def _optional(name: str, parse: Parser = parse_date) -> ColumnSpec:
    return ColumnSpec(name, parse, in_header=False, value_required=False)


TEAMS = FileSpec(
    "teams.csv",
    Team,
    (
        ColumnSpec("team_id"),
        ColumnSpec("team_name"),
        ColumnSpec("team_type", category(TEAM_TYPES)),
        ColumnSpec("hub", max_length=_length(Hub, "name")),
        ColumnSpec("area", max_length=_length(Area, "name")),
    ),
    ("team_id",),
)

STAFF = FileSpec(
    "staff.csv",
    Staff,
    (
        ColumnSpec("staff_id"),
        ColumnSpec("display_name"),
        ColumnSpec("role", category(ROLES)),
        ColumnSpec("employment_type", category(EMPLOYMENT_TYPES)),
        ColumnSpec("fte", decimal_range(0, 1, low_inclusive=False)),
        ColumnSpec("team_id"),
        ColumnSpec("start_date", parse_date),
        _optional("end_date"),
        _optional("leaving_reason", parse_text),
        _optional("asye_start_date"),
        _optional("supervision_agreement_date"),
        _optional("supervision_training_date"),
    ),
    ("staff_id",),
    "start_date",
)

SESSIONS = FileSpec(
    "supervision_sessions.csv",
    SupervisionSession,
    (
        ColumnSpec("session_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("supervisor_id"),
        ColumnSpec("session_date", parse_date),
        ColumnSpec("status", category(SESSION_STATUSES)),
        # Blank is allowed only on a cancelled session: see _check_session.
        ColumnSpec("duration_minutes", whole_number_range(1, 600), value_required=False),
        ColumnSpec("reflective", parse_bool, value_required=False),
        ColumnSpec("childs_views_recorded", parse_bool, value_required=False),
    ),
    ("session_id",),
    "session_date",
)

CASELOADS = FileSpec(
    "caseloads.csv",
    CaseloadSnapshot,
    (
        ColumnSpec("staff_id"),
        ColumnSpec("snapshot_date", parse_date),
        ColumnSpec("open_cases", whole_number_range(0, 200)),
    ),
    ("staff_id", "snapshot_date"),
    "snapshot_date",
)

VACANCIES = FileSpec(
    "vacancies.csv",
    Vacancy,
    (
        ColumnSpec("team_id"),
        ColumnSpec("as_at", parse_date),
        ColumnSpec("vacant_fte", decimal_range(0, 100)),
    ),
    ("team_id", "as_at"),
    "as_at",
)

AUDITS = FileSpec(
    "supervision_audits.csv",
    SupervisionAudit,
    (
        ColumnSpec("audit_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("audit_date", parse_date),
        ColumnSpec("grade", category(AUDIT_GRADES)),
    ),
    ("audit_id",),
    "audit_date",
)

APPRAISALS = FileSpec(
    "appraisals.csv",
    Appraisal,
    (
        ColumnSpec("appraisal_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("appraisal_date", parse_date),
    ),
    ("appraisal_id",),
    "appraisal_date",
)

STAFF_SURVEY = FileSpec(
    "staff_survey.csv",
    StaffSurveyResult,
    (
        ColumnSpec("survey_date", parse_date),
        # Blank: the organisation's own figure (see _check_survey and importer.table_records).
        ColumnSpec("team_id", value_required=False),
        ColumnSpec("question"),
        ColumnSpec("responses", whole_number_range(1, 1_000_000)),
        ColumnSpec("agree", whole_number_range(0, 1_000_000)),
    ),
    ("survey_date", "team_id", "question"),
    "survey_date",
    in_metrics=False,
)

#: The most an hour of agency work may be recorded at, in pounds: far above any rate.
MAX_HOURLY_POUNDS = 1_000.0

AGENCY_ASSIGNMENTS = FileSpec(
    "agency_assignments.csv",
    AgencyAssignment,
    (
        ColumnSpec("assignment_id"),
        ColumnSpec("staff_id"),
        ColumnSpec("agency"),
        ColumnSpec("role_category", category(AGENCY_ROLE_CATEGORIES)),
        ColumnSpec("swe_number", parse_swe_number),
        ColumnSpec("start_date", parse_date),
        _optional("end_date"),
        ColumnSpec("hours_per_week", decimal_range(0, 60, low_inclusive=False)),
        ColumnSpec("hourly_pay_rate", money(MAX_HOURLY_POUNDS)),
        ColumnSpec("hourly_capped_cost", money(MAX_HOURLY_POUNDS)),
        # Not below the capped cost: see _check_assignment.
        ColumnSpec("hourly_charge_rate", money(MAX_HOURLY_POUNDS)),
        ColumnSpec("project_team", parse_bool),
        ColumnSpec("cover_reason", category(COVER_REASONS)),
        _optional("pqe_years", decimal_range(0, 60)),
        _optional("last_permanent_la_code", parse_la_code),
        _optional("last_permanent_end_date"),
        _optional("cooling_off_exception", category(COOLING_OFF_EXCEPTIONS)),
        _optional("references_received", whole_number_range(0, 20)),
        _optional("notice_weeks", whole_number_range(0, 52)),
        _optional("cap_breach_dcs_signoff_date"),
        _optional("cap_breach_ceo_signoff_date"),
    ),
    ("assignment_id",),
    "start_date",
    in_metrics=False,
)

AGENCY_PRICE_CAPS = FileSpec(
    "agency_price_caps.csv",
    AgencyPriceCap,
    (
        ColumnSpec("role_category", category(AGENCY_ROLE_CATEGORIES)),
        ColumnSpec("effective_from", parse_date),
        ColumnSpec("hourly_cap", money(MAX_HOURLY_POUNDS)),
    ),
    ("role_category", "effective_from"),
    "effective_from",
    in_metrics=False,
)

#: In load order: every file refers only to files before it.

FILE_SPECS: tuple[FileSpec, ...] = (
    TEAMS,
    STAFF,
    SESSIONS,
    CASELOADS,
    VACANCIES,
    AUDITS,
    APPRAISALS,
    STAFF_SURVEY,
    AGENCY_PRICE_CAPS,
    AGENCY_ASSIGNMENTS,
)

SPECS_BY_NAME = {spec.name: spec for spec in FILE_SPECS}

#: (file, column) -> the file whose key it refers to.

REFERENCES: dict[tuple[str, str], FileSpec] = {
    ("staff.csv", "team_id"): TEAMS,
    ("supervision_sessions.csv", "staff_id"): STAFF,
    ("supervision_sessions.csv", "supervisor_id"): STAFF,
    ("caseloads.csv", "staff_id"): STAFF,
    ("vacancies.csv", "team_id"): TEAMS,
    ("supervision_audits.csv", "staff_id"): STAFF,
    ("appraisals.csv", "staff_id"): STAFF,
    ("staff_survey.csv", "team_id"): TEAMS,
    ("agency_assignments.csv", "staff_id"): STAFF,
}


def recognise(table: Table) -> FileSpec | None:
    """Which import file a table is: by its (file or sheet) name, else by its header."""
    stem = PurePath(table.name.split(": ")[-1]).stem.strip().lower().replace(" ", "_")
    for spec in FILE_SPECS:
        if stem == PurePath(spec.name).stem:
            return spec
    if not table.records:
        return None
    header = {cell.strip().lower() for cell in table.records[0][1]}
    matches = [
        spec
        for spec in FILE_SPECS
        if {column.name for column in spec.columns if column.in_header} <= header
    ]
    # The most specific match: staff.csv's header also holds everything caseloads.csv needs
    # only if it carries snapshot_date, so the largest required set wins.
    matches.sort(key=lambda spec: -sum(column.in_header for column in spec.columns))
    return matches[0] if matches else None
