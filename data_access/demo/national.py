"""Made-up national figures for the demo, so that its National benchmarks page works.

Three files in the shape of those the Department for Education publishes and an authority
sends (never their contents: every number and name here is made up by this module):

- an indicators file with DfE's columns: England, six made-up regions and 60 made-up
  authorities (old LA codes 600 to 659: no real authority has a code in the 600s), reporting
  years 2017 to 2025;
- a statistical neighbour model: each authority's 10 closest, by made-up characteristics;
- our census return for 30 September 2026 (the year after the latest "published" one).

The demo's own authority, Demo City (600), is the demo organisation: its figures for 2022 to
2025, and its census return, are worked out from the demo's own workers, vacancies and
caseloads by the definitions the dashboard uses for its internal figures, so the page's
"published" and "internal" columns agree. Its earlier years, and every other authority, follow
a made-up national pattern. Only sickness absence, which the demo does not hold, is made up for
Demo City too. The figures draw from their own random stream, so the organisation itself is
exactly as it was before they existed, and the same seed gives the same files.

They are loaded by `load_demo` through the same readers as DfE's real files, and the pages say
they are made up (`is_demo_benchmarks`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from data_access.core.dates import add_months
from data_access.indicators.metrics import percentage, round_one_decimal
from data_access.ingest.reading import csv_bytes
from data_access.national.catalogue import INDICATOR_COLUMNS

if TYPE_CHECKING:
    from data_access.demo.organisation import DemoBuilder

#: The files' names, as the page and the import history show them: each says it is made up.
INDICATORS_FILE = "demo national indicators (made up, not DfE data).csv"
NEIGHBOURS_FILE = "demo statistical neighbours (made up, not DfE data).csv"
CENSUS_FILE = "demo census return 2026 (made up).xml"
#: Who loaded them, in the benchmark source and the import history.
DEMO_LOADER = "demo loader"

DEMO_LA_CODE = "600"
DEMO_LA_NAME = "Demo City"
DEMO_REGION = "Midland region"
FIRST_YEAR, LAST_YEAR = 2017, 2025
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
CENSUS_YEAR = 2026
#: The years whose 30 September the demo organisation's data covers (its history starts in
#: November 2021): Demo City's figures for them come from the demo's own records.
YEARS_FROM_THE_DEMO = (2022, 2023, 2024, 2025)
WORKING_DAYS = 253

#: Made-up regions: (code, name). "D" codes: no real ONS code starts with a D.
REGIONS = (
    ("D12000001", "Northern region"),
    ("D12000002", "Pennine region"),
    ("D12000003", "Midland region"),
    ("D12000004", "Eastern region"),
    ("D12000005", "Southern region"),
    ("D12000006", "Capital region"),
)
#: Made-up authority names (a test checks that none is a real authority's), ten a region
#: after Demo City's place in the Midland region.
AUTHORITY_NAMES = (
    "Ashcombe", "Barrowmere", "Bramblehurst", "Calderbrook", "Carrowdale", "Dunsford Vale",
    "Eastmarch", "Elderwick", "Fallowmere", "Fernhallow", "Glenmarsh", "Greyhaven",
    "Hallowbrook", "Hartwell Downs", "Hollinsfold", "Ivymead", "Kestrelby", "Kingscombe",
    "Larkspur Vale", "Lowmoor", "Marlowfield", "Mistleford", "Northwold", "Oakhallow",
    "Otterhythe", "Pennyfold", "Quarrybank", "Ravensmoor", "Redcliffe Vale", "Rookwood",
    "Saltmarsh", "Silverbrook", "Stagmoor", "Thistlewood", "Thornhallow", "Upperwold",
    "Wexcombe", "Whitmoor", "Willowdene", "Wolfsbridge", "Yarrowby", "Amberley Downs",
    "Brackenridge", "Cinderbrook", "Copperfield", "Dovecote Vale", "Embermoor", "Foxholme",
    "Goldmere", "Heathcombe", "Juniper Vale", "Linnetshire", "Moorcastle", "Nettleford",
    "Pebblecombe", "Quillingham", "Sablewood", "Tamberley", "Wrenfield",
)  # fmt: skip

#: The made-up national pattern, 2017 to 2025: each authority's rate is this times its own
#: persistent factor and a yearly wobble.
NATIONAL_PATTERN = {
    "turnover": (15.0, 15.4, 15.2, 13.6, 15.3, 16.8, 15.7, 13.6, 11.9),
    "agency": (15.6, 15.9, 16.2, 15.6, 16.0, 17.4, 17.6, 15.9, 13.2),
    "vacancy": (16.8, 16.4, 16.6, 16.0, 16.9, 19.8, 18.7, 17.1, 14.4),
    "caseload": (17.6, 17.4, 17.1, 16.3, 16.7, 16.8, 16.1, 15.6, 15.3),
    "absence": (3.1, 3.2, 3.3, 2.9, 3.1, 3.6, 3.4, 3.4, 3.5),
}
#: How strongly an authority's pressure (deprivation, demand) moves each rate.
PRESSURE_EFFECT = {"turnover": 0.16, "agency": 0.35, "vacancy": 0.2, "caseload": 0.07}
#: The share of agency workers who cover a vacancy (agency_cover_fte).
AGENCY_COVER_SHARE = 0.8
#: How often a group of an authority's figures for a year is suppressed, and with which code:
#: shown as codes on the page (never zeros), as in DfE's files.
SUPPRESSED_GROUPS = {
    "agency": ("u", 0.012),
    "caseload": ("x", 0.012),
    "absence": ("x", 0.03),
}
GROUP_COLUMNS = {
    "agency": (
        "agency_fte",
        "agency_headcount",
        "agency_rate_fte",
        "agency_rate_headcount",
        "agency_cover_fte",
        "agency_cover_rate_fte",
        "vacancy_agency_cover_rate_fte",
    ),
    "caseload": ("case_holders_fte", "cases", "caseload_fte"),
    "absence": ("working_days_lost_fte", "absence_rate_fte"),
}
CLOSENESS = ((0.35, "Very close"), (0.7, "Close"), (1.1, "Somewhat close"), (math.inf, "Not close"))


@dataclass
class Counts:
    """What an indicators row is made from; the rates follow from them as DfE defines them."""

    inpost_fte: float = 0.0
    inpost_headcount: int = 0
    starters_fte: float = 0.0
    starters_headcount: int = 0
    leavers_fte: float = 0.0
    leavers_headcount: int = 0
    agency_fte: float = 0.0
    agency_headcount: int = 0
    agency_cover_fte: float = 0.0
    vacancy_fte: float = 0.0
    case_holders_fte: float = 0.0
    cases: int = 0
    working_days_lost_fte: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)}
        )

    def published(self) -> dict[str, float | None]:
        """Every numeric column of the indicators file: totals to one decimal place, rates
        worked out from the unrounded totals (as the dashboard works out our internal ones)."""
        inpost, agency = self.inpost_fte, self.agency_fte
        return {
            "inpost_fte": round_one_decimal(inpost),
            "inpost_headcount": self.inpost_headcount,
            "starters_fte": round_one_decimal(self.starters_fte),
            "starters_headcount": self.starters_headcount,
            "leavers_fte": round_one_decimal(self.leavers_fte),
            "leavers_headcount": self.leavers_headcount,
            "turnover_rate_fte": percentage(self.leavers_fte, inpost),
            "turnover_rate_headcount": percentage(self.leavers_headcount, self.inpost_headcount),
            "agency_fte": round_one_decimal(agency),
            "agency_headcount": self.agency_headcount,
            "agency_rate_fte": percentage(agency, agency + inpost),
            "agency_rate_headcount": percentage(
                self.agency_headcount, self.agency_headcount + self.inpost_headcount
            ),
            "agency_cover_fte": round_one_decimal(self.agency_cover_fte),
            "agency_cover_rate_fte": percentage(self.agency_cover_fte, agency),
            "vacancy_fte": round_one_decimal(self.vacancy_fte),
            "vacancy_rate_fte": percentage(self.vacancy_fte, self.vacancy_fte + inpost),
            "vacancy_agency_cover_rate_fte": percentage(self.agency_cover_fte, self.vacancy_fte),
            "case_holders_fte": round_one_decimal(self.case_holders_fte),
            "cases": self.cases,
            "caseload_fte": (
                round_one_decimal(self.cases / self.case_holders_fte)
                if self.case_holders_fte
                else None
            ),
            "working_days_lost_fte": round_one_decimal(self.working_days_lost_fte),
            "absence_rate_fte": percentage(self.working_days_lost_fte, inpost * WORKING_DAYS),
        }


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    region: int
    #: Made-up characteristics: pressure (deprivation, demand; about -2 to 2) and size.
    pressure: float
    size_fte: float
    #: Its own persistent difference from the pattern, per rate (a factor's logarithm).
    own: dict[str, float]


@dataclass(frozen=True)
class DemoNational:
    """The made-up files: (name, content) each, as an upload would give them."""

    indicators: tuple[str, bytes]
    neighbours: tuple[str, bytes]
    census: tuple[str, bytes]


# --- Demo City: the demo organisation's own figures ------------------------------------------


def demo_city_counts(builder: DemoBuilder, day: date) -> Counts:
    """The demo organisation's counts at `day` (a month end within its history), by the
    dashboard's definitions (data_access/indicators/metrics.py): in post on the day, every
    role; leavers and starters in the year to it; each team's vacancies that day; the case
    holders of that day's caseload snapshot. Sickness absence is left at 0 (not held)."""
    year_before = add_months(day, -12)
    counts = Counts()
    fte_of = {}
    for worker in builder.workers:
        fte_of[worker.staff_id] = worker.fte
        if worker.employment_type == "permanent":
            if worker.in_post(day):
                counts.inpost_fte += worker.fte
                counts.inpost_headcount += 1
            if year_before < worker.start_date <= day:
                counts.starters_fte += worker.fte
                counts.starters_headcount += 1
            if worker.end_date is not None and year_before < worker.end_date <= day:
                counts.leavers_fte += worker.fte
                counts.leavers_headcount += 1
        elif worker.in_post(day):
            counts.agency_fte += worker.fte
            counts.agency_headcount += 1
    counts.vacancy_fte = sum(vacant for _, on, vacant in builder.vacancies if on == day)
    for staff_id, on, cases in builder.caseloads:
        if on == day and cases > 0:
            counts.case_holders_fte += fte_of[staff_id]
            counts.cases += cases
    counts.agency_cover_fte = min(counts.agency_fte * AGENCY_COVER_SHARE, counts.vacancy_fte)
    return counts


