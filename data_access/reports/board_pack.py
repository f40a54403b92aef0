"""What goes into the improvement board pack, for a scope (organisation, area or hub) and a month
end: every figure comes from the metric definitions in data_access.indicators.metrics,
aggregated for the scope; the pack holds aggregates only, never a worker's name (it is assembled
with a grant that sees no names, so small teams are suppressed as on a board member's screen).

`data_access.reports.pdf` lays the pack out as an A4 PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from data_access.access.grants import SMALL_GROUP_MINIMUM, Grant
from data_access.access.settings import ORGANISATION_NAME, OUR_AUTHORITY, setting
from data_access.core.dates import add_months, month_end
from data_access.core.scope import Scope, TeamChoice, UnknownScope, resolve_scope, teams_in_scope
from data_access.indicators.breakdowns import (
    IN_POST,
    GradeCount,
    SupervisionStatusCounts,
    UnitFigures,
    audit_grades_by_quarter,
    compare_units,
    months_ending,
    supervision_status_counts,
    suppression,
)
from data_access.indicators.grid import PartsGrid, metric_from_parts, parts_grid
from data_access.indicators.metrics import MetricValue, round_one_decimal
from data_access.indicators.policy import CHILDS_VIEWS_BASELINE, Policy, Target
from data_access.indicators.summary import (
    Freshness,
    HeadlineFigure,
    data_freshness,
    earliest_data_date,
    headline_figures,
    latest_data_date,
)
from data_access.national.comparison import Comparison, benchmark_years, comparison
from data_access.reports.commentary import Commentary, earlier_commentary, latest_commentary

#: The themes of the pack, each with its indicators (every indicator that has a target).
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stability": (
        "Workforce stability",
        ("agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte", "stability_index"),
    ),
    "supervision": (
        "Supervision",
        (
            "supervision_coverage",
            "supervision_agreement_share",
            "supervisor_training_share",
            "reflective_share",
            "childs_views_share",
            "audit_good_or_better_share",
        ),
    ),
    "caseloads": ("Caseloads", ("caseload_average", "caseload_over_threshold_share")),
}
PACK_INDICATORS = tuple(name for _, names in THEMES.values() for name in names)
#: Each theme's indicator for "the teams furthest from target".
THEME_KEY_INDICATOR = {
    "stability": "agency_rate_fte",
    "supervision": "supervision_coverage",
    "caseloads": "caseload_over_threshold_share",
}
#: How many months of trend the pack shows, and how many months set the trajectory's pace.
TREND_MONTHS = 24
TRAJECTORY_MONTHS = 6
#: Beyond this many months, a trajectory is "more than 10 years at this pace".
TRAJECTORY_HORIZON_MONTHS = 120
#: How many teams the pack lists as furthest from target, per theme.
FURTHEST_TEAMS = 5
#: The pack is made with no names: every team is outside its grant.
PACK_GRANT = Grant("board pack", "board")
DEFAULT_ORGANISATION_NAME = "Children's services"


class NoPack(ValueError):
    """A pack that cannot be made: an unknown scope, a team scope, or a date with no data."""


@dataclass(frozen=True)
class Trajectory:
    status: str  # "met", "on course", "not on this trend", "no data", "too little history"
    #: Change per month over the last TRAJECTORY_MONTHS months.
    pace: float | None = None
    #: The month end by which the target would be reached at that pace.
    reached_by: date | None = None
    #: Whole months from D to `reached_by`.
    months: int | None = None


def trajectory(
    history: list[tuple[date, MetricValue]], target: Target, months: int = TRAJECTORY_MONTHS
) -> Trajectory:
    """When the target would be reached at the pace of the last 6 months.

    The pace is the change over the last 6 months divided by 6 (per month). A target already met
    is "met". Otherwise, if the pace moves towards the target, the months needed are the gap to
    the target divided by the pace, rounded up, and the target would be reached by the month
    end that many months after D ("on course"); no change, or a change away from the target, is
    "not on this trend", and so is a target more than 10 years away at that pace. With no value
    at D it is "no data"; with no value 6 months before D, "too little history".
    """
    values = dict(history)
    now_day = history[-1][0] if history else None
    now = values.get(now_day) if now_day else None
    if now is None:
        return Trajectory("no data")
    if target.status(now) == "met":
        return Trajectory("met")
    then = values.get(month_end(add_months(now_day, -months)))
    if then is None:
        return Trajectory("too little history")
    pace = round((now - then) / months, 2)
    towards = pace < 0 if target.better == "lower" else pace > 0
    if not towards:
        return Trajectory("not on this trend", pace)
    needed = math.ceil(abs(now - target.value) / abs((now - then) / months) - 1e-9)
    if needed > TRAJECTORY_HORIZON_MONTHS:
        return Trajectory("not on this trend", pace)
    return Trajectory("on course", pace, month_end(add_months(now_day, needed)), needed)


@dataclass(frozen=True)
class TeamGap:
    team_name: str
    hub: str
    value: float
    #: How far on the wrong side of the target (in the indicator's units).
    gap: float


@dataclass(frozen=True)
class ThemeSection:
    key: str
    title: str
    figures: list[HeadlineFigure]
    furthest: list[TeamGap]
    #: Teams left out of `furthest` because their figure is suppressed (fewer than 3 people).
    suppressed_teams: int


@dataclass(frozen=True)
class NationalSection:
    comparison: Comparison
    #: Our own figures for the same 30 September are on the Benchmarks page; the pack shows
    #: the published figures only.
    year: int


@dataclass
class BoardPack:
    organisation: str
    scope: Scope
    scope_label: str
    as_at: date
    produced_at: datetime
    produced_by: str
    freshness: Freshness
    policy: Policy
    figures: list[HeadlineFigure]
    trajectories: dict[str, Trajectory]
    units: list[UnitFigures]
    themes: list[ThemeSection]
    supervision_counts: SupervisionStatusCounts
    audit_grades: list[GradeCount]
    national: NationalSection | None
    commentary: dict[str, Commentary]
    earlier_commentary: list[Commentary] = field(default_factory=list)

    @property
    def figure(self) -> dict[str, HeadlineFigure]:
        return {figure.name: figure for figure in self.figures}

    @property
    def childs_views_baseline(self) -> float:
        return CHILDS_VIEWS_BASELINE


def describe_scope(scope: Scope) -> str:
    if scope.hub:
        return f"{scope.hub}, {scope.area} area" if scope.area else scope.hub
    if scope.area:
        return f"{scope.area} area"
    return "Whole organisation"


def _furthest_teams(
    grid: PartsGrid,
    as_at: date,
    teams: list[TeamChoice],
    small: set[str],
    name: str,
    policy: Policy,
) -> list[TeamGap]:
    """`teams` on the wrong side of the target for `name` at D, furthest first (at most
    FURTHEST_TEAMS), leaving out the `small` (suppressed) ones; each team's figure from the
    set-based grid of the pack's scope (data_access/indicators/grid.py)."""
    target = policy.targets[name]
    gaps = []
    for team in teams:
        if team.team_id in small:
            continue
        value = metric_from_parts(name, grid.total(as_at, [team.team_id]))
        if value is None:
            continue
        gap = value - target.value if target.better == "lower" else target.value - value
        if gap > 0:
            gaps.append(TeamGap(team.team_name, team.hub, value, round_one_decimal(gap)))
    gaps.sort(key=lambda item: (-item.gap, item.team_name))
    return gaps[:FURTHEST_TEAMS]


