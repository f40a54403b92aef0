"""The deterministic demo organisation: a large English authority's children's social work.

Four areas; three or four community hubs per area (two safeguarding teams and one family
support team each); area-wide assessment (ASTI), children-in-care and specialist teams. About
800 practitioners in post at the end of the history, which runs monthly from November 2021 to
31 October 2026 (staff movements are simulated from a year earlier so that turnover and
stability are complete from the first month).

The story follows `shared/docs/domain.md`: agency use falls from about a third towards 15%,
supervision coverage climbs into the high 80s, children's views recorded in supervision rise
from about 42%, caseloads ease. Two hubs (Stonebridge and Canalside) struggle throughout, and
some hubs do better than others, so the dashboard has something to find. Every agency worker's
stint is an agency assignment under the region's price caps. The evidence DfE's agency rules
ask for (in force from 31 October 2024; running contracts had until 1 October 2025) is patchy
for the assignments that ended before that deadline and mostly complete for the rest, so most
of those running at the end meet every rule; the monthly agency cost falls with agency use.

The demo is generated as the rows of the files an import takes (`DemoBuilder.tables`, and
`files` as CSV). Tests show that those files pass every check of the import and that the import
reads from them exactly the builder's rows; so the first load writes the rows straight into the
empty database (data_access/demo/loading.py: half the time), and a reload over the demo goes
through `import_files`. With the demo come made-up national figures and a census return
(data_access/demo/national.py). The demo's database takes no other data
(data_access/demo/own_data.py).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from data_access.access.grants import WHOLE_ORGANISATION_NAME, Grant, GrantScope
from data_access.core.dates import add_months, month_ends
from data_access.core.db import session_scope
from data_access.core.models import (
    COOLING_OFF_EXCEPTIONS,
    BenchmarkSource,
    CensusReturn,
    ImportLog,
    Team,
)
from data_access.demo.loading import load_into_empty_database
from data_access.demo.national import (
    DEMO_LA_CODE,
    DEMO_LOADER,
    authority_codes,
    demo_swe_number,
    national_files,
)
from data_access.indicators.agency_rules import (
    DEFAULT_MIN_NOTICE_WEEKS,
    MIN_PQE_YEARS,
    MIN_REFERENCES,
    cap_at,
)
from data_access.indicators.policy import SUPERVISION_ELIGIBLE_ROLES, required_interval_days
from data_access.ingest.importer import ImportResult, import_files
from data_access.ingest.reading import csv_bytes
from data_access.ingest.specs import (
    AGENCY_ASSIGNMENTS,
    AGENCY_PRICE_CAPS,
    APPRAISALS,
    AUDITS,
    CASELOADS,
    SESSIONS,
    SPECS_BY_NAME,
    STAFF,
    STAFF_SURVEY,
    TEAMS,
    VACANCIES,
)
from data_access.ingest.validation import ParsedFile, ParsedRow, Validation
from data_access.national.benchmarks import load_benchmarks
from data_access.national.census import load_census
from data_access.settings import our_authority, remember_our_authority

DEMO_SOURCE = "demo organisation"
HISTORY_START = date(2021, 11, 1)
HISTORY_END = date(2026, 10, 31)
SIMULATION_START = date(2020, 11, 1)
SEED = 20261031

#: area -> (hub name, quality from -1 struggling to +1 strong)
HUBS: dict[str, list[tuple[str, float]]] = {
    "North": [("Kingsmere", 0.6), ("Ashfield", 0.2), ("Brookvale", 0.0)],
    "South": [("Riverside", 0.8), ("Oakley", 0.3), ("Hollybank", 0.1), ("Fairbrook", -0.2)],
    "East": [("Millfield", 0.4), ("Stonebridge", -1.0), ("Greenway", 0.0)],
    "West": [("Westcroft", 0.5), ("Elmdon", 0.2), ("Canalside", -0.9), ("Harborne Park", 0.3)],
}
#: The fifth area-wide team of each area.
AREA_SPECIALIST_TEAM = {
    "North": ("front_door", "North MASH (front door)"),
    "South": ("disabled_children", "South disabled children's team"),
    "East": ("care_leavers", "East care leavers' team"),
    "West": ("front_door", "West MASH (front door)"),
}
#: Practitioner posts per team type.
TEAM_SIZE = {
    "safeguarding": 14,
    "family_support": 11,
    "assessment": 14,
    "children_in_care": 13,
    "front_door": 10,
    "disabled_children": 11,
    "care_leavers": 10,
}
#: Typical caseload per team type at the start and the end of the history.
CASELOAD_LEVEL = {
    "safeguarding": (22.0, 17.0),
    "family_support": (18.0, 14.5),
    "assessment": (20.0, 16.0),
    "children_in_care": (18.0, 15.0),
    "front_door": (12.0, 10.0),
    "disabled_children": (15.0, 13.0),
    "care_leavers": (19.0, 17.0),
}
#: Session lengths in minutes, early, middle and late in the history (one in nine is each).
SESSION_LENGTHS = (
    (45, 60, 60, 75, 90, 90, 90, 105, 120),
    (60, 60, 75, 90, 90, 90, 90, 105, 120),
    (60, 75, 90, 90, 90, 90, 105, 105, 120),
)
#: The staff survey closes on 30 June each year; team results start with the second survey.
SURVEY_DATES = (date(2022, 6, 30), date(2023, 6, 30), date(2024, 6, 30), date(2025, 6, 30),
                date(2026, 6, 30))  # fmt: skip
#: Survey questions -> (share agreeing at the start, at the end of the history).
SURVEY_QUESTIONS = {
    "My supervision happens at least monthly": (0.48, 0.86),
    "My supervision helps me reflect on my practice": (0.45, 0.80),
    "The child's views and wishes are discussed in my supervision": (0.40, 0.78),
    "I would recommend working here to a friend who is a social worker": (0.38, 0.62),
}
LEAVING_REASONS_PERMANENT = (
    "Resigned - moved to another local authority",
    "Resigned - moved to another local authority",
    "Resigned - left social work",
    "Resigned - moved to agency work",
    "Retired",
    "Career break",
    "End of fixed-term contract",
    "Dismissed",
)
LEAVING_REASONS_AGENCY = ("Agency assignment ended", "Agency assignment ended", "Moved on")
#: DfE's agency rules apply to assignments starting from this date; contracts already running
#: (legacy ones) had until LEGACY_DEADLINE to comply.
AGENCY_RULES_IN_FORCE = date(2024, 10, 31)
#: The share of the assignments still running at the history's end that have a planned end
#: (within 26 weeks of it); the rest are open-ended.
PLANNED_END_SHARE = 0.7
LEGACY_DEADLINE = date(2025, 10, 1)
#: The region's price caps in pounds an hour (pay, employer's National Insurance and the
#: apprenticeship levy), by the date they apply from: the regional memorandum's, which (like
#: the West Midlands') predates DfE's rules, so that every demo assignment has a cap; those
#: agreed for DfE's rules; and a 3% uplift from April 2026, to the penny.
PRICE_CAPS: dict[date, dict[str, float]] = {
    date(2018, 4, 1): {
        "social_worker": 36.00,
        "senior_social_worker": 39.50,
        "advanced_practitioner": 42.00,
        "team_manager": 46.00,
        "iro_conference_chair": 44.00,
    },
    AGENCY_RULES_IN_FORCE: {
        "social_worker": 39.50,
        "senior_social_worker": 43.00,
        "advanced_practitioner": 46.00,
        "team_manager": 50.00,
        "iro_conference_chair": 48.00,
    },
    date(2026, 4, 1): {
        "social_worker": 40.69,
        "senior_social_worker": 44.29,
        "advanced_practitioner": 47.38,
        "team_manager": 51.50,
        "iro_conference_chair": 49.44,
    },
}
#: Our roles -> DfE's agency role categories (a service manager is nearest a team manager).
AGENCY_ROLE_CATEGORY = {
    "social_worker": "social_worker",
    "senior_practitioner": "senior_social_worker",
    "advanced_practitioner": "advanced_practitioner",
    "team_manager": "team_manager",
    "service_manager": "team_manager",
}
#: Made-up agencies, with how much of the demo's work each has.
AGENCIES = {
    "Brightlark Social Work Recruitment": 5,
    "Copperkite Locums": 4,
    "Emberwell Care Staffing": 3,
    "Hazelrun Interim Services": 2,
    "Lanternfield Social Care": 2,
    "Silverquill Resourcing": 1,
}


class AgencyPhase(StrEnum):
    """When an assignment started, as the rules' timetable sees it."""

    #: Before the rules, and ended before the legacy deadline.
    LEGACY_ENDED = "legacy_ended"
    #: Before the rules, and still running at the legacy deadline.
    LEGACY_RUNNING = "legacy_running"
    #: On or after the day the rules came into force.
    NEW = "new"