# --- the made-up country -------------------------------------------------------------------


def authority_codes() -> list[tuple[str, int]]:
    """Every made-up authority's old LA code and region (an index into REGIONS), in the
    files' order: ten a region, Demo City first in DEMO_REGION, the others numbered from 601.
    (The demo's agency assignments name councils by these codes.)"""
    demo_region = [name for _, name in REGIONS].index(DEMO_REGION)
    codes = []
    number = 1
    for region, _ in enumerate(REGIONS):
        for place in range(10):
            if region == demo_region and place == 0:
                codes.append((DEMO_LA_CODE, region))
            else:
                codes.append((f"6{number:02d}", region))
                number += 1
    return codes


def _authorities(rng: random.Random, demo_city_fte: float) -> list[Authority]:
    """Demo City (of `demo_city_fte` employed FTE) and 59 others, ten a region."""
    authorities: list[Authority] = []
    names = iter(AUTHORITY_NAMES)
    for code, region in authority_codes():
        if code == DEMO_LA_CODE:
            # A large city under pressure, as the demo organisation is.
            name, pressure, size = DEMO_LA_NAME, 1.3, demo_city_fte
        else:
            name = next(names)
            pressure = max(min(rng.gauss(0.0, 0.8), 2.2), -2.2)
            size = min(max(rng.lognormvariate(math.log(190), 0.55), 45.0), 760.0)
        own = {rate: rng.gauss(0.0, 0.18) for rate in NATIONAL_PATTERN}
        authorities.append(Authority(code, name, region, pressure, size, own))
    return authorities


