"""The tables. Column meanings follow the import format in `docs/data-format.md`.

Areas and hubs are named in `teams.csv` and get surrogate integer keys; every other table is
keyed by the ids the council's own systems use, stored as text whatever they look like.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlmodel import Field, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a table model (SQLModel sets `__table__` on each table class
    but does not declare it to type checkers)."""
    table = getattr(model, "__table__")  # noqa: B009 - not declared on SQLModel's type
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


ROLES = (
    "social_worker",
    "senior_practitioner",
    "advanced_practitioner",
    "team_manager",
    "service_manager",
)
EMPLOYMENT_TYPES = ("permanent", "agency")
SESSION_STATUSES = ("held", "cancelled")
AUDIT_GRADES = ("outstanding", "good", "requires_improvement", "inadequate")


class Area(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class Hub(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    area_id: int = Field(foreign_key="area.id", index=True)


class Team(SQLModel, table=True):
    team_id: str = Field(primary_key=True, max_length=100)
    team_name: str = Field(max_length=200)
    team_type: str = Field(max_length=40)
    hub_id: int = Field(foreign_key="hub.id", index=True)


class Staff(SQLModel, table=True):
    __table_args__ = (Index("ix_staff_team_role", "team_id", "role"),)

    staff_id: str = Field(primary_key=True, max_length=100)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=40)
    employment_type: str = Field(max_length=20)
    fte: float
    team_id: str = Field(foreign_key="team.team_id", max_length=100)
    start_date: date
    end_date: date | None = Field(default=None, index=True)
    leaving_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    asye_start_date: date | None = None
    supervision_agreement_date: date | None = None
    supervision_training_date: date | None = None
    # Derived from asye_start_date at import, so that SQL needs no date arithmetic (which
    # differs between SQLite and PostgreSQL): the weekly phase runs to +42 days, the
    # fortnightly phase to +6 months, the ASYE itself to +12 months (all exclusive).
    asye_weekly_until: date | None = None
    asye_fortnightly_until: date | None = None
    asye_end_date: date | None = None
    # Derived from start_date at import, likewise: the agreement is due by start + 3 months and
    # a team manager's supervision training by start + 6 months (both inclusive).
    agreement_due_date: date | None = None
    training_due_date: date | None = None


class SupervisionSession(SQLModel, table=True):
    __tablename__ = "supervision_session"
    __table_args__ = (
        Index("ix_session_staff_status_date", "staff_id", "status", "session_date"),
        Index("ix_session_date", "session_date"),
    )

    session_id: str = Field(primary_key=True, max_length=100)
    staff_id: str = Field(foreign_key="staff.staff_id", max_length=100)
    supervisor_id: str = Field(foreign_key="staff.staff_id", max_length=100)
    session_date: date
    status: str = Field(max_length=20)
    duration_minutes: int | None = None
    # Blank on a cancelled session: nothing was discussed, so neither flag is known.
    reflective: bool | None = None
    childs_views_recorded: bool | None = None


class CaseloadSnapshot(SQLModel, table=True):
    __tablename__ = "caseload_snapshot"
    __table_args__ = (Index("ix_caseload_snapshot_date", "snapshot_date"),)

    staff_id: str = Field(foreign_key="staff.staff_id", primary_key=True, max_length=100)
    snapshot_date: date = Field(primary_key=True)
    open_cases: int


class Vacancy(SQLModel, table=True):
    # Indexed on its own (the key leads with the team) for the earliest and latest dates,
    # which every page's header reads: a scan of a row a team a month otherwise.
    __table_args__ = (Index("ix_vacancy_as_at", "as_at"),)

    team_id: str = Field(foreign_key="team.team_id", primary_key=True, max_length=100)
    as_at: date = Field(primary_key=True)
    vacant_fte: float


class SupervisionAudit(SQLModel, table=True):
    __tablename__ = "supervision_audit"
    __table_args__ = (
        Index("ix_audit_staff_date", "staff_id", "audit_date"),
        # The audits of a period by grade, read from the index alone (the grades by quarter
        # for the whole organisation looked up every audit's row: 100 -> 35 ms at national
        # size).
        Index("ix_audit_date_staff_grade", "audit_date", "staff_id", "grade"),
    )

    audit_id: str = Field(primary_key=True, max_length=100)
    staff_id: str = Field(foreign_key="staff.staff_id", max_length=100)
    audit_date: date
    grade: str = Field(max_length=30)


class Appraisal(SQLModel, table=True):
    """An annual appraisal held with a worker (Coventry's scrutiny recommendation 8)."""

    __table_args__ = (Index("ix_appraisal_staff_date", "staff_id", "appraisal_date"),)

    appraisal_id: str = Field(primary_key=True, max_length=100)
    staff_id: str = Field(foreign_key="staff.staff_id", max_length=100)
    appraisal_date: date = Field(index=True)


#: DfE's five role categories for a post an agency worker may cover ("Child and family social
#: workers: agency rules", 2024).
AGENCY_ROLE_CATEGORIES = (
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "team_manager",
    "iro_conference_chair",
)
COVER_REASONS = ("vacancy", "absence", "additional_capacity", "project")
#: The exceptions to the rule against returning through an agency within 3 months.
COOLING_OFF_EXCEPTIONS = ("redundancy", "left_in_probation")


class AgencyAssignment(SQLModel, table=True):
    """One agency worker's assignment: who (an agency worker's staff row, which gives the team
    and hub), through which agency, in which role category, when, at what rates, and the
    evidence the agency rules ask for (blank where not recorded). Money is pounds an hour."""

    __tablename__ = "agency_assignment"
    __table_args__ = (Index("ix_agency_assignment_staff", "staff_id"),)

    assignment_id: str = Field(primary_key=True, max_length=100)
    staff_id: str = Field(foreign_key="staff.staff_id", max_length=100)
    agency: str = Field(max_length=200)
    role_category: str = Field(max_length=40)
    swe_number: str = Field(max_length=20)
    start_date: date = Field(index=True)
    end_date: date | None = None
    hours_per_week: float
    hourly_pay_rate: float
    hourly_capped_cost: float
    hourly_charge_rate: float
    project_team: bool
    cover_reason: str = Field(max_length=40)
    pqe_years: float | None = None
    last_permanent_la_code: str | None = Field(default=None, max_length=10)
    last_permanent_end_date: date | None = None
    cooling_off_exception: str | None = Field(default=None, max_length=40)
    references_received: int | None = None
    notice_weeks: int | None = None
    cap_breach_dcs_signoff_date: date | None = None
    cap_breach_ceo_signoff_date: date | None = None


class AgencyPriceCap(SQLModel, table=True):
    """The regional price cap for a role category from a date: the most the worker's hourly
    pay rate, employer's National Insurance and apprenticeship levy together may cost."""

    __tablename__ = "agency_price_cap"

    role_category: str = Field(primary_key=True, max_length=40)
    effective_from: date = Field(primary_key=True)
    hourly_cap: float


class StaffSurveyResult(SQLModel, table=True):
    """How many staff answered one question of a staff survey, and how many agreed: for one
    team, or for the whole organisation (`team_id` empty). Only counts are kept, never a
    person's answers."""

    __tablename__ = "staff_survey_result"
    __table_args__ = (
        # Each survey's and question's sum over the teams, read from the index alone and in
        # its order (the whole organisation's trend without its own row summed every team's
        # rows from the table: 200 -> 50 ms at national size).
        Index(
            "ix_survey_question_counts", "survey_date", "question", "team_id", "responses", "agree"
        ),
    )

    survey_date: date = Field(primary_key=True)
    #: Empty for the organisation's own figure; otherwise a team in `teams.csv` (checked at
    #: import, so no foreign key: the empty value names no team).
    team_id: str = Field(primary_key=True, max_length=100, default="")
    question: str = Field(primary_key=True, max_length=300)
    responses: int
    agree: int


class ImportLog(SQLModel, table=True):
    """One row per import attempt: when, which files, how much, by whom, and the outcome."""

    __tablename__ = "import_log"

    id: int | None = Field(default=None, primary_key=True)
    imported_at: datetime = Field(index=True)
    source: str = Field(max_length=500)
    files: str = Field(sa_column=Column(Text, nullable=False))
    rows_added: int = 0
    rows_replaced: int = 0
    rows_unchanged: int = 0
    imported_by: str = Field(default="local user", max_length=200)
    #: "loaded", "refused" (with its problem count) or "failed" (an error stopped it).
    outcome: str = Field(default="loaded", max_length=20)
    problem_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    #: What was loaded: "organisation" (the council's own files), "benchmarks" (DfE's
    #: published files) or "census" (our census return).
    kind: str = Field(
        default="organisation", max_length=20, sa_column_kwargs={"server_default": "organisation"}
    )


# --- Published national benchmarks (DfE children's social work workforce statistics) ---


class BenchmarkSource(SQLModel, table=True):
    """The benchmark load in use (one row: each load replaces the previous one)."""

    __tablename__ = "benchmark_source"

    id: int | None = Field(default=None, primary_key=True)
    loaded_at: datetime
    loaded_by: str = Field(default="local user", max_length=200)
    indicators_file: str = Field(max_length=500)
    neighbours_file: str | None = Field(default=None, max_length=500)
    first_year: int
    last_year: int


class BenchmarkRow(SQLModel, table=True):
    """One row of the published indicators file: England, a region or an authority in a year.

    `la_code` is the old LA code as published, which for a joint return holds every member's
    code (for example "314 / 318").
    """

    __tablename__ = "benchmark_row"
    __table_args__ = (Index("ix_benchmark_row_year_level", "year", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    level: str = Field(max_length=20)
    region_code: str | None = Field(default=None, max_length=20)
    region_name: str | None = Field(default=None, max_length=100)
    la_code: str | None = Field(default=None, max_length=60)
    new_la_code: str | None = Field(default=None, max_length=100)
    la_name: str | None = Field(default=None, max_length=300)


class BenchmarkValue(SQLModel, table=True):
    """One published figure: a number, or a suppression code (never both)."""

    __tablename__ = "benchmark_value"
    __table_args__ = (Index("ix_benchmark_value_indicator", "indicator", "row_id"),)

    row_id: int = Field(foreign_key="benchmark_row.id", primary_key=True)
    indicator: str = Field(primary_key=True, max_length=40)
    value: float | None = None
    #: c, k, low, u, x or z (see data_access.national.benchmarks.SUPPRESSION_CODES); None for
    #: a number.
    status: str | None = Field(default=None, max_length=4)


class BenchmarkAuthority(SQLModel, table=True):
    """Which published row holds an authority's figures in a year: its own row, or the joint
    return its code appears in (when it has no row of its own that year)."""

    __tablename__ = "benchmark_authority"

    year: int = Field(primary_key=True)
    la_code: str = Field(primary_key=True, max_length=10)
    la_name: str = Field(max_length=200)
    row_id: int = Field(foreign_key="benchmark_row.id", index=True)


class StatisticalNeighbour(SQLModel, table=True):
    """The DfE statistical neighbour model: an authority's 10 closest authorities, in order."""

    __tablename__ = "statistical_neighbour"

    la_code: str = Field(primary_key=True, max_length=10)
    position: int = Field(primary_key=True)
    neighbour_code: str = Field(max_length=10)
    closeness: str | None = Field(default=None, max_length=40)


class Setting(SQLModel, table=True):
    """Settings chosen in the dashboard and remembered for everyone (for example which
    authority "we" are on the Benchmarks page)."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=500)


class StoredRule(SQLModel, table=True):
    """A rule the stored values (the parts in `team_month_parts`, the staff rows' derived
    dates) were derived under, with its value then; written only by
    data_access/indicators/stored_parts.py, which rebuilds them when the code's rules differ."""

    __tablename__ = "stored_rule"

    name: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_column=Column(Text, nullable=False))


class CensusFigures(SQLModel):
    """The figures DfE publishes, computed from one CSWW census return (XML) before
    submission: names as in the published indicators file, so the two sit side by side. The
    one declaration of these figures; `CensusReturn` stores them."""

    la_code: str = Field(max_length=10)
    year: int
    reference_date: date
    worker_records: int
    inpost_fte: float
    inpost_headcount: int
    starters_fte: float
    starters_headcount: int
    leavers_fte: float
    leavers_headcount: int
    turnover_rate_fte: float | None = None
    agency_fte: float
    agency_headcount: int
    agency_rate_fte: float | None = None
    vacancy_fte: float | None = None
    vacancy_rate_fte: float | None = None
    case_holders_fte: float
    cases: int
    caseload_fte: float | None = None
    working_days_lost_fte: float | None = None
    absence_rate_fte: float | None = None
    #: The layout the return was read with ("2021 to 2023", "2024", "2025").
    layout: str | None = Field(default=None, max_length=20)
    #: From the 2025 layout on: pay of the employed social workers in post with an FTE above
    #: 0 (how many have a BaseSalary, its mean and median to the pound, and the share of
    #: those with RRPayments recorded who receive any).
    salaried_workers: int | None = None
    base_salary_mean: float | None = None
    base_salary_median: float | None = None
    rr_payments_share: float | None = None
    #: From the 2025 layout on: each LA-level allowance, 0 not offered, 1 offered to all
    #: employed social workers, 2 to some (data_access/national/census.py, ALLOWANCES).
    allowance_recruitment_bonus: int | None = None
    allowance_retention_bonus: int | None = None
    allowance_performance_award: int | None = None
    allowance_car: int | None = None
    allowance_relocation: int | None = None
    allowance_regional_weighting: int | None = None
    allowance_swe_fee: int | None = None
    allowance_dbs_check: int | None = None
    other_allowances: str | None = Field(default=None, max_length=1000)

    def as_json(self) -> dict:
        return self.model_dump(mode="json")


class CensusReturn(CensusFigures, table=True):
    """A census return's figures as stored, one per authority and year, with where and when
    they came from. Only the aggregate figures are kept, never the worker records."""

    __tablename__ = "census_return"

    la_code: str = Field(primary_key=True, max_length=10)
    year: int = Field(primary_key=True)
    file_name: str = Field(max_length=500)
    loaded_at: datetime
    loaded_by: str = Field(default="local user", max_length=200)


# --- Sign-in and access (see data_access/access/grants.py) ---


class AppUser(SQLModel, table=True):
    """Someone allowed to sign in: their e-mail (as the identity provider gives it, lower
    case) and their role. What they may see by name is in `UserGrant`."""

    __tablename__ = "app_user"

    email: str = Field(primary_key=True, max_length=320)
    role: str = Field(max_length=20)
    added_at: datetime
    added_by: str = Field(max_length=320)
    #: The identity provider's immutable id for this person (issuer and subject, or for
    #: Microsoft Entra ID its tenant and object ids), bound at their first sign-in: a renamed
    #: or re-used e-mail address cannot inherit the access. None until they first sign in.
    subject: str | None = Field(default=None, max_length=500, unique=True)
    #: Sign-ins issued at or before this moment are void (Sign out, or an administrator's
    #: "sign out everywhere").
    signed_out_at: datetime | None = None


class UserGrant(SQLModel, table=True):
    """A part of the organisation whose workers a user may see by name: the whole
    organisation, an area, a hub (by name) or a team (by team_id). Held by name rather than by
    key so that a hub or area grant covers teams added to it later."""

    __tablename__ = "user_grant"

    email: str = Field(foreign_key="app_user.email", primary_key=True, max_length=320)
    kind: str = Field(primary_key=True, max_length=20)
    name: str = Field(primary_key=True, max_length=200)


class AccessLog(SQLModel, table=True):
    """Who saw or downloaded worker names, and who changed anything (imports, settings,
    users): one row per event, never updated or deleted by the dashboard."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user_email: str = Field(max_length=320, index=True)
    action: str = Field(max_length=40)
    scope: str = Field(max_length=500)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))


class BoardCommentary(SQLModel, table=True):
    """A section's commentary for the improvement board, for one month and scope. Never
    updated: a new version is a new row, so earlier wording and months are kept."""

    __tablename__ = "board_commentary"
    __table_args__ = (Index("ix_board_commentary_month_scope", "month", "scope_key"),)

    id: int | None = Field(default=None, primary_key=True)
    month: date
    #: "organisation", "area:NAME" or "hub:NAME".
    scope_key: str = Field(max_length=220)
    section: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author: str = Field(max_length=320)
    written_at: datetime


#: The additive parts every metric is a ratio of (see data_access/indicators/grid.py), one
#: column each in `team_month_parts`.
PART_NAMES = (
    "headcount",
    "permanent_fte",
    "agency_fte",
    "permanent_count",
    "permanent_stayed",
    "eligible",
    "in_date",
    "agreed",
    "managers",
    "trained",
    "leavers_fte",
    "vacant_fte",
    "holders",
    "cases",
    "holders_fte",
    "over",
    "held",
    "reflective",
    "views",
    "audits",
    "good",
    "timed_sessions",
    "long_sessions",
    "appraisal_due",
    "appraised",
    "new_managers",
    "new_managers_trained",
    "agreement_due",
    "agreed_in_time",
)

#: Every metric's parts for each team at each month end, kept by every import in its own
#: transaction (data_access/indicators/stored_parts.py), so that any scope's figures at any
#: month end are sums. Derived data: it can always be rebuilt from the tables above.
team_month_parts = Table(
    "team_month_parts",
    SQLModel.metadata,
    Column("month_end", Date, primary_key=True),
    Column("team_id", String(100), ForeignKey("team.team_id"), primary_key=True),
    *(Column(name, Float, nullable=False) for name in PART_NAMES),
)

#: The same parts summed per hub (from `team_month_parts`, in the same transaction): a trend
#: for the organisation or an area sums a few hundred rows a month rather than thousands.
hub_month_parts = Table(
    "hub_month_parts",
    SQLModel.metadata,
    Column("month_end", Date, primary_key=True),
    Column("hub_id", Integer, ForeignKey("hub.id"), primary_key=True),
    *(Column(name, Float, nullable=False) for name in PART_NAMES),
)


@dataclass(frozen=True)
class DatedRecords:
    """A table of dated records: what says how far the organisation's data runs (the Overview's
    "latest record", the range of month ends stored, the Data page's latest dates)."""

    model: type[SQLModel]
    #: The column holding each record's date.
    date_column: str
    #: What a person calls them ("Caseload snapshots").
    label: str
    #: The column linking a record to its team: "team_id" on the row itself, else "staff_id".
    via: str = "staff_id"

    def date(self) -> Any:
        return getattr(self.model, self.date_column)


#: Every table of dated records, once (the staff survey is yearly and is left out: a survey
#: alone does not make the data current).
DATED_RECORDS: tuple[DatedRecords, ...] = (
    DatedRecords(CaseloadSnapshot, "snapshot_date", "Caseload snapshots"),
    DatedRecords(Vacancy, "as_at", "Vacancies", via="team_id"),
    DatedRecords(SupervisionSession, "session_date", "Supervision sessions"),
    DatedRecords(SupervisionAudit, "audit_date", "Supervision audits"),
    DatedRecords(Appraisal, "appraisal_date", "Appraisals"),
)