#: The evidence the rules ask for (experience, references, notice), by phase: (chance that an
#: item is blank, chance that a recorded one falls short of the rule). Before the rules it was
#: often not kept; the legacy assignments still running at the deadline were brought into line;
#: new ones mostly meet the rules.
AGENCY_EVIDENCE = {
    AgencyPhase.LEGACY_ENDED: (0.45, 0.15),
    AgencyPhase.LEGACY_RUNNING: (0.06, 0.05),
    AgencyPhase.NEW: (0.03, 0.04),
}
#: Employer's National Insurance and the apprenticeship levy on an hour's pay (the capped cost
#: is the pay rate times this), and the agency's fee on top, in pounds an hour.
ON_COSTS = (1.128, 1.142)
AGENCY_FEE = (3.0, 8.0)
FIRST_NAMES = [
    "Aisha",
    "Amelia",
    "Amir",
    "Anna",
    "Bethany",
    "Callum",
    "Chloe",
    "Daniel",
    "Deborah",
    "Elif",
    "Ellie",
    "Emeka",
    "Fatima",
    "Grace",
    "Hannah",
    "Harpreet",
    "Imran",
    "Isla",
    "Jack",
    "Jasmine",
    "Joel",
    "Kiran",
    "Laura",
    "Leon",
    "Lucy",
    "Mariam",
    "Mark",
    "Megan",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Niamh",
    "Oliver",
    "Olu",
    "Priya",
    "Rachel",
    "Rebecca",
    "Rhys",
    "Ruth",
    "Sadia",
    "Samuel",
    "Sarah",
    "Simone",
    "Sophie",
    "Tariq",
    "Thomas",
    "Tendai",
    "Una",
    "Victoria",
    "Wei",
    "Yasmin",
    "Zainab",
    "Zoe",
    "Ben",
    "Carys",
    "Dev",
    "Ewa",
    "Femi",
    "Gareth",
    "Helen",
]
SURNAMES = [
    "Ahmed",
    "Ali",
    "Allen",
    "Begum",
    "Bennett",
    "Brown",
    "Campbell",
    "Chowdhury",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Francis",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kaur",
    "Khan",
    "Kowalski",
    "Lewis",
    "Martin",
    "Mensah",
    "Miah",
    "Mitchell",
    "Morgan",
    "Murphy",
    "Nowak",
    "Okafor",
    "Owen",
    "Patel",
    "Phillips",
    "Price",
    "Rahman",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
    "Adeyemi",
    "Byrne",
    "Doherty",
]