def _made_up_counts(
    rng: random.Random, size_fte: float, rates: dict[str, float], growth: float
) -> Counts:
    """Counts for an authority of `size_fte` employed FTE whose rates are `rates`."""
    inpost = round(size_fte * growth, 1)
    headcount = round(inpost * rng.uniform(1.03, 1.09))
    leavers = inpost * rates["turnover"] / 100
    agency = inpost * rates["agency"] / (100 - rates["agency"])
    vacancy = inpost * rates["vacancy"] / (100 - rates["vacancy"])
    holders = (inpost + agency) * rng.uniform(0.55, 0.68)
    starters = leavers * rng.uniform(0.9, 1.25)
    return Counts(
        inpost_fte=inpost,
        inpost_headcount=headcount,
        starters_fte=round(starters, 1),
        starters_headcount=round(starters * 1.05),
        leavers_fte=round(leavers, 1),
        leavers_headcount=round(leavers * 1.06),
        agency_fte=round(agency, 1),
        agency_headcount=round(agency * 1.02),
        agency_cover_fte=round(agency * rng.uniform(0.7, 0.9), 1),
        vacancy_fte=round(vacancy, 1),
        case_holders_fte=round(holders, 1),
        cases=round(holders * rates["caseload"]),
        working_days_lost_fte=round(inpost * WORKING_DAYS * rates["absence"] / 100, 1),
    )


