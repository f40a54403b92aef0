"""DfE's agency rules ("Child and family social workers: agency rules", statutory guidance in
force from 31 October 2024), judged for one assignment at its start date S, and the cost of an
assignment in a month. Each rule is declared once here, with its definition; docs/metrics.md
("Agency assignments") says the same for a reader.

- Experience: compliant when `pqe_years` >= `MIN_PQE_YEARS` (3 years' post-qualifying
  experience in child and family social work in English local authorities); not recorded when
  blank.
- No return within 3 months: not compliant when `last_permanent_la_code` is our authority or
  one in our region (DfE's regions, Inner and Outer London being one region, London), and
  `last_permanent_end_date` plus `COOLING_OFF_MONTHS` months is after S, and there is no
  `cooling_off_exception`; otherwise compliant. Not recorded when our authority is not chosen,
  when the code is another council's and the regions are not known (DfE's published indicators
  file not loaded), or when the code is in our region but the end date is blank.
- Price cap: the cap is the latest for the role category with `effective_from` <= S (none: no
  cap set). Compliant when `hourly_capped_cost` <= the cap, or when it is over the cap and the
  breach was signed off (both the Director of Children's Services' and the Chief Executive's
  sign-off dates present and on or before S: the guidance allows such a breach); not compliant
  when over the cap without both sign-offs.
- References: compliant when `references_received` >= `MIN_REFERENCES` (2 practice-based
  references); not recorded when blank.
- Notice: compliant when `notice_weeks` >= the organisation's minimum (default
  `DEFAULT_MIN_NOTICE_WEEKS`, 4 weeks); not recorded when blank.
- An assignment is compliant with the rules when every one of the five is compliant (a "not
  recorded" or "no cap set" is not compliant).
- The cost of a calendar month: `hourly_charge_rate` x `hours_per_week` x (the weekdays, Monday
  to Friday, of the month on which the assignment is active) / 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np

from data_access.core.dates import add_months
from data_access.core.dates import month_end as last_day_of_month

MIN_PQE_YEARS = 3
COOLING_OFF_MONTHS = 3
MIN_REFERENCES = 2
DEFAULT_MIN_NOTICE_WEEKS = 4
#: DfE's regions as the published indicators file names them, where two count as one region
#: for the rules: Inner and Outer London are London.
REGIONS_COUNTED_AS_ONE = {"Inner London": "London", "Outer London": "London"}


class Outcome(StrEnum):
    """One rule's verdict on one assignment."""

    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    NOT_RECORDED = "not_recorded"
    NO_CAP_SET = "no_cap_set"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: The five rules, in the guidance's order, with how a reader names them.
RULES = {
    "experience": "3 years' post-qualifying experience",
    "cooling_off": "No return within 3 months",
    "price_cap": "Within the price cap",
    "references": "2 practice-based references",
    "notice": "Notice period",
}


#: How a reader names each rule an assignment does not meet (not compliant).
NOT_MET = {
    "experience": f"Under {MIN_PQE_YEARS} years' post-qualifying experience",
    "cooling_off": f"Returned within {COOLING_OFF_MONTHS} months of a post in the region",
    "price_cap": "Over the price cap without both sign-offs",
    "references": f"Fewer than {MIN_REFERENCES} references",
    "notice": "Notice shorter than the minimum",
}
#: How a reader names a rule whose evidence is missing.
MISSING = {
    "experience": "Experience not recorded",
    "cooling_off": "Last post not judged",
    "price_cap": "No price cap set for the role",
    "references": "References not recorded",
    "notice": "Notice not recorded",
}


class Assignment(NamedTuple):
    """What the rules and the cost read of one assignment (a row of agency_assignments.csv)."""

    assignment_id: str
    role_category: str
    start_date: date
    end_date: date | None
    hours_per_week: float
    hourly_capped_cost: float
    hourly_charge_rate: float
    pqe_years: float | None = None
    last_permanent_la_code: str | None = None
    last_permanent_end_date: date | None = None
    cooling_off_exception: str | None = None
    references_received: int | None = None
    notice_weeks: int | None = None
    cap_breach_dcs_signoff_date: date | None = None
    cap_breach_ceo_signoff_date: date | None = None


@dataclass(frozen=True)
class Context:
    """What the rules need beyond the assignment: our authority and the regions of DfE's
    published file (old LA code -> region name; empty until it is loaded), the price caps
    (role category -> (effective_from, hourly cap) in any order), and the minimum notice."""

    our_la_code: str | None
    regions: Mapping[str, str]
    caps: Mapping[str, Sequence[tuple[date, float]]]
    min_notice_weeks: int = DEFAULT_MIN_NOTICE_WEEKS


@dataclass(frozen=True)
class Judgement:
    """The five rules' outcomes for one assignment, why where it helps, and the cap used."""

    experience: Outcome
    cooling_off: Outcome
    price_cap: Outcome
    references: Outcome
    notice: Outcome
    #: Over the cap: whether both sign-offs were given by S (None when not over the cap).
    breach_signed_off: bool | None
    cap: float | None
    cooling_off_reason: str

    @cached_property
    def compliant(self) -> bool:
        """Whether every one of the five rules is met (worked out once: a trend and the
        figures at its end both ask it of thousands of judgements)."""
        return all(getattr(self, rule) is Outcome.COMPLIANT for rule in RULES)