@dataclass
class Worker:
    staff_id: str
    display_name: str
    role: str
    employment_type: str
    fte: float
    team_id: str
    start_date: date
    end_date: date | None = None
    leaving_reason: str | None = None
    asye_start_date: date | None = None
    supervision_agreement_date: date | None = None
    supervision_training_date: date | None = None
    #: This person's usual caseload relative to the team's level.
    caseload_bias: float = 1.0

    def in_post(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


@dataclass
class DemoTeam:
    team_id: str
    team_name: str
    team_type: str
    hub: str
    area: str
    quality: float
    posts: list[Post] = field(default_factory=list)
    #: (start_date, worker) of every team manager, oldest first.
    managers: list[tuple[date, Worker]] = field(default_factory=list)
    #: Their start dates, kept beside them: `manager_on` runs once per supervision session,
    #: and building this list there on every call was a tenth of the demo's build.
    manager_starts: list[date] = field(default_factory=list)

    def add_manager(self, manager: Worker) -> None:
        self.managers.append((manager.start_date, manager))
        self.manager_starts.append(manager.start_date)

    def manager_on(self, day: date) -> Worker:
        index = bisect.bisect_right(self.manager_starts, day) - 1
        return self.managers[max(index, 0)][1]


@dataclass
class Post:
    team: DemoTeam
    role: str
    holder: Worker | None = None
    #: The date the post fell vacant (a replacement starts after it).
    vacant_since: date | None = None


_HISTORY_DAYS = (HISTORY_END - HISTORY_START).days
#: The quarter ends of the history, when supervision is audited (worked out once: once per
#: worker cost a fifth of the demo's build).
QUARTER_ENDS = tuple(month_ends(HISTORY_START, HISTORY_END)[2::3])


def _progress(day: date) -> float:
    """0 at the start of the history, 1 at its end (0 before it)."""
    return min(max((day - HISTORY_START).days / _HISTORY_DAYS, 0.0), 1.0)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _pqe_years(rng: random.Random, role: str, phase: AgencyPhase) -> float | None:
    """Years of post-qualifying experience: blank, short of the rule's 3, or 3 and more (more
    in the senior roles)."""
    blank, short = AGENCY_EVIDENCE[phase]
    if rng.random() < blank:
        return None
    if rng.random() < short:
        return round(rng.uniform(0.5, 2.9), 1)
    extra = {"senior_practitioner": 2.0, "advanced_practitioner": 5.0}.get(role, 0.0)
    return round(min(MIN_PQE_YEARS + extra + rng.expovariate(1 / 5), 35.0), 1)


def _references_and_notice(rng: random.Random, phase: AgencyPhase) -> tuple[int | None, int | None]:
    """References received (2, else 1) and notice in weeks (4, else 2), each maybe blank."""
    blank, short = AGENCY_EVIDENCE[phase]
    found: list[int | None] = []
    for enough, fewer in ((MIN_REFERENCES, 1), (DEFAULT_MIN_NOTICE_WEEKS, 2)):
        if rng.random() < blank:
            found.append(None)
        else:
            found.append(fewer if rng.random() < short else enough)
    return found[0], found[1]


def _last_post(
    rng: random.Random, start: date, phase: AgencyPhase, near: list[str], far: list[str]
) -> tuple[str | None, date | None, str | None]:
    """(last_permanent_la_code, last_permanent_end_date, cooling_off_exception): for about one
    in four, a substantive post before. Most were in another region; of those in ours (Demo City
    or a neighbour), some left less than 3 months before the start (the rules say not to
    engage them, so this is rarer once they apply), a few of those by an exception, and a few
    have no end date recorded."""
    if rng.random() >= 0.25:
        return None, None, None
    if rng.random() < 0.72:
        ended = None if rng.random() < 0.1 else start - timedelta(days=rng.randint(14, 1200))
        return rng.choice(far), ended, None
    code = DEMO_LA_CODE if rng.random() < 0.35 else rng.choice(near)
    if rng.random() < 0.08:
        return code, None, None
    if rng.random() >= (0.2 if phase is AgencyPhase.NEW else 0.5):
        return code, start - timedelta(days=rng.randint(100, 1200)), None
    # Less than 3 months (at least 89 days) before the start.
    ended = start - timedelta(days=rng.randint(7, 80))
    exception = rng.choice(COOLING_OFF_EXCEPTIONS) if rng.random() < 0.07 else None
    return code, ended, exception


def _cap_breach_signoffs(
    rng: random.Random, start: date, phase: AgencyPhase
) -> tuple[date | None, date | None]:
    """The Director of Children's Services' and the Chief Executive's sign-off of a rate over
    the cap, on or before the start: both for most (fewer before the rules, when the
    memorandum asked for them less firmly), the Director's only for some, none for the rest."""
    both, director_only = (0.6, 0.15) if phase is AgencyPhase.NEW else (0.45, 0.2)
    draw = rng.random()
    if draw >= both + director_only:
        return None, None
    director = start - timedelta(days=rng.randint(3, 21))
    if draw >= both:
        return director, None
    return director, min(director + timedelta(days=rng.randint(0, 10)), start)


#: The agency files' columns in pounds, written with 2 decimal places (32.50).
MONEY_COLUMNS = frozenset(
    ("hourly_pay_rate", "hourly_capped_cost", "hourly_charge_rate", "hourly_cap")
)


def _as_written(value: object, money: bool) -> object:
    """An agency file's value as people write it: pounds as 32.50, other numbers as 37 or
    29.6."""
    if isinstance(value, float):
        return f"{value:.2f}" if money else f"{value:g}"
    return value


class DemoBuilder:
    """Simulates the organisation month by month; `files()` renders the import CSVs."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.teams: list[DemoTeam] = []
        self.workers: list[Worker] = []
        self.caseloads: list[tuple[str, date, int]] = []
        self.vacancies: list[tuple[str, date, float]] = []
        self.sessions: list[tuple] = []
        self.audits: list[tuple[str, str, date, str]] = []
        self.appraisals: list[tuple[str, str, date]] = []
        self.survey: list[tuple[date, str | None, str, int, int]] = []
        # Appraisals and the survey draw from their own stream, so that adding them left the
        # rest of the organisation exactly as it was.
        self.extra_rng = random.Random(seed + 1)
        # The agency assignments too (seed + 2 is the national figures' stream).
        self.agency_rng = random.Random(seed + 3)
        # The planned ends of the assignments still running: their own stream, so that adding
        # them left every other row as it was.
        self.planned_end_rng = random.Random(seed + 4)
        self.price_caps: list[tuple[str, date, float]] = []
        self.agency_assignments: list[tuple] = []
        self._build_structure()

    # --- structure and people ---

    def _build_structure(self) -> None:
        number = 0
        for area, hubs in HUBS.items():
            for hub, quality in hubs:
                for team_type, name in (
                    ("safeguarding", f"{hub} safeguarding team 1"),
                    ("safeguarding", f"{hub} safeguarding team 2"),
                    ("family_support", f"{hub} family support team"),
                ):
                    number += 1
                    self._add_team(number, name, team_type, f"{hub} hub", area, quality)
            area_quality = sum(quality for _, quality in hubs) / len(hubs)
            area_wide = f"{area} area-wide services"
            specialist_type, specialist_name = AREA_SPECIALIST_TEAM[area]
            for team_type, name in (
                ("assessment", f"{area} ASTI team 1"),
                ("assessment", f"{area} ASTI team 2"),
                ("children_in_care", f"{area} children in care team 1"),
                ("children_in_care", f"{area} children in care team 2"),
                (specialist_type, specialist_name),
            ):
                number += 1
                self._add_team(number, name, team_type, area_wide, area, area_quality)

    def _add_team(
        self, number: int, name: str, team_type: str, hub: str, area: str, quality: float
    ) -> None:
        team = DemoTeam(f"T{number:03d}", name, team_type, hub, area, quality)
        size = TEAM_SIZE[team_type]
        roles = ["senior_practitioner"] * 2 + ["advanced_practitioner"] * (size >= 14)
        roles += ["social_worker"] * (size - len(roles))
        team.posts = [Post(team, role) for role in roles]
        self.teams.append(team)

    def _new_worker(
        self, team: DemoTeam, role: str, employment_type: str, start: date, *, nqsw: bool = False
    ) -> Worker:
        rng = self.rng
        if employment_type == "agency":
            fte = 1.0 if rng.random() < 0.92 else 0.8
        else:
            fte = rng.choices((1.0, 0.8, 0.6, 0.5), weights=(80, 10, 7, 3))[0]
        worker = Worker(
            staff_id=f"S{len(self.workers) + 1:05d}",
            display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            role=role,
            employment_type=employment_type,
            fte=fte,
            team_id=team.team_id,
            start_date=start,
            asye_start_date=start if nqsw else None,
            caseload_bias=min(max(rng.gauss(1.0, 0.12), 0.7), 1.35),
        )
        self.workers.append(worker)
        return worker

    def _agency_target(self, team: DemoTeam, day: date) -> float:
        """The agency share the service is steering each team towards."""
        share = 0.39 - 0.23 * _progress(day)
        return min(max(share - 0.10 * team.quality, 0.05), 0.6)

    def _initial_staffing(self) -> None:
        rng = self.rng
        for team in self.teams:
            manager = self._new_worker(
                team,
                "team_manager",
                "permanent",
                SIMULATION_START - timedelta(days=rng.randint(200, 3500)),
            )
            if rng.random() < 0.45:
                manager.supervision_training_date = SIMULATION_START - timedelta(
                    days=rng.randint(30, 650)
                )
            team.add_manager(manager)
            for post in team.posts:
                if rng.random() < 0.05:
                    post.vacant_since = SIMULATION_START - timedelta(days=rng.randint(10, 90))
                    continue
                agency = rng.random() < self._agency_target(team, SIMULATION_START) + 0.03
                if agency:
                    start = SIMULATION_START - timedelta(days=rng.randint(20, 500))
                else:
                    start = SIMULATION_START - timedelta(days=int(rng.expovariate(1 / 1600)) + 20)
                nqsw = (
                    not agency
                    and post.role == "social_worker"
                    and (SIMULATION_START - start).days < 300
                    and rng.random() < 0.5
                )
                worker = self._new_worker(
                    team, post.role, "agency" if agency else "permanent", start, nqsw=nqsw
                )
                if rng.random() < 0.45:
                    worker.supervision_agreement_date = start + timedelta(days=rng.randint(5, 90))
                post.holder = worker
        # One service manager per hub, placed in the hub's first team.
        seen_hubs: set[str] = set()
        for team in self.teams:
            if team.hub not in seen_hubs:
                seen_hubs.add(team.hub)
                start = SIMULATION_START - timedelta(days=rng.randint(400, 4000))
                self._new_worker(team, "service_manager", "permanent", start)

    # --- month by month ---

    def _leave_probability(self, worker: Worker, team: DemoTeam, day: date) -> float:
        if worker.employment_type == "agency":
            annual = 0.45 + 0.10 * _progress(day)  # agency workers are moved on as posts fill
        else:
            annual = 0.19 - 0.06 * _progress(day) - 0.05 * team.quality
        return max(annual, 0.03) / 12

    def _simulate_month(self, first: date, last: date) -> None:
        rng = self.rng
        for team in self.teams:
            manager = team.managers[-1][1]
            if rng.random() < 0.10 / 12:
                manager.end_date = _between(rng, first + timedelta(days=1), last)
                manager.leaving_reason = rng.choice(LEAVING_REASONS_PERMANENT)
                successor = self._new_worker(team, "team_manager", "permanent", manager.end_date)
                team.add_manager(successor)
            agency_posts = sum(
                post.holder is not None and post.holder.employment_type == "agency"
                for post in team.posts
            )
            agency_share = agency_posts / len(team.posts)
            target = self._agency_target(team, last)
            for post in team.posts:
                worker = post.holder
                if worker is not None and rng.random() < self._leave_probability(
                    worker, team, last
                ):
                    earliest = max(first, worker.start_date + timedelta(days=1))
                    worker.end_date = _between(rng, earliest, last)
                    reasons = (
                        LEAVING_REASONS_AGENCY
                        if worker.employment_type == "agency"
                        else LEAVING_REASONS_PERMANENT
                    )
                    worker.leaving_reason = rng.choice(reasons)
                    post.holder, post.vacant_since = None, worker.end_date
                if post.holder is None and rng.random() < 0.55:
                    start = _between(rng, max(first, post.vacant_since or first), last)
                    permanent_chance = min(max(1 - target + 2 * (agency_share - target), 0.3), 0.97)
                    permanent = rng.random() < permanent_chance
                    nqsw = permanent and post.role == "social_worker" and rng.random() < 0.35
                    post.holder = self._new_worker(
                        team,
                        post.role,
                        "permanent" if permanent else "agency",
                        start,
                        nqsw=nqsw,
                    )
                    post.vacant_since = None
            self._agreements_and_training(team, first, last)
        if last >= HISTORY_START:
            self._month_end_snapshots(last)

    def _agreements_and_training(self, team: DemoTeam, first: date, last: date) -> None:
        rng = self.rng
        progress = _progress(last)
        # New starters increasingly get an agreement within their first weeks; the backlog
        # of older workers without one is cleared steadily.
        chance = 0.01 + 0.07 * progress + 0.01 * team.quality
        for post in team.posts:
            worker = post.holder
            if worker is None or worker.supervision_agreement_date is not None:
                continue
            new = (last - worker.start_date).days < 45
            if rng.random() < (0.25 + 0.6 * progress if new else chance):
                worker.supervision_agreement_date = _between(
                    rng, max(first, worker.start_date), last
                )
        manager = team.managers[-1][1]
        trained = manager.supervision_training_date
        if (trained is None or (last - trained).days > 720) and rng.random() < (
            0.03 + 0.20 * progress
        ):
            manager.supervision_training_date = _between(rng, first, last)

    def _month_end_snapshots(self, day: date) -> None:
        rng = self.rng
        progress = _progress(day)
        for team in self.teams:
            start_level, end_level = CASELOAD_LEVEL[team.team_type]
            level = start_level + (end_level - start_level) * progress - 2.5 * team.quality
            permanent_fte = 0.0
            for post in team.posts:
                worker = post.holder
                if worker is None or not worker.in_post(day):
                    continue
                if worker.employment_type == "permanent":
                    permanent_fte += worker.fte
                expected = level * worker.caseload_bias * worker.fte
                if worker.role == "advanced_practitioner":
                    expected *= 0.6
                if worker.asye_start_date and (day - worker.asye_start_date).days < 365:
                    expected *= 0.72
                tenure = (day - worker.start_date).days
                if tenure < 60:
                    expected *= 0.3 + 0.7 * tenure / 60
                cases = 0 if rng.random() < 0.015 else round(rng.gauss(expected, 2.2))
                self.caseloads.append((worker.staff_id, day, min(max(cases, 0), 60)))
            establishment = float(len(team.posts))
            self.vacancies.append(
                (team.team_id, day, round(max(establishment - permanent_fte, 0), 1))
            )

    # --- supervision ---

    def _hold_chance(self, team: DemoTeam, day: date) -> float:
        return min(max(0.50 + 0.30 * _progress(day) + 0.12 * team.quality, 0.3), 0.97)

    def _supervision(self) -> None:
        rng = self.rng
        teams = {team.team_id: team for team in self.teams}
        for worker in self.workers:
            if worker.role not in SUPERVISION_ELIGIBLE_ROLES:
                continue
            team = teams[worker.team_id]
            stop = min(
                worker.end_date - timedelta(days=1) if worker.end_date else HISTORY_END, HISTORY_END
            )
            day = max(
                worker.start_date + timedelta(days=rng.randint(3, 12)),
                HISTORY_START - timedelta(days=rng.randint(0, 30)),
            )
            while day <= stop:
                interval = required_interval_days(worker.asye_start_date, day)
                progress = _progress(day)
                held = rng.random() < self._hold_chance(team, day)
                if held:
                    if day >= HISTORY_START:
                        self._add_session(worker, team, day, "held", progress)
                    day += timedelta(days=interval - rng.randint(0, min(5, interval - 3)))
                else:
                    if day >= HISTORY_START and rng.random() < 0.6:
                        self._add_session(worker, team, day, "cancelled", progress)
                    day += timedelta(days=rng.randint(10, 30) if interval > 14 else 5)
            self._audit(worker, team)

    def _add_session(
        self, worker: Worker, team: DemoTeam, day: date, status: str, progress: float
    ) -> None:
        rng = self.rng
        supervisor = team.manager_on(day)
        session_id = f"SS{len(self.sessions) + 1:06d}"
        if status == "cancelled":
            self.sessions.append(
                (session_id, worker.staff_id, supervisor.staff_id, day, status, None, None, None)
            )
            return
        reflective = rng.random() < min(0.52 + 0.33 * progress + 0.06 * team.quality, 0.97)
        views = rng.random() < min(0.42 + 0.35 * progress + 0.08 * team.quality, 0.95)
        # One draw whatever the period, so that the rest of the story stays as it was: longer,
        # protected sessions (the LGA's 1.5 hours) become the norm as supervision improves.
        duration = rng.choice(SESSION_LENGTHS[min(int(progress * 3), 2)])
        self.sessions.append(
            (
                session_id,
                worker.staff_id,
                supervisor.staff_id,
                day,
                status,
                duration,
                reflective,
                views,
            )
        )

    def _audit(self, worker: Worker, team: DemoTeam) -> None:
        """Quarterly sample audits of about one worker in twelve."""
        rng = self.rng
        for quarter_end in QUARTER_ENDS:
            if not worker.in_post(quarter_end) or rng.random() > 1 / 12:
                continue
            progress = _progress(quarter_end)
            good_chance = min(max(0.42 + 0.36 * progress + 0.12 * team.quality, 0.1), 0.95)
            if rng.random() < good_chance:
                grade = "outstanding" if rng.random() < 0.2 else "good"
            else:
                grade = "inadequate" if rng.random() < 0.25 else "requires_improvement"
            audit_date = _between(rng, add_months(quarter_end, -1), quarter_end)
            if worker.in_post(audit_date):
                self.audits.append(
                    (f"A{len(self.audits) + 1:05d}", worker.staff_id, audit_date, grade)
                )

    # --- appraisals and the staff survey ---

    def _appraisals(self) -> None:
        """An appraisal around each anniversary of a permanent practitioner's start, held more
        reliably as the history goes on and in the stronger hubs."""
        rng = self.extra_rng
        teams = {team.team_id: team for team in self.teams}
        for worker in self.workers:
            if worker.role not in SUPERVISION_ELIGIBLE_ROLES:
                continue
            if worker.employment_type != "permanent":
                continue
            quality = teams[worker.team_id].quality
            years = 1
            while (due := add_months(worker.start_date, 12 * years)) <= HISTORY_END:
                years += 1
                held_on = due + timedelta(days=rng.randint(-30, 50))
                chance = min(max(0.40 + 0.50 * _progress(due) + 0.10 * quality, 0.1), 0.97)
                if (
                    HISTORY_START <= held_on <= HISTORY_END
                    and worker.in_post(held_on)
                    and rng.random() < chance
                ):
                    self.appraisals.append(
                        (f"AP{len(self.appraisals) + 1:06d}", worker.staff_id, held_on)
                    )

    def _staff_survey(self) -> None:
        """Each June: every team's practitioners in post, about 70% answering, agreeing more
        as the story goes on; the organisation's row is the sum of its teams'. The first survey
        was reported for the organisation only."""
        rng = self.extra_rng
        for survey_date in SURVEY_DATES:
            progress = _progress(survey_date)
            totals = dict.fromkeys(SURVEY_QUESTIONS, (0, 0))
            team_rows = []
            for team in self.teams:
                staff = sum(
                    1
                    for post in team.posts
                    if post.holder is not None and post.holder.in_post(survey_date)
                )
                for question, (start, end) in SURVEY_QUESTIONS.items():
                    answered = sum(rng.random() < 0.7 for _ in range(staff))
                    if answered == 0:
                        continue
                    chance = min(
                        max(start + (end - start) * progress + 0.12 * team.quality, 0.05), 0.97
                    )
                    agree = sum(rng.random() < chance for _ in range(answered))
                    team_rows.append((survey_date, team.team_id, question, answered, agree))
                    responses, agreed = totals[question]
                    totals[question] = (responses + answered, agreed + agree)
            for question, (responses, agreed) in totals.items():
                # A blank team: the organisation's own figure.
                self.survey.append((survey_date, None, question, responses, agreed))
            if survey_date != SURVEY_DATES[0]:
                self.survey.extend(team_rows)

    # --- agency assignments and price caps ---

    def _agency_assignments(self) -> None:
        """The region's price caps, and one assignment per agency worker's stint, active on
        exactly the days the worker is in post (staff.csv's end_date is the first day out of
        post, an assignment's the last day worked); most of those still running have a planned
        end after the history's end (`PLANNED_END_SHARE`). About one in ten is over its cap,
        about half of those signed off; about one in four had a substantive post before, mostly
        in another region; the evidence follows AGENCY_EVIDENCE."""
        rng = self.agency_rng
        self.price_caps = [
            (category, effective_from, hourly_cap)
            for effective_from, by_category in PRICE_CAPS.items()
            for category, hourly_cap in by_category.items()
        ]
        caps: dict[str, list[tuple[date, float]]] = {}
        for category, effective_from, hourly_cap in self.price_caps:
            caps.setdefault(category, []).append((effective_from, hourly_cap))
        regions = dict(authority_codes())
        near = [code for code, region in regions.items() if region == regions[DEMO_LA_CODE]]
        far = [code for code, region in regions.items() if region != regions[DEMO_LA_CODE]]
        for worker in self.workers:
            if worker.employment_type != "agency":
                continue
            start = worker.start_date
            end = worker.end_date - timedelta(days=1) if worker.end_date else None
            if end is None and self.planned_end_rng.random() < PLANNED_END_SHARE:
                # Most running assignments have a contract end date after the history's end.
                end = HISTORY_END + timedelta(days=self.planned_end_rng.randint(3, 182))
            if start >= AGENCY_RULES_IN_FORCE:
                phase = AgencyPhase.NEW
            elif end is None or end >= LEGACY_DEADLINE:
                phase = AgencyPhase.LEGACY_RUNNING
            else:
                phase = AgencyPhase.LEGACY_ENDED
            category = AGENCY_ROLE_CATEGORY[worker.role]
            cap = cap_at(caps, category, start)
            if cap is None:
                raise ValueError(f"no demo price cap for {category} on {start}: see PRICE_CAPS")
            over_cap = rng.random() < 0.10
            on_costs = rng.uniform(*ON_COSTS)
            share_of_cap = rng.uniform(1.02, 1.10) if over_cap else rng.uniform(0.90, 1.0)
            pay = round(cap * share_of_cap / on_costs, 2)
            capped = round(pay * on_costs, 2)
            if not over_cap:  # rounding may not take a rate at the cap over it
                capped = min(capped, cap)
            charge = round(capped + rng.uniform(*AGENCY_FEE), 2)
            project_team = rng.random() < 0.08
            cover_reason = (
                "project"
                if project_team
                else rng.choices(("vacancy", "absence", "additional_capacity"), (75, 15, 10))[0]
            )
            agency = rng.choices(list(AGENCIES), list(AGENCIES.values()))[0]
            pqe_years = _pqe_years(rng, worker.role, phase)
            last_post = _last_post(rng, start, phase, near, far)
            references, notice = _references_and_notice(rng, phase)
            signoffs = _cap_breach_signoffs(rng, start, phase) if over_cap else (None, None)
            self.agency_assignments.append(
                (
                    f"AG{len(self.agency_assignments) + 1:05d}",
                    worker.staff_id,
                    agency,
                    category,
                    demo_swe_number(worker.staff_id),
                    start,
                    end,
                    round(worker.fte * 37, 1),
                    pay,
                    capped,
                    charge,
                    project_team,
                    cover_reason,
                    pqe_years,
                    *last_post,
                    references,
                    notice,
                    *signoffs,
                )
            )

    # --- output ---

    def build(self) -> DemoBuilder:
        self._initial_staffing()
        for last in month_ends(SIMULATION_START, HISTORY_END):
            self._simulate_month(last.replace(day=1), last)
        self._supervision()
        self._appraisals()
        self._staff_survey()
        self._agency_assignments()
        return self

    def tables(self) -> dict[str, list[tuple]]:
        """The demo organisation as the import's files, each a list of rows in its columns'
        order (`FILE_SPECS`), every value as the import reads it: a date, a number, a yes/no
        as a bool, a blank as None."""
        return {
            TEAMS.name: [(t.team_id, t.team_name, t.team_type, t.hub, t.area) for t in self.teams],
            STAFF.name: [
                (
                    w.staff_id,
                    w.display_name,
                    w.role,
                    w.employment_type,
                    w.fte,
                    w.team_id,
                    w.start_date,
                    w.end_date,
                    w.leaving_reason,
                    w.asye_start_date,
                    w.supervision_agreement_date,
                    w.supervision_training_date,
                )
                for w in self.workers
            ],
            SESSIONS.name: self.sessions,
            CASELOADS.name: self.caseloads,
            VACANCIES.name: self.vacancies,
            AUDITS.name: self.audits,
            APPRAISALS.name: self.appraisals,
            STAFF_SURVEY.name: self.survey,
            AGENCY_PRICE_CAPS.name: self.price_caps,
            AGENCY_ASSIGNMENTS.name: self.agency_assignments,
        }

    def files(self) -> dict[str, bytes]:
        """The demo organisation as import files (file name -> CSV bytes)."""
        files = {}
        for name, rows in self.tables().items():
            spec = SPECS_BY_NAME[name]
            if spec is STAFF:  # an FTE as people write it: 1, 0.8
                rows = [(*row[:4], f"{row[4]:g}", *row[5:]) for row in rows]
            elif spec in (AGENCY_PRICE_CAPS, AGENCY_ASSIGNMENTS):
                money = [column.name in MONEY_COLUMNS for column in spec.columns]
                rows = [
                    tuple(
                        _as_written(value, is_money)
                        for value, is_money in zip(row, money, strict=True)
                    )
                    for row in rows
                ]
            files[name] = csv_bytes([column.name for column in spec.columns], rows)
        return files

    def validation(self) -> Validation:
        """The import's reading of `files()`, made straight from the rows: what `validate`
        returns for those files, without writing and parsing a hundred thousand lines of CSV
        (a test checks that the two agree and that the files pass every check)."""
        validation = Validation()
        for name, rows in self.tables().items():
            spec = SPECS_BY_NAME[name]
            columns = [column.name for column in spec.columns]
            validation.files[name] = ParsedFile(
                spec,
                name,
                rows=[
                    ParsedRow(line, dict(zip(columns, row, strict=True)))
                    for line, row in enumerate(rows, start=2)  # line 1 is the header
                ],
            )
        return validation


def demo_files(seed: int = SEED) -> dict[str, bytes]:
    """The demo organisation's import files; the same bytes every time for the same seed."""
    return DemoBuilder(seed).build().files()


class DemoNotLoaded(Exception):
    """The database already holds other data, so the demo was not loaded over it."""


def database_is_empty(engine: Engine | None = None) -> bool:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Team)).scalar_one() == 0