def _rates(rng: random.Random, authority: Authority, index: int) -> dict[str, float]:
    rates = {}
    for rate, pattern in NATIONAL_PATTERN.items():
        effect = PRESSURE_EFFECT.get(rate, 0.0) * authority.pressure
        wobble = rng.gauss(0.0, 0.05 if rate == "caseload" else 0.09)
        scale = 0.5 if rate == "caseload" else 1.0
        rates[rate] = pattern[index] * math.exp(effect + scale * authority.own[rate] + wobble)
    rates["agency"] = min(rates["agency"], 45.0)
    rates["vacancy"] = min(rates["vacancy"], 45.0)
    return rates


def _demo_city_early_rates(
    rng: random.Random, first: dict[str, float | None], year: int
) -> dict[str, float]:
    """Demo City before its data starts: its first year from the demo, carried back with the
    story (more agency use, more leaving, more vacancies, heavier caseloads)."""
    back = YEARS_FROM_THE_DEMO[0] - year

    def rate(name: str) -> float:
        value = first[name]
        if value is None:
            raise ValueError(f"the demo's first year has no {name}")
        return value

    return {
        "turnover": rate("turnover_rate_fte") * (1 + 0.025 * back) + rng.gauss(0, 0.6),
        "agency": rate("agency_rate_fte") + 0.8 * back + rng.gauss(0, 0.8),
        "vacancy": rate("vacancy_rate_fte") * (1 + 0.02 * back) + rng.gauss(0, 0.7),
        "caseload": rate("caseload_fte") + 0.25 * back + rng.gauss(0, 0.3),
        "absence": 0.0,  # set by the caller, as for the demo's own years
    }


def _neighbours(authorities: list[Authority]) -> dict[str, list[tuple[str, str]]]:
    """Each authority's 10 closest by pressure and size (code, closeness label)."""

    def distance(a: Authority, b: Authority) -> float:
        return math.hypot(a.pressure - b.pressure, 0.8 * math.log(a.size_fte / b.size_fte))

    model = {}
    for authority in authorities:
        others = sorted(
            (other for other in authorities if other is not authority),
            key=lambda other: (distance(authority, other), other.code),
        )[:10]
        model[authority.code] = [
            (
                other.code,
                next(label for limit, label in CLOSENESS if distance(authority, other) < limit),
            )
            for other in others
        ]
    return model


def _number(value: float | int | None) -> str:
    """A published number as DfE writes it: 13 rather than 13.0, 36186.3."""
    if value is None:
        return "x"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}".removesuffix(".0")


