"""Our CSWW census return: figures computed from the hand-made return in
tests/fixtures/benchmarks/census_return.xml (reference date 30/09/2026, LEA 330).

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
  Absence 10 / (3.1 x 253) = 1.275% -> 1.3.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from support.cli import run_cli
from support.org import BENCHMARKS

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
}


def test_figures_from_the_hand_made_return():
    census = read_census(RETURN.name, RETURN.read_bytes())
    assert census.problems == []
    assert compute_census_figures(census).as_json() == EXPECTED


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
    minimal = b"""<Message><Header><CollectionDetails><Year>2026</Year></CollectionDetails>
    <Source><LEA>330</LEA></Source></Header>
    <CSWWWorker><AgencyWorker>0</AgencyWorker></CSWWWorker></Message>"""
    census = read_census("minimal.xml", minimal)
    assert census.problems == []
    figures = compute_census_figures(census)
    assert figures.reference_date == date(2026, 9, 30)
    assert (figures.inpost_headcount, figures.inpost_fte) == (1, 0.0)
    assert figures.turnover_rate_fte is None and figures.vacancy_rate_fte is None
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
            "bad.xml, LALevelVacancies NumberOfVacancies: not a number",
        ),
        (
            "<Collection>CSWW</Collection>",
            "<Collection>School Census</Collection>",
            "bad.xml, Header Collection: expected CSWW (this is another collection)",
        ),
        (
            "</CSWWWorker>\n</Message>",
            "</CSWWWorker>\n</Mesage>",
            "bad.xml, line 77: not well-formed XML (column 2): mismatched tag",
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


def test_a_return_with_its_parts_in_another_order_reads_the_same():
    # Read as a stream: workers before the header wait for its reference date; problems are
    # listed header first, then the LA-level block, then the workers, whatever the order.
    content = RETURN.read_text()
    header = content[content.index("<Header>") : content.index("</Header>") + 9]
    block = content[content.index("<LALevelVacancies>") : content.index("</LALevelVacancies>")]
    block += "</LALevelVacancies>"
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
        "moved.xml, LALevelVacancies NumberOfVacancies: not a number",
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
    return (
        b"<Message><Header><CollectionDetails><Year>2026</Year></CollectionDetails><Source>"
        b"<LEA>330</LEA></Source></Header>"
        + (b"<CSWWWorker>" + worker + b"</CSWWWorker>") * count
        + b"</Message>"
    )


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
