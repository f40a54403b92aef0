"""Write a valid import folder for an organisation of any size, for scale tests.

    .venv/bin/python scripts/generate_org.py OUT_FOLDER [--practitioners 40000] [--months 60]
        [--authorities N] [--hubs-per-area 3] [--area-wide] [--teams-per-area 33]
        [--seed 1] [--end 2026-10-31]

The default is the national picture: 40,000 practitioners in post across 150 authorities
(each an area of 3 hubs and 33 teams, so 4,950 teams), 60 months of history: about 2.6 million
supervision sessions and 2.4 million caseload rows, with yearly appraisals and a September staff
survey, and an agency assignment for every agency worker under regional price caps. The shape
can change: `--hubs-per-area` community hubs in each area (1 to 10 or more), `--area-wide` adds
an area-wide hub of `AREA_WIDE_TEAMS` teams to each area, and the `--teams-per-area` are shared
out over the hubs (9 community hubs, an area-wide one and 33 teams an area is 1,500 hubs). The
same arguments always write the same files (every random choice comes from one generator
seeded by --seed; the appraisals and survey, and the agency assignments, from their own), so two
benchmark runs measure the same data.

The figures are plausible rather than a story (the demo organisation is the story): about 14%
turnover a year, 15% agency, monthly supervision held nine times in ten, weekly and
fortnightly supervision in the ASYE, caseloads around 17 at each month end. Team by team is
simulated and written before the next, so memory stays small whatever the size.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_access.core.dates import add_months, month_end, month_ends  # noqa: E402
from data_access.indicators.policy import (  # noqa: E402
    SUPERVISION_ELIGIBLE_ROLES,
    TEAM_TYPES,
    asye_phases,
)
from data_access.ingest.specs import FILE_SPECS  # noqa: E402

HUBS_PER_AUTHORITY = 3
TEAMS_PER_AUTHORITY = 33
#: The teams of an area-wide hub (`--area-wide`): assessment, children in care, specialist.
AREA_WIDE_TEAMS = 5
MONTHLY_LEAVING_CHANCE = 0.012
AGENCY_SHARE = 0.15
NEWLY_QUALIFIED_SHARE = 0.3
HELD_CHANCE = 0.9
#: 40,000 practitioners over 150 authorities: the default number of authorities follows this.
PRACTITIONERS_PER_AUTHORITY = 267

#: Every import file, its columns in the import's order (data_access/ingest/specs.py).
HEADERS = {spec.name: tuple(column.name for column in spec.columns) for spec in FILE_SPECS}
#: The regional price caps every authority's assignments are judged against (one region's, for
#: simplicity): role category -> pounds an hour, from 31 October 2024, and a memorandum's
#: lower caps from April 2018 for the older assignments.
PRICE_CAPS = {
    date(2018, 4, 1): {"social_worker": 36.0, "senior_social_worker": 39.5,
                       "advanced_practitioner": 42.0, "team_manager": 46.0,
                       "iro_conference_chair": 44.0},
    date(2024, 10, 31): {"social_worker": 39.5, "senior_social_worker": 43.0,
                         "advanced_practitioner": 46.0, "team_manager": 50.0,
                         "iro_conference_chair": 48.0},
}  # fmt: skip
AGENCY_CATEGORY = {
    "social_worker": "social_worker",
    "senior_practitioner": "senior_social_worker",
    "advanced_practitioner": "advanced_practitioner",
    "team_manager": "team_manager",
}
AGENCIES = ("Northgate Locums", "Riverside Social Care", "Beacon Interim", "Castle Staffing")
#: The staff survey's supervision questions, asked every September.
SURVEY_QUESTIONS = (
    "I receive regular supervision",
    "My supervision is reflective and helps me think about children",
    "My supervisor discusses my caseload with me",
)
APPRAISED_CHANCE = 0.85

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hana", "Isaac", "Jade", "Kofi",
    "Leah", "Mohammed", "Nia", "Oliver", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma",
    "Victor", "Wren", "Yusuf", "Zara",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Brown", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Morris", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor",
    "Walker", "Young",
)  # fmt: skip
REASONS = ("Resignation", "Retirement", "Career change", "Moved to another authority")


@dataclass
class Worker:
    staff_id: str
    role: str
    agency: bool
    fte: float
    start: date
    asye_start: date | None
    end: date | None = None
    caseload_bias: float = 1.0


class Writer:
    """The import files, open for the whole run; rows are written as they are made."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.handles = {name: (folder / name).open("w", newline="") for name in HEADERS}
        self.csv = {name: csv.writer(handle) for name, handle in self.handles.items()}
        self.counts = dict.fromkeys(HEADERS, 0)
        for name, header in HEADERS.items():
            self.csv[name].writerow(header)

    def row(self, name: str, *values) -> None:
        self.csv[name].writerow(["" if value is None else value for value in values])
        self.counts[name] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def day_in_month(rng: random.Random, month_last: date) -> date:
    return month_last.replace(day=rng.randint(1, month_last.day))


