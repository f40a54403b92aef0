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
- The monthly budget (optional, a setting for the whole organisation): the month's cost is
  met at or under it, close up to `BUDGET_CLOSE_PERCENT`% (5%) over it, missed beyond; shown
  only for the whole organisation.

A trend over any number of months costs one query (`agency_trend`): each assignment is judged
once, at its start date. Names come only through `named_assignments`, narrowed by the grant.
A scope's figures are suppressed for a user when a team in it has 1 or 2 active assignments
whose names the user may not see (or when a subtraction would give such a team away):
`agency_suppressed`, the same rule as for people in post.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlmodel import Session, col

from data_access.access.grants import Grant
from data_access.access.suppression import Suppression
from data_access.core.dates import add_months, months_ending
from data_access.core.models import AgencyAssignment, AgencyPriceCap, Staff, Team
from data_access.core.scope import Scope, TeamChoice
from data_access.indicators.agency_rules import (
    MISSING,
    NO_END,
    NOT_MET,
    RULES,
    Assignment,
    Context,
    Judgement,
    Outcome,
    is_active,
    judge,
    month_costs,
)
from data_access.indicators.breakdowns import suppressions_of
from data_access.indicators.metrics import percentage
from data_access.indicators.policy import TargetStatus
from data_access.indicators.summary import HeadlineFigure, change_direction
from data_access.national.comparison import authorities
from data_access.settings import agency_min_notice_weeks, agency_monthly_budget, our_authority

LONG_ASSIGNMENT_MONTHS = 12
ENDING_SOON_WEEKS = 4
#: How many months the headline figures look back over (their lines, and whether a scope holds
#: any assignment at all).
AGENCY_HISTORY_MONTHS = 24
#: The share of the budget a month's cost may exceed it by and count as "close" to it.
BUDGET_CLOSE_PERCENT = 5


@dataclass(frozen=True)
class AgencyFigure:
    """How one of the four headline agency figures is named, measured and read."""

    label: str
    unit: str
    #: Which way is better ("lower", "higher"; None: neither, as for a count of assignments).
    better: str | None
    summary: str
    definition: str


#: The four figures the Overview's and Agency page's tiles and `metrics` show, in that order.
AGENCY_FIGURES = {
    "agency_cost_month": AgencyFigure(
        "Agency cost in the month",
        "£",
        "lower",
        "What the council paid for agency social workers' hours in the month, agency fees "
        "included.",
        "The sum over assignments of hourly_charge_rate x hours_per_week x (the weekdays, "
        "Monday to Friday, of the calendar month ending D on which the assignment is active) "
        "/ 5. Against the organisation's monthly budget, when one is set, for the whole "
        f"organisation: met at or under it, close up to {BUDGET_CLOSE_PERCENT}% over it.",
    ),
    "agency_assignments_active": AgencyFigure(
        "Agency assignments active",
        "count",
        None,
        "Agency workers on assignment at the month end.",
        "Assignments with start_date <= D and (no end_date or end_date >= D).",
    ),
    "agency_compliant_share": AgencyFigure(
        "Agency assignments meeting every rule",
        "%",
        "higher",
        "Of the assignments active at the month end, the share meeting all five of DfE's "
        "agency rules.",
        "Of the assignments active at D, those compliant with experience, no return within 3 "
        "months, the price cap (or a breach signed off by the DCS and the Chief Executive), "
        "references and notice, x 100 (a rule not recorded or with no cap set is not met).",
    ),
    "agency_cap_breaches_unsigned": AgencyFigure(
        "Price-cap breaches without sign-off",
        "count",
        "lower",
        "Active assignments costing more than the regional price cap without the sign-off "
        "the guidance requires.",
        "Assignments active at D whose hourly_capped_cost is over the cap in force at their "
        "start, without both the DCS's and the Chief Executive's sign-off dated on or before "
        "the start.",
    ),
}
#: The four figures `metrics` prints beside the metrics: name -> (label, unit).
AGENCY_LABELS = {name: (figure.label, figure.unit) for name, figure in AGENCY_FIGURES.items()}


class AssignmentRecord(NamedTuple):
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


