"""The workforce metrics, each declared once.

A metric is a declaration (`Metric`): its name, label and unit; a numerator and a denominator
made of **parts**; whether lower or higher is better and its default target; one sentence in
plain words; and its exact definition. A part (`Part`) is one measure (a count of rows, or a
sum of a column) over one **fact** (`Fact`: the rows of a recorded table that a month end D
looks at, such as the workers in post at D or the held sessions in the 3 months to D), with a
filter. Nothing else defines a metric: the engine in data_access/indicators/grid.py turns the
parts into SQL (one statement per fact, for one date, a trend of any length or a table of any
number of units), every import stores the parts per team and month end, a scope's figure is
its teams' summed parts combined by `Metric.value`, and the metric sections of
docs/metrics.md are written from these declarations (`python -m data_access write-docs`).

Common terms, for every metric "as at" a date D over a `Scope`:

- A worker belongs to the scope of their `team_id`.
- A worker is *in post at D* when `start_date <= D` and (`end_date` is empty or `end_date > D`).
- "D minus N months" is calendar arithmetic (2025-03-31 minus 1 month = 2025-02-28).
- Percentages are 0-100, results are rounded to one decimal place (halves away from zero),
  and a metric whose denominator is zero is null.

The independent check is by hand: tests/support/hand_worked.py holds every metric's value worked
out on paper for a small organisation (tests/data_access/indicators/test_metrics.py compares),
and shares no code with the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, exists, or_
from sqlmodel import col

from data_access.core.dates import add_months
from data_access.core.models import (
    Appraisal,
    CaseloadSnapshot,
    Staff,
    SupervisionAudit,
    SupervisionSession,
    Team,
    Vacancy,
    table_of,
)
from data_access.indicators.conditions import (
    agency,
    caseload_limit,
    cutoff_by_phase,
    eligible_for_supervision,
    in_post,
    permanent,
    team_manager,
)
from data_access.indicators.policy import (
    AGREEMENT_WITHIN_MONTHS,
    APPRAISAL_INTERVAL_MONTHS,
    ASYE_FORTNIGHTLY_MONTHS,
    ASYE_MONTHS,
    ASYE_WEEKLY_DAYS,
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    NEW_MANAGER_TRAINING_MONTHS,
    SUPERVISION_STANDARD_MINUTES,
    WEEKLY_INTERVAL_DAYS,
    Direction,
    Policy,
    Target,
)

MetricValue = float | int | None
Unit = Literal["count", "fte", "%", "cases"]
#: The columns of the engine's dates table (one row per date D), as the declarations see them.
Dates = Any


#: How close to a half (in tenths) a value must be for `round_one_decimal` to decide it in
#: decimal arithmetic; farther from one, rounding to the nearest tenth cannot be in doubt.
_NEAR_HALF = 1e-6


def round_one_decimal(value: float) -> float:
    """Round to one decimal place, halves away from zero, ignoring binary float noise (the
    value is read to nine decimals first, so 1.15, held as 1.149999..., rounds to 1.2).

    Most values are nowhere near a half and are rounded to the nearest tenth directly; only
    those within `_NEAR_HALF` of one go through `Decimal` (3 microseconds a value, 0.07 s of a
    table of every team at national size)."""
    tenths = value * 10
    if abs(tenths - math.floor(tenths) - 0.5) > _NEAR_HALF:
        return round(tenths) / 10
    return float(Decimal(f"{value:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percentage(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator x 100 to one decimal place; None when the denominator is 0."""
    if not denominator:
        return None
    return round_one_decimal(100 * (numerator or 0) / denominator)


# --- the dates each D looks back to -------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A date computed from D (in Python: calendar arithmetic differs between databases), a
    column of the engine's dates table."""

    name: str
    text: str
    of: Callable[[date, Policy], date]


