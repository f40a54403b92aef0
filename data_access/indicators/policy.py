"""Policy settings and targets, with their defaults, in one place.

Thresholds and targets are local decisions (a council's "statement of intent" on caseloads,
its improvement plan's targets). Metrics take a `Policy` so a council can change these without
touching the definitions; the dashboard shows targets from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from data_access.core.dates import add_months

TEAM_TYPES = (
    "safeguarding",
    "family_support",
    "assessment",
    "children_in_care",
    "disabled_children",
    "care_leavers",
    "front_door",
    "other",
)


class Direction(StrEnum):
    """Whether a lower or a higher value of a metric is better."""

    LOWER = "lower"
    HIGHER = "higher"


class TargetStatus(StrEnum):
    """A value against its target: on the right side (met), within the target's "close"
    margin on the wrong side (close), or further away (missed)."""

    MET = "met"
    CLOSE = "close"
    MISSED = "missed"

    @property
    def label(self) -> str:
        """How a page or the pack names it: "Target met", "Close to target", "Target missed"."""
        return _STATUS_WORDS[self][0]

    @property
    def word(self) -> str:
        """One word for a table cell: "Met", "Close", "Missed"."""
        return _STATUS_WORDS[self][1]

    @property
    def symbol(self) -> str:
        """A symbol, so that a status never rests on colour alone: ✓, ~, ✗."""
        return _STATUS_WORDS[self][2]


_STATUS_WORDS = {
    TargetStatus.MET: ("Target met", "Met", "✓"),
    TargetStatus.CLOSE: ("Close to target", "Close", "~"),
    TargetStatus.MISSED: ("Target missed", "Missed", "✗"),
}

# --- Supervision (LGA Standards for employers of social workers, standard 5) -------------------

#: The roles whose supervision the supervision metrics cover (and whom the Team page tracks).
SUPERVISION_ELIGIBLE_ROLES = ("social_worker", "senior_practitioner", "advanced_practitioner")
#: In the ASYE: weekly supervision for the first ASYE_WEEKLY_DAYS days, fortnightly until
#: ASYE_FORTNIGHTLY_MONTHS months after the start, then monthly like everyone else; the ASYE
#: itself lasts ASYE_MONTHS months (its protected caseload applies until then).
ASYE_WEEKLY_DAYS = 42
ASYE_FORTNIGHTLY_MONTHS = 6
ASYE_MONTHS = 12
#: The required interval between supervision sessions, in days.
WEEKLY_INTERVAL_DAYS = 7
FORTNIGHTLY_INTERVAL_DAYS = 14
MONTHLY_INTERVAL_DAYS = 31
#: "Due soon": in date now, but not in date this many days from now with no further session.
DUE_SOON_DAYS = 7


class SupervisionStatus(StrEnum):
    """A worker's supervision at D, in the words the pages, the CSV and the pack use (the
    "due soon" words follow `DUE_SOON_DAYS`)."""

    OVERDUE = "overdue"
    DUE_SOON = f"due within {DUE_SOON_DAYS} days"
    IN_DATE = "in date"
    NOT_REQUIRED = "not required"

    @property
    def label(self) -> str:
        """The status as a heading or a button says it: "Overdue", "In date"."""
        return self.value[0].upper() + self.value[1:]


#: The LGA standard: at least 1.5 hours of uninterrupted supervision a session.
SUPERVISION_STANDARD_MINUTES = 90
#: Coventry's scrutiny recommendations: a supervision agreement for every member of staff
#: within 3 months of starting (rec 6), supervision training for a new team manager within 6
#: months of starting (rec 3), and an appraisal every year alongside supervision (rec 8).
AGREEMENT_WITHIN_MONTHS = 3
NEW_MANAGER_TRAINING_MONTHS = 6
APPRAISAL_INTERVAL_MONTHS = 12


@dataclass(frozen=True)
class StartDeadlines:
    """The dates by which a new starter's supervision agreement, and a new team manager's
    supervision training, are due (each inclusive): stored on the staff row at import, for
    the same reason as `AsyePhases`."""

    agreement_due: date
    training_due: date


def start_deadlines(start: date) -> StartDeadlines:
    """Start + AGREEMENT_WITHIN_MONTHS months and start + NEW_MANAGER_TRAINING_MONTHS months."""
    return StartDeadlines(
        add_months(start, AGREEMENT_WITHIN_MONTHS), add_months(start, NEW_MANAGER_TRAINING_MONTHS)
    )


@dataclass(frozen=True)
class AsyePhases:
    """When a worker's ASYE phases end (each date exclusive): stored on the staff row at
    import, so that SQL needs no date arithmetic (which differs between SQLite and
    PostgreSQL)."""

    weekly_until: date
    fortnightly_until: date
    ends: date


def asye_phases(asye_start: date) -> AsyePhases:
    """The ends of the weekly phase, the fortnightly phase and the ASYE itself."""
    return AsyePhases(
        asye_start + timedelta(days=ASYE_WEEKLY_DAYS),
        add_months(asye_start, ASYE_FORTNIGHTLY_MONTHS),
        add_months(asye_start, ASYE_MONTHS),
    )


def required_interval_days(asye_start: date | None, day: date) -> int:
    """A worker's required supervision interval on `day`: weekly in the first weeks of their
    ASYE, fortnightly to six months, otherwise monthly (see the constants above)."""
    if asye_start is not None and asye_start <= day:
        phases = asye_phases(asye_start)
        if day < phases.weekly_until:
            return WEEKLY_INTERVAL_DAYS
        if day < phases.fortnightly_until:
            return FORTNIGHTLY_INTERVAL_DAYS
    return MONTHLY_INTERVAL_DAYS


#: The staff row's columns derived from the rules above (see `derived_staff_dates`).
DERIVED_STAFF_COLUMNS = (
    "asye_weekly_until",
    "asye_fortnightly_until",
    "asye_end_date",
    "agreement_due_date",
    "training_due_date",
)


def derived_staff_dates(start: date | None, asye_start: date | None) -> dict[str, date | None]:
    """The dates stored on a staff row that follow from its start and ASYE start by the rules
    above (`asye_phases`, `start_deadlines`), keyed by `DERIVED_STAFF_COLUMNS`. Written by
    every import, and rewritten for every row when a rule changes (see
    data_access/indicators/stored_parts.py)."""
    phases = asye_phases(asye_start) if asye_start else None
    deadlines = start_deadlines(start) if start else None
    return {
        "asye_weekly_until": phases.weekly_until if phases else None,
        "asye_fortnightly_until": phases.fortnightly_until if phases else None,
        "asye_end_date": phases.ends if phases else None,
        "agreement_due_date": deadlines.agreement_due if deadlines else None,
        "training_due_date": deadlines.training_due if deadlines else None,
    }


def over_limit(open_cases: int | None, limit: float | None) -> bool:
    """A case holder is over their limit when their open cases are above it (equal is not
    over)."""
    return open_cases is not None and limit is not None and open_cases > limit


#: Coventry's 2015 staff survey: 42% of staff used information on children's views and wishes
#: in supervision. The supervision page and the board pack show it as the baseline line.
CHILDS_VIEWS_BASELINE = 42.0


@dataclass(frozen=True)
class Target:
    """A target for one metric: `value` and whether lower or higher is better.

    `close_margin` is how far (in the metric's units) on the wrong side of the target still
    counts as "close" rather than "missed". The defaults are declared with each metric
    (data_access/indicators/metrics.py).
    """

    value: float
    better: Direction
    close_margin: float

    def status(self, actual: float | None) -> TargetStatus | None:
        """Met, close or missed for `actual`; None when there is no value."""
        if actual is None:
            return None
        gap = actual - self.value if self.better == Direction.LOWER else self.value - actual
        if gap <= 0:
            return TargetStatus.MET
        if gap <= self.close_margin:
            return TargetStatus.CLOSE
        return TargetStatus.MISSED


def _default_thresholds() -> dict[str, float]:
    return {team_type: 18.0 for team_type in TEAM_TYPES}


def _default_targets() -> dict[str, Target]:
    # The defaults are part of each metric's declaration, which builds on the rules above.
    from data_access.indicators.metrics import default_targets

    return default_targets()


@dataclass(frozen=True)
class Policy:
    """The organisation's settings that the metric definitions refer to."""

    #: Caseload threshold per team type (open cases per worker).
    caseload_thresholds: dict[str, float] = field(default_factory=_default_thresholds)
    #: Share of the threshold that applies to a worker in their ASYE.
    asye_caseload_factor: float = 0.9
    #: Supervision training counts as recent for this many months.
    supervisor_training_window_months: int = 24
    targets: dict[str, Target] = field(default_factory=_default_targets)

    def with_targets(self, values: dict[str, float]) -> Policy:
        """This policy with the target values of some metrics changed (each keeps whether
        lower or higher is better and its "close" margin)."""
        targets = {
            name: replace(target, value=values.get(name, target.value))
            for name, target in self.targets.items()
        }
        return replace(self, targets=targets)

    def parts_rules(self) -> tuple:
        """The settings the metrics' additive parts depend on (targets do not): two policies
        with equal rules give equal parts, so stored parts serve both."""
        return (
            tuple(sorted(self.caseload_thresholds.items())),
            self.asye_caseload_factor,
            self.supervisor_training_window_months,
        )

    def caseload_limit(self, team_type: str, in_asye: bool) -> float:
        """The caseload above which a worker counts as over threshold."""
        threshold = self.caseload_thresholds.get(team_type, 18.0)
        # Round away float noise such as 18 * 0.9 = 16.200000000000003.
        return round(threshold * self.asye_caseload_factor, 6) if in_asye else threshold


def __getattr__(name: str) -> Policy:
    """`DEFAULT_POLICY`, the policy with every default, made on first use: its targets come
    from the metric declarations, which are built on the rules of this module."""
    if name == "DEFAULT_POLICY":
        default = globals().setdefault("DEFAULT_POLICY", Policy())
        return default
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
