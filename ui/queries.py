"""Cached calls into data_access. Every argument that changes the answer is in the cache key.

Cached values are shared by every user of the server, so the scope and date are always
arguments, never read from a global. Entries expire after `TTL_SECONDS`, so a new import shows
within that time (and `clear_all` empties them at once).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

import streamlit as st

from data_access.access import grants as access
from data_access.access import sign_in
from data_access.access.grants import Grant
from data_access.agency import caps, quarterly_return
from data_access.agency import figures as agency
from data_access.core.dates import months_ending
from data_access.core.db import session_scope
from data_access.core.scope import Scope, TeamChoice, teams_in_scope
from data_access.core.scope import area_names as _area_names
from data_access.core.scope import hub_names as _hub_names
from data_access.demo import national as demo_national
from data_access.demo.organisation import demo_personas as _demo_personas
from data_access.demo.organisation import holds_only_demo
from data_access.indicators import breakdowns, roster, summary
from data_access.indicators.policy import Policy
from data_access.indicators.quality import QualityCheck, latest_dates, quality_checks
from data_access.indicators.summary import headline_figures, latest_complete_month_end
from data_access.indicators.survey import SurveyPoint, survey_trend
from data_access.ingest.history import ImportRecord, import_history
from data_access.national import comparison
from data_access.national.census import StoredCensusReturn, latest_census_return
from data_access.reports import commentary, pdf
from data_access.reports.board_pack import BoardPack, PackFront, assemble_board_pack, pack_front
from data_access.reports.board_pack import describe_scope as _describe_scope
from data_access.reports.commentary import save_commentary as _save_commentary
from data_access.reports.pdf import render_pdf
from data_access.settings import agency_min_notice_weeks as _agency_min_notice_weeks
from data_access.settings import agency_monthly_budget as _agency_monthly_budget
from data_access.settings import change_target as _change_target
from data_access.settings import organisation_policy, our_authority, setting
from data_access.settings import set_by_name as _set_by_name
from data_access.settings import sign_in_hours as _sign_in_hours

TTL_SECONDS = 600
#: How the cache keys the arguments that say what is asked for. Streamlit's own hasher walks a
#: dataclass field by field (2-3 ms for a Policy and its targets, on every call of every
#: run); these are frozen dataclasses whose repr names every field and value, so hashing the
#: repr is as exact and takes microseconds.
KEYS: dict[str | type[Any], Callable[[Any], Any]] = {Scope: repr, Policy: repr, Grant: repr}
#: Every cached call here: kept `TTL_SECONDS`, keyed with `KEYS` (give it `show_spinner`).
cached = functools.partial(st.cache_data, ttl=TTL_SECONDS, hash_funcs=KEYS)
#: Calls that return worker names take the user's `Grant` as an argument, so it is part of the
#: cache key and one user's names are never served to another.


# --- who is using the dashboard (never cached: a removed user loses access at once) ---


def check_sign_in(claims: dict) -> sign_in.SignIn:
    """Whether the signed-in person's token is trusted now, and their grant (see
    data_access/access/sign_in.py)."""
    with session_scope() as session:
        return sign_in.check_sign_in(
            sign_in.identity_from_claims(claims),
            hours=_sign_in_hours(session=session),
            session=session,
        )


def sign_out(email: str, by: str) -> bool:
    with session_scope() as session:
        return sign_in.sign_out(email, by=by, session=session)


def only_demo_data() -> bool:
    with session_scope() as session:
        return holds_only_demo(session=session)


@cached(show_spinner=False)
def demo_personas() -> dict[str, Grant]:
    with session_scope() as session:
        return _demo_personas(session=session)


def log_access(user: str, action: str, scope: str, detail: str = "") -> None:
    with session_scope() as session:
        access.log_access(user, action, scope, detail, session=session)


def users() -> list[access.UserRecord]:
    with session_scope() as session:
        return access.list_users(session=session)


def save_user(email: str, role: str, scopes: list[access.GrantScope], by: str) -> Grant:
    with session_scope() as session:
        return access.save_user(email, role, scopes, by=by, session=session)


def sign_in_hours() -> int:
    with session_scope() as session:
        return _sign_in_hours(session=session)


def agency_min_notice_weeks() -> int:
    with session_scope() as session:
        return _agency_min_notice_weeks(session=session)


def remove_user(email: str, by: str) -> bool:
    with session_scope() as session:
        return access.remove_user(email, by=by, session=session)


def access_events(limit: int = 1000) -> list[access.AccessEvent]:
    with session_scope() as session:
        return access.access_log(limit, session=session)


def named_teams(scope: Scope, grant: Grant) -> list[TeamChoice]:
    """The teams in scope whose workers `grant` may see by name."""
    with session_scope() as session:
        visible = access.visible_team_ids(grant, scope, session=session)
        return [team for team in teams_in_scope(scope, session=session) if team.team_id in visible]


def may_see_names(grant: Grant, team_id: str) -> bool:
    with session_scope() as session:
        return access.may_see_names(grant, team_id, session=session)


@cached(show_spinner=False)
def scope_suppressed(as_at: date, scope: Scope, grant: Grant, populations: tuple[str, ...]) -> bool:
    with session_scope() as session:
        return breakdowns.scope_suppressed(as_at, scope, grant, populations, session=session)


def clear_all() -> None:
    st.cache_data.clear()


@cached(show_spinner=False)
def default_as_at() -> date | None:
    with session_scope() as session:
        return latest_complete_month_end(session=session)


@cached(show_spinner=False)
def month_options(count: int) -> list[date]:
    """Month ends to offer in the "As at" filter, newest first."""
    latest = default_as_at()
    if latest is None:
        return []
    return list(reversed(months_ending(latest, count)))


@cached(show_spinner=False)
def freshness() -> summary.Freshness:
    with session_scope() as session:
        return summary.data_freshness(session=session)


@cached(show_spinner=False)
def area_names() -> list[str]:
    with session_scope() as session:
        return _area_names(session=session)


@cached(show_spinner=False)
def hub_names(area: str | None) -> list[str]:
    with session_scope() as session:
        return _hub_names(area, session=session)


@cached(show_spinner=False)
def teams(scope: Scope) -> list[TeamChoice]:
    with session_scope() as session:
        return teams_in_scope(scope, session=session)


@dataclass(frozen=True)
class TeamChoices:
    """How many teams a scope holds, and the teams themselves when at most `limit`."""

    count: int
    #: Empty when there are more than `limit`: nobody lists them, and the whole organisation's
    #: 4,950 teams (national size) cost 12 ms a run to take out of the cache.
    teams: tuple[TeamChoice, ...]


@cached(show_spinner=False)
def team_choices(scope: Scope, limit: int) -> TeamChoices:
    """The teams in `scope` for a box that lists at most `limit` (the sidebar's Team box)."""
    with session_scope() as session:
        found = teams_in_scope(scope, session=session)
    return TeamChoices(len(found), tuple(found) if len(found) <= limit else ())


@cached(show_spinner=False)
def policy() -> Policy:
    """The policy in force (default thresholds, the organisation's targets). A change on the
    Access page clears this at once on this server; other server processes see it within
    TTL_SECONDS."""
    with session_scope() as session:
        return organisation_policy(session=session)


@cached(show_spinner="Computing the headline figures...")
def headlines(
    as_at: date,
    scope: Scope,
    policy: Policy,
    history_months: int = 24,
    names: tuple[str, ...] = summary.HEADLINE_METRICS,
) -> list[summary.HeadlineFigure]:
    with session_scope() as session:
        return headline_figures(
            as_at, scope, policy, history_months=history_months, names=names, session=session
        )


@cached(show_spinner="Computing the trends...")
def series(
    names: tuple[str, ...], as_at: date, months: int, scope: Scope
) -> list[breakdowns.SeriesPoint]:
    with session_scope() as session:
        month_list = months_ending(as_at, months)
        return breakdowns.metric_series(list(names), month_list, scope, session=session)


@cached(show_spinner="Comparing areas, hubs and teams...")
def compare(
    as_at: date, scope: Scope, names: tuple[str, ...], policy: Policy, grant: Grant
) -> list[breakdowns.UnitFigures]:
    with session_scope() as session:
        return breakdowns.compare_units(
            as_at, scope, list(names), policy, grant=grant, session=session
        )


@cached(show_spinner=False)
def movements(as_at: date, months: int, scope: Scope) -> list[breakdowns.MonthMovement]:
    with session_scope() as session:
        month_list = months_ending(as_at, months)
        return breakdowns.starters_and_leavers(month_list, scope, session=session)


@cached(show_spinner=False)
def leaving_reasons(as_at: date, scope: Scope) -> list[breakdowns.ReasonCount]:
    with session_scope() as session:
        return breakdowns.leaving_reasons(as_at, scope, session=session)


@cached(show_spinner=False)
def service_bands(as_at: date, scope: Scope) -> list[breakdowns.BandCount]:
    with session_scope() as session:
        return breakdowns.length_of_service(as_at, scope, session=session)


RowT = TypeVar("RowT")


@dataclass(frozen=True)
class RankedTeams(Generic[RowT]):
    """The rows a chart of at most TEAMS_SHOWN teams draws, how many teams matched the search,
    and the teams in scope whose figures are suppressed (small numbers)."""

    rows: list[RowT]
    matching: int
    suppressed: list[str]


@cached(show_spinner="Computing supervision by team...")
def weakest_coverage(
    as_at: date, months: int, scope: Scope, grant: Grant, search: str
) -> RankedTeams[breakdowns.TeamMonthValue]:
    """The heat map's rows: at most TEAMS_SHOWN teams, and how many matched. Ranked inside the
    cached call, so that a warm run unpickles 25 teams' rows, not every team's (4,950 x 12
    at national size)."""
    with session_scope() as session:
        month_list = months_ending(as_at, months)
        found = breakdowns.weakest_coverage(
            month_list, scope, grant=grant, search=search, session=session
        )
    return RankedTeams(found.rows, found.matching, found.suppressed)


@cached(show_spinner=False)
def supervision_counts(as_at: date, scope: Scope) -> breakdowns.SupervisionStatusCounts:
    with session_scope() as session:
        return breakdowns.supervision_status_counts(as_at, scope, session=session)


@cached(show_spinner=False)
def survey(as_at: date, scope: Scope) -> list[SurveyPoint]:
    """The staff survey's supervision questions, survey by survey (counts only, no names)."""
    with session_scope() as session:
        return survey_trend(as_at, scope, session=session)


@cached(show_spinner=False)
def audit_grades(as_at: date, quarters: int, scope: Scope) -> list[breakdowns.GradeCount]:
    with session_scope() as session:
        ends = months_ending(as_at, quarters * 3)[2::3]
        return breakdowns.audit_grades_by_quarter(ends, scope, session=session)


@cached(show_spinner=False)
def caseload_distribution(
    as_at: date, scope: Scope
) -> tuple[date | None, list[breakdowns.CaseloadCount]]:
    with session_scope() as session:
        return breakdowns.caseload_distribution(as_at, scope, session=session)


@cached(show_spinner=False)
def most_over_threshold(
    as_at: date, scope: Scope, grant: Grant, search: str
) -> RankedTeams[breakdowns.TeamCaseloads]:
    """Caseloads by team: at most TEAMS_SHOWN teams, and how many matched (ranked inside the
    cached call, like `weakest_coverage`)."""
    with session_scope() as session:
        rows = breakdowns.caseloads_by_team(as_at, scope, grant=grant, session=session)
    shown, matching = breakdowns.most_over_threshold(rows, search)
    return RankedTeams(shown, matching, [row.team_name for row in rows if row.suppressed])


@cached(show_spinner=False)
def asye_caseloads(
    as_at: date, scope: Scope, grant: Grant, search: str
) -> RankedTeams[breakdowns.AsyeCaseload]:
    """ASYE caseloads of at most TEAMS_SHOWN teams, the most stretched first (ranked inside
    the cached call, like `weakest_coverage`)."""
    with session_scope() as session:
        found = breakdowns.asye_caseloads(as_at, scope, grant=grant, session=session)
    shown, matching = breakdowns.most_stretched_asye_teams(found.rows, search)
    return RankedTeams(shown, matching, found.suppressed_teams)


@cached(show_spinner=False)
def team_workers(as_at: date, team_id: str, grant: Grant) -> list[roster.WorkerRow]:
    with session_scope() as session:
        return roster.team_workers(as_at, team_id, grant=grant, session=session)


@cached(show_spinner=False)
def worker_sessions(
    staff_id: str, since: date, until: date, team_id: str, grant: Grant
) -> list[roster.SessionRow]:
    with session_scope() as session:
        return roster.worker_sessions(staff_id, since, until, team_id, grant=grant, session=session)


@cached(show_spinner=False)
def history(limit: int = 100) -> list[ImportRecord]:
    with session_scope() as session:
        return import_history(limit, session=session)


@cached(show_spinner="Checking data quality...")
def quality(
    as_at: date, scope: Scope, grant: Grant
) -> tuple[dict[str, date | None], list[QualityCheck]]:
    with session_scope() as session:
        checks = quality_checks(as_at, scope, grant=grant, session=session)
        return latest_dates(as_at, scope, session=session), checks


# --- The board pack (aggregates only: no grant needed, none of it is personal data) ---


@cached(show_spinner="Putting the board pack together...")
def board_pack_front(as_at: date, scope: Scope, policy: Policy) -> PackFront:
    """What the Board pack page shows: the scorecard, the commentary and which sections take
    it (the rest of the pack is assembled when the PDF is asked for)."""
    with session_scope() as session:
        return pack_front(as_at, scope, policy, session=session)


@cached(show_spinner=False)
def board_pack(as_at: date, scope: Scope, policy: Policy) -> BoardPack:
    """The pack's content; `board_pack_pdf` adds who produced it and when."""
    with session_scope() as session:
        return assemble_board_pack(
            as_at, scope, policy, produced_by="", produced_at=datetime.now(UTC), session=session
        )


def board_pack_pdf(as_at: date, scope: Scope, policy: Policy, produced_by: str) -> bytes:
    """The pack as a PDF, produced by `produced_by` now (made when the reader asks for it)."""
    pack = board_pack(as_at, scope, policy)
    return render_pdf(replace(pack, produced_by=produced_by, produced_at=datetime.now(UTC)))


def save_commentary(as_at: date, scope: Scope, section: str, text: str, grant: Grant) -> None:
    with session_scope() as session:
        _save_commentary(as_at, scope, section, text, grant=grant, session=session)
    board_pack_front.clear()
    board_pack.clear()


# --- National benchmarks (published figures: not narrowed by the organisation's filters) ---


@cached(show_spinner=False)
def benchmark_source() -> comparison.LoadedBenchmarks | None:
    """The benchmark load in use."""
    with session_scope() as session:
        return comparison.benchmark_source(session=session)


@cached(show_spinner=False)
def benchmark_years() -> list[int]:
    with session_scope() as session:
        return comparison.benchmark_years(session=session)


@cached(show_spinner=False)
def benchmark_authorities() -> list[comparison.Authority]:
    with session_scope() as session:
        return comparison.authorities(session=session)


def organisation_setting(key: str) -> str | None:
    """Not cached: settings change for everyone when an administrator saves one."""
    with session_scope() as session:
        return setting(key, session=session)


def save_settings(values: dict[str, str], by: str) -> None:
    """Save the Access page's settings, each by its command-line name and checked as the
    command line checks it, all in one transaction: one refused (ValueError says why) saves
    none. Empties the caches, whose figures some of them change."""
    with session_scope() as session:
        for name, value in values.items():
            _set_by_name(name, value, by=by, session=session)
    clear_all()


def change_target(metric: str, value: float | None, by: str) -> None:
    """Change a target and empty the caches, so every page shows statuses against it."""
    with session_scope() as session:
        _change_target(metric, value, by=by, session=session)
    clear_all()


def saved_authority() -> str | None:
    """Not cached: the setting changes when anyone chooses another authority."""
    with session_scope() as session:
        return our_authority(session=session)


@cached(
    show_spinner="Comparing with England, the region and neighbours...",
)
def benchmark_comparison(la_code: str, year: int) -> comparison.Comparison | None:
    with session_scope() as session:
        return comparison.comparison(la_code, year, session=session)


@cached(show_spinner=False)
def benchmark_trend(la_code: str) -> list[comparison.TrendPoint]:
    with session_scope() as session:
        return comparison.trend(la_code, session=session)


@cached(show_spinner=False)
def benchmark_ranking(year: int, indicator: str) -> list[comparison.RankedAuthority]:
    with session_scope() as session:
        return comparison.ranked_authorities(year, indicator, session=session)


@cached(show_spinner=False)
def benchmark_neighbours(la_code: str) -> list[comparison.Neighbour]:
    with session_scope() as session:
        return comparison.neighbours(la_code, session=session)


@cached(show_spinner="Computing our own figures for 30 September...")
def internal_figures(year: int, scope: Scope) -> comparison.InternalFigures:
    with session_scope() as session:
        return comparison.internal_figures(year, scope, session=session)


@cached(show_spinner=False)
def census_return(la_code: str) -> StoredCensusReturn | None:
    """The latest census return's figures held for the authority."""
    with session_scope() as session:
        return latest_census_return(la_code, session=session)


# --- words and shapes the pages show, from data_access's rules (no database) -----------------


def what_moved(figures: list[summary.HeadlineFigure]) -> list[str]:
    """Sentences on the indicators that moved most over the year."""
    return summary.what_moved(figures)


def furthest_from_target(units: list[breakdowns.UnitFigures], names: tuple[str, ...]) -> str | None:
    """A sentence naming the unit furthest from its targets, if any misses one."""
    return summary.furthest_from_target(units, names)


def describe_scope(scope: Scope) -> str:
    """A pack's scope as its cover names it ("Stonebridge hub, East area")."""
    return _describe_scope(scope)


def scorecard_rows(front: PackFront) -> list[dict[str, Any]]:
    """The board pack's scorecard, row by row, as the PDF prints it."""
    return pdf.scorecard(front)


def commentary_key(scope: Scope) -> str:
    """The key commentary is kept under for a scope."""
    return commentary.scope_key(scope)


def benchmarks_are_the_demo_s(indicators_file: str, loaded_by: str) -> bool:
    """Whether the loaded national figures are the demo's made-up ones."""
    return demo_national.is_demo_benchmarks(indicators_file, loaded_by)


# --- Agency social workers (aggregates for the scope; names and rates only inside the grant) ---


@cached(show_spinner=False)
def agency_period(as_at: date, months: int, scope: Scope) -> agency.AgencyPeriod:
    """The trend over the `months` to `as_at` and the figures at it, from one reading."""
    with session_scope() as session:
        return agency.agency_period(months_ending(as_at, months), scope, session=session)


@cached(show_spinner=False)
def named_assignments(as_at: date, scope: Scope, grant: Grant) -> agency.NamedAssignments:
    with session_scope() as session:
        return agency.named_assignments(as_at, scope, grant, session=session)


def agency_monthly_budget() -> int | None:
    """Not cached: an administrator's change shows at once."""
    with session_scope() as session:
        return _agency_monthly_budget(session=session)


def price_caps() -> list[caps.PriceCap]:
    with session_scope() as session:
        return caps.price_caps(session=session)


def save_price_caps(new: list[caps.PriceCap], by: str) -> list[str]:
    """Save the caps (all or none) and empty the caches, whose figures judge against them."""
    with session_scope() as session:
        changes = caps.save_price_caps(new, by=by, session=session)
    if changes:
        clear_all()
    return changes


@cached(show_spinner="Putting the quarterly return together...")
def agency_return_preview(quarter: quarterly_return.Quarter) -> dict[str, Any]:
    """The return's counts, to show before it is produced: without its assignment rows (SWE
    numbers and pay rates), which only the produced file holds, and producing it is logged."""
    with session_scope() as session:
        data = quarterly_return.quarterly_return(quarter, session=session)
    return {key: value for key, value in data.items() if key != "assignments"} | {
        "assignment_count": len(data["assignments"])
    }


def produce_agency_return(quarter: quarterly_return.Quarter, by: str) -> bytes:
    """The return as a workbook, its production logged (the download button calls this)."""
    with session_scope() as session:
        data = quarterly_return.produce_return(quarter, by=by, via="dashboard", session=session)
    return quarterly_return.return_workbook(data)


@cached(show_spinner=False)
def agency_headlines(as_at: date, scope: Scope) -> list[summary.HeadlineFigure]:
    """The four agency tiles (the cost against the budget for the whole organisation).
    Cached like the others: a budget changed on the Access page empties the caches."""
    # The trend the Agency page draws by default: read once for both.
    trend = agency_period(as_at, agency.AGENCY_HISTORY_MONTHS, scope).trend
    with session_scope() as session:
        return agency.agency_headlines(as_at, scope, trend=trend, session=session)


@cached(show_spinner=False)
def agency_suppressed(as_at: date, scope: Scope, grant: Grant) -> bool:
    """Whether the scope's agency figures are suppressed for `grant` (1 or 2 assignments in a
    team whose names it may not see, or what would give one away by subtraction)."""
    with session_scope() as session:
        return agency.agency_suppressed(as_at, scope, grant, session=session)
