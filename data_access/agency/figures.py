"""The agency figures for any scope and month end D, from the assignments in scope (one query
each for the assignments, the caps and the regions: never one per assignment or per month).

- `agency_assignments_active`: assignments with start <= D and (no end or end >= D).
- `agency_cost_month`: the cost of the calendar month ending D, summed over the assignments
  (`agency_rules.month_cost`), to the penny.
- `agency_compliant_share`: of the assignments active at D, the share compliant with all five
  rules, x 100 (one decimal place); and each rule's own share.
- `agency_cap_breaches_unsigned`: active assignments over their cap without both sign-offs.
- Assignments running more than 12 months at D (start more than `LONG_ASSIGNMENT_MONTHS`
  months before D), ending in the next `ENDING_SOON_WEEKS` weeks (end in (D, D + 28 days]),
  by agency and by cover reason, and the project-team assignments and their month's cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from data_access.core.dates import add_months
from data_access.core.models import AgencyAssignment, AgencyPriceCap, Staff
from data_access.core.scope import Scope
from data_access.indicators.agency_rules import (
    RULES,
    Assignment,
    Context,
    Judgement,
    Outcome,
    is_active,
    judge,
    month_cost,
)
from data_access.indicators.metrics import percentage
from data_access.national.comparison import authorities
from data_access.settings import agency_min_notice_weeks, our_authority

LONG_ASSIGNMENT_MONTHS = 12
ENDING_SOON_WEEKS = 4
#: The four figures `metrics` prints beside the metrics: name -> (label, unit).
AGENCY_LABELS = {
    "agency_assignments_active": ("Agency assignments active", "count"),
    "agency_cost_month": ("Agency cost of the month (pounds)", "£"),
    "agency_compliant_share": ("Agency assignments meeting every rule", "%"),
    "agency_cap_breaches_unsigned": ("Price-cap breaches without sign-off", "count"),
}


@dataclass(frozen=True)
class AssignmentRecord:
    """An assignment as stored, with its worker's team: `assignment` is what the rules read."""

    assignment: Assignment
    staff_id: str
    team_id: str
    agency: str
    swe_number: str
    hourly_pay_rate: float
    project_team: bool
    cover_reason: str


def agency_context(*, session: Session) -> Context:
    """Our authority, the regions of DfE's latest published file, the price caps and the
    organisation's minimum notice: what the rules read besides the assignment."""
    caps: dict[str, list[tuple[date, float]]] = {}
    for category, start, cap in session.execute(
        select(
            col(AgencyPriceCap.role_category),
            col(AgencyPriceCap.effective_from),
            col(AgencyPriceCap.hourly_cap),
        )
    ):
        caps.setdefault(category, []).append((start, cap))
    regions = {
        authority.la_code: authority.region_name
        for authority in authorities(session=session)
        if authority.region_name
    }
    return Context(
        our_la_code=our_authority(session=session),
        regions=regions,
        caps=caps,
        min_notice_weeks=agency_min_notice_weeks(session=session),
    )


def assignments_between(
    first: date, last: date, scope: Scope, *, session: Session
) -> list[AssignmentRecord]:
    """The assignments of workers in `scope` active on any day of [first, last], oldest first."""
    query = (
        select(AgencyAssignment, col(Staff.team_id))
        .join(Staff, col(Staff.staff_id) == col(AgencyAssignment.staff_id))
        .where(
            col(AgencyAssignment.start_date) <= last,
            or_(
                col(AgencyAssignment.end_date).is_(None),
                col(AgencyAssignment.end_date) >= first,
            ),
        )
        .order_by(col(AgencyAssignment.start_date), col(AgencyAssignment.assignment_id))
    )
    in_scope = scope.contains_team(col(Staff.team_id))
    if in_scope is not None:
        query = query.where(and_(in_scope))
    return [
        AssignmentRecord(
            assignment=Assignment(
                assignment_id=row.assignment_id,
                role_category=row.role_category,
                start_date=row.start_date,
                end_date=row.end_date,
                hours_per_week=row.hours_per_week,
                hourly_capped_cost=row.hourly_capped_cost,
                hourly_charge_rate=row.hourly_charge_rate,
                pqe_years=row.pqe_years,
                last_permanent_la_code=row.last_permanent_la_code,
                last_permanent_end_date=row.last_permanent_end_date,
                cooling_off_exception=row.cooling_off_exception,
                references_received=row.references_received,
                notice_weeks=row.notice_weeks,
                cap_breach_dcs_signoff_date=row.cap_breach_dcs_signoff_date,
                cap_breach_ceo_signoff_date=row.cap_breach_ceo_signoff_date,
            ),
            staff_id=row.staff_id,
            team_id=team_id,
            agency=row.agency,
            swe_number=row.swe_number,
            hourly_pay_rate=row.hourly_pay_rate,
            project_team=row.project_team,
            cover_reason=row.cover_reason,
        )
        for row, team_id in session.execute(query)
    ]