def demo_already_loaded(engine: Engine | None = None) -> bool:
    """True when every import so far was the demo organisation (and there was one)."""
    with session_scope(engine) as session:
        sources = set(
            session.execute(
                select(col(ImportLog.source))
                .where(col(ImportLog.kind) == "organisation")
                .distinct()
            ).scalars()
        )
    return sources == {DEMO_SOURCE}


def load_demo(engine: Engine | None = None, seed: int = SEED) -> ImportResult:
    """Load the demo organisation into an empty database (or reload it over itself), with its
    made-up national figures and census return (`load_demo_national_figures`).

    Raises `DemoNotLoaded` when the database holds data from any other import, so that demo
    rows are never mixed into a council's real figures.
    """
    if not database_is_empty(engine) and not demo_already_loaded(engine):
        raise DemoNotLoaded(
            "the database already holds imported data; the demo organisation loads only into "
            "an empty database (set DATABASE_URL to a new database to try it)"
        )
    builder = DemoBuilder(seed).build()
    # Into an empty database the checked rows are written straight away (data_access/demo/
    # loading.py); over the demo itself, the files go through the import, which compares.
    result = load_into_empty_database(
        builder.validation(), engine=engine, source=DEMO_SOURCE, user=DEMO_LOADER
    )
    if result is None:
        result = import_files(builder.files(), engine=engine, source=DEMO_SOURCE, user=DEMO_LOADER)
    if result.loaded:
        load_demo_national_figures(builder, seed, engine)
    return result


