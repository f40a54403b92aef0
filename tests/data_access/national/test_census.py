"""Our CSWW census return: figures computed from hand-made returns in each of DfE's layouts.

tests/fixtures/benchmarks/census_return.xml: reference date 30/09/2026, LEA 330, read with the
2025 layout (the latest; a 2026 return uses it).

Worked by hand (the year is 01/10/2025 to 30/09/2026):
- Employed in post: workers 1 (1.0), 2 (0.5), 4 (1.0), 7 (0.2), 8 (0.4, from FTE30) and
  9 (no FTE). 3 left on 30/06/2026 and 10 on 30/09/2026 itself, so neither is in post.
  In post FTE 3.1; headcount 5 (SW1 holds two posts: 1 and 7).
- Starters: 2 (0.5) and 8 (0.4): 0.9 FTE, 2 people. Leavers: 3 (0.8) and 10 (1.0): 1.8, 2.
- Turnover 1.8 / 3.1 = 58.06 -> 58.1.
- Agency: worker records exist, so the LA-level NoAgencyFTE (3.0) is not used. In post: 5
  (1.0); 6 left on 31/08/2026. Agency rate 1.0 / 4.1 = 24.39 -> 24.4.
- Vacancy 2.5 / (2.5 + 3.1) = 44.64 -> 44.6.
- Case holders (in post, Cases30 >= 1, with an FTE): 1 (18, 1.0), 2 (8, 0.5), 5 (20, 1.0),
  7 (2, 0.2), 8 (5, 0.4); 4 holds 0 and 9 has no FTE. 53 cases / 3.1 FTE = 17.10 -> 17.1.
- Days lost by employed workers in post: 5 + 0 + 2 + 3 = 10 (3's 12 days: not in post).
  The year 01/10/2025 to 30/09/2026 holds no 29 February: 253 working days.
  Absence 10 / (3.1 x 253) = 1.275% -> 1.3.
- Pay (employed, in post, FTE above 0: 1, 2, 4, 7, 8; 9 has no FTE, 3 is not in post): base
  salaries 42,000 (1), 36,500 (2), 51,250.50 (4), 38,000 (8); 7 has none. Mean 167,750.50 / 4
  = 41,937.625 -> 41,938; median (38,000 + 42,000) / 2 = 40,000. Recruitment and retention
  payments recorded for 1 (1,500), 2 (0) and 8 (2,000): 2 of 3 = 66.7%.
- Allowances as returned: recruitment bonus 1 (all), retention bonus 2 (some), performance
  award 0, car 0, relocation 2, regional weighting 1, SWE fee 1, DBS 1.
- Warnings: the LA-level NoAgencyFTE 3.0 and NoAgencyHeadcount 3 disagree with the agency
  records in post (worker 5: 1.0 FTE, 1).

tests/fixtures/census/return_2022.xml: 30/09/2022, LEA 331, the 2021 to 2023 layout (the year
01/10/2021 to 30/09/2022: 253 working days).
- Employed in post: 1 (1.0), 2 (0.5), 3 (0.3), 8 (0): FTE 1.8. Headcount: 1 and 2 are one
  person (SW100, born 01/01/1980, gender 2, WBRI); 3 has SW100 and that birth date but gender
  1: another person by DfE's key; 8: 3 people.
- Starters: 2 (01/03/2022, 0.5), 5 (01/11/2021, 0.5): 1.0 FTE, 2. Leavers: 4 (30/06/2022,
  1.0), 5 (31/08/2022, 0.5): 1.5 FTE; one person (SW200) but two leaving dates: 2.
- Turnover 1.5 / 1.8 = 83.33 -> 83.3.
- Agency records 6 (1.0) and 7 (0.5), both SW300: not de-duplicated, 1.5 FTE, 2 (as the
  LA-level counts say: no warning). Agency rate 1.5 / 3.3 = 45.45 -> 45.5.
- Vacancy 3.5 / 5.3 = 66.04 -> 66.0.
- Case holders with FTE above 0: 1 (20, 1.0), 2 (5, 0.5), 6 (15, 1.0), 7 (6, 0.5); 8 holds 8
  cases on FTE 0 and is left out. 46 / 3.0 = 15.33 -> 15.3.
- Days lost in post: 10 + 2 = 12 (4's 4: not in post). 12 / (1.8 x 253) = 2.635% -> 2.6.

tests/fixtures/census/return_2024.xml: 30/09/2024, LEA 332, the 2024 layout (Sex). The year
01/10/2023 to 30/09/2024 holds 29/02/2024: 254 working days.
- Employed in post: SW10 (1.0), SW11 (0.6, started 29/02/2024), SW14 (0.4): 2.0 FTE, 3.
  SW12 left on 30/09/2024: a leaver (1.0, 1). Starters 0.6, 1. Turnover 1.0 / 2.0 = 50.0.
- Agency SW13 1.0, 1: rate 1.0 / 3.0 = 33.3. Vacancy 0 / 2.0 = 0.0.
- Case holders: SW10 (18, 1.0), SW11 (10, 0.6), SW13 (22, 1.0): 50 / 2.6 = 19.23 -> 19.2.
- Days lost in post 20 + 5.6 = 25.6: 25.6 / (2.0 x 254) = 5.039% -> 5.0 (over 253 days it
  would be 5.059% -> 5.1).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from support.census import return_head
from support.cli import run_cli
from support.org import BENCHMARKS, FIXTURES

from data_access.core.db import session_scope
from data_access.core.models import CensusReturn, ImportLog
from data_access.national import census as census_module
from data_access.national.census import (
    check_census,
    compute_census_figures,
    load_census,
    read_census,
)

RETURN = BENCHMARKS / "census_return.xml"
RETURN_2022 = FIXTURES / "census" / "return_2022.xml"
RETURN_2024 = FIXTURES / "census" / "return_2024.xml"
NO_PAY = {
    "salaried_workers": None,
    "base_salary_mean": None,
    "base_salary_median": None,
    "rr_payments_share": None,
    "allowance_recruitment_bonus": None,
    "allowance_retention_bonus": None,
    "allowance_performance_award": None,
    "allowance_car": None,
    "allowance_relocation": None,
    "allowance_regional_weighting": None,
    "allowance_swe_fee": None,
    "allowance_dbs_check": None,
    "other_allowances": None,
}

EXPECTED = {
    "la_code": "330",
    "year": 2026,
    "reference_date": "2026-09-30",
    "worker_records": 10,
    "inpost_fte": 3.1,
    "inpost_headcount": 5,
    "starters_fte": 0.9,
    "starters_headcount": 2,
    "leavers_fte": 1.8,
    "leavers_headcount": 2,
    "turnover_rate_fte": 58.1,
    "agency_fte": 1.0,
    "agency_headcount": 1,
    "agency_rate_fte": 24.4,
    "vacancy_fte": 2.5,
    "vacancy_rate_fte": 44.6,
    "case_holders_fte": 3.1,
    "cases": 53,
    "caseload_fte": 17.1,
    "working_days_lost_fte": 10.0,
    "absence_rate_fte": 1.3,
    "layout": "2025",
    "salaried_workers": 4,
    "base_salary_mean": 41938.0,
    "base_salary_median": 40000.0,
    "rr_payments_share": 66.7,
    "allowance_recruitment_bonus": 1,
    "allowance_retention_bonus": 2,
    "allowance_performance_award": 0,
    "allowance_car": 0,
    "allowance_relocation": 2,
    "allowance_regional_weighting": 1,
    "allowance_swe_fee": 1,
    "allowance_dbs_check": 1,
    "other_allowances": "Childcare vouchers",
}

EXPECTED_2022 = {
    "la_code": "331",
    "year": 2022,
    "reference_date": "2022-09-30",
    "worker_records": 8,
    "inpost_fte": 1.8,
    "inpost_headcount": 3,
    "starters_fte": 1.0,
    "starters_headcount": 2,
    "leavers_fte": 1.5,
    "leavers_headcount": 2,
    "turnover_rate_fte": 83.3,
    "agency_fte": 1.5,
    "agency_headcount": 2,
    "agency_rate_fte": 45.5,
    "vacancy_fte": 3.5,
    "vacancy_rate_fte": 66.0,
    "case_holders_fte": 3.0,
    "cases": 46,
    "caseload_fte": 15.3,
    "working_days_lost_fte": 12.0,
    "absence_rate_fte": 2.6,
    "layout": "2021 to 2023",
    **NO_PAY,
}

EXPECTED_2024 = {
    "la_code": "332",
    "year": 2024,
    "reference_date": "2024-09-30",
    "worker_records": 5,
    "inpost_fte": 2.0,
    "inpost_headcount": 3,
    "starters_fte": 0.6,
    "starters_headcount": 1,
    "leavers_fte": 1.0,
    "leavers_headcount": 1,
    "turnover_rate_fte": 50.0,
    "agency_fte": 1.0,
    "agency_headcount": 1,
    "agency_rate_fte": 33.3,
    "vacancy_fte": 0.0,
    "vacancy_rate_fte": 0.0,
    "case_holders_fte": 2.6,
    "cases": 50,
    "caseload_fte": 19.2,
    "working_days_lost_fte": 25.6,
    "absence_rate_fte": 5.0,
    "layout": "2024",
    **NO_PAY,
}
AGENCY_COUNT_WARNINGS = [
    "r.xml, LALevel NoAgencyFTE: differs from the agency worker records in post at the "
    "reference date (1 FTE); the figures use the records",
    "r.xml, LALevel NoAgencyHeadcount: differs from the agency worker records in post at the "
    "reference date (1); the figures use the records",
]


def test_figures_from_the_hand_made_return():
    census = read_census("r.xml", RETURN.read_bytes())
    assert census.problems == []
    assert census.layout is not None and census.layout.name == "2025"
    assert compute_census_figures(census).as_json() == EXPECTED
    assert [str(warning) for warning in census.warnings] == AGENCY_COUNT_WARNINGS


@pytest.mark.parametrize(
    ("path", "expected"), [(RETURN_2022, EXPECTED_2022), (RETURN_2024, EXPECTED_2024)]
)
def test_figures_from_a_return_in_each_earlier_layout(path, expected):
    census = read_census(path.name, path.read_bytes())
    assert census.problems == [] and census.warnings == []
    assert compute_census_figures(census).as_json() == expected


@pytest.mark.parametrize(
    ("year", "layout"),
    [(2019, "2021 to 2023"), (2021, "2021 to 2023"), (2023, "2021 to 2023"), (2024, "2024")]
    + [(2025, "2025"), (2027, "2025")],
)
def test_the_layout_is_chosen_by_the_year(year, layout):
    assert census_module.layout_for(year).name == layout


@pytest.mark.parametrize(
    ("reference", "days"),
    [
        (date(2024, 9, 30), 254),  # holds 29/02/2024
        (date(2023, 9, 30), 253),
        (date(2025, 9, 30), 253),
        (date(2028, 9, 30), 254),
        (date(2024, 2, 28), 253),  # 29/02/2024 is the day after
        (date(2025, 2, 28), 254),  # (28/02/2024, 28/02/2025] holds it
    ],
)
def test_working_days_in_the_census_year(reference, days):
    assert census_module.working_days_in_year(reference) == days


def _problems(content: str, name: str = "r.xml") -> list[str]:
    return [str(problem) for problem in read_census(name, content.encode()).problems]


def _warnings(content: str) -> list[str]:
    census = read_census("r.xml", content.encode())
    assert census.problems == []
    return [str(warning) for warning in census.warnings]


def test_an_item_of_another_layout_is_a_problem_naming_both():
    old = RETURN.read_text().replace("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>", 1)
    old = old.replace("<WorkingDaysLost>0</WorkingDaysLost>", "<CFKSSstatus>1</CFKSSstatus>")
    assert _problems(old) == [
        "r.xml, CSWWWorker 1 (SWENo SW1) GenderCurrent: belongs to the 2021 to 2023 layout, "
        "not to the 2025 layout of a 2026 return",
        "r.xml, CSWWWorker 2 (SWENo SW2) CFKSSstatus: belongs to the 2021 to 2023 and 2024 "
        "layout, not to the 2025 layout of a 2026 return",
    ]
    new = RETURN_2022.read_text().replace("<QualInst>", "<BaseSalary>1.00</BaseSalary><QualInst>")
    assert _problems(new) == [
        "r.xml, CSWWWorker 1 (SWENo SW100) BaseSalary: belongs to the 2025 layout, not to the "
        "2021 to 2023 layout of a 2022 return",
    ]
    sex = RETURN_2024.read_text().replace("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>")
    assert _problems(sex) == [
        "r.xml, CSWWWorker 2 (SWENo SW11) GenderCurrent: belongs to the 2021 to 2023 layout, "
        "not to the 2024 layout of a 2024 return",
    ]


def test_the_la_level_block_must_be_the_layout_s_and_whole():
    content = RETURN.read_text()
    renamed = content.replace("<LALevel>", "<LALevelVacancies>").replace(
        "</LALevel>", "</LALevelVacancies>"
    )
    assert _problems(renamed) == [
        "r.xml, LALevelVacancies: is the LA-level block's name in another layout: a 2026 return "
        "(2025 layout) names it LALevel"
    ]
    missing = content.replace("<NumberOfVacancies>2.5</NumberOfVacancies>", "").replace(
        "<CostDBS>1</CostDBS>", ""
    )
    assert _problems(missing) == [
        "r.xml, LALevel NumberOfVacancies: missing: the 2025 layout requires it",
        "r.xml, LALevel CostDBS: missing: the 2025 layout requires it",
    ]
    start = content.index("<LALevel>")
    without = content[:start] + content[content.index("</LALevel>") + len("</LALevel>") :]
    assert _problems(without) == [
        "r.xml, LALevel: missing: the 2025 layout's LA-level block, with NumberOfVacancies, "
        "NoAgencyFTE, NoAgencyHeadcount, RecruitmentBonus, RetentionBonus, PerformanceAward, "
        "CarAllowance, RelocationPackage, RegionalWeighting, CostSWE, CostDBS, OtherAllowances"
    ]
    old = RETURN_2022.read_text().replace("<NoAgencyHeadcount>2</NoAgencyHeadcount>", "")
    assert _problems(old) == [
        "r.xml, LALevelVacancies NoAgencyHeadcount: missing: the 2021 to 2023 layout requires it"
    ]
    allowance = content.replace("<CarAllowance>0<", "<CarAllowance>3<")
    assert _problems(allowance) == ["r.xml, LALevel CarAllowance: expected one of 0, 1, 2"]
    extra = content.replace("<CostDBS>", "<Bonus>1</Bonus><CostDBS>")
    assert _problems(extra) == ["r.xml, LALevel Bonus: is not an item of the 2025 layout"]


def test_codes_and_money_of_the_layout_are_checked():
    content = RETURN.read_text()
    assert _problems(content.replace("<Sex>F</Sex>", "<Sex>2</Sex>", 1)) == [
        "r.xml, CSWWWorker 1 (SWENo SW1) Sex: expected one of F, M"
    ]
    assert _problems(content.replace("<Ethnicity>WBRI<", "<Ethnicity>White<", 1)) == [
        "r.xml, CSWWWorker 1 (SWENo SW1) Ethnicity: expected one of ABAN, AIND, AOTH, APKN, "
        "BAFR, BCRB, BOTH, CHNE, MOTH, MWAS, MWBA, MWBC, NOBT, OOTH, REFU, WBRI, WIRI, WOTH"
    ]
    assert _problems(content.replace("<BaseSalary>42000.00<", "<BaseSalary>£42k<")) == [
        "r.xml, CSWWWorker 1 (SWENo SW1) BaseSalary: expected pounds such as 38250.00 (2 "
        "decimal places)"
    ]
    assert _problems(content.replace("<RRPayments>0.00<", "<RRPayments>10.505<")) == [
        "r.xml, CSWWWorker 2 (SWENo SW2) RRPayments: expected pounds such as 38250.00 (2 "
        "decimal places)"
    ]
    assert _problems(content.replace("<SWENo>SW2<", "<SWENo>2222<")) == [
        "r.xml, CSWWWorker 2 (SWENo 2222) SWENo: expected a Social Work England number: two "
        "letters, then digits"
    ]
    gender = RETURN_2022.read_text().replace("<GenderCurrent>1<", "<GenderCurrent>M<", 1)
    assert _problems(gender) == [
        "r.xml, CSWWWorker 3 (SWENo SW100) GenderCurrent: expected one of 0, 1, 2, 9"
    ]


def test_plausibility_warnings_do_not_stop_the_figures():
    content = RETURN.read_text()
    changed = (
        content.replace("<Cases30>18<", "<Cases30>41<")
        .replace("<FTE>0.5</FTE>", "<FTE>1.2</FTE>")
        .replace("<Cases30>0</Cases30>", "<Cases30>0</Cases30><ContractWeeks>500.5</ContractWeeks>")
        .replace("<RoleEndDate>2026-06-30<", "<RoleEndDate>2025-09-30<")
        .replace(
            "<RoleStartDate>2026-01-01</RoleStartDate><Cases30>20</Cases30>",
            "<RoleStartDate>2026-01-01</RoleStartDate><Cases30>20</Cases30>"
            "<WorkingDaysLost>1</WorkingDaysLost><BaseSalary>1.00</BaseSalary>",
        )
        .replace("<Cases30>2</Cases30>", "<Cases30>2</Cases30><Favourite>tea</Favourite>")
        .replace("<NoAgencyFTE>3.0<", "<NoAgencyFTE>1<")
        .replace("<NoAgencyHeadcount>3<", "<NoAgencyHeadcount>1<")
    )
    assert _warnings(changed) == [
        "r.xml, CSWWWorker 1 (SWENo SW1) Cases30: above 40 cases: check it",
        "r.xml, CSWWWorker 2 (SWENo SW2) FTE: above 1, a full-time worker's FTE: check it",
        "r.xml, CSWWWorker 3 (SWENo SW3) RoleEndDate: is outside the census year "
        "(2025-09-30, 2026-09-30]: a worker who left earlier is not returned, and one still in "
        "post at the reference date has no end date",
        "r.xml, CSWWWorker 4 (SWENo SW4) ContractWeeks: above 500 weeks: check it",
        "r.xml, CSWWWorker 5 (SWENo SW5): an agency worker's record with items only employed "
        "workers have: WorkingDaysLost, BaseSalary",
        "r.xml, CSWWWorker 7 (SWENo SW1) Favourite: is not an item of any CSWW layout: not read",
    ]
    later = content.replace("<RoleEndDate>2026-06-30<", "<RoleEndDate>2026-10-31<")
    assert _warnings(later)[0].startswith(
        "r.xml, CSWWWorker 3 (SWENo SW3) RoleEndDate: is outside the census year"
    )


def test_a_return_the_layouts_agree_on_reads_alike_in_each():
    """The same workers in each layout give the same figures (the 2022 return's year and
    sex element changed, its layout followed)."""
    content = RETURN_2022.read_text()
    as_2024 = (
        content.replace("<Year>2022<", "<Year>2024<")
        .replace("<ReferenceDate>2022-09-30<", "<ReferenceDate>2024-09-30<")
        .replace("<GenderCurrent>2</GenderCurrent>", "<Sex>F</Sex>")
        .replace("<GenderCurrent>1</GenderCurrent>", "<Sex>M</Sex>")
    )
    # Every date moves two years on, so that the workers stand where they stood.
    for year in range(2022, 2009, -1):
        as_2024 = as_2024.replace(f">{year}-", f">{year + 2}-")
    census = read_census("r.xml", as_2024.encode())
    assert census.problems == [] and census.layout is not None
    figures = compute_census_figures(census).as_json()
    assert figures["layout"] == "2024"
    # The year to 30/09/2024 holds 29 February: 12 / (1.8 x 254) = 2.625% -> 2.6 still.
    moved = {"year": 2024, "reference_date": "2024-09-30", "layout": "2024"}
    assert figures == {**EXPECTED_2022, **moved}


def test_la_level_agency_figures_are_used_when_there_are_no_agency_records():
    content = RETURN.read_text()
    for agency in ("<AgencyWorker>1</AgencyWorker><SWENo>SW5</SWENo>",
                   "<AgencyWorker>1</AgencyWorker><FTE>0.6</FTE>"):  # fmt: skip
        content = content.replace(agency, agency.replace(">1<", ">0<"), 1)
    figures = compute_census_figures(read_census("r.xml", content.encode()))
    assert (figures.agency_fte, figures.agency_headcount) == (3.0, 3)
    # Worker 5 is now employed and in post: in post FTE 4.1; 3.0 / 7.1 = 42.25 -> 42.3.
    assert figures.inpost_fte == 4.1 and figures.agency_rate_fte == 42.3


def test_missing_optional_elements_are_normal():
    minimal = return_head(2026) + b"<CSWWWorker><AgencyWorker>0</AgencyWorker></CSWWWorker>"
    minimal += b"</Message>"
    census = read_census("minimal.xml", minimal)
    assert census.problems == []
    figures = compute_census_figures(census)
    assert figures.reference_date == date(2026, 9, 30)
    assert (figures.inpost_headcount, figures.inpost_fte) == (1, 0.0)
    assert figures.turnover_rate_fte is None and figures.vacancy_rate_fte is None  # 0 / 0
    assert figures.salaried_workers == 0 and figures.base_salary_mean is None
    assert figures.caseload_fte is None and figures.absence_rate_fte is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "<FTE>0.8</FTE>",
            "<FTE>full</FTE>",
            "bad.xml, CSWWWorker 3 (SWENo SW3) FTE: not a number",
        ),
        (
            "<Cases30>20</Cases30>",
            "<Cases30>-2</Cases30>",
            "bad.xml, CSWWWorker 5 (SWENo SW5) Cases30: expected a whole number from 0 to 500",
        ),
        (
            "<RoleStartDate>2026-03-01</RoleStartDate>",
            "<RoleStartDate>01/03/2026</RoleStartDate>",
            "bad.xml, CSWWWorker 2 (SWENo SW2) RoleStartDate: expected a date as YYYY-MM-DD",
        ),
        (
            "<RoleStartDate>2026-03-01</RoleStartDate>",
            "<RoleStartDate>2026-10-01</RoleStartDate>",
            "bad.xml, CSWWWorker 2 (SWENo SW2) RoleStartDate: is after the reference date "
            "2026-09-30",
        ),
        (
            "<AgencyWorker>1</AgencyWorker><FTE>0.6</FTE>",
            "<FTE>0.6</FTE>",
            "bad.xml, CSWWWorker 6 AgencyWorker: missing: it tells employed from agency workers",
        ),
        (
            "<OrgRole>3</OrgRole>",
            "<OrgRole>9</OrgRole>",
            "bad.xml, CSWWWorker 4 (SWENo SW4) OrgRole: expected one of 1, 2, 3, 4, 5, 6",
        ),
        (
            "<LEA>330</LEA>",
            "<LEA>Birmingham</LEA>",
            "bad.xml, Header LEA: expected our three-digit old LA code, such as 330",
        ),
        (
            "<NumberOfVacancies>2.5</NumberOfVacancies>",
            "<NumberOfVacancies>lots</NumberOfVacancies>",
            "bad.xml, LALevel NumberOfVacancies: not a number",
        ),
        (
            "<Collection>CSWW</Collection>",
            "<Collection>School Census</Collection>",
            "bad.xml, Header Collection: expected CSWW (this is another collection)",
        ),
        (
            "</CSWWWorker>\n</Message>",
            "</CSWWWorker>\n</Mesage>",
            "bad.xml, line 94: not well-formed XML (column 2): mismatched tag",
        ),
    ],
)
def test_a_malformed_return_names_the_element_and_worker(engine, old, new, expected):
    content = RETURN.read_text()
    assert old in content
    result = load_census("bad.xml", content.replace(old, new, 1).encode(), engine=engine)
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [expected]
    with session_scope(engine) as session:
        assert session.execute(select(CensusReturn)).first() is None
        log = session.execute(select(ImportLog)).scalars().one()
        assert (log.outcome, log.files, log.problem_count) == ("refused", "bad.xml", 1)


def test_loading_stores_only_the_figures_and_replaces_the_same_year(engine):
    assert load_census(RETURN.name, RETURN.read_bytes(), engine=engine).loaded
    assert load_census(RETURN.name, RETURN.read_bytes(), engine=engine).loaded
    with session_scope(engine) as session:
        stored = session.execute(select(CensusReturn)).scalars().one()
        assert (stored.la_code, stored.year, stored.caseload_fte) == ("330", 2026, 17.1)
        assert stored.file_name == "census_return.xml"


def test_cli_census_json(database_url):
    shown = run_cli(database_url, "census", str(RETURN), "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == EXPECTED
    bad = run_cli(database_url, "census", str(BENCHMARKS / "indicators.csv"))
    assert bad.returncode == 1
    assert "indicators.csv, line 1: not well-formed XML" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_cli_census_says_the_layout_and_the_warnings(database_url):
    shown = run_cli(database_url, "census", str(RETURN))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("warning: census_return.xml, LALevel NoAgencyFTE: differs")
    assert lines[2] == (
        "Census return for 330, 30 September 2026: 10 worker records. Read with the 2025 "
        "layout. Figures saved:"
    )
    assert "  base_salary_mean             41938.0" in lines
    old = run_cli(database_url, "census", str(RETURN_2022))
    assert "Read with the 2021 to 2023 layout." in old.stdout
    assert "  base_salary_mean             -" in old.stdout.splitlines()


def test_a_check_and_a_load_give_the_layout_and_the_warnings(engine):
    check = check_census("r.xml", RETURN.read_bytes(), engine=engine)
    assert (check.layout, check.warning_count) == ("2025", 2)
    assert [str(warning) for warning in check.warnings] == AGENCY_COUNT_WARNINGS
    loaded = load_census("r.xml", RETURN.read_bytes(), engine=engine)
    assert loaded.loaded and loaded.layout == "2025"
    assert [str(warning) for warning in loaded.warnings] == AGENCY_COUNT_WARNINGS
    with session_scope(engine) as session:
        stored = session.execute(select(CensusReturn)).scalars().one()
        assert (stored.layout, stored.base_salary_median, stored.allowance_car) == (
            "2025",
            40000.0,
            0,
        )
        assert stored.other_allowances == "Childcare vouchers"


def test_a_return_with_its_parts_in_another_order_reads_the_same():
    # Read as a stream: workers before the header wait for its reference date; problems are
    # listed header first, then the LA-level block, then the workers, whatever the order.
    content = RETURN.read_text()
    header = content[content.index("<Header>") : content.index("</Header>") + 9]
    block = content[content.index("<LALevel>") : content.index("</LALevel>")]
    block += "</LALevel>"
    moved = content.replace(header, "").replace(block, "")
    moved = moved.replace("</Message>", block + header + "</Message>")
    census = read_census("moved.xml", moved.encode())
    assert census.problems == []
    assert compute_census_figures(census).as_json() == EXPECTED
    broken = moved.replace("<LEA>330</LEA>", "<LEA>x</LEA>").replace(
        "<NumberOfVacancies>2.5<", "<NumberOfVacancies>lots<"
    )
    broken = broken.replace("<FTE>0.8</FTE>", "<FTE>full</FTE>")
    assert [str(p) for p in read_census("moved.xml", broken.encode()).problems] == [
        "moved.xml, Header LEA: expected our three-digit old LA code, such as 330",
        "moved.xml, LALevel NumberOfVacancies: not a number",
        "moved.xml, CSWWWorker 3 (SWENo SW3) FTE: not a number",
    ]


@pytest.mark.parametrize(
    "declaration",
    [
        b"<!DOCTYPE Message>",
        b'<!DOCTYPE Message [<!ENTITY e "' + b"x" * 290 + b'">]>',
        b'<!DOCTYPE Message [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_a_document_type_or_entity_is_refused_unread_in_one_line(engine, declaration):
    content = RETURN.read_bytes().replace(b"<Message>", declaration + b"\n<Message>", 1)
    content = content.replace(b"<SWENo>SW1</SWENo>", b"<SWENo>&e;</SWENo>")
    result = load_census("entity.xml", content, engine=engine)
    assert not result.loaded
    assert [str(problem) for problem in result.problems] == [
        "entity.xml, line 2: the file declares a document type or entities (<!DOCTYPE ...>), "
        "which a CSWW census return never has: it was not read; export the return again"
    ]
    with session_scope(engine) as session:
        log = session.execute(select(ImportLog)).scalars().one()
        assert (log.outcome, log.problem_count) == ("refused", 1)


def many_workers(count: int, worker: bytes = b"<AgencyWorker>0</AgencyWorker>") -> bytes:
    return return_head(2026) + (b"<CSWWWorker>" + worker + b"</CSWWWorker>") * count + b"</Message>"


def test_the_elements_of_a_return_are_counted_as_it_is_read(monkeypatch):
    monkeypatch.setattr(census_module, "MAX_CENSUS_ELEMENTS", 1000)
    assert read_census("r.xml", many_workers(400)).problems == []
    assert [str(p) for p in read_census("r.xml", many_workers(600)).problems] == [
        "r.xml, line 1: the return holds more than 1,000 XML elements, many times a CSWW "
        "return's: it was not read further"
    ]
    one_big = many_workers(1, b"<AgencyWorker>0</AgencyWorker>" + b"<x/>" * 20_000)
    monkeypatch.setattr(census_module, "MAX_CENSUS_ELEMENTS", 500_000)
    assert [str(p) for p in read_census("r.xml", one_big).problems] == [
        "r.xml, line 1: one element of the return holds more than 10,000 elements, many times "
        "a worker record's: it was not read further"
    ]


def test_a_tag_over_64_kb_is_refused_before_parsing():
    content = RETURN.read_bytes().replace(b"<Message>", b'<Message a="' + b"x" * 70_000 + b'">')
    assert [str(p) for p in read_census("tag.xml", content).problems] == [
        "tag.xml, line 2: an XML tag over 64 KB long: not a CSWW census return"
    ]


def test_reading_past_the_clock_is_refused(monkeypatch):
    monkeypatch.setattr(census_module, "MAX_READ_SECONDS", 0.0)
    assert [str(p) for p in read_census("slow.xml", many_workers(600)).problems] == [
        "slow.xml, line 1: reading took more than 0 seconds: it was not read further"
    ]


def test_problems_past_the_first_thousand_are_counted_not_kept(engine):
    content = many_workers(1500, b"<AgencyWorker>2</AgencyWorker>")
    census = read_census("bad.xml", content)
    assert len(census.problems) == 1000 and census.problem_count == 1500
    assert str(census.problems[0]) == "bad.xml, CSWWWorker 1 AgencyWorker: expected one of 0, 1"
    assert census.workers == []
    result = load_census("bad.xml", content, engine=engine)
    assert not result.loaded
    with session_scope(engine) as session:
        assert session.execute(select(ImportLog.problem_count)).scalar_one() == 1500


def test_checking_a_return_records_a_refusal_itself_and_keeps_only_figures(engine):
    good = check_census(RETURN.name, RETURN.read_bytes(), engine=engine, user="me")
    assert good.problems == [] and good.figures.as_json() == EXPECTED
    bad = RETURN.read_text().replace("<FTE>0.8</FTE>", "<FTE>full</FTE>").encode()
    refused = check_census("bad.xml", bad, engine=engine, user="me", source="upload")
    assert (refused.figures, refused.problem_count) == (None, 1)
    with session_scope(engine) as session:
        logs = session.execute(select(ImportLog)).scalars().all()
        assert [(log.outcome, log.files, log.source, log.imported_by) for log in logs] == [
            ("refused", "bad.xml", "census return (upload)", "me")
        ]
        assert session.execute(select(CensusReturn)).first() is None


def test_a_check_that_fails_is_recorded_as_failed(engine, monkeypatch):
    def broken(*_args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(census_module, "read_census", broken)
    failed = check_census("r.xml", b"<Message/>", engine=engine)
    assert failed.failed and failed.figures is None
    with session_scope(engine) as session:
        log = session.execute(select(ImportLog)).scalars().one()
        assert (log.outcome, log.files) == ("failed", "r.xml")