@dataclass(frozen=True)
class AgencyFigures:
    """The agency figures for one scope at month end D (see the module's definitions)."""

    as_at: date
    agency_assignments_active: int
    agency_cost_month: float
    agency_compliant_share: float | None
    #: Each rule's share of the active assignments that comply with it.
    rule_shares: dict[str, float | None]
    #: Each rule's outcomes among the active assignments: rule -> outcome -> count.
    rule_outcomes: dict[str, dict[str, int]]
    agency_cap_breaches_unsigned: int
    running_over_12_months: int
    ending_within_4_weeks: int
    by_agency: dict[str, int] = field(default_factory=dict)
    by_cover_reason: dict[str, int] = field(default_factory=dict)
    project_team_assignments: int = 0
    project_team_cost_month: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "agency_assignments_active": self.agency_assignments_active,
            "agency_cost_month": self.agency_cost_month,
            "agency_compliant_share": self.agency_compliant_share,
            "agency_cap_breaches_unsigned": self.agency_cap_breaches_unsigned,
        }


def judgements(
    records: list[AssignmentRecord], context: Context
) -> list[tuple[AssignmentRecord, Judgement]]:
    return [(record, judge(record.assignment, context)) for record in records]


def agency_figures(as_at: date, scope: Scope, *, session: Session) -> AgencyFigures:
    """The agency figures for `scope` at the month end `as_at` (see the module's definitions)."""
    first = as_at.replace(day=1)
    records = assignments_between(first, as_at, scope, session=session)
    context = agency_context(session=session)
    cost = round(sum(month_cost(record.assignment, as_at) for record in records), 2)
    # Only the assignments active at D are judged; the others count for the month's cost.
    active = judgements(
        [record for record in records if is_active(record.assignment, as_at)], context
    )
    outcomes = {
        rule: dict(Counter(str(getattr(judgement, rule)) for _, judgement in active))
        for rule in RULES
    }
    project = [record for record in records if record.project_team]
    long_ago = add_months(as_at, -LONG_ASSIGNMENT_MONTHS)
    soon = as_at + timedelta(weeks=ENDING_SOON_WEEKS)
    return AgencyFigures(
        as_at=as_at,
        agency_assignments_active=len(active),
        agency_cost_month=cost,
        agency_compliant_share=percentage(
            sum(judgement.compliant for _, judgement in active), len(active)
        ),
        rule_shares={
            rule: percentage(outcomes[rule].get(Outcome.COMPLIANT, 0), len(active))
            for rule in RULES
        },
        rule_outcomes=outcomes,
        agency_cap_breaches_unsigned=sum(
            judgement.breach_signed_off is False for _, judgement in active
        ),
        running_over_12_months=sum(record.assignment.start_date < long_ago for record, _ in active),
        ending_within_4_weeks=sum(
            record.assignment.end_date is not None and as_at < record.assignment.end_date <= soon
            for record, _ in active
        ),
        by_agency=dict(sorted(Counter(record.agency for record, _ in active).items())),
        by_cover_reason=dict(sorted(Counter(record.cover_reason for record, _ in active).items())),
        project_team_assignments=sum(record.project_team for record, _ in active),
        project_team_cost_month=round(
            sum(month_cost(record.assignment, as_at) for record in project), 2
        ),
    )