def load_demo_national_figures(
    builder: DemoBuilder | None = None, seed: int = SEED, engine: Engine | None = None
) -> bool:
    """Give the demo its made-up national figures and census return (data_access/demo/
    national.py) and choose Demo City as "our authority", each only where the database holds
    none of its own, so that nothing loaded by anyone else is replaced. Returns True when
    anything was added."""
    with session_scope(engine) as session:
        has_benchmarks = session.execute(select(col(BenchmarkSource.id))).first() is not None
        has_census = session.execute(select(col(CensusReturn.la_code))).first() is not None
        chosen = our_authority(session=session)
    if has_benchmarks and has_census and chosen:
        return False
    files = national_files(builder or DemoBuilder(seed).build(), seed)
    if not has_benchmarks:
        loaded = load_benchmarks(
            files.indicators, files.neighbours, engine=engine, user=DEMO_LOADER, source=DEMO_SOURCE
        )
        if not loaded.loaded:  # made by code to pass: say so loudly if it does not
            raise RuntimeError(f"the demo's national figures were refused: {loaded.problems[:3]}")
    if not has_census:
        census = load_census(*files.census, engine=engine, user=DEMO_LOADER, source=DEMO_SOURCE)
        if not census.loaded:
            raise RuntimeError(f"the demo's census return was refused: {census.problems[:3]}")
    if not chosen:
        remember_our_authority(DEMO_LA_CODE, by=DEMO_LOADER, engine=engine)
    return True