def national_files(builder: DemoBuilder, seed: int) -> DemoNational:
    """The made-up indicators file, neighbour model and census return for the demo."""
    rng = random.Random(seed + 2)
    first = demo_city_counts(builder, date(YEARS_FROM_THE_DEMO[0], 9, 30))
    authorities = _authorities(rng, first.inpost_fte)
    rows: list[tuple] = []
    by_year_region: dict[tuple[int, int], Counts] = {}
    for index, year in enumerate(YEARS):
        growth = 0.93 + 0.012 * index  # the workforce grows a little, year on year
        for authority in authorities:
            ours = authority.code == DEMO_LA_CODE
            rates = _rates(rng, authority, index)
            if ours and year in YEARS_FROM_THE_DEMO:
                counts = demo_city_counts(builder, date(year, 9, 30))
                counts.working_days_lost_fte = round(
                    counts.inpost_fte * WORKING_DAYS * rates["absence"] / 100, 1
                )
            elif ours:
                early = _demo_city_early_rates(rng, first.published(), year)
                early["absence"] = rates["absence"]
                shrink = 1 - 0.01 * (YEARS_FROM_THE_DEMO[0] - year)
                counts = _made_up_counts(rng, first.inpost_fte * shrink, early, 1.0)
            else:
                counts = _made_up_counts(rng, authority.size_fte, rates, growth)
            key = (year, authority.region)
            by_year_region[key] = by_year_region.get(key, Counts()) + counts
            values: dict[str, float | str | None] = dict(counts.published())
            if not ours:  # Demo City's own figures are never suppressed: they are the demo's
                for group, (code, chance) in SUPPRESSED_GROUPS.items():
                    if rng.random() < chance:
                        values.update(dict.fromkeys(GROUP_COLUMNS[group], code))
            region_code, region_name = REGIONS[authority.region]
            rows.append(
                (year, "Local authority", region_code, region_name, authority.code)
                + (f"D08{int(authority.code):06d}", authority.name)
                + tuple(values[column] for column in INDICATOR_COLUMNS)
            )
    return DemoNational(
        (INDICATORS_FILE, _indicators_csv(rows, by_year_region)),
        (NEIGHBOURS_FILE, _neighbours_csv(authorities)),
        (CENSUS_FILE, census_return(builder, rng)),
    )


def _indicators_csv(rows: list[tuple], by_year_region: dict[tuple[int, int], Counts]) -> bytes:
    """England's and each region's rows (sums of their authorities' counts, suppressed ones
    included, as DfE sums what it holds), then the authorities', newest year first."""
    header = (
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        *INDICATOR_COLUMNS,
    )
    lines = []
    for year in reversed(YEARS):
        england = Counts()
        for region, _ in enumerate(REGIONS):
            england = england + by_year_region[(year, region)]
        lines.append(_row(year, "National", "", "", "", "", "", england.published()))
        for region, (code, name) in enumerate(REGIONS):
            published = by_year_region[(year, region)].published()
            lines.append(_row(year, "Regional", code, name, "", "", "", published))
        for row in rows:
            if row[0] == year:
                year_, level, code, name, la_code, new_code, la_name, *values = row
                published = dict(zip(INDICATOR_COLUMNS, values, strict=True))
                lines.append(_row(year_, level, code, name, la_code, new_code, la_name, published))
    return csv_bytes(header, lines)


def _row(
    year: int,
    level: str,
    region_code: str,
    region_name: str,
    la_code: str,
    new_code: str,
    la_name: str,
    values: Mapping[str, float | str | None],
) -> tuple:
    cells = (
        value if isinstance(value, str) else _number(value)
        for value in (values[column] for column in INDICATOR_COLUMNS)
    )
    return (
        year,
        "Reporting year",
        level,
        "E92000001",
        "England",
        region_code,
        region_name,
        la_code,
        new_code,
        la_name,
        *cells,
    )


def _neighbours_csv(authorities: list[Authority]) -> bytes:
    model = _neighbours(authorities)
    header = ["old_la_code", "la_name", "region_ind", "region_name"]
    for position in range(1, 11):
        header += [f"SN_{position}", f"SN_{position}P"]
    rows = []
    for authority in sorted(authorities, key=lambda a: a.code):
        cells = [authority.code, authority.name, authority.region + 1, REGIONS[authority.region][1]]
        for code, label in model[authority.code]:
            cells += [code, label]
        rows.append(cells)
    return csv_bytes(header, rows)


# --- our census return ---------------------------------------------------------------------

#: The census's OrgRole for each role of the staff file.
ORG_ROLE = {
    "service_manager": "2",
    "team_manager": "3",
    "senior_practitioner": "4",
    "advanced_practitioner": "4",
    "social_worker": "5",
}


#: Made-up full-time base salaries (pounds a year) for each role of the staff file.
SALARY_BANDS = {
    "service_manager": (58_000.0, 66_000.0),
    "team_manager": (49_000.0, 56_000.0),
    "senior_practitioner": (43_000.0, 48_000.0),
    "advanced_practitioner": (45_000.0, 51_000.0),
    "social_worker": (35_000.0, 43_000.0),
}
#: Demo City's made-up allowances (0 none, 1 all employed social workers, 2 some).
DEMO_ALLOWANCES = {
    "RecruitmentBonus": "2",
    "RetentionBonus": "1",
    "PerformanceAward": "0",
    "CarAllowance": "2",
    "RelocationPackage": "2",
    "RegionalWeighting": "0",
    "CostSWE": "1",
    "CostDBS": "1",
    "OtherAllowances": "Key worker housing scheme",
}