#: What a record holds besides the rules' `Assignment` (and the team, read from the worker).
_RECORD_ONLY = (
    "staff_id",
    "agency",
    "swe_number",
    "hourly_pay_rate",
    "project_team",
    "cover_reason",
)
#: An assignment's stored columns, read as plain rows (building ORM objects for thousands of
#: assignments took most of a national-size page's time), in the order `_record` reads them:
#: the `Assignment`'s fields, then the record's own.
_ASSIGNMENT = tuple(
    AgencyAssignment.__table__.c[name]  # type: ignore[attr-defined]
    for name in (*Assignment._fields, *_RECORD_ONLY)
)
_RULE_FIELDS = len(Assignment._fields)


def _record(row: Any, team_id: str) -> AssignmentRecord:
    """A row of `_ASSIGNMENT` columns (and others after them) as a record, by position (by
    name it took 15 microseconds an assignment, 0.18 s of the Agency page at national size)."""
    staff_id, agency, swe_number, pay_rate, project_team, cover_reason = row[
        _RULE_FIELDS : _RULE_FIELDS + len(_RECORD_ONLY)
    ]
    return AssignmentRecord(
        Assignment._make(row[:_RULE_FIELDS]),
        staff_id,
        team_id,
        agency,
        swe_number,
        pay_rate,
        project_team,
        cover_reason,
    )


def running_long(start: date, as_at: date) -> bool:
    """Running more than `LONG_ASSIGNMENT_MONTHS` months at D: started before D minus them."""
    return start < add_months(as_at, -LONG_ASSIGNMENT_MONTHS)


def ending_soon(end: date | None, as_at: date) -> bool:
    """Ending in the next `ENDING_SOON_WEEKS` weeks: an end date in (D, D + the weeks]."""
    return end is not None and as_at < end <= as_at + timedelta(weeks=ENDING_SOON_WEEKS)


def _active_between(first: date, last: date) -> ColumnElement[bool]:
    return and_(
        col(AgencyAssignment.start_date) <= last,
        or_(col(AgencyAssignment.end_date).is_(None), col(AgencyAssignment.end_date) >= first),
    )


def assignments_between(
    first: date, last: date, scope: Scope, *, session: Session
) -> list[AssignmentRecord]:
    """The assignments of workers in `scope` active on any day of [first, last], oldest first."""
    query = _assignments_in(first, last, scope, *_ASSIGNMENT, col(Staff.team_id)).order_by(
        col(AgencyAssignment.start_date), col(AgencyAssignment.assignment_id)
    )
    return [_record(row, row.team_id) for row in session.execute(query)]


def _assignments_in(first: date, last: date, scope: Scope, *columns: Any) -> Select:
    """`columns` of the assignments of workers in `scope` active on any day of [first, last]."""
    query = (
        select(*columns)
        .join(Staff, col(Staff.staff_id) == col(AgencyAssignment.staff_id))
        .where(_active_between(first, last))
    )
    in_scope = scope.contains_team(col(Staff.team_id))
    return query.where(in_scope) if in_scope is not None else query


