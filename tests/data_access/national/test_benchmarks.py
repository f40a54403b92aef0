"""National benchmarks: loading the DfE files and comparing one authority, checked against the
hand-made files in tests/fixtures/benchmarks (expected values worked out by hand below).

The fixture year 2025 has seven local authority rows (a joint return counts once):

    code       turnover agency vacancy caseload absence
    330        8.5      12.4   17.1    15.2     3.7      West Midlands
    331        10       20     10.1    16       4        West Midlands
    332        12       u      12      15.2     c        West Midlands
    333        15       5      x       18       2.5      West Midlands
    334        8.5      low    9       14       k        West Midlands
    202        19.5     9.4    10.6    11.2     1.6      Inner London
    314 / 318  28       14.9   14.9    13.9     2        Outer London

Birmingham (330)'s neighbours are 331, 332, 333, 334, 318 and 999 (999 has no figures).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from support.cli import run_cli
from support.org import (
    BENCHMARKS,
    SHARED_DATA,
    SMALL_ORG,
    data_contents,
    read_folder_bytes,
)

from data_access.core.db import session_scope
from data_access.core.models import ImportLog, StatisticalNeighbour
from data_access.core.scope import Scope
from data_access.ingest.importer import import_files
from data_access.national.benchmarks import load_benchmarks
from data_access.national.comparison import (
    authorities,
    benchmark_years,
    comparison,
    internal_figures,
    median_of,
    neighbours,
    quartile_band,
    ranked_authorities,
    trend,
)
from data_access.national.published_files import parse_published_number


def _file(name: str) -> tuple[str, bytes]:
    return name, (BENCHMARKS / name).read_bytes()


@pytest.fixture
def loaded(engine):
    result = load_benchmarks(_file("indicators.csv"), _file("neighbours.csv"), engine=engine)
    assert result.loaded, result.problems
    return result


#: Birmingham 2025, worked by hand from the table in the module docstring.
BIRMINGHAM_2025 = {
    "la_code": "330",
    "la_name": "Birmingham",
    "region_name": "West Midlands",
    "year": 2025,
    "indicators": {
        # ranks: 8.5 (330), 8.5 (334) share rank 1 of 7; band A as 4 x 1 <= 7.
        # neighbours 10, 12, 15, 8.5, 28 -> median 12.
        "turnover_rate_fte": {
            "la": 8.5, "la_code_status": None, "region": 11.5, "england": 11.8,
            "neighbours_median": 12.0, "rank": 1, "of": 7, "quartile": "A",
        },
        # numeric: 5, 9.4, 12.4, 14.9, 20 -> rank 3 of 5; 12 > 10, <= 15 -> C.
        # neighbours 20, 5, 14.9 (332 u and 334 low left out) -> 14.9.
        "agency_rate_fte": {
            "la": 12.4, "la_code_status": None, "region": 10.4, "england": 13.0,
            "neighbours_median": 14.9, "rank": 3, "of": 5, "quartile": "C",
        },
        # numeric: 9, 10.1, 10.6, 12, 14.9, 17.1 -> rank 6 of 6 -> D.
        # neighbours 10.1, 12, 9, 14.9 (333 x) -> (10.1 + 12) / 2 = 11.05 -> 11.1 (half up).
        "vacancy_rate_fte": {
            "la": 17.1, "la_code_status": None, "region": 14.0, "england": 14.2,
            "neighbours_median": 11.1, "rank": 6, "of": 6, "quartile": "D",
        },
        # 11.2, 13.9, 14, 15.2, 15.2, 16, 18: 330 and 332 share rank 4 of 7; 16 <= 21 -> C.
        # neighbours 16, 15.2, 18, 14, 13.9 -> 15.2.
        "caseload_fte": {
            "la": 15.2, "la_code_status": None, "region": 15.3, "england": 15.2,
            "neighbours_median": 15.2, "rank": 4, "of": 7, "quartile": "C",
        },
        # numeric: 1.6, 2, 2.5, 3.7, 4 -> rank 4 of 5; 16 > 15 -> D.
        # neighbours 4, 2.5, 2 (332 c and 334 k left out) -> 2.5.
        "absence_rate_fte": {
            "la": 3.7, "la_code_status": None, "region": 4.1, "england": 3.5,
            "neighbours_median": 2.5, "rank": 4, "of": 5, "quartile": "D",
        },
    },
}  # fmt: skip


def test_birmingham_2025_against_hand_worked_values(engine, loaded):
    with session_scope(engine) as session:
        assert comparison("330", 2025, session=session).as_json() == BIRMINGHAM_2025


def test_load_counts_and_the_unknown_neighbour_warning(engine, loaded):
    assert loaded.rows == 16
    assert loaded.years == (2024, 2025)
    # 330-334, 202, and 314 and 318 from the joint return
    assert loaded.authorities == 8
    assert [str(warning) for warning in loaded.warnings] == [
        "neighbours.csv: 1 neighbour code(s) have no published figures in any year (999); "
        "they are left out of the medians"
    ]
    with session_scope(engine) as session:
        assert benchmark_years(session=session) == [2025, 2024]
        # the byte-order mark and the trailing spaces in "Close " are gone
        closeness = [n.closeness for n in neighbours("330", session=session)]
        assert closeness == ["Very close", "Close", "Close", "Close", "Somewhat close", "Not close"]
        assert neighbours("330", session=session)[4].la_name == "Richmond upon Thames"
        assert neighbours("330", session=session)[5].la_name is None  # 999: not published
        names = [authority.label for authority in authorities(session=session)]
        assert "Kingston upon Thames (314)" in names and "Richmond upon Thames (318)" in names


def test_suppression_codes_are_kept_never_zero(engine, loaded):
    with session_scope(engine) as session:
        dudley = comparison("332", 2025, session=session).indicators
        solihull = comparison("334", 2025, session=session).indicators
        birmingham_2024 = comparison("330", 2024, session=session).indicators
    assert (dudley["agency_rate_fte"].la.value, dudley["agency_rate_fte"].la.status) == (None, "u")
    assert dudley["agency_rate_fte"].la.meaning == "low reliability"
    assert dudley["agency_rate_fte"].rank is None and dudley["agency_rate_fte"].quartile is None
    assert dudley["absence_rate_fte"].la.status == "c"
    assert solihull["agency_rate_fte"].la.status == "low"
    assert solihull["absence_rate_fte"].la.meaning == "rounds to zero, but is not zero"
    for name in ("agency_rate_fte", "caseload_fte", "absence_rate_fte"):
        assert birmingham_2024[name].la.value is None
        assert birmingham_2024[name].la.status == "u"
    # Ranked among the one authority (331) with a number that year.
    assert (birmingham_2024["agency_rate_fte"].of, birmingham_2024["agency_rate_fte"].rank) == (
        1,
        None,
    )


def test_a_member_of_a_joint_return_takes_its_values_and_london_regions(engine, loaded):
    with session_scope(engine) as session:
        richmond = comparison("318", 2025, session=session)
        kingston = comparison("314", 2025, session=session)
        camden = comparison("202", 2025, session=session)
    assert richmond.la_name == "Richmond upon Thames"
    assert richmond.joint_return == "Kingston upon Thames / Richmond upon Thames"
    assert richmond.indicators == kingston.indicators
    turnover = richmond.indicators["turnover_rate_fte"]
    assert (turnover.la.value, turnover.rank, turnover.of, turnover.quartile) == (28.0, 7, 7, "D")
    # London authorities compare with Inner or Outer London, not the London region (13.8).
    assert richmond.region_name == "Outer London" and turnover.region.value == 15.7
    assert camden.region_name == "Inner London"
    assert camden.indicators["turnover_rate_fte"].region.value == 11.7
    # Camden's neighbours: 318 (the joint return's 28) and 330 (8.5): (28 + 8.5) / 2 = 18.25.
    assert camden.indicators["turnover_rate_fte"].neighbours_median == 18.3
    assert camden.joint_return is None


def test_trend_has_four_lines_per_year(engine, loaded):
    with session_scope(engine) as session:
        points = trend("330", session=session)
    turnover = {
        (point.series, point.year): (point.value, point.status)
        for point in points
        if point.indicator == "turnover_rate_fte"
    }
    assert turnover == {
        ("la", 2024): (12.9, None),
        ("la", 2025): (8.5, None),
        ("england", 2024): (13.9, None),
        ("england", 2025): (11.8, None),
        ("region", 2024): (11.9, None),
        ("region", 2025): (11.5, None),
        ("neighbours", 2024): (11.0, None),  # only Coventry published in 2024
        ("neighbours", 2025): (12.0, None),
    }
    agency_2024 = [p for p in points if p.indicator == "agency_rate_fte" and p.year == 2024]
    assert {(p.series, p.value, p.status) for p in agency_2024} == {
        ("la", None, "u"),
        ("england", 16.2, None),
        ("region", 13.9, None),
        ("neighbours", 18.0, None),
    }


def test_ranked_authorities_lowest_first_then_the_unranked(engine, loaded):
    with session_scope(engine) as session:
        agency = ranked_authorities(2025, "agency_rate_fte", session=session)
        turnover = ranked_authorities(2025, "turnover_rate_fte", session=session)
    assert [(row.la_code, row.value, row.rank) for row in agency] == [
        ("333", 5.0, 1),
        ("202", 9.4, 2),
        ("330", 12.4, 3),
        ("314 / 318", 14.9, 4),
        ("331", 20.0, 5),
        ("332", None, None),
        ("334", None, None),
    ]
    assert [row.status for row in agency[-2:]] == ["u", "low"]
    assert [(row.la_name, row.rank) for row in turnover[:3]] == [
        ("Birmingham", 1),
        ("Solihull", 1),
        ("Coventry", 3),
    ]


@pytest.mark.parametrize(
    ("rank", "of", "band"),
    [(1, 4, "A"), (2, 4, "B"), (3, 4, "C"), (4, 4, "D"), (37, 150, "A"), (38, 150, "B"),
     (75, 150, "B"), (76, 150, "C"), (112, 150, "C"), (113, 150, "D"), (1, 1, "D"),
     (None, 5, None), (1, 0, None)],
)  # fmt: skip
def test_quartile_bands(rank, of, band):
    assert quartile_band(rank, of) == band


def test_median_of():
    assert median_of([]) is None
    assert median_of([3.0]) == 3.0
    assert median_of([10.1, 12.0]) == 11.1
    assert median_of([2.0, 9.0, 4.0]) == 4.0


@pytest.mark.parametrize(
    ("text", "value", "status"),
    [("12.4", 12.4, None), ("1,234.5", 1234.5, None), (" 13 ", 13.0, None), ("0", 0.0, None),
     ("u", None, "u"), ("LOW", None, "low"), ("k", None, "k"), ("", None, None)],
)  # fmt: skip
def test_published_numbers(text, value, status):
    cell = parse_published_number(text)
    assert (cell.value, cell.status) == (value, status)


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


HEADER = (
    "time_period,geographic_level,region_code,region_name,old_la_code,la_name,"
    "turnover_rate_fte,agency_rate_fte,vacancy_rate_fte,caseload_fte,absence_rate_fte"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            _csv(HEADER, "2025,National,,,,,11.8,13,14.2,15.2,n/a"),
            "bad.csv, line 2, absence_rate_fte: not a number or a DfE suppression code "
            "(c, k, low, u, x, z)",
        ),
        (
            _csv(HEADER, "25,National,,,,,11.8,13,14.2,15.2,3"),
            "bad.csv, line 2, time_period: expected a four-digit year such as 2025",
        ),
        (
            _csv(HEADER, "2025,County,,,,,11.8,13,14.2,15.2,3"),
            "bad.csv, line 2, geographic_level: expected National, Regional or Local authority",
        ),
        (
            _csv(HEADER, "2025,Local authority,E1,West,33,Nowhere,1,1,1,1,1"),
            "bad.csv, line 2, old_la_code: expected a three-digit old LA code such as 330, or a "
            "joint return such as 314 / 318",
        ),
        (
            _csv(HEADER, "2025,National,,,,,1,1,1,1,1", "2025,National,,,,,2,2,2,2,2"),
            "bad.csv, line 3: the same national appears twice for 2025 (first on line 2)",
        ),
        (
            _csv("time_period,geographic_level,la_name", "2025,National,"),
            "bad.csv, line 1: missing column(s) region_code, region_name, old_la_code, "
            "turnover_rate_fte, agency_rate_fte, vacancy_rate_fte, caseload_fte, "
            "absence_rate_fte: is this the DfE children's social work workforce indicators file?",
        ),
    ],
)
def test_a_bad_indicators_file_is_refused_and_nothing_changes(engine, loaded, content, expected):
    before = data_contents(engine)
    result = load_benchmarks(("bad.csv", content), engine=engine)
    assert not result.loaded
    assert str(result.problems[0]) == expected
    assert data_contents(engine) == before
    with session_scope(engine) as session:
        last = session.execute(select(ImportLog).order_by(ImportLog.id.desc())).scalars().first()
        assert (last.outcome, last.files, last.problem_count) == ("refused", "bad.csv", 1)


def test_a_bad_neighbour_file_is_refused(engine):
    content = b"old_la_code,SN_1,SN_2\n330,331,332\n"
    result = load_benchmarks(_file("indicators.csv"), ("sn.csv", content), engine=engine)
    assert not result.loaded
    assert str(result.problems[0]).startswith("sn.csv, line 1: missing column(s) sn_3, sn_4")
    bad_code = (BENCHMARKS / "neighbours.csv").read_bytes().replace(b"331,", b"33A,", 1)
    result = load_benchmarks(_file("indicators.csv"), ("sn.csv", bad_code), engine=engine)
    assert str(result.problems[0]) == "sn.csv, line 2, SN_1: expected a three-digit old LA code"
    with session_scope(engine) as session:
        assert benchmark_years(session=session) == []


def test_a_new_load_replaces_the_old_and_keeps_the_neighbour_model(engine, loaded):
    only_2025 = b"\n".join(
        line for line in (BENCHMARKS / "indicators.csv").read_bytes().split(b"\n")
        if not line.startswith(b"2024")
    )  # fmt: skip
    result = load_benchmarks(("indicators-2025.csv", only_2025), engine=engine)
    assert result.loaded and result.rows == 12
    with session_scope(engine) as session:
        assert benchmark_years(session=session) == [2025]
        assert comparison("330", 2024, session=session) is None
        held = session.execute(select(func.count()).select_from(StatisticalNeighbour)).scalar()
        assert held == 8  # 6 for Birmingham, 2 for Camden: kept from the first load
        assert comparison("330", 2025, session=session).as_json() == BIRMINGHAM_2025


def test_internal_figures_are_our_metrics_at_30_september(engine):
    """Worked by hand on tests/fixtures/small_org at 2024-09-30. In post: S01 1, S02 0.5,
    S04 0.8, S05 1, S08 1, S12 1, S13 0.6 permanent (5.9 FTE); S03 1, S09 1, S10 0.5 agency
    (2.5 FTE)."""
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine).loaded
    with session_scope(engine) as session:
        ours = internal_figures(2024, Scope(), session=session)
        before_our_data = internal_figures(2019, Scope(), session=session)
    assert ours.as_at == date(2024, 9, 30)
    assert ours.values == {
        # Permanent leavers in (2023-09-30, 2024-09-30]: S07 (1 FTE, 2024-03-31). 1 / 5.9
        "turnover_rate_fte": 16.9,
        # 2.5 / (2.5 + 5.9) = 29.76
        "agency_rate_fte": 29.8,
        # The first vacancies rows are dated 2024-12-31 and 2025: 0 / 5.9
        "vacancy_rate_fte": 0.0,
        # The first caseload snapshot is 2025-02-28: none on or before the date.
        "caseload_fte": None,
        "absence_rate_fte": None,  # we hold no sickness data
    }
    assert before_our_data.values is None


def test_cli_import_benchmarks_and_benchmarks_json(database_url):
    loaded = run_cli(
        database_url,
        "import-benchmarks",
        str(BENCHMARKS / "indicators.csv"),
        "--neighbours",
        str(BENCHMARKS / "neighbours.csv"),
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 16 published rows (2024 to 2025, 8 authorities)" in loaded.stdout
    shown = run_cli(database_url, "benchmarks", "--la", "330", "--year", "2025", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == BIRMINGHAM_2025
    missing = run_cli(database_url, "benchmarks", "--la", "330", "--year", "2019")
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "error: no published figures for 2019; years held: 2024 to 2025"
    )
    unknown = run_cli(database_url, "benchmarks", "--la", "999", "--year", "2025")
    assert unknown.stderr.strip() == (
        "error: no authority with old LA code 999 in the published file"
    )
    refused = run_cli(database_url, "import-benchmarks", str(BENCHMARKS / "census_return.xml"))
    assert refused.returncode == 1
    assert "census_return.xml: expected a .csv file, as DfE publishes it" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not present")
def test_the_real_published_files(engine):
    indicators = SHARED_DATA / "csww_indicators_2017_to_2025.csv"
    model = SHARED_DATA / "sn_model_2025_wide.csv"
    result = load_benchmarks(
        (indicators.name, indicators.read_bytes()), (model.name, model.read_bytes()), engine=engine
    )
    assert result.loaded, result.problems[:5]
    assert result.rows == 1463 and result.years == (2017, 2025)
    with session_scope(engine) as session:
        birmingham = comparison("330", 2025, session=session)
        birmingham_2024 = comparison("330", 2024, session=session)
        richmond = comparison("318", 2025, session=session)
        assert len(neighbours("330", session=session)) == 10
    names = ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "caseload_fte",
             "absence_rate_fte")  # fmt: skip
    england = [birmingham.indicators[name].england.value for name in names]
    assert england == [11.8, 13.0, 14.2, 15.2, 3.5]
    assert [birmingham.indicators[name].la.value for name in names] == [8.5, 12.4, 17.1, 15.2, 3.7]
    assert birmingham.region_name == "West Midlands"
    for name in ("agency_rate_fte", "caseload_fte"):
        assert birmingham_2024.indicators[name].la.status == "u"
        assert birmingham_2024.indicators[name].la.value is None
    assert richmond.region_name == "Outer London"
    assert richmond.joint_return == "Kingston upon Thames / Richmond upon Thames"