BOUNDS: tuple[Bound, ...] = (
    Bound("d", "D", lambda day, policy: day),
    Bound("d_year", "D - 12 months", lambda day, policy: add_months(day, -12)),
    Bound("d_quarter", "D - 3 months", lambda day, policy: add_months(day, -3)),
    Bound(
        "d_training",
        "D - the training window (24 months by default, a policy setting)",
        lambda day, policy: add_months(day, -policy.supervisor_training_window_months),
    ),
    Bound(
        "d_appraisal",
        f"D - {APPRAISAL_INTERVAL_MONTHS} months",
        lambda day, policy: add_months(day, -APPRAISAL_INTERVAL_MONTHS),
    ),
    Bound(
        "d_agreement",
        f"D - {AGREEMENT_WITHIN_MONTHS} months",
        lambda day, policy: add_months(day, -AGREEMENT_WITHIN_MONTHS),
    ),
    Bound(
        "d_new_manager",
        f"D - {NEW_MANAGER_TRAINING_MONTHS} months",
        lambda day, policy: add_months(day, -NEW_MANAGER_TRAINING_MONTHS),
    ),
    Bound(
        "d_weekly",
        f"D - {WEEKLY_INTERVAL_DAYS} days",
        lambda day, policy: day - timedelta(days=WEEKLY_INTERVAL_DAYS),
    ),
    Bound(
        "d_fortnightly",
        f"D - {FORTNIGHTLY_INTERVAL_DAYS} days",
        lambda day, policy: day - timedelta(days=FORTNIGHTLY_INTERVAL_DAYS),
    ),
    Bound(
        "d_monthly",
        f"D - {MONTHLY_INTERVAL_DAYS} days",
        lambda day, policy: day - timedelta(days=MONTHLY_INTERVAL_DAYS),
    ),
)
#: The dates table also has `snapshot`: S, the latest caseload snapshot_date <= D anywhere in
#: the data (the same S for every scope, so that every part of the organisation is compared on
#: the same snapshot).
SNAPSHOT_TEXT = "S, the latest caseload snapshot_date <= D anywhere in the data"