@dataclass(frozen=True)
class AssignmentColumns:
    """The records as arrays, one element per assignment, for sums over every month."""

    starts: np.ndarray
    ends: np.ndarray
    rates: np.ndarray
    hours: np.ndarray
    project: np.ndarray

    @classmethod
    def of(cls, records: list[AssignmentRecord]) -> AssignmentColumns:
        return cls(
            starts=np.array([r.assignment.start_date for r in records], "datetime64[D]"),
            ends=np.array([r.assignment.end_date or NO_END for r in records], "datetime64[D]"),
            rates=np.array([r.assignment.hourly_charge_rate for r in records], float),
            hours=np.array([r.assignment.hours_per_week for r in records], float),
            project=np.array([r.project_team for r in records], bool),
        )

    def costs(self, month_end: date) -> np.ndarray:
        return month_costs(month_end, self.starts, self.ends, self.rates, self.hours)

    def active(self, day: date) -> np.ndarray:
        """Which assignments are active on `day` (`is_active`)."""
        at = np.datetime64(day, "D")
        return (self.starts <= at) & (self.ends >= at)

    @classmethod
    def read(cls, first: date, last: date, scope: Scope, *, session: Session) -> AssignmentColumns:
        """The columns of `assignments_between(first, last, scope)` read straight into arrays,
        without building a record per assignment (what a figure that judges no rule needs)."""
        query = _assignments_in(
            first,
            last,
            scope,
            col(AgencyAssignment.start_date),
            col(AgencyAssignment.end_date),
            col(AgencyAssignment.hourly_charge_rate),
            col(AgencyAssignment.hours_per_week),
            col(AgencyAssignment.project_team),
        )
        rows = session.execute(query).all()
        return cls(
            starts=np.array([row[0] for row in rows], "datetime64[D]"),
            ends=np.array([row[1] or NO_END for row in rows], "datetime64[D]"),
            rates=np.array([row[2] for row in rows], float),
            hours=np.array([row[3] for row in rows], float),
            project=np.array([row[4] for row in rows], bool),
        )


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
    #: Why some outcomes cannot be judged yet (our authority not chosen, regions not known).
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "agency_assignments_active": self.agency_assignments_active,
            "agency_cost_month": self.agency_cost_month,
            "agency_compliant_share": self.agency_compliant_share,
            "agency_cap_breaches_unsigned": self.agency_cap_breaches_unsigned,
        }


def context_notes(context: Context) -> tuple[str, ...]:
    """What the no-return rule cannot judge until a setting is made or a file loaded."""
    notes = []
    if context.our_la_code is None:
        notes.append(
            "Our authority is not chosen (an administrator chooses it on the Access page, or "
            "`settings set our-authority CODE`): the no-return rule is not recorded for any "
            "worker whose last post was with a council."
        )
    elif not context.regions:
        notes.append(
            "DfE's published indicators file is not loaded, so regions are not known: the "
            "no-return rule is not recorded for a worker whose last post was with another "
            "council (one whose last post was with ours is judged)."
        )
    return tuple(notes)


def judgements(
    records: list[AssignmentRecord],
    context: Context,
    known: Mapping[str, Judgement] | None = None,
) -> list[tuple[AssignmentRecord, Judgement]]:
    """Each record with its judgement: taken from `known` (by assignment id) when it holds
    one made with the same context (a judgement is made at the start date, so a trend and the
    figures at its end share theirs), else made now."""
    known = known or {}
    return [
        (record, known.get(record.assignment.assignment_id) or judge(record.assignment, context))
        for record in records
    ]


def agency_figures(as_at: date, scope: Scope, *, session: Session) -> AgencyFigures:
    """The agency figures for `scope` at the month end `as_at` (see the module's definitions)."""
    first = as_at.replace(day=1)
    records = assignments_between(first, as_at, scope, session=session)
    return _figures(as_at, records, agency_context(session=session))


def _figures(
    as_at: date,
    records: list[AssignmentRecord],
    context: Context,
    known: Mapping[str, Judgement] | None = None,
) -> AgencyFigures:
    """`agency_figures` from the assignments active on any day of the month ending `as_at`
    (judgements already made with `context` may be given by assignment id)."""
    columns = AssignmentColumns.of(records)
    costs = columns.costs(as_at)
    cost = round(float(costs.sum()), 2)
    # Only the assignments active at D are judged; the others count for the month's cost.
    active = judgements(
        [record for record in records if is_active(record.assignment, as_at)], context, known
    )
    outcomes = {
        rule: {
            str(outcome): n
            for outcome, n in Counter(getattr(judgement, rule) for _, judgement in active).items()
        }
        for rule in RULES
    }
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
        running_over_12_months=sum(
            running_long(record.assignment.start_date, as_at) for record, _ in active
        ),
        ending_within_4_weeks=sum(
            ending_soon(record.assignment.end_date, as_at) for record, _ in active
        ),
        by_agency=dict(sorted(Counter(record.agency for record, _ in active).items())),
        by_cover_reason=dict(sorted(Counter(record.cover_reason for record, _ in active).items())),
        project_team_assignments=sum(record.project_team for record, _ in active),
        project_team_cost_month=round(
            float(
                sum(
                    cost for record, cost in zip(records, costs, strict=True) if record.project_team
                )
            ),
            2,
        ),
        notes=context_notes(context),
    )


