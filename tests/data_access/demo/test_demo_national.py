"""The demo's made-up national figures (data_access/demo/national.py): their arithmetic by hand,
the shape of DfE's files, and never a real authority."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest

from data_access.core.config import PROJECT_ROOT
from data_access.demo.national import Counts, demo_city_counts, national_files
from data_access.demo.organisation import SEED, DemoBuilder, Worker

REAL_INDICATORS = PROJECT_ROOT.parent / "shared" / "data" / "csww_indicators_2017_to_2025.csv"
#: The columns of DfE's published indicators file, as ../shared/data/README.md lists them.
DFE_COLUMNS = [
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
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "agency_cover_fte",
    "agency_cover_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
]


def test_the_rates_follow_from_the_counts_as_dfe_defines_them():
    counts = Counts(
        inpost_fte=200.0,
        inpost_headcount=210,
        leavers_fte=30.0,
        leavers_headcount=33,
        agency_fte=50.0,
        agency_headcount=52,
        agency_cover_fte=40.0,
        vacancy_fte=25.0,
        case_holders_fte=120.0,
        cases=1800,
        working_days_lost_fte=2024.0,
    )
    published = counts.published()
    assert published["turnover_rate_fte"] == 15.0  # 30 / 200
    assert published["turnover_rate_headcount"] == 15.7  # 33 / 210 = 15.71
    assert published["agency_rate_fte"] == 20.0  # 50 / (50 + 200)
    assert published["agency_rate_headcount"] == 19.8  # 52 / 262 = 19.85
    assert published["agency_cover_rate_fte"] == 80.0  # 40 / 50
    assert published["vacancy_rate_fte"] == 11.1  # 25 / 225 = 11.11
    assert published["vacancy_agency_cover_rate_fte"] == 160.0  # 40 / 25
    assert published["caseload_fte"] == 15.0  # 1800 / 120
    assert published["absence_rate_fte"] == 4.0  # 2024 / (200 x 253)


def _worker(staff_id, employment_type, fte, start, end=None) -> Worker:
    return Worker(staff_id, "A Person", "social_worker", employment_type, fte, "T1", start, end)


def test_demo_city_s_counts_follow_the_dashboard_s_definitions():
    day = date(2025, 9, 30)
    builder = SimpleNamespace(
        workers=[
            _worker("W1", "permanent", 1.0, date(2020, 1, 1)),  # in post
            _worker("W2", "permanent", 0.5, date(2025, 3, 1)),  # a starter, in post
            _worker("W3", "permanent", 0.8, date(2019, 1, 1), date(2025, 6, 30)),  # a leaver
            _worker("W4", "agency", 1.0, date(2025, 1, 1)),  # agency, in post
            # Left on 30/09/2024: a year before the day, so not a leaver of the year to it.
            _worker("W5", "permanent", 1.0, date(2018, 1, 1), date(2024, 9, 30)),
            _worker("W6", "permanent", 1.0, date(2025, 10, 1)),  # starts after the day
        ],
        vacancies=[("T1", day, 2.0), ("T2", day, 0.5), ("T1", date(2025, 8, 31), 9.0)],
        caseloads=[("W1", day, 20), ("W2", day, 0), ("W4", day, 15), ("W1", date(2025, 8, 31), 30)],
    )
    counts = demo_city_counts(builder, day)
    assert (counts.inpost_fte, counts.inpost_headcount) == (1.5, 2)
    assert (counts.starters_fte, counts.starters_headcount) == (0.5, 1)
    assert (counts.leavers_fte, counts.leavers_headcount) == (0.8, 1)
    assert (counts.agency_fte, counts.agency_headcount) == (1.0, 1)
    assert counts.vacancy_fte == 2.5
    assert (counts.case_holders_fte, counts.cases) == (2.0, 35)  # W1 and W4; W2 holds none
    assert counts.agency_cover_fte == 0.8  # 80% of the agency FTE, within the vacancies
    published = counts.published()
    assert published["turnover_rate_fte"] == 53.3  # 0.8 / 1.5
    assert published["agency_rate_fte"] == 40.0  # 1.0 / 2.5
    assert published["vacancy_rate_fte"] == 62.5  # 2.5 / 4.0
    assert published["caseload_fte"] == 17.5  # 35 / 2.0


@pytest.fixture(scope="module")
def files():
    return national_files(DemoBuilder().build(), SEED)


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_indicators_file_has_dfe_s_shape(files):
    name, content = files.indicators
    assert "made up" in name
    header = content.decode().splitlines()[0].split(",")
    assert header == DFE_COLUMNS
    rows = _rows(content)
    for year in range(2017, 2026):
        levels = [row["geographic_level"] for row in rows if row["time_period"] == str(year)]
        assert levels.count("National") == 1
        assert levels.count("Regional") == 6
        assert levels.count("Local authority") == 60
    authorities = {row["old_la_code"]: row["la_name"] for row in rows if row["old_la_code"]}
    assert sorted(authorities) == [str(code) for code in range(600, 660)]
    assert len(set(authorities.values())) == 60
    assert authorities["600"] == "Demo City"
    demo_city = [row for row in rows if row["old_la_code"] == "600"]
    assert {row["region_name"] for row in demo_city} == {"Midland region"}
    # Demo City's figures are the demo's: never suppressed.
    assert all(row[column][0].isdigit() for row in demo_city for column in DFE_COLUMNS[10:])


def test_england_is_the_sum_of_its_authorities(files):
    rows = [row for row in _rows(files.indicators[1]) if row["time_period"] == "2025"]
    england = next(row for row in rows if row["geographic_level"] == "National")
    authorities = [row for row in rows if row["geographic_level"] == "Local authority"]
    total = sum(float(row["inpost_fte"]) for row in authorities)
    # Each authority's FTE is published to 0.1, so 60 of them may be 60 x 0.05 out.
    assert abs(float(england["inpost_fte"]) - total) <= 3.0
    assert int(england["inpost_headcount"]) == sum(int(r["inpost_headcount"]) for r in authorities)
    leavers, inpost = float(england["leavers_fte"]), float(england["inpost_fte"])
    assert abs(float(england["turnover_rate_fte"]) - 100 * leavers / inpost) <= 0.1


def test_the_neighbour_model_has_dfe_s_shape(files):
    name, content = files.neighbours
    assert "made up" in name
    rows = _rows(content)
    assert list(rows[0])[:6] == ["old_la_code", "la_name", "region_ind", "region_name", "SN_1",
                                 "SN_1P"]  # fmt: skip
    assert len(rows) == 60
    codes = {row["old_la_code"] for row in rows}
    for row in rows:
        neighbours = [row[f"SN_{position}"] for position in range(1, 11)]
        assert len(set(neighbours)) == 10 and row["old_la_code"] not in neighbours
        assert set(neighbours) <= codes
        assert row["SN_1P"] in ("Very close", "Close", "Somewhat close", "Not close")


@pytest.mark.skipif(not REAL_INDICATORS.exists(), reason="DfE's real file is not at hand")
def test_no_made_up_authority_or_region_is_a_real_one(files):
    real = _rows(REAL_INDICATORS.read_bytes())
    real_codes = {part.strip() for row in real for part in row["old_la_code"].split("/")}
    real_names = {row["la_name"].strip() for row in real} | {row["region_name"] for row in real}
    made_up = _rows(files.indicators[1])
    assert not {row["old_la_code"] for row in made_up} & (real_codes - {""})
    assert not ({row["la_name"] for row in made_up} | {row["region_name"] for row in made_up}) & (
        real_names - {""}
    )


def test_the_census_return_is_demo_city_s_for_2026(files):
    name, content = files.census
    assert "made up" in name
    text = content.decode()
    assert "<LEA>600</LEA>" in text and "<ReferenceDate>2026-09-30</ReferenceDate>" in text
    assert "<SWENo>SW9" in text  # made-up registration numbers
    assert "<LALevel>" in text and "<BaseSalary>" in text  # the 2025 layout