def demo_swe_number(staff_id: str) -> str:
    """A demo worker's made-up Social Work England number, the same in the census return and
    the agency assignments: SW9, then the staff number (S00123 -> SW900123)."""
    return f"SW9{staff_id.removeprefix('S')}"


def census_return(builder: DemoBuilder, rng: random.Random) -> bytes:
    """Demo City's CSWW return for 30 September 2026 in the 2025 layout, from the demo's
    workers: everyone in post that day or who left in the year before it, with their cases
    from that day's snapshot; days lost to sickness, pay and allowances are made up, and so are
    the SWE numbers (`demo_swe_number`)."""
    day = date(CENSUS_YEAR, 9, 30)
    year_before = add_months(day, -12)
    cases = {staff_id: open_cases for staff_id, on, open_cases in builder.caseloads if on == day}
    vacancies = sum(vacant for _, on, vacant in builder.vacancies if on == day)
    workers = [
        worker
        for worker in builder.workers
        if worker.start_date <= day and (worker.end_date is None or worker.end_date > year_before)
    ]
    agency_in_post = [
        worker
        for worker in workers
        if worker.employment_type == "agency" and (worker.end_date is None or worker.end_date > day)
    ]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Made up by the dashboard's demo: not a real authority's return. -->",
        "<Message>",
        "<Header><CollectionDetails><Collection>CSWW</Collection>"
        f"<Year>{CENSUS_YEAR}</Year><ReferenceDate>{day.isoformat()}</ReferenceDate>"
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
        f"<LEA>{DEMO_LA_CODE}</LEA><SoftwareCode>Demo organisation</SoftwareCode></Source>"
        "</Header>",
        _element(
            "LALevel",
            [
                ("NumberOfVacancies", f"{vacancies:.1f}"),
                ("NoAgencyFTE", f"{sum(w.fte for w in agency_in_post):.2f}"),
                ("NoAgencyHeadcount", str(len(agency_in_post))),
                *DEMO_ALLOWANCES.items(),
            ],
        ),
    ]
    # Pay from its own generator, so that the days lost drawn below stay as they were.
    pay_rng = random.Random(f"{CENSUS_YEAR}-pay")
    for worker in workers:
        agency = worker.employment_type == "agency"
        elements = [
            ("AgencyWorker", "1" if agency else "0"),
            ("SWENo", demo_swe_number(worker.staff_id)),
            ("FTE", f"{worker.fte:g}"),
            ("OrgRole", ORG_ROLE.get(worker.role, "5")),
            ("RoleStartDate", worker.start_date.isoformat()),
        ]
        if worker.end_date is not None and worker.end_date <= day:
            elements.append(("RoleEndDate", worker.end_date.isoformat()))
        if worker.staff_id in cases:
            elements.append(("Cases30", str(cases[worker.staff_id])))
        if not agency:
            # About 4% of working time lost to sickness, most people losing little.
            lost = min(rng.expovariate(1 / (WORKING_DAYS * 0.04)) * worker.fte, 200.0)
            elements.append(("WorkingDaysLost", f"{lost:.1f}"))
            low, high = SALARY_BANDS.get(worker.role, SALARY_BANDS["social_worker"])
            elements.append(("BaseSalary", f"{pay_rng.uniform(low, high):.2f}"))
            # Retention payments for about one in five, more for practitioners.
            payment = pay_rng.choice((1000, 1500, 2000)) if pay_rng.random() < 0.2 else 0
            elements.append(("RRPayments", f"{payment:.2f}"))
        parts.append(_element("CSWWWorker", elements))
    parts.append("</Message>")
    return "\n".join(parts).encode("utf-8")


def _element(tag: str, children: Iterable[tuple[str, str]]) -> str:
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in children)
    return f"<{tag}>{inner}</{tag}>"


def is_demo_benchmarks(indicators_file: str, loaded_by: str) -> bool:
    """True when the benchmarks in use are the demo's made-up ones (the pages say so)."""
    return indicators_file == INDICATORS_FILE and loaded_by == DEMO_LOADER