@dataclass(frozen=True)
class AgencyMonth:
    """One month of the agency trend: the month's cost (`agency_cost_month`), the project
    teams' part of it, and the active assignments at its end with the share of them meeting
    every rule and the price-cap breaches without sign-off."""

    month: date
    cost: float
    project_team_cost: float
    active: int
    compliant_share: float | None
    cap_breaches_unsigned: int

    @property
    def other_cost(self) -> float:
        """The month's cost outside project teams."""
        return round(self.cost - self.project_team_cost, 2)

    @property
    def held(self) -> bool:
        """Whether the scope had agency work in the month (`month_held`)."""
        return month_held(self.active, self.cost)


def month_held(active: int, cost: float) -> bool:
    """Agency work in a month: an assignment active at its end, or a cost in it (to the penny):
    a month with neither has nothing to show."""
    return active > 0 or cost != 0


def agency_held(months: list[date], scope: Scope, *, session: Session) -> bool:
    """Whether `scope` had agency work in any of `months` (`month_held`): what `agency_trend`
    over them would show in some month, from the assignments' dates, rates and hours alone (no
    rule judged, no record built: one query)."""
    if not months:
        return False
    columns = AssignmentColumns.read(months[0].replace(day=1), months[-1], scope, session=session)
    return any(
        month_held(int(columns.active(month).sum()), round(float(columns.costs(month).sum()), 2))
        for month in months
    )


def agency_trend(months: list[date], scope: Scope, *, session: Session) -> list[AgencyMonth]:
    """`agency_cost_month`, `agency_assignments_active`, `agency_compliant_share` and
    `agency_cap_breaches_unsigned` at each month end of `months` (oldest first): one query for
    the assignments of the whole period, each judged once (a judgement is made at the start
    date, so it is the same every month)."""
    if not months:
        return []
    records = assignments_between(months[0].replace(day=1), months[-1], scope, session=session)
    return _trend(months, records, agency_context(session=session))


@dataclass(frozen=True)
class AgencyPeriod:
    """The trend over some months and the figures at the last of them, from one reading."""

    trend: list[AgencyMonth]
    figures: AgencyFigures


def agency_period(months: list[date], scope: Scope, *, session: Session) -> AgencyPeriod:
    """`agency_trend` over `months` (at least one) and `agency_figures` at the last of them,
    from one query for the assignments of the whole period."""
    records = assignments_between(months[0].replace(day=1), months[-1], scope, session=session)
    context = agency_context(session=session)
    first = months[-1].replace(day=1)
    in_month = [
        record
        for record in records
        if record.assignment.end_date is None or record.assignment.end_date >= first
    ]
    judged = judgements(records, context)
    known = {record.assignment.assignment_id: judgement for record, judgement in judged}
    return AgencyPeriod(
        _trend(months, records, context, judged), _figures(months[-1], in_month, context, known)
    )


def _trend(
    months: list[date],
    records: list[AssignmentRecord],
    context: Context,
    judged: list[tuple[AssignmentRecord, Judgement]] | None = None,
) -> list[AgencyMonth]:
    """The trend over `months` from `records` (with their judgements, when already made)."""
    judged = judged if judged is not None else judgements(records, context)
    columns = AssignmentColumns.of(records)
    compliant = np.array([judgement.compliant for _, judgement in judged], bool)
    unsigned = np.array([judgement.breach_signed_off is False for _, judgement in judged], bool)
    trend = []
    for month in months:
        costs = columns.costs(month)
        active = columns.active(month)
        count = int(active.sum())
        trend.append(
            AgencyMonth(
                month=month,
                cost=round(float(costs.sum()), 2),
                project_team_cost=round(float(costs[columns.project].sum()), 2),
                active=count,
                compliant_share=percentage(int((active & compliant).sum()), count),
                cap_breaches_unsigned=int((active & unsigned).sum()),
            )
        )
    return trend


