"""What goes into the improvement board pack, for a scope (organisation, area or hub) and a month
end: every figure comes from the metric definitions in data_access.indicators.metrics,
aggregated for the scope; the pack holds aggregates only, never a worker's name (it is assembled
with a grant that sees no names, so small teams are suppressed as on a board member's screen).

Its agency section (`data_access.reports.agency_section`) holds the agency figures of
data_access/agency/figures.py for the scope, aggregates too.

`data_access.reports.pdf` lays the pack out as an A4 PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlmodel import Session

from data_access.access.grants import SMALL_GROUP_MINIMUM
from data_access.access.suppression import Suppression
from data_access.agency.figures import agency_held, agency_suppressed
from data_access.core.dates import add_months, month_end, months_ending
from data_access.core.scope import Scope, TeamChoice, UnknownScope, resolve_scope, teams_in_scope
from data_access.demo.national import is_demo_benchmarks
from data_access.indicators.breakdowns import (
    IN_POST,
    GradeCount,
    SupervisionStatusCounts,
    UnitFigures,
    audit_grades_by_quarter,
    compare_units,
    supervision_status_counts,
    suppression,
)
from data_access.indicators.grid import PartsGrid, metric_from_parts, parts_grid
from data_access.indicators.metrics import MetricValue, round_one_decimal
from data_access.indicators.policy import (
    AGREEMENT_WITHIN_MONTHS,
    APPRAISAL_INTERVAL_MONTHS,
    ASYE_FORTNIGHTLY_MONTHS,
    ASYE_MONTHS,
    ASYE_WEEKLY_DAYS,
    CHILDS_VIEWS_BASELINE,
    DEFAULT_POLICY,
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    NEW_MANAGER_TRAINING_MONTHS,
    SUPERVISION_STANDARD_MINUTES,
    WEEKLY_INTERVAL_DAYS,
    Policy,
    Target,
)
from data_access.indicators.summary import (
    Freshness,
    HeadlineFigure,
    data_freshness,
    earliest_data_date,
    headline_figures,
    latest_data_date,
)
from data_access.national.comparison import (
    Comparison,
    benchmark_source,
    benchmark_years,
    comparison,
)
from data_access.reports.agency_section import PACK_READER, AgencySection, agency_section
from data_access.reports.commentary import (
    COMMENTARY_SECTIONS,
    Commentary,
    earlier_commentary,
    latest_commentary,
)
from data_access.settings import ORGANISATION_NAME, OUR_AUTHORITY, setting

#: The themes of the pack, each with its indicators: every indicator that has a target in
#: data_access/indicators/policy.py, each once (tests/data_access/reports/test_board_pack.py
#: checks both).
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stability": (
        "Workforce stability",
        ("agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte", "stability_index"),
    ),
    "supervision": (
        "Supervision",
        (
            # How often and on what terms: supervision, its agreement, the yearly appraisal.
            "supervision_coverage",
            "supervision_agreement_share",
            "agreement_within_3_months_share",
            "appraisal_share",
            # The supervisors' training.
            "supervisor_training_share",
            "new_manager_training_share",
            # What happens in supervision, and how good it is.
            "supervision_duration_standard_share",
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
#: What each standard and recommendation asks, in the pack's words, beside the indicator that
#: measures it (the LGA's employer standard 5 and Coventry's scrutiny recommendations; the
#: recommendation numbers are those in data_access/indicators/policy.py).
SUPERVISION_STANDARDS: tuple[tuple[str, str], ...] = (
    (
        "Supervision at least monthly; weekly, then fortnightly, early in the ASYE (LGA)",
        "supervision_coverage",
    ),
    ("A supervision agreement for everyone (Coventry)", "supervision_agreement_share"),
    (
        "The agreement within 3 months of starting (Coventry, recommendation 6)",
        "agreement_within_3_months_share",
    ),
    (
        "An appraisal every year alongside supervision (Coventry, recommendation 8)",
        "appraisal_share",
    ),
    ("Recent supervision training for managers (Coventry)", "supervisor_training_share"),
    (
        "New managers trained within 6 months (Coventry, recommendation 3)",
        "new_manager_training_share",
    ),
    (
        "At least 1.5 hours of uninterrupted time a session (LGA)",
        "supervision_duration_standard_share",
    ),
    ("Reflective supervision in every session (Coventry)", "reflective_share"),
    ("Children's views discussed and recorded (Coventry)", "childs_views_share"),
    ("Regular audits of supervision quality (Coventry)", "audit_good_or_better_share"),
)
#: The caseload threshold of a team type the organisation has not changed.
_DEFAULT_THRESHOLD = max(DEFAULT_POLICY.caseload_thresholds.values())
#: Each indicator's exact definition in words, for the pack's appendix: the rule of its
#: function in data_access/indicators/metrics.py (whose docstring names columns and writes
#: windows as (D - 12 months, D]) said for a board. "The month end" is the pack's date.
#: tests/data_access/reports/test_board_pack.py checks every number in the rule is here and no
#: column name is.
PLAIN_DEFINITIONS = {
    "agency_rate_fte": (
        "The FTE of agency workers in post at the month end, divided by the FTE of agency and "
        "permanent workers in post then, as a percentage."
    ),
    "turnover_rate_fte": (
        "The FTE of permanent workers who left in the 12 months to the month end, divided by the "
        "permanent FTE in post at the month end, as a percentage. Someone who leaves on the "
        "month end counts as a leaver and is not in post."
    ),
    "vacancy_rate_fte": (
        "Vacant FTE divided by vacant FTE plus the permanent FTE in post at the month end, as a "
        "percentage. Vacant FTE adds up each team's latest vacancy figure dated on or before the "
        "month end (a team with none adds 0)."
    ),
    "stability_index": (
        "Of the permanent workers in post at the month end (counting people, not FTE), the "
        "share who were also in post 12 months earlier."
    ),
    "caseload_average": (
        "At the latest caseload snapshot on or before the month end (the same snapshot for every "
        "part of the organisation): the open cases of the workers holding more than 0 cases, "
        "divided by those workers' FTE."
    ),
    "caseload_over_threshold_share": (
        "Of the workers holding cases at that snapshot, the share with more open cases than their "
        "limit: the caseload threshold for their type of team (set by the organisation; "
        f"{_DEFAULT_THRESHOLD:g} unless changed), times {DEFAULT_POLICY.asye_caseload_factor:g} "
        f"for a worker in the first {ASYE_MONTHS} months of their ASYE (assessed and supported "
        "year in employment)."
    ),
    "supervision_coverage": (
        "Of the social workers, senior practitioners and advanced practitioners in post at the "
        "month end (permanent or agency), the share whose supervision is in date: their latest "
        "supervision session held on or before the month end is no more than their required "
        "interval before it, or they started less than that interval before it. The interval is "
        f"{WEEKLY_INTERVAL_DAYS} days in the first {ASYE_WEEKLY_DAYS} days of their ASYE, "
        f"{FORTNIGHTLY_INTERVAL_DAYS} days until {ASYE_FORTNIGHTLY_MONTHS} months after it "
        f"started, and {MONTHLY_INTERVAL_DAYS} days otherwise."
    ),
    "supervision_agreement_share": (
        "Of the same workers, the share with a supervision agreement dated on or before the "
        "month end."
    ),
    "agreement_within_3_months_share": (
        f"Of those workers who started at least {AGREEMENT_WITHIN_MONTHS} months before the "
        "month end, the share whose supervision agreement is dated no later than "
        f"{AGREEMENT_WITHIN_MONTHS} months after they started."
    ),
    "appraisal_share": (
        "Of the permanent social workers, senior practitioners and advanced practitioners in "
        f"post at the month end who started at least {APPRAISAL_INTERVAL_MONTHS} months before "
        f"it, the share with an appraisal dated in the {APPRAISAL_INTERVAL_MONTHS} months to the "
        "month end."
    ),
    "supervisor_training_share": (
        "Of the team managers in post at the month end, the share whose latest supervision "
        f"training is dated in the {DEFAULT_POLICY.supervisor_training_window_months} months to "
        "the month end (the length of that window is set by the organisation)."
    ),
    "new_manager_training_share": (
        "Of the team managers in post at the month end who started at least "
        f"{NEW_MANAGER_TRAINING_MONTHS} but less than 12 months before it, the share whose "
        f"supervision training is dated no later than {NEW_MANAGER_TRAINING_MONTHS} months after "
        "they started."
    ),
    "supervision_duration_standard_share": (
        "Of the supervision sessions held in the 3 months to the month end whose length is "
        f"recorded, the share lasting at least {SUPERVISION_STANDARD_MINUTES} minutes (the LGA "
        f"standard of {SUPERVISION_STANDARD_MINUTES / 60:g} hours). "
        "Sessions with no recorded length are left out."
    ),
    "reflective_share": (
        "Of the supervision sessions held in the 3 months to the month end, the share recorded "
        "as reflective."
    ),
    "childs_views_share": (
        "Of the supervision sessions held in the 3 months to the month end, the share in which "
        "the child's views were recorded."
    ),
    "audit_good_or_better_share": (
        "Of the audits of supervision records dated in the 12 months to the month end, the share "
        "graded outstanding or good."
    ),
}
#: How many months of trend the pack shows, and how many months set the trajectory's pace.
TREND_MONTHS = 24
TRAJECTORY_MONTHS = 6
#: Beyond this many months, a trajectory is "too slow": a date further off than the length of
#: an improvement plan is no forecast a board can act on.
TRAJECTORY_HORIZON_MONTHS = 36
#: How many teams the pack lists as furthest from target, per theme.
FURTHEST_TEAMS = 5
DEFAULT_ORGANISATION_NAME = "Children's services"


class NoPack(ValueError):
    """A pack that cannot be made: an unknown scope, a team scope, or a date with no data."""


@dataclass(frozen=True)
class Trajectory:
    #: "met", "on course", "too slow", "moving away", "no change", "no data" or
    #: "too little history".
    status: str
    #: The change over the last TRAJECTORY_MONTHS months (one decimal place); None for "met",
    #: "no data" and "too little history".
    change: float | None = None
    #: The month end by which the target would be reached at that pace ("on course" only).
    reached_by: date | None = None
    #: Whole months from D to `reached_by`.
    months: int | None = None


def trajectory(
    history: list[tuple[date, MetricValue]], target: Target, months: int = TRAJECTORY_MONTHS
) -> Trajectory:
    """When the target would be reached at the pace of the last 6 months. The pace is the
    change over the last 6 months divided by 6 (a change per month). A target already met is
    "met". A figure that moved towards the target over those 6 months (down where lower is
    better, up where higher is better) is "on course" when the gap to the target divided by
    the pace, rounded up to whole months, is at most 3 years: the target would be reached by
    the month end that many months after the pack's month end; further off than that, it is
    "too slow". A figure that moved away from the target is "moving away", and one that did
    not change is "no change". With no figure at the pack's month end it is "no data"; with
    none 6 months earlier, "too little history"."""
    values = dict(history)
    now_day = history[-1][0] if history else None
    now = values.get(now_day) if now_day else None
    if now is None or now_day is None:
        return Trajectory("no data")
    if target.status(now) == "met":
        return Trajectory("met")
    then = values.get(month_end(add_months(now_day, -months)))
    if then is None:
        return Trajectory("too little history")
    # Figures have one decimal place, so their difference is too (less float noise).
    change = round_one_decimal(now - then)
    if change == 0:
        return Trajectory("no change", 0.0)
    if (change > 0) == (target.better == "lower"):
        return Trajectory("moving away", change)
    needed = math.ceil(abs(now - target.value) / (abs(change) / months) - 1e-9)
    if needed > TRAJECTORY_HORIZON_MONTHS:
        return Trajectory("too slow", change)
    return Trajectory("on course", change, month_end(add_months(now_day, needed)), needed)


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
    #: True when the figures are the demo's made-up ones, not DfE's (the pack says so).
    made_up: bool = False


#: Where the pieces of the national comparison come from, and who can put each right.
CHOOSE_AUTHORITY = "on the National benchmarks page"
DFE_FILES = "DfE's published files"
PART_OF_ORGANISATION = (
    "Published figures are for the whole authority, so the national comparison is in the whole "
    "organisation's pack only."
)


def _load(files: str) -> str:
    return (
        f"a data officer or an administrator loads {files} on the Data page (Published "
        "national benchmarks)"
    )


def national_section(
    as_at: date, scope: Scope, *, session: Session
) -> tuple[NationalSection | None, str | None]:
    """The pack's national comparison, or None with the one reason there is none and who can
    put it right: a pack for part of the organisation, no published figures loaded, our
    authority not chosen, no published year whose 30 September is on or before D, or no
    figures for our authority in that year."""
    if not scope.is_whole_organisation:
        return None, PART_OF_ORGANISATION
    years = benchmark_years(session=session)
    our_code = setting(OUR_AUTHORITY, session=session)
    choose = f'an administrator chooses our authority ("Our authority") {CHOOSE_AUTHORITY}'
    if not years:
        then = f"; then {choose}" if not our_code else ""
        return None, (
            "The Department for Education's published workforce figures are not loaded: "
            f"{_load(DFE_FILES)}{then}."
        )
    if not our_code:
        return None, f"The published figures are loaded, but our authority is not chosen: {choose}."
    usable = [year for year in years if date(year, 9, 30) <= as_at]
    if not usable:
        return None, (
            f"The published figures loaded start at 30 September {min(years)}, after "
            f"{as_at:%d/%m/%Y}: {_load('published files with earlier years')}."
        )
    year = max(usable)  # the latest published year whose 30 September is on or before D
    found = comparison(our_code, year, session=session)
    if found is None:
        return None, (
            f"The published figures for 30 September {year} have no row for the authority "
            f"chosen as ours (code {our_code}): an administrator checks the choice "
            f"{CHOOSE_AUTHORITY}, or {_load('the complete published files')}."
        )
    source = benchmark_source(session=session)
    made_up = source is not None and is_demo_benchmarks(source.indicators_file, source.loaded_by)
    return NationalSection(found, year, made_up), None


@dataclass
class PackFront:
    """The front of a pack: what the Board pack page shows before anyone asks for the PDF (the
    scorecard, the commentary and which sections take it), without the themes' tables, the
    supervision counts or the agency figures, which only the PDF prints."""

    organisation: str
    scope: Scope
    scope_label: str
    as_at: date
    policy: Policy
    figures: list[HeadlineFigure]
    trajectories: dict[str, Trajectory]
    national: NationalSection | None
    #: Why there is no national comparison, and who can put that right (None when there is).
    national_missing: str | None
    #: Whether the agency section has figures to show (`AgencySection.held`).
    agency_held: bool
    commentary: dict[str, Commentary]
    earlier_commentary: list[Commentary]

    @property
    def figure(self) -> dict[str, HeadlineFigure]:
        return {figure.name: figure for figure in self.figures}

    @property
    def commentary_sections(self) -> dict[str, str]:
        """The sections of this pack that take commentary, in the pack's order: the agency
        section's only when the scope had an agency assignment in the trend months (without,
        the section is one sentence), and the national comparison's only when the pack has one
        to comment on."""
        offered = {"agency": self.agency_held, "national": self.national is not None}
        return {
            section: title
            for section, title in COMMENTARY_SECTIONS.items()
            if offered.get(section, True)
        }


@dataclass
class BoardPack(PackFront):
    """Everything the PDF prints: the front and the rest (its `agency_held` is its agency
    section's `held`)."""

    produced_at: datetime
    produced_by: str
    freshness: Freshness
    units: list[UnitFigures]
    themes: list[ThemeSection]
    supervision_counts: SupervisionStatusCounts
    audit_grades: list[GradeCount]
    #: Agency social workers under DfE's agency rules, over the same months as the trends.
    agency: AgencySection

    @property
    def childs_views_baseline(self) -> float:
        return CHILDS_VIEWS_BASELINE


def describe_scope(scope: Scope) -> str:
    if scope.hub:
        return f"{scope.hub}, {scope.area} area" if scope.area else scope.hub
    if scope.area:
        return f"{scope.area} area"
    return "Whole organisation"


def _within(everyone: list[TeamChoice], scope: Scope) -> list[TeamChoice]:
    """The teams of `everyone` (the whole organisation's, in `teams_in_scope`'s order) inside
    `scope`: what `teams_in_scope` of it reads."""
    return [team for team in everyone if scope.holds(team)]


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
    # Each team's own parts as read (summing one team's parts, 4,950 times a theme at national
    # size, cost a tenth of a second).
    by_team = grid.by_day.get(as_at, {})
    for team in teams:
        parts = by_team.get(team.team_id)
        if team.team_id in small or parts is None:
            continue
        value = metric_from_parts(name, parts)
        if value is None:
            continue
        gap = value - target.value if target.better == "lower" else target.value - value
        if gap > 0:
            gaps.append(TeamGap(team.team_name, team.hub, value, round_one_decimal(gap)))
    gaps.sort(key=lambda item: (-item.gap, item.team_name))
    return gaps[:FURTHEST_TEAMS]


@dataclass(frozen=True)
class _Checked:
    """A pack's scope and month checked and resolved, with what the checks read and the rest
    of the pack reuses."""

    scope: Scope
    as_at: date
    #: The whole organisation's teams, in `teams_in_scope`'s order.
    everyone: list[TeamChoice]
    hidden: Suppression
    figures: list[HeadlineFigure]


def _check(as_at: date, scope: Scope, policy: Policy, *, session: Session) -> _Checked:
    """The scope resolved (a hub with its area named) and D as a month end, or NoPack saying
    why no pack can be made: a team's scope, an unknown place, no data, a month outside the
    records, a suppressed scope or no figure at all."""
    if scope.team_id is not None:
        raise NoPack("a board pack is for the organisation, an area or a hub, not one team")
    try:
        scope = resolve_scope(scope, session=session)
    except UnknownScope as error:
        raise NoPack(str(error)) from None
    # The whole organisation's teams, read once: every suppression is decided over them, and
    # the pack's own teams are among them.
    everyone = teams_in_scope(Scope(), session=session)
    if scope.hub and not scope.area:  # name the hub's area on the cover
        scope = Scope(area=_within(everyone, scope)[0].area, hub=scope.hub)
    as_at = month_end(as_at)
    first, last = earliest_data_date(session=session), latest_data_date(session=session)
    if first is None or last is None:
        raise NoPack("there is no data yet: import the council's files first")
    if not first <= as_at <= month_end(last):
        raise NoPack(
            f"there is no data for {as_at:%B %Y}: the records run from {first:%d/%m/%Y} to "
            f"{last:%d/%m/%Y}"
        )
    hidden = suppression(as_at, PACK_READER, IN_POST, session=session, everyone=everyone)
    if hidden.hides(scope):
        raise NoPack(
            f"the figures for {describe_scope(scope)} are suppressed as at {as_at:%d/%m/%Y}: "
            f"with the figures beside them they would give away a team of fewer than "
            f"{SMALL_GROUP_MINIMUM} people; make the pack for a wider scope"
        )
    figures = headline_figures(
        as_at, scope, policy, history_months=TREND_MONTHS, names=PACK_INDICATORS, session=session
    )
    if all(figure.value is None for figure in figures):
        raise NoPack(f"there is no data for {describe_scope(scope)} as at {as_at:%d/%m/%Y}")
    return _Checked(scope, as_at, everyone, hidden, figures)


def _front(checked: _Checked, policy: Policy, agency_held: bool, *, session: Session) -> PackFront:
    scope, as_at = checked.scope, checked.as_at
    national, national_missing = national_section(as_at, scope, session=session)
    return PackFront(
        organisation=setting(ORGANISATION_NAME, session=session) or DEFAULT_ORGANISATION_NAME,
        scope=scope,
        scope_label=describe_scope(scope),
        as_at=as_at,
        policy=policy,
        figures=checked.figures,
        trajectories={
            figure.name: trajectory(figure.history, policy.targets[figure.name])
            for figure in checked.figures
        },
        national=national,
        national_missing=national_missing,
        agency_held=agency_held,
        commentary=latest_commentary(as_at, scope, session=session),
        earlier_commentary=earlier_commentary(as_at, scope, limit=3, session=session),
    )


def pack_front(as_at: date, scope: Scope, policy: Policy, *, session: Session) -> PackFront:
    """The front of the pack for `scope` (organisation, area or hub) at month end D, as
    `assemble_board_pack` would make it, without what only the PDF prints: what the Board pack
    page shows (NoPack, as the whole pack would, when none can be made)."""
    checked = _check(as_at, scope, policy, session=session)
    # `AgencySection.held` without the section: the figures not suppressed, and some agency
    # work in the trend months.
    held = not agency_suppressed(
        checked.as_at, checked.scope, PACK_READER, session=session, everyone=checked.everyone
    ) and agency_held(months_ending(checked.as_at, TREND_MONTHS), checked.scope, session=session)
    return _front(checked, policy, held, session=session)


def assemble_board_pack(
    as_at: date,
    scope: Scope,
    policy: Policy,
    *,
    session: Session,
    produced_by: str,
    produced_at: datetime,
) -> BoardPack:
    """Everything the pack shows, for `scope` (organisation, area or hub) at month end D."""
    checked = _check(as_at, scope, policy, session=session)
    scope, as_at, hidden = checked.scope, checked.as_at, checked.hidden
    by_name = {figure.name: figure for figure in checked.figures}
    # One grid, one list of teams and one suppression check serve every theme's table.
    grid = parts_grid([as_at], scope, policy, session=session)
    teams = _within(checked.everyone, scope)
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
    # The months of every indicator's trend (`headline_figures`' history).
    trend_months = months_ending(as_at, TREND_MONTHS)
    agency = agency_section(as_at, trend_months, scope, session=session, everyone=checked.everyone)
    front = _front(checked, policy, agency.held, session=session)
    return BoardPack(
        **{item.name: getattr(front, item.name) for item in fields(PackFront)},
        produced_at=produced_at,
        produced_by=produced_by,
        freshness=data_freshness(session=session),
        units=compare_units(
            as_at,
            scope,
            list(PACK_INDICATORS),
            policy,
            grant=PACK_READER,
            hidden=hidden,
            teams=teams,
            session=session,
        ),
        themes=themes,
        supervision_counts=supervision_status_counts(as_at, scope, session=session),
        audit_grades=audit_grades_by_quarter(quarter_ends, scope, session=session),
        agency=agency,
    )