class TeamSimulation:
    """One team's people and records over the whole history."""

    def __init__(
        self,
        rng: random.Random,
        out: Writer,
        team_id: str,
        team_type: str,
        size: int,
        extras: random.Random,
        agency_rng: random.Random,
    ):
        self.rng, self.out, self.team_id, self.team_type = rng, out, team_id, team_type
        #: The appraisals' and the survey's own generator, so that adding them left every
        #: other file as it was for the same seed.
        self.extras = extras
        #: The agency assignments' own generator, likewise.
        self.agency_rng = agency_rng
        self.size = size
        self.people: list[Worker] = []
        self.serial = 0
        self.sessions = 0

    def hire(self, role: str, start: date, *, experienced: bool) -> Worker:
        rng = self.rng
        self.serial += 1
        newly_qualified = (
            role == "social_worker" and not experienced and rng.random() < NEWLY_QUALIFIED_SHARE
        )
        worker = Worker(
            staff_id=f"{self.team_id}-{self.serial:03d}",
            role=role,
            agency=role != "team_manager" and rng.random() < AGENCY_SHARE,
            fte=1.0 if rng.random() < 0.8 else rng.choice((0.5, 0.6, 0.8)),
            start=start,
            asye_start=start if newly_qualified else None,
            caseload_bias=min(max(rng.gauss(1.0, 0.15), 0.6), 1.4),
        )
        self.people.append(worker)
        return worker

    def run(self, months: list[date]) -> None:
        rng = self.rng
        first = months[0]
        manager = self.hire("team_manager", first - timedelta(days=rng.randint(200, 4000)),
                            experienced=True)  # fmt: skip
        roles = ("social_worker", "social_worker", "senior_practitioner", "advanced_practitioner")
        for _ in range(self.size - 1):
            self.hire(rng.choice(roles), first - timedelta(days=rng.randint(30, 5000)),
                      experienced=True)  # fmt: skip
        for last in months:
            month_first = last.replace(day=1)
            in_post = [w for w in self.people if w.start <= last and w.end is None]
            for worker in in_post:
                if worker.start < month_first and rng.random() < MONTHLY_LEAVING_CHANCE:
                    worker.end = day_in_month(rng, last)
                    replacement = self.hire(
                        worker.role, worker.end + timedelta(days=rng.randint(14, 60)),
                        experienced=False,
                    )  # fmt: skip
                    if worker is manager:
                        manager = replacement
            for worker in in_post:
                if worker.role != "team_manager":
                    self.supervise(worker, manager, last)
            self.snapshot(last)
            self.appraise(in_post, last)
            if last.month == 9:
                self.survey(in_post, last)
            vacant = max(0.0, self.size - sum(w.fte for w in in_post if w.end is None))
            self.out.row("vacancies.csv", self.team_id, last, round(vacant, 1))
        for worker in self.people:
            self.write_staff(worker)

    def supervise(self, worker: Worker, manager: Worker, last: date) -> None:
        rng = self.rng
        month_first = last.replace(day=1)
        per_month = 1
        if worker.asye_start:
            phases = asye_phases(worker.asye_start)
            if month_first < phases.weekly_until:
                per_month = 4
            elif month_first < phases.fortnightly_until:
                per_month = 2
        for index in range(per_month):
            day = month_first + timedelta(days=(last.day * index) // per_month + rng.randint(0, 6))
            day = min(day, last)
            if day < worker.start or (worker.end and day >= worker.end):
                continue
            self.sessions += 1
            held = rng.random() < HELD_CHANCE
            self.out.row(
                "supervision_sessions.csv",
                f"{self.team_id}-S{self.sessions:05d}",
                worker.staff_id,
                manager.staff_id,
                day,
                "held" if held else "cancelled",
                rng.choice((60, 75, 90, 90, 120)) if held else None,
                ("yes" if rng.random() < 0.75 else "no") if held else None,
                ("yes" if rng.random() < 0.6 else "no") if held else None,
            )
        if rng.random() < 1 / 12:
            self.out.row(
                "supervision_audits.csv",
                f"{worker.staff_id}-A{last:%Y%m}",
                worker.staff_id,
                day_in_month(rng, last),
                rng.choices(("outstanding", "good", "requires_improvement", "inadequate"),
                            (1, 6, 3, 1))[0],
            )  # fmt: skip

    def appraise(self, in_post: list[Worker], last: date) -> None:
        """A yearly appraisal in the month of each permanent practitioner's start, from their
        first anniversary, most of them on time."""
        for worker in in_post:
            if worker.agency or worker.end or worker.role not in SUPERVISION_ELIGIBLE_ROLES:
                continue
            if worker.start.month != last.month or worker.start > add_months(last, -12):
                continue
            if self.extras.random() < APPRAISED_CHANCE:
                self.out.row(
                    "appraisals.csv",
                    f"{worker.staff_id}-P{last:%Y}",
                    worker.staff_id,
                    day_in_month(self.extras, last),
                )

    def survey(self, in_post: list[Worker], last: date) -> None:
        """The September staff survey's supervision questions, for the team."""
        responses = sum(1 for worker in in_post if worker.role != "team_manager")
        if not responses:
            return
        for question in SURVEY_QUESTIONS:
            agree = sum(1 for _ in range(responses) if self.extras.random() < 0.7)
            self.out.row("staff_survey.csv", last, self.team_id, question, responses, agree)

    def snapshot(self, last: date) -> None:
        for worker in self.people:
            if worker.role == "team_manager" or worker.start > last:
                continue
            if worker.end is not None and worker.end <= last:
                continue
            expected = 17 * worker.caseload_bias * worker.fte
            if worker.asye_start and last < add_months(worker.asye_start, 12):
                expected *= 0.8
            cases = max(0, round(self.rng.gauss(expected, 2.5)))
            self.out.row("caseloads.csv", worker.staff_id, last, min(cases, 60))

    def write_staff(self, worker: Worker) -> None:
        rng = self.rng
        trained = (
            worker.start + timedelta(days=rng.randint(30, 400))
            if worker.role == "team_manager" and rng.random() < 0.85
            else None
        )
        agreement = (
            worker.start + timedelta(days=rng.randint(5, 120)) if rng.random() < 0.9 else None
        )
        self.out.row(
            "staff.csv",
            worker.staff_id,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            worker.role,
            "agency" if worker.agency else "permanent",
            worker.fte,
            self.team_id,
            worker.start,
            worker.end,
            rng.choice(REASONS) if worker.end else None,
            worker.asye_start,
            agreement,
            trained,
        )
        if worker.agency:
            self.assign(worker)

    def assign(self, worker: Worker) -> None:
        """The agency worker's assignment, for the days they are in post (an assignment's end
        date is its last day, staff.csv's the first day out of post): about one in ten over
        its cap, half of those signed off, evidence mostly complete."""
        rng = self.agency_rng
        category = AGENCY_CATEGORY[worker.role]
        in_force = max((day for day in PRICE_CAPS if day <= worker.start), default=min(PRICE_CAPS))
        cap = PRICE_CAPS[in_force][category]
        over = rng.random() < 0.1
        capped = round(cap * (rng.uniform(1.01, 1.08) if over else rng.uniform(0.88, 1.0)), 2)
        signed = over and rng.random() < 0.5
        self.out.row(
            "agency_assignments.csv",
            f"{worker.staff_id}-G",
            worker.staff_id,
            rng.choice(AGENCIES),
            category,
            "SW" + re.sub(r"\D", "", worker.staff_id),  # unique: the staff id's digits
            worker.start,
            worker.end - timedelta(days=1) if worker.end else None,
            round(worker.fte * 37, 1),
            round(capped / 1.13, 2),
            capped,
            round(capped + rng.uniform(3, 8), 2),
            "yes" if rng.random() < 0.07 else "no",
            rng.choices(("vacancy", "absence", "additional_capacity"), (75, 15, 10))[0],
            rng.choice((3, 4, 6, 8, 12)) if rng.random() < 0.96 else rng.choice((None, 2)),
            None,
            None,
            None,
            rng.choice((2, 2, 2, 3)) if rng.random() < 0.96 else rng.choice((None, 1)),
            4 if rng.random() < 0.95 else rng.choice((None, 2)),
            worker.start if signed else None,
            worker.start if signed else None,
        )


def hub_sizes(hubs: int, teams: int, area_wide: bool) -> list[int]:
    """How many teams each hub of an area has: `AREA_WIDE_TEAMS` in the area-wide hub (last)
    when there is one, the rest shared out as evenly as may be (the first hubs one more)."""
    community = teams - (AREA_WIDE_TEAMS if area_wide else 0)
    if hubs < 1 or community < hubs:
        raise ValueError(f"{teams} teams an area cannot fill {hubs} community hubs")
    share, extra = divmod(community, hubs)
    sizes = [share + (number < extra) for number in range(hubs)]
    return [*sizes, AREA_WIDE_TEAMS] if area_wide else sizes


def generate(
    folder: Path,
    *,
    practitioners: int = 40_000,
    months: int = 60,
    authorities: int | None = None,
    hubs_per_area: int = HUBS_PER_AUTHORITY,
    area_wide: bool = False,
    teams_per_area: int = TEAMS_PER_AUTHORITY,
    seed: int = 1,
    end: date = date(2026, 10, 31),
) -> dict[str, int]:
    """Write the folder; the number of rows in each file."""
    rng = random.Random(seed)
    if authorities is None:
        authorities = max(1, round(practitioners / PRACTITIONERS_PER_AUTHORITY))
    sizes = hub_sizes(hubs_per_area, teams_per_area, area_wide)
    per_team = max(practitioners / (authorities * teams_per_area), 3)
    history = month_ends(month_end(add_months(end, -(months - 1))), end)
    out = Writer(folder)
    extras = random.Random(f"{seed}-appraisals-and-survey")
    agency_rng = random.Random(f"{seed}-agency-assignments")
    for start, caps in PRICE_CAPS.items():
        for category, cap in caps.items():
            out.row("agency_price_caps.csv", category, start, f"{cap:.2f}")
    try:
        for la in range(1, authorities + 1):
            area = f"Authority {la:03d}"
            for hub_number, teams in enumerate(sizes, start=1):
                wide = area_wide and hub_number == len(sizes)
                hub = f"{area} area-wide services" if wide else f"{area} hub {hub_number}"
                for team_number in range(1, teams + 1):
                    team_id = f"L{la:03d}H{hub_number}T{team_number:02d}"
                    team_type = TEAM_TYPES[(team_number - 1) % len(TEAM_TYPES)]
                    out.row("teams.csv", team_id, f"{hub} team {team_number}", team_type, hub, area)
                    size = max(3, round(rng.gauss(per_team, 1.5)))
                    TeamSimulation(rng, out, team_id, team_type, size, extras, agency_rng).run(
                        history
                    )
    finally:
        out.close()
    return out.counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--practitioners", type=int, default=40_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--authorities", type=int, help="default: one per 267 practitioners")
    parser.add_argument("--hubs-per-area", type=int, default=HUBS_PER_AUTHORITY,
                        help="community hubs in each area")  # fmt: skip
    parser.add_argument("--area-wide", action="store_true",
                        help=f"add an area-wide hub of {AREA_WIDE_TEAMS} teams to each area",
                        )  # fmt: skip
    parser.add_argument("--teams-per-area", type=int, default=TEAMS_PER_AUTHORITY)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 31),
                        help="the last month end of the history")  # fmt: skip
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(
        args.folder, practitioners=args.practitioners, months=args.months,
        authorities=args.authorities, hubs_per_area=args.hubs_per_area,
        area_wide=args.area_wide, teams_per_area=args.teams_per_area, seed=args.seed,
        end=month_end(args.end),
    )  # fmt: skip
    for name, count in counts.items():
        print(f"{name:28} {count:>10,} rows")
    print(f"written to {args.folder} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