class NamedAssignment(NamedTuple):
    """An active assignment as a manager reads it: the worker by name (only inside the grant),
    its dates, the rules it does not meet and why it needs attention (a tuple: thousands are
    built for the whole organisation, and a frozen dataclass took 4 microseconds more each)."""

    assignment_id: str
    staff_id: str
    display_name: str
    team_name: str
    agency: str
    role_category: str
    cover_reason: str
    start_date: date
    end_date: date | None
    hours_per_week: float
    hourly_capped_cost: float
    cap: float | None
    #: The rules not met, by their readers' names ("Not recorded" ones included).
    rules_not_met: tuple[str, ...]
    cap_breach_unsigned: bool
    running_long: bool
    ending_soon: bool
    #: Days from D to the end date (None: continuing).
    days_left: int | None

    @property
    def rules_not_met_text(self) -> str:
        """The rules not met, in one cell: "none" when it meets every one."""
        return "; ".join(self.rules_not_met) or "none"


@dataclass(frozen=True)
class NamedAssignments:
    """The active assignments at D in scope whose workers the grant may see by name, oldest
    first, and how many more there are in scope outside the grant (counted, never named)."""

    rows: list[NamedAssignment]
    outside_grant: int


def _not_met(judgement: Judgement) -> tuple[str, ...]:
    """The rules `judgement` does not meet, in a reader's words, with why where the evidence
    is missing for the no-return rule ("Last post not judged: the last post's end date is not
    recorded")."""
    found = []
    for rule in RULES:
        outcome = getattr(judgement, rule)
        if outcome is Outcome.NOT_COMPLIANT:
            found.append(NOT_MET[rule])
        elif outcome is not Outcome.COMPLIANT:
            why = f": {judgement.cooling_off_reason}" if rule == "cooling_off" else ""
            found.append(MISSING[rule] + why)
    return tuple(found)


def named_assignments(
    as_at: date, scope: Scope, grant: Grant, *, session: Session
) -> NamedAssignments:
    """The assignments active at `as_at` in `scope`, named only inside `grant`: running more
    than `LONG_ASSIGNMENT_MONTHS` months, ending within `ENDING_SOON_WEEKS` weeks, over the cap
    without both sign-offs, and the rules each does not meet."""
    query = (
        select(*_ASSIGNMENT, col(Staff.team_id), col(Staff.display_name), col(Team.team_name))
        .join(Staff, col(Staff.staff_id) == col(AgencyAssignment.staff_id))
        .join(Team, col(Team.team_id) == col(Staff.team_id))
        .where(_active_between(as_at, as_at), grant.names_condition(col(Staff.team_id)))
        .order_by(col(AgencyAssignment.start_date), col(AgencyAssignment.assignment_id))
    )
    in_scope = scope.contains_team(col(Staff.team_id))
    if in_scope is not None:
        query = query.where(in_scope)
    context = agency_context(session=session)
    rows = []
    # By position, through `_record` (by name, a row's dozen reads cost more than its judgement).
    for row in session.execute(query):
        team_id, name, team_name = row[-3:]
        record = _record(row, team_id)
        assignment = record.assignment
        judgement = judge(assignment, context)
        start, end = assignment.start_date, assignment.end_date
        rows.append(
            NamedAssignment(
                assignment_id=assignment.assignment_id,
                staff_id=record.staff_id,
                display_name=name,
                team_name=team_name,
                agency=record.agency,
                role_category=assignment.role_category,
                cover_reason=record.cover_reason,
                start_date=start,
                end_date=end,
                hours_per_week=assignment.hours_per_week,
                hourly_capped_cost=assignment.hourly_capped_cost,
                cap=judgement.cap,
                rules_not_met=_not_met(judgement),
                cap_breach_unsigned=judgement.breach_signed_off is False,
                running_long=running_long(start, as_at),
                ending_soon=ending_soon(end, as_at),
                days_left=(end - as_at).days if end else None,
            )
        )
    in_scope_count = (
        select(func.count())
        .select_from(AgencyAssignment)
        .join(Staff, col(Staff.staff_id) == col(AgencyAssignment.staff_id))
        .where(_active_between(as_at, as_at))
    )
    if in_scope is not None:
        in_scope_count = in_scope_count.where(in_scope)
    total = session.execute(in_scope_count).scalar_one()
    return NamedAssignments(rows, outside_grant=total - len(rows))