def _at_least(value: float | None, minimum: float) -> Outcome:
    if value is None:
        return Outcome.NOT_RECORDED
    return Outcome.COMPLIANT if value >= minimum else Outcome.NOT_COMPLIANT


def _region(code: str, regions: Mapping[str, str]) -> str | None:
    region = regions.get(code)
    return REGIONS_COUNTED_AS_ONE.get(region, region) if region else None


def cap_at(
    caps: Mapping[str, Sequence[tuple[date, float]]], category: str, day: date
) -> float | None:
    """The price cap in force for `category` on `day`: the latest with effective_from <= day."""
    in_force = [(start, cap) for start, cap in caps.get(category, ()) if start <= day]
    return max(in_force)[1] if in_force else None


def _cooling_off(assignment: Assignment, context: Context) -> tuple[Outcome, str]:
    code = assignment.last_permanent_la_code
    if code is None:
        return Outcome.COMPLIANT, "no substantive post recorded before it"
    if assignment.cooling_off_exception is not None:
        return Outcome.COMPLIANT, f"an exception applies ({assignment.cooling_off_exception})"
    if context.our_la_code is None:
        return Outcome.NOT_RECORDED, "our authority is not chosen (settings: our-authority)"
    if code == context.our_la_code:
        near = True
    else:
        ours, theirs = (_region(c, context.regions) for c in (context.our_la_code, code))
        if ours is None or theirs is None:
            return (
                Outcome.NOT_RECORDED,
                f"the region of {code if theirs is None else context.our_la_code} is not known: "
                "load DfE's published indicators file",
            )
        near = ours == theirs
    if not near:
        return Outcome.COMPLIANT, "the last post was in another region"
    ended = assignment.last_permanent_end_date
    if ended is None:
        return Outcome.NOT_RECORDED, "the last post's end date is not recorded"
    if add_months(ended, COOLING_OFF_MONTHS) > assignment.start_date:
        return Outcome.NOT_COMPLIANT, "started within 3 months of leaving a post in our region"
    return Outcome.COMPLIANT, "more than 3 months after leaving"


def judge(assignment: Assignment, context: Context) -> Judgement:
    """The five rules for `assignment`, at its start date S (see the module's definitions)."""
    start = assignment.start_date
    cap = cap_at(context.caps, assignment.role_category, start)
    signed_off: bool | None = None
    if cap is None:
        price_cap = Outcome.NO_CAP_SET
    elif assignment.hourly_capped_cost <= cap:
        price_cap = Outcome.COMPLIANT
    else:
        signoffs = (assignment.cap_breach_dcs_signoff_date, assignment.cap_breach_ceo_signoff_date)
        signed_off = all(day is not None and day <= start for day in signoffs)
        price_cap = Outcome.COMPLIANT if signed_off else Outcome.NOT_COMPLIANT
    cooling_off, reason = _cooling_off(assignment, context)
    return Judgement(
        experience=_at_least(assignment.pqe_years, MIN_PQE_YEARS),
        cooling_off=cooling_off,
        price_cap=price_cap,
        references=_at_least(assignment.references_received, MIN_REFERENCES),
        notice=_at_least(assignment.notice_weeks, context.min_notice_weeks),
        breach_signed_off=signed_off,
        cap=cap,
        cooling_off_reason=reason,
    )


def is_active(assignment: Assignment, day: date) -> bool:
    """Active on `day`: started on or before it, and not ended before it."""
    return assignment.start_date <= day and (
        assignment.end_date is None or assignment.end_date >= day
    )


def weekdays_between(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The weekdays (Monday to Friday) in each [first, last] (arrays of numpy days), 0 where
    last is before first."""
    counts = np.busday_count(first, last + np.timedelta64(1, "D"))
    return np.where(last < first, 0, counts)


def month_costs(
    month_end: date,
    starts: np.ndarray,
    ends: np.ndarray,
    charge_rates: np.ndarray,
    hours_per_week: np.ndarray,
) -> np.ndarray:
    """Each assignment's cost of the calendar month ending `month_end` (see `month_cost`), for
    arrays of start days, end days (`NO_END` for none), hourly charge rates and hours a week:
    one pass over every assignment, however many there are."""
    first = np.datetime64(month_end.replace(day=1), "D")
    last = np.datetime64(last_day_of_month(month_end), "D")
    weekdays = weekdays_between(np.maximum(starts, first), np.minimum(ends, last))
    return charge_rates * hours_per_week * weekdays / 5


#: The end day of an assignment with no end date, in `month_costs`' arrays.
NO_END = np.datetime64("9999-12-31", "D")


def weekdays_active(assignment: Assignment, first: date, last: date) -> int:
    """The weekdays (Monday to Friday) in [first, last] on which `assignment` is active."""
    start = max(first, assignment.start_date)
    end = min(last, assignment.end_date) if assignment.end_date else last
    return int(
        weekdays_between(np.array([start], "datetime64[D]"), np.array([end], "datetime64[D]"))[0]
    )


def month_cost(assignment: Assignment, month_end: date) -> float:
    """The cost of the calendar month ending `month_end`: charge rate x hours a week x the
    weekdays it is active in the month / 5, in pounds (not rounded)."""
    return float(
        month_costs(
            month_end,
            np.array([assignment.start_date], "datetime64[D]"),
            np.array([assignment.end_date or NO_END], "datetime64[D]"),
            np.array([assignment.hourly_charge_rate]),
            np.array([assignment.hours_per_week]),
        )[0]
    )
