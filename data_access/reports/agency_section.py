"""The board pack's agency section: agency social workers under DfE's agency rules, for the
pack's scope at its month end D, from `data_access.agency.figures` (aggregates only: no worker,
SWE number or pay rate), and what each of its figures means, in words, for the appendix.

The section holds the monthly agency cost and the share of active assignments meeting all five
rules over the pack's trend months (one query for them all), with the organisation's monthly
budget in the whole organisation's pack when one is set; and at D, each rule's share with the
assignments not meeting it, the active assignments, the month's cost, the price-cap breaches
without sign-off and the assignments running long or ending soon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from data_access.access.grants import Grant
from data_access.agency.figures import (
    AGENCY_FIGURES,
    ENDING_SOON_WEEKS,
    LONG_ASSIGNMENT_MONTHS,
    AgencyFigures,
    AgencyMonth,
    agency_figures,
    agency_period,
    agency_suppressed,
)
from data_access.core.scope import Scope, TeamChoice
from data_access.indicators.agency_rules import (
    COOLING_OFF_MONTHS,
    DEFAULT_MIN_NOTICE_WEEKS,
    MIN_PQE_YEARS,
    MIN_REFERENCES,
    RULES,
    Outcome,
)
from data_access.settings import agency_min_notice_weeks, agency_monthly_budget

RUNNING_LONG_LABEL = f"Running more than {LONG_ASSIGNMENT_MONTHS} months"
ENDING_SOON_LABEL = f"Ending within {ENDING_SOON_WEEKS} weeks"
BUDGET_LABEL = "Monthly agency budget"


@dataclass(frozen=True)
class RuleShare:
    """One of the five rules at D: its reader's name, the share of the active assignments
    meeting it, and how many do not, by why."""

    rule: str
    name: str
    share: float | None
    not_compliant: int
    not_recorded: int
    no_cap_set: int


@dataclass(frozen=True)
class AgencySection:
    as_at: date
    #: The pack's trend months, oldest first (the last is D).
    trend: list[AgencyMonth]
    figures: AgencyFigures
    rules: list[RuleShare]
    #: The organisation's monthly budget in pounds: in the whole organisation's pack only (it
    #: is the organisation's), and None when none is set.
    budget: int | None
    #: The organisation's minimum notice, which the notice rule reads (for the definitions).
    min_notice_weeks: int
    #: The scope's agency figures are suppressed for a reader who may see no names (1 or 2
    #: assignments active in a team, see agency_suppressed): the section is one sentence.
    suppressed: bool = False

    @property
    def held(self) -> bool:
        """Whether the section has figures to show: the scope had an agency assignment in the
        trend months (a cost in some month, or an assignment active at some month end) and its
        figures are not suppressed (otherwise the section is one sentence)."""
        return not self.suppressed and any(month.held for month in self.trend)


#: Who reads a pack (this section and the whole board pack): anyone at the board, who may see
#: no names, so every team is outside its grant.
PACK_READER = Grant("board pack", "board")


def agency_section(
    as_at: date,
    months: list[date],
    scope: Scope,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> AgencySection:
    """The agency section for `scope` at the month end `as_at`, its trends over `months`
    (`everyone`: the whole organisation's teams, when the caller has read them)."""
    # The trend and the figures at D from one reading of the assignments (the pack's months
    # end at D).
    period = agency_period(months, scope, session=session)
    figures = (
        period.figures if months[-1] == as_at else agency_figures(as_at, scope, session=session)
    )
    rules = []
    for rule, name in RULES.items():
        outcomes = figures.rule_outcomes[rule]
        rules.append(
            RuleShare(
                rule=rule,
                name=name,
                share=figures.rule_shares[rule],
                not_compliant=outcomes.get(Outcome.NOT_COMPLIANT, 0),
                not_recorded=outcomes.get(Outcome.NOT_RECORDED, 0),
                no_cap_set=outcomes.get(Outcome.NO_CAP_SET, 0),
            )
        )
    return AgencySection(
        as_at=as_at,
        trend=period.trend,
        figures=figures,
        rules=rules,
        budget=agency_monthly_budget(session=session) if scope.is_whole_organisation else None,
        min_notice_weeks=agency_min_notice_weeks(session=session),
        # The pack is read by people who may see no names: suppressed as for a board member.
        suppressed=agency_suppressed(as_at, scope, PACK_READER, session=session, everyone=everyone),
    )


def plain_definitions(min_notice_weeks: int) -> list[tuple[str, str]]:
    """The section's figures and the five rules, each with what it means in words (the rules
    of `data_access.agency.figures` and `data_access.indicators.agency_rules` said for a
    board): (label, words), in the section's order."""
    weeks = f"{min_notice_weeks} week{'' if min_notice_weeks == 1 else 's'}"
    default = ", DfE's default" if min_notice_weeks == DEFAULT_MIN_NOTICE_WEEKS else ""
    return [
        (
            AGENCY_FIGURES["agency_assignments_active"].label,
            "The agency assignments of workers in the pack's teams that had started on or "
            "before the month end and had not ended before it.",
        ),
        (
            AGENCY_FIGURES["agency_cost_month"].label,
            "For each assignment, the hourly rate the council pays (the agency's fee included) "
            "times its hours a week times the weekdays, Monday to Friday, of the calendar month "
            "on which it was active, divided by 5; added up over the assignments. An assignment "
            "that started or ended during the month counts for the days it ran.",
        ),
        (
            BUDGET_LABEL,
            "The organisation's monthly budget for agency social workers, set by an "
            "administrator; shown as a dashed line on the cost chart in the whole "
            "organisation's pack only, since it is the whole organisation's budget.",
        ),
        (
            AGENCY_FIGURES["agency_compliant_share"].label,
            "Of the assignments active at the month end, the share meeting all five rules "
            "below, each judged at the assignment's start date. A rule whose answer is not "
            "recorded, or a price cap not set for the role, counts as not met. Each rule's own "
            "share is of the same assignments.",
        ),
        (
            RULES["experience"],
            f"At least {MIN_PQE_YEARS} years' post-qualifying experience in child and family "
            "social work in English local authorities. Not recorded when left blank.",
        ),
        (
            RULES["cooling_off"],
            "Not met when the worker's last permanent post was with our authority or another "
            "in our region (Inner and Outer London count as one region, London) and ended less "
            f"than {COOLING_OFF_MONTHS} months before the assignment started, unless an "
            "exception applies; met otherwise. Not recorded when our authority is not chosen, "
            "when either authority's region is not known (the Department for Education's "
            "published figures are not loaded), or when the post's end date is blank.",
        ),
        (
            RULES["price_cap"],
            "Met when the hourly capped cost (the worker's pay with employer's National "
            "Insurance and the apprenticeship levy) is no more than the price cap for the "
            "role in force at the start (the latest to take effect on or before it), "
            "or is over it with both the Director of Children's Services' and the Chief "
            "Executive's sign-off dated on or before the start, as the guidance allows. No cap "
            "set when no cap for the role had taken effect by the start.",
        ),
        (
            RULES["references"],
            f"At least {MIN_REFERENCES} practice-based references received. Not recorded when "
            "left blank.",
        ),
        (
            RULES["notice"],
            f"A notice period of at least {weeks} (the organisation's minimum{default}). Not "
            "recorded when left blank.",
        ),
        (
            AGENCY_FIGURES["agency_cap_breaches_unsigned"].label,
            "Assignments active at the month end costing more than the price cap in force at "
            "their start without both sign-offs dated on or before the start.",
        ),
        (
            RUNNING_LONG_LABEL,
            "Assignments active at the month end that started more than "
            f"{LONG_ASSIGNMENT_MONTHS} months before it.",
        ),
        (
            ENDING_SOON_LABEL,
            "Assignments active at the month end whose end date is after it and no more than "
            f"{ENDING_SOON_WEEKS} weeks after it.",
        ),
    ]