# --- facts: the rows a month end looks at ---------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """The rows of one recorded table that D looks at, each belonging to a team (`team`).
    `rows` adds the FROM and JOIN clauses to a query whose columns the engine chose."""

    name: str
    text: str
    team: Any
    rows: Callable[[Select[Any], Any], Select[Any]]


def _newer_vacancy_row(dates: Any) -> ColumnElement[bool]:
    later = table_of(Vacancy).alias("later")
    return exists().where(
        later.c.team_id == col(Vacancy.team_id),
        later.c.as_at > col(Vacancy.as_at),
        later.c.as_at <= dates.c.d,
    )


STAFF_IN_POST = Fact(
    "staff_in_post",
    "the workers in post at D (staff rows with start_date <= D and no end_date or one after D)",
    col(Staff.team_id),
    lambda query, dates: query.select_from(dates).join(Staff, in_post(dates.c.d)),
)
LEAVERS = Fact(
    "leavers",
    "the workers whose end_date is in (D - 12 months, D]",
    col(Staff.team_id),
    lambda query, dates: query.select_from(dates).join(
        Staff, and_(col(Staff.end_date) > dates.c.d_year, col(Staff.end_date) <= dates.c.d)
    ),
)
LATEST_VACANCIES = Fact(
    "latest_vacancies",
    "each team's latest vacancies row with as_at <= D (a team with none has no row)",
    col(Vacancy.team_id),
    lambda query, dates: (
        query.select_from(dates)
        .join(Vacancy, col(Vacancy.as_at) <= dates.c.d)
        .where(~_newer_vacancy_row(dates))
    ),
)
CASE_HOLDERS = Fact(
    "case_holders",
    f"the case holders at {SNAPSHOT_TEXT}: the caseload rows dated S with open_cases > 0",
    col(Staff.team_id),
    lambda query, dates: (
        query.select_from(dates)
        .join(
            CaseloadSnapshot,
            and_(
                col(CaseloadSnapshot.snapshot_date) == dates.c.snapshot,
                col(CaseloadSnapshot.open_cases) > 0,
            ),
        )
        .join(Staff, col(Staff.staff_id) == col(CaseloadSnapshot.staff_id))
        .join(Team, col(Team.team_id) == col(Staff.team_id))
    ),
)
RECENT_SESSIONS = Fact(
    "recent_sessions",
    "the held supervision sessions dated in (D - 3 months, D] (cancelled ones are not held)",
    col(Staff.team_id),
    lambda query, dates: (
        query.select_from(dates)
        .join(
            SupervisionSession,
            and_(
                col(SupervisionSession.status) == "held",
                col(SupervisionSession.session_date) > dates.c.d_quarter,
                col(SupervisionSession.session_date) <= dates.c.d,
            ),
        )
        .join(Staff, col(Staff.staff_id) == col(SupervisionSession.staff_id))
    ),
)
RECENT_AUDITS = Fact(
    "recent_audits",
    "the supervision audits dated in (D - 12 months, D]",
    col(Staff.team_id),
    lambda query, dates: (
        query.select_from(dates)
        .join(
            SupervisionAudit,
            and_(
                col(SupervisionAudit.audit_date) > dates.c.d_year,
                col(SupervisionAudit.audit_date) <= dates.c.d,
            ),
        )
        .join(Staff, col(Staff.staff_id) == col(SupervisionAudit.staff_id))
    ),
)
FACTS: tuple[Fact, ...] = (
    STAFF_IN_POST,
    LEAVERS,
    LATEST_VACANCIES,
    CASE_HOLDERS,
    RECENT_SESSIONS,
    RECENT_AUDITS,
)


# --- parts: measures over a fact ------------------------------------------------------------------

Condition = Callable[[Any, Policy], ColumnElement[bool]]


@dataclass(frozen=True)
class Part:
    """An additive measure over one fact: how many of its rows pass `where` (`sums` None), or
    the sum of the column `sums` over them; `where` None takes every row. `text` says the
    same in words, for the written definitions."""

    name: str
    fact: Fact
    text: str
    where: Condition | None = None
    sums: Any = None


def _in_date(dates: Any, policy: Policy) -> ColumnElement[bool]:
    """Eligible and in date: a held session in [cutoff, D] (so the latest held session on or
    before D is at most the interval before D), or a start fewer than the interval's days
    before D."""
    c = dates.c
    cutoff = cutoff_by_phase(c.d, c.d_weekly, c.d_fortnightly, c.d_monthly)
    supervised = exists().where(
        col(SupervisionSession.staff_id) == col(Staff.staff_id),
        col(SupervisionSession.status) == "held",
        col(SupervisionSession.session_date) >= cutoff,
        col(SupervisionSession.session_date) <= c.d,
    )
    return and_(eligible_for_supervision(), or_(supervised, col(Staff.start_date) > cutoff))


def _appraisal_due(dates: Any, policy: Policy) -> ColumnElement[bool]:
    return and_(
        permanent(), eligible_for_supervision(), col(Staff.start_date) <= dates.c.d_appraisal
    )


def _appraised(dates: Any, policy: Policy) -> ColumnElement[bool]:
    done = exists().where(
        col(Appraisal.staff_id) == col(Staff.staff_id),
        col(Appraisal.appraisal_date) > dates.c.d_appraisal,
        col(Appraisal.appraisal_date) <= dates.c.d,
    )
    return and_(_appraisal_due(dates, policy), done)


def _new_manager(dates: Any, policy: Policy) -> ColumnElement[bool]:
    c = dates.c
    return and_(
        team_manager(), col(Staff.start_date) > c.d_year, col(Staff.start_date) <= c.d_new_manager
    )


def _agreement_due(dates: Any, policy: Policy) -> ColumnElement[bool]:
    return and_(eligible_for_supervision(), col(Staff.start_date) <= dates.c.d_agreement)


IN_POST = "in post at D"
ELIGIBLE = "eligible workers (social workers, senior and advanced practitioners) " + IN_POST
HEADCOUNT = Part("headcount", STAFF_IN_POST, "the workers " + IN_POST)
PERMANENT_FTE = Part(
    "permanent_fte",
    STAFF_IN_POST,
    "the FTE of the permanent workers " + IN_POST,
    lambda d, p: permanent(),
    col(Staff.fte),
)
AGENCY_FTE = Part(
    "agency_fte",
    STAFF_IN_POST,
    "the FTE of the agency workers " + IN_POST,
    lambda d, p: agency(),
    col(Staff.fte),
)
PERMANENT_COUNT = Part(
    "permanent_count", STAFF_IN_POST, "the permanent workers " + IN_POST, lambda d, p: permanent()
)
PERMANENT_STAYED = Part(
    "permanent_stayed",
    STAFF_IN_POST,
    "the permanent workers in post at D whose start_date is on or before D - 12 months",
    lambda d, p: and_(permanent(), col(Staff.start_date) <= d.c.d_year),
)
ELIGIBLE_COUNT = Part(
    "eligible", STAFF_IN_POST, "the " + ELIGIBLE, lambda d, p: eligible_for_supervision()
)
IN_DATE = Part(
    "in_date",
    STAFF_IN_POST,
    "the eligible workers in date: a held session on or after D minus their required "
    "interval (and on or before D), or a start_date after D minus that interval",
    _in_date,
)
AGREED = Part(
    "agreed",
    STAFF_IN_POST,
    "the eligible workers whose supervision_agreement_date is on or before D",
    lambda d, p: and_(eligible_for_supervision(), col(Staff.supervision_agreement_date) <= d.c.d),
)
MANAGERS = Part(
    "managers", STAFF_IN_POST, "the team managers " + IN_POST, lambda d, p: team_manager()
)
TRAINED = Part(
    "trained",
    STAFF_IN_POST,
    "the team managers whose supervision_training_date is in (D - the training window, D]",
    lambda d, p: and_(
        team_manager(),
        col(Staff.supervision_training_date) > d.c.d_training,
        col(Staff.supervision_training_date) <= d.c.d,
    ),
)
APPRAISAL_DUE = Part(
    "appraisal_due",
    STAFF_IN_POST,
    f"the permanent eligible workers whose start_date is on or before D - "
    f"{APPRAISAL_INTERVAL_MONTHS} months",
    _appraisal_due,
)
APPRAISED = Part(
    "appraised",
    STAFF_IN_POST,
    f"of those, the ones with an appraisal dated in (D - {APPRAISAL_INTERVAL_MONTHS} months, D]",
    _appraised,
)
NEW_MANAGERS = Part(
    "new_managers",
    STAFF_IN_POST,
    f"the team managers whose start_date is in (D - 12 months, D - "
    f"{NEW_MANAGER_TRAINING_MONTHS} months]",
    _new_manager,
)
NEW_MANAGERS_TRAINED = Part(
    "new_managers_trained",
    STAFF_IN_POST,
    f"of those, the ones whose supervision_training_date is on or before start_date + "
    f"{NEW_MANAGER_TRAINING_MONTHS} months (stored at import as training_due_date)",
    lambda d, p: and_(
        _new_manager(d, p), col(Staff.supervision_training_date) <= col(Staff.training_due_date)
    ),
)
AGREEMENT_DUE = Part(
    "agreement_due",
    STAFF_IN_POST,
    f"the eligible workers whose start_date is on or before D - {AGREEMENT_WITHIN_MONTHS} months",
    _agreement_due,
)
AGREED_IN_TIME = Part(
    "agreed_in_time",
    STAFF_IN_POST,
    f"of those, the ones whose supervision_agreement_date is on or before start_date + "
    f"{AGREEMENT_WITHIN_MONTHS} months (stored at import as agreement_due_date)",
    lambda d, p: and_(
        _agreement_due(d, p), col(Staff.supervision_agreement_date) <= col(Staff.agreement_due_date)
    ),
)
LEAVERS_FTE = Part(
    "leavers_fte", LEAVERS, "the FTE of the permanent leavers", lambda d, p: permanent(), Staff.fte
)
VACANT_FTE = Part(
    "vacant_fte", LATEST_VACANCIES, "the sum of their vacant_fte", sums=Vacancy.vacant_fte
)
HOLDERS = Part("holders", CASE_HOLDERS, "the case holders")
CASES = Part(
    "cases", CASE_HOLDERS, "the sum of their open_cases", sums=col(CaseloadSnapshot.open_cases)
)
HOLDERS_FTE = Part("holders_fte", CASE_HOLDERS, "the sum of their FTE", sums=col(Staff.fte))
OVER = Part(
    "over",
    CASE_HOLDERS,
    "the case holders whose open_cases is above their limit: the caseload threshold of their "
    f"team type (a policy setting, default 18), times the ASYE factor (default 0.9) while in "
    f"their ASYE at S (asye_start_date <= S < asye_start_date + {ASYE_MONTHS} months)",
    lambda d, p: col(CaseloadSnapshot.open_cases) > caseload_limit(d.c.snapshot, p),
)
HELD = Part("held", RECENT_SESSIONS, "the held sessions")
REFLECTIVE = Part(
    "reflective",
    RECENT_SESSIONS,
    "the sessions marked reflective",
    lambda d, p: col(SupervisionSession.reflective).is_(True),
)
VIEWS = Part(
    "views",
    RECENT_SESSIONS,
    "the sessions with the child's views recorded",
    lambda d, p: col(SupervisionSession.childs_views_recorded).is_(True),
)
TIMED_SESSIONS = Part(
    "timed_sessions",
    RECENT_SESSIONS,
    "the sessions with a duration_minutes",
    lambda d, p: col(SupervisionSession.duration_minutes).is_not(None),
)
LONG_SESSIONS = Part(
    "long_sessions",
    RECENT_SESSIONS,
    f"the sessions lasting at least {SUPERVISION_STANDARD_MINUTES} minutes",
    lambda d, p: col(SupervisionSession.duration_minutes) >= SUPERVISION_STANDARD_MINUTES,
)
AUDITS = Part("audits", RECENT_AUDITS, "the audits")
GOOD = Part(
    "good",
    RECENT_AUDITS,
    "the audits graded outstanding or good",
    lambda d, p: col(SupervisionAudit.grade).in_(("outstanding", "good")),
)

PARTS: dict[str, Part] = {
    part.name: part
    for part in (
        HEADCOUNT, PERMANENT_FTE, AGENCY_FTE, PERMANENT_COUNT, PERMANENT_STAYED, ELIGIBLE_COUNT,
        IN_DATE, AGREED, MANAGERS, TRAINED, LEAVERS_FTE, VACANT_FTE, HOLDERS, CASES, HOLDERS_FTE,
        OVER, HELD, REFLECTIVE, VIEWS, TIMED_SESSIONS, LONG_SESSIONS, AUDITS, GOOD,
        APPRAISAL_DUE, APPRAISED, NEW_MANAGERS, NEW_MANAGERS_TRAINED, AGREEMENT_DUE,
        AGREED_IN_TIME,
    )
}  # fmt: skip


# --- metrics --------------------------------------------------------------------------------

Parts = dict[str, float]


@dataclass(frozen=True)
class Metric:
    """One metric, declared once: everything the engine, the pages, the pack and the written
    definitions know about it.

    The value is `numerator` when there is no denominator (a count, or a total to one decimal
    place); otherwise `numerator / (sum of the denominator's parts)`, x 100 for a percentage,
    to one decimal place, and null when that sum is 0."""

    name: str
    family: Literal["Workforce stability", "Caseloads", "Supervision"]
    label: str
    unit: Unit
    numerator: Part
    denominator: tuple[Part, ...]
    #: One plain-English sentence for a director; the exact rule is `definition`.
    summary: str
    #: The exact rule in words (what the parts compute, said once for a reader).
    definition: str
    #: Whether a lower or a higher value is better (None: neither, as for a headcount).
    better: Direction | None = None
    #: The default target and how far on the wrong side of it still counts as "close" (an
    #: administrator can change the value on the Access page).
    target: float | None = None
    close_margin: float = 0.0
    #: Where the rule comes from and what to know when reading it.
    notes: str = ""

    @property
    def parts(self) -> tuple[Part, ...]:
        return (self.numerator, *self.denominator)

    @property
    def default_target(self) -> Target | None:
        if self.target is None or self.better is None:
            return None
        return Target(self.target, self.better, self.close_margin)

    def value(self, parts: Parts) -> MetricValue:
        """The metric from its parts summed over a scope's teams."""
        top = parts[self.numerator.name]
        if not self.denominator:
            return int(top) if self.unit == "count" else round_one_decimal(top)
        bottom = sum(parts[part.name] for part in self.denominator)
        if not bottom:
            return None
        scale = 100 if self.unit == "%" else 1
        return round_one_decimal(scale * top / bottom)

    def formula(self) -> str:
        """The combination of the parts, as written in docs/metrics.md."""
        top = self.numerator.name
        if not self.denominator:
            return top
        names = [part.name for part in self.denominator]
        bottom = names[0] if len(names) == 1 else "(" + " + ".join(names) + ")"
        return f"{top} / {bottom}" + (" x 100" if self.unit == "%" else "")