def assemble_board_pack(
    session: Session,
    as_at: date,
    scope: Scope,
    policy: Policy,
    *,
    produced_by: str,
    produced_at: datetime,
) -> BoardPack:
    """Everything the pack shows, for `scope` (organisation, area or hub) at month end D."""
    if scope.team_id is not None:
        raise NoPack("a board pack is for the organisation, an area or a hub, not one team")
    try:
        scope = resolve_scope(session, scope)
    except UnknownScope as error:
        raise NoPack(str(error)) from None
    if scope.hub and not scope.area:  # name the hub's area on the cover
        scope = Scope(area=teams_in_scope(session, scope)[0].area, hub=scope.hub)
    as_at = month_end(as_at)
    first, last = earliest_data_date(session), latest_data_date(session)
    if first is None or last is None:
        raise NoPack("there is no data yet: import the council's files first")
    if not first <= as_at <= month_end(last):
        raise NoPack(
            f"there is no data for {as_at:%B %Y}: the records run from {first:%d/%m/%Y} to "
            f"{last:%d/%m/%Y}"
        )
    hidden = suppression(session, as_at, PACK_GRANT, IN_POST)
    if hidden.hides(scope):
        raise NoPack(
            f"the figures for {describe_scope(scope)} are suppressed as at {as_at:%d/%m/%Y}: "
            f"with the figures beside them they would give away a team of fewer than "
            f"{SMALL_GROUP_MINIMUM} people; make the pack for a wider scope"
        )
    figures = headline_figures(
        session, as_at, scope, policy, history_months=TREND_MONTHS, names=PACK_INDICATORS
    )
    if all(figure.value is None for figure in figures):
        raise NoPack(f"there is no data for {describe_scope(scope)} as at {as_at:%d/%m/%Y}")
    by_name = {figure.name: figure for figure in figures}
    # One grid, one list of teams and one suppression check serve every theme's table.
    grid = parts_grid(session, [as_at], scope, policy)
    teams = teams_in_scope(session, scope)
    small = {team.team_id for team in teams if team.team_id in hidden.teams}
    themes = [
        ThemeSection(
            key,
            title,
            [by_name[name] for name in names],
            _furthest_teams(grid, as_at, teams, small, THEME_KEY_INDICATOR[key], policy),
            len(small),
        )
        for key, (title, names) in THEMES.items()
    ]
    quarter_ends = months_ending(as_at, 12)[2::3]
    national = None
    our_code = setting(session, OUR_AUTHORITY)
    if our_code and scope.is_whole_organisation:
        # The latest published year whose 30 September is on or before D.
        years = [year for year in benchmark_years(session) if date(year, 9, 30) <= as_at]
        if years:
            found = comparison(session, our_code, max(years))
            national = NationalSection(found, max(years)) if found else None
    return BoardPack(
        organisation=setting(session, ORGANISATION_NAME) or DEFAULT_ORGANISATION_NAME,
        scope=scope,
        scope_label=describe_scope(scope),
        as_at=as_at,
        produced_at=produced_at,
        produced_by=produced_by,
        freshness=data_freshness(session),
        policy=policy,
        figures=figures,
        trajectories={
            figure.name: trajectory(figure.history, policy.targets[figure.name])
            for figure in figures
        },
        units=compare_units(session, as_at, scope, list(PACK_INDICATORS), policy, grant=PACK_GRANT),
        themes=themes,
        supervision_counts=supervision_status_counts(session, as_at, scope),
        audit_grades=audit_grades_by_quarter(session, quarter_ends, scope),
        national=national,
        commentary=latest_commentary(session, as_at, scope),
        earlier_commentary=earlier_commentary(session, as_at, scope, limit=3),
    )