def holds_only_demo(*, session: Session) -> bool:
    """True when the organisation's data is the demo organisation and nothing else: every
    import of the council's own kind of files that loaded came from the demo loader. (Loads of
    DfE's published benchmarks and our census figures hold no personal data and do not count.)"""
    sources = set(
        session.execute(
            select(col(ImportLog.source))
            .where(col(ImportLog.kind) == "organisation", col(ImportLog.outcome) == "loaded")
            .distinct()
        ).scalars()
    )
    return sources == {DEMO_SOURCE}


#: The demo's "view as" choices: who they are, their role, and whose names they may see.
DEMO_STONEBRIDGE_TEAM = "Stonebridge safeguarding team 1"


def demo_personas(*, session: Session) -> dict[str, Grant]:
    """The people a visitor can view the demo as, by label, each with the grant they would
    have: a director (a leader with names for the whole organisation), a board member, the
    manager of DEMO_STONEBRIDGE_TEAM (names for that team), a data officer and an
    administrator (no names)."""
    stonebridge = session.execute(
        select(col(Team.team_id)).where(col(Team.team_name) == DEMO_STONEBRIDGE_TEAM)
    ).scalar()
    manager_scopes = (
        (GrantScope("team", stonebridge, DEMO_STONEBRIDGE_TEAM),) if stonebridge else ()
    )
    return {
        "Director": Grant(
            "director@demo.invalid",
            "leader",
            (GrantScope("organisation", WHOLE_ORGANISATION_NAME),),
        ),
        "Board member": Grant("board.member@demo.invalid", "board"),
        "Team manager, Stonebridge": Grant("team.manager@demo.invalid", "manager", manager_scopes),
        "Data officer": Grant("data.officer@demo.invalid", "data_officer"),
        "Administrator": Grant("admin@demo.invalid", "admin"),
    }