def budget_status(cost: float, budget: int | None) -> TargetStatus | None:
    """A month's cost against the monthly budget: met at or under it, close up to
    `BUDGET_CLOSE_PERCENT`% over it, missed beyond (None without a budget)."""
    if budget is None:
        return None
    if cost <= budget:
        return TargetStatus.MET
    return (
        TargetStatus.CLOSE
        if cost <= budget * (1 + BUDGET_CLOSE_PERCENT / 100)
        else (TargetStatus.MISSED)
    )


def agency_headlines(
    as_at: date,
    scope: Scope,
    *,
    session: Session,
    history_months: int = AGENCY_HISTORY_MONTHS,
    trend: list[AgencyMonth] | None = None,
) -> list[HeadlineFigure]:
    """The four `AGENCY_FIGURES` at `as_at`, each with its value 12 months earlier, the change,
    and its last `history_months` months; the cost against the monthly budget when the scope
    is the whole organisation and a budget is set (one query for every month). `trend`, when
    it is `agency_trend` over exactly those months, is used rather than read again."""
    months = months_ending(as_at, max(history_months, 13))
    if trend is None or [point.month for point in trend] != months:
        trend = agency_trend(months, scope, session=session)
    by_month = {point.month: point for point in trend}
    budget = agency_monthly_budget(session=session) if scope.is_whole_organisation else None
    year_earlier = add_months(as_at, -12)

    # No assignment in scope in the whole period: "no data", not a cost of £0.
    held = any(point.active or point.cost for point in by_month.values())

    def value(name: str, point: AgencyMonth | None) -> float | int | None:
        if point is None or not held:
            return None
        return {
            "agency_cost_month": point.cost,
            "agency_assignments_active": point.active,
            "agency_compliant_share": point.compliant_share,
            "agency_cap_breaches_unsigned": point.cap_breaches_unsigned,
        }[name]

    figures = []
    for name, declared in AGENCY_FIGURES.items():
        now, before = value(name, by_month.get(as_at)), value(name, by_month.get(year_earlier))
        change = direction = None
        if now is not None and before is not None:
            change = round(now - before, 2 if declared.unit == "£" else 1)
            direction = change_direction(change, declared.better)
        with_budget = name == "agency_cost_month" and budget is not None
        figures.append(
            HeadlineFigure(
                name=name,
                label=declared.label,
                unit=declared.unit,
                definition=declared.definition,
                value=now,
                year_earlier=before,
                change=change,
                change_direction=direction,
                target=budget if with_budget else None,
                target_better="lower" if with_budget else None,
                status=budget_status(now, budget) if with_budget and now is not None else None,
                history=[
                    (month, value(name, by_month.get(month))) for month in months[-history_months:]
                ],
                better=declared.better,
                summary=declared.summary,
            )
        )
    return figures


def agency_suppression(
    as_at: date,
    grant: Grant,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> Suppression:
    """What `grant` may not see of the agency figures at `as_at`: a team with 1 or 2 active
    assignments whose names the user may not see is suppressed, with whatever would give it
    away by subtraction (data_access/access/suppression.py), as for people in post. One query
    for every team's count (`everyone`: the whole organisation's teams, if already read)."""
    if grant.sees_all_names:
        return Suppression()
    counts = dict(
        session.execute(
            select(col(Staff.team_id), func.count())
            .select_from(AgencyAssignment)
            .join(Staff, col(Staff.staff_id) == col(AgencyAssignment.staff_id))
            .where(_active_between(as_at, as_at))
            .group_by(col(Staff.team_id))
        ).all()
    )
    return suppressions_of({as_at: counts}, grant, session=session, everyone=everyone)[as_at]


def agency_suppressed(
    as_at: date,
    scope: Scope,
    grant: Grant,
    *,
    session: Session,
    everyone: Sequence[TeamChoice] | None = None,
) -> bool:
    """True when the agency figures of `scope` at `as_at` are suppressed for `grant`."""
    return agency_suppression(as_at, grant, session=session, everyone=everyone).hides(scope)