LOWER = Direction.LOWER
HIGHER = Direction.HIGHER
#: "the share ... x 100" of the eligible workers, as most supervision definitions begin.
_OF_ELIGIBLE = (
    "Of the eligible workers (social workers, senior practitioners and advanced practitioners "
    "in post at D, permanent or agency)"
)

METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric(
            "headcount",
            "Workforce stability",
            "Headcount in post",
            "count",
            HEADCOUNT,
            (),
            "How many people work here on the date, in any role, employed or agency.",
            "Number of workers in post at D, in any role, permanent or agency.",
        ),
        Metric(
            "fte_in_post",
            "Workforce stability",
            "Permanent FTE in post",
            "fte",
            PERMANENT_FTE,
            (),
            "How many full-time posts the council's own (not agency) staff fill.",
            "Total FTE of permanent (employed, non-agency) workers in post at D.",
        ),
        Metric(
            "agency_rate_fte",
            "Workforce stability",
            "Agency rate (FTE)",
            "%",
            AGENCY_FTE,
            (AGENCY_FTE, PERMANENT_FTE),
            "Of all the working time in post, the share that agency workers provide.",
            "Agency FTE in post at D / (agency FTE + permanent FTE in post at D) x 100.",
            LOWER,
            15.0,
            3.0,
            "The target is Birmingham's stated aim (down from about a third to 15%). England, "
            "30 September 2025: 13.0%.",
        ),
        Metric(
            "turnover_rate_fte",
            "Workforce stability",
            "Turnover, last 12 months (FTE)",
            "%",
            LEAVERS_FTE,
            (PERMANENT_FTE,),
            "How much of the permanent workforce left in the past year, against its size now.",
            "FTE of permanent workers whose end_date is in (D - 12 months, D] / permanent FTE "
            "in post at D x 100. A worker leaving on D counts as a leaver and is not in post "
            "at D.",
            LOWER,
            12.0,
            2.0,
            "This follows the DfE census definition (leavers in the year / FTE in post at the "
            "end of it, employed staff only). England, 30 September 2025: 11.8%.",
        ),
        Metric(
            "vacancy_rate_fte",
            "Workforce stability",
            "Vacancy rate (FTE)",
            "%",
            VACANT_FTE,
            (VACANT_FTE, PERMANENT_FTE),
            "Of all permanent posts, the share not filled by a permanent worker.",
            "Vacant FTE / (vacant FTE + permanent FTE in post at D) x 100, where vacant FTE "
            "sums, for each team in scope, its latest vacancies row with as_at <= D (a team "
            "with none adds 0).",
            LOWER,
            15.0,
            3.0,
            "A vacancy is a funded post not filled by a permanent worker, whether or not an "
            "agency worker covers it (the DfE definition). England, 30 September 2025: 14.2%.",
        ),
        Metric(
            "vacancies_fte",
            "Workforce stability",
            "Vacant posts (FTE)",
            "fte",
            VACANT_FTE,
            (),
            "How many full-time posts are vacant: the number behind the vacancy rate.",
            "Vacant FTE: for each team in scope, its latest vacancies row with as_at <= D (a "
            "team with none adds 0), summed.",
            LOWER,
            notes="The vacancy rate's own numerator, as a number of posts: a board sees how many "
            "posts the recruitment plan must fill, not only their share.",
        ),
        Metric(
            "stability_index",
            "Workforce stability",
            "Stability index",
            "%",
            PERMANENT_STAYED,
            (PERMANENT_COUNT,),
            "Of today's permanent staff, the share who were already here a year ago.",
            "Of the permanent workers in post at D (by headcount), the share who were also in "
            "post at D - 12 months, x 100.",
            HIGHER,
            85.0,
            5.0,
        ),
        Metric(
            "caseload_average",
            "Caseloads",
            "Average caseload",
            "cases",
            CASES,
            (HOLDERS_FTE,),
            "The average number of open cases a full-time case-holding worker holds.",
            "At S, the latest snapshot_date <= D anywhere in the data: case holders are the "
            "in-scope rows at S with open_cases > 0; the metric is their open cases / their "
            "FTE.",
            LOWER,
            18.0,
            2.0,
            "S is taken across the whole data, not per scope, so that every part of the "
            "organisation is compared on the same snapshot. Case holders include agency "
            "workers, as in the DfE definition (England, 30 September 2025: 15.2 cases per "
            "case-holding FTE). The count ignores complexity.",
        ),
        Metric(
            "caseload_over_threshold_share",
            "Caseloads",
            "Case holders over threshold",
            "%",
            OVER,
            (HOLDERS,),
            "Of the workers holding cases, the share holding more than the limit for their "
            "team (a lower limit for newly qualified workers).",
            "Of the case holders at S (as for caseload_average), the share whose open_cases is "
            "above their limit, x 100. The limit is the caseload threshold of their team type "
            "(a policy setting, default 18), times 0.9 for a worker in their ASYE at S "
            f"(asye_start_date <= S < asye_start_date + {ASYE_MONTHS} months).",
            LOWER,
            10.0,
            5.0,
            '"Above" is strict: 18 cases against a limit of 18 is not over. The comparison '
            "is on open cases, not cases per FTE.",
        ),
        Metric(
            "supervision_coverage",
            "Supervision",
            "Supervision in date",
            "%",
            IN_DATE,
            (ELIGIBLE_COUNT,),
            "Of the social workers, the share supervised recently enough: within a month, or "
            "more often in their first year after qualifying.",
            f"{_OF_ELIGIBLE}, the share in date x 100. A worker is in date when their latest "
            "held session on or before D is at most their required interval before D, or when "
            "they started fewer than that many days before D. The interval is "
            f"{WEEKLY_INTERVAL_DAYS} days in the first {ASYE_WEEKLY_DAYS} days after "
            f"asye_start_date, {FORTNIGHTLY_INTERVAL_DAYS} days until "
            f"{ASYE_FORTNIGHTLY_MONTHS} months after it, otherwise {MONTHLY_INTERVAL_DAYS} "
            "days.",
            HIGHER,
            90.0,
            5.0,
            f"Exactly: the interval is {WEEKLY_INTERVAL_DAYS} days when `asye_start_date <= D "
            f"< asye_start_date + {ASYE_WEEKLY_DAYS} days`, {FORTNIGHTLY_INTERVAL_DAYS} days "
            f"when `asye_start_date + {ASYE_WEEKLY_DAYS} days <= D < asye_start_date + "
            f"{ASYE_FORTNIGHTLY_MONTHS} months`, otherwise {MONTHLY_INTERVAL_DAYS} days "
            "(including when there is no ASYE, or it starts after D). Cancelled sessions do "
            "not count. This follows the LGA employer standard 5 (weekly for the first six "
            "weeks of the ASYE, fortnightly to six months, then at least monthly). The "
            'target: Birmingham reached "up to 88%" monthly supervision; we ask for 90%.',
        ),
        Metric(
            "supervision_agreement_share",
            "Supervision",
            "Supervision agreements in place",
            "%",
            AGREED,
            (ELIGIBLE_COUNT,),
            "Of the social workers, the share with a supervision agreement in place.",
            "Of the eligible workers at D, the share whose supervision_agreement_date is on "
            "or before D, x 100.",
            HIGHER,
            95.0,
            5.0,
            "Coventry: every worker to have a supervision agreement.",
        ),
        Metric(
            "agreement_within_3_months_share",
            "Supervision",
            f"Agreements made within {AGREEMENT_WITHIN_MONTHS} months of starting",
            "%",
            AGREED_IN_TIME,
            (AGREEMENT_DUE,),
            "Of the social workers here three months or more, the share whose supervision "
            "agreement was made within three months of starting.",
            "Of the eligible workers in post at D whose start_date is on or before D - "
            f"{AGREEMENT_WITHIN_MONTHS} months, the share whose supervision_agreement_date is "
            f"on or before start_date + {AGREEMENT_WITHIN_MONTHS} months, x 100.",
            HIGHER,
            95.0,
            5.0,
            "Coventry's scrutiny report asks for an agreement for every member of staff within "
            "3 months (recommendation 6). An agreement dated before the start (signed at "
            "offer) counts as in time. start_date + 3 months is stored on the staff row at "
            "import (`agreement_due_date`).",
        ),
        Metric(
            "supervisor_training_share",
            "Supervision",
            "Managers with recent supervision training",
            "%",
            TRAINED,
            (MANAGERS,),
            "Of the team managers, the share trained in supervision in the past two years.",
            "Of the team managers in post at D, the share whose supervision_training_date is "
            "in (D - 24 months, D], x 100 (the window is a policy setting).",
            HIGHER,
            90.0,
            10.0,
            "Only the latest training date is held per person, so a look back to an earlier D "
            "does not see a course that person had taken before a later one.",
        ),
        Metric(
            "new_manager_training_share",
            "Supervision",
            f"New managers trained within {NEW_MANAGER_TRAINING_MONTHS} months",
            "%",
            NEW_MANAGERS_TRAINED,
            (NEW_MANAGERS,),
            "Of the team managers who started six to twelve months ago, the share trained in "
            "supervision within six months of starting.",
            "Of the team managers in post at D whose start_date is in (D - 12 months, D - "
            f"{NEW_MANAGER_TRAINING_MONTHS} months], the share whose supervision_training_date "
            f"is on or before start_date + {NEW_MANAGER_TRAINING_MONTHS} months, x 100.",
            HIGHER,
            100.0,
            10.0,
            "Coventry's scrutiny report asks for supervision training for new managers within "
            "6 months (recommendation 3). Only managers whose 6 months have run out are "
            "counted, and only those who started in the last year, so the figure follows "
            "recent appointments. Training dated before the start counts. start_date + 6 "
            "months is stored on the staff row at import (`training_due_date`).",
        ),
        Metric(
            "reflective_share",
            "Supervision",
            "Reflective supervision",
            "%",
            REFLECTIVE,
            (HELD,),
            "Of the supervision sessions in the past three months, the share recorded as "
            "reflective.",
            "Of the held sessions of in-scope supervisees dated in (D - 3 months, D], the "
            "share marked reflective, x 100.",
            HIGHER,
            80.0,
            10.0,
        ),
        Metric(
            "childs_views_share",
            "Supervision",
            "Child's views recorded",
            "%",
            VIEWS,
            (HELD,),
            "Of the supervision sessions in the past three months, the share that recorded the "
            "child's views.",
            "Of the held sessions of in-scope supervisees dated in (D - 3 months, D], the "
            "share with the child's views recorded, x 100.",
            HIGHER,
            75.0,
            10.0,
            "Coventry's 2015 staff survey found only 42% of staff used children's views in "
            "supervision: a useful reference line.",
        ),
        Metric(
            "supervision_duration_standard_share",
            "Supervision",
            "Sessions of 1.5 hours or more",
            "%",
            LONG_SESSIONS,
            (TIMED_SESSIONS,),
            "Of the supervision sessions in the past three months, the share lasting at least "
            "an hour and a half.",
            "Of the held sessions of in-scope supervisees dated in (D - 3 months, D] with a "
            "duration_minutes, the share lasting at least "
            f"{SUPERVISION_STANDARD_MINUTES} minutes (the LGA standard of 1.5 hours of "
            "supervision), x 100. Sessions with no duration are left out of both parts.",
            HIGHER,
            80.0,
            10.0,
            "The import requires a duration on every held session, so sessions without one "
            "only come from data loaded before that rule. Exactly 90 minutes meets the "
            "standard.",
        ),
        Metric(
            "audit_good_or_better_share",
            "Supervision",
            "Audits good or outstanding",
            "%",
            GOOD,
            (AUDITS,),
            "Of the supervision records audited in the past year, the share graded good or "
            "outstanding.",
            "Of the supervision audits of in-scope supervisees dated in (D - 12 months, D], "
            "the share graded outstanding or good, x 100.",
            HIGHER,
            70.0,
            10.0,
        ),
        Metric(
            "appraisal_share",
            "Supervision",
            "Annual appraisals up to date",
            "%",
            APPRAISED,
            (APPRAISAL_DUE,),
            "Of the permanent social workers here a year or more, the share appraised in the "
            "past year.",
            "Of the permanent eligible workers in post at D whose start_date is on or before "
            f"D - {APPRAISAL_INTERVAL_MONTHS} months, the share with an appraisal dated in "
            f"(D - {APPRAISAL_INTERVAL_MONTHS} months, D], x 100.",
            HIGHER,
            95.0,
            10.0,
            "Coventry's scrutiny report asks for annual appraisals alongside monthly "
            "supervision (recommendation 8). Agency workers are appraised by their agency and "
            "are not counted; nor is anyone in their first year. Appraisals come from the "
            'optional `appraisals.csv`: with none loaded, the figure is 0%, not "no data", '
            "once anyone is due.",
        ),
    )
}


def default_targets() -> dict[str, Target]:
    """Every declared metric's default target, keyed by metric name."""
    return {
        name: target
        for name, metric in METRICS.items()
        if (target := metric.default_target) is not None
    }


def parts_needed(metrics: Any) -> tuple[str, ...]:
    """The parts the named metrics need, in declaration order."""
    wanted = {part.name for name in metrics for part in METRICS[name].parts}
    return tuple(name for name in PARTS if name in wanted)
