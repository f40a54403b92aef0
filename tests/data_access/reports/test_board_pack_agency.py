"""The board pack's agency section on the hand-worked agency organisation (tests/support/agency.py):
its figures and trends against the values worked out by hand, the budget's line in the whole
organisation's pack only, the sentence when there is no assignment, the PDF (the section
and its definitions, no SWE number or name), and its commentary."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, date, datetime

import pytest
from support.agency import RETURN_2025_Q1_COST, D
from support.charts import dashed_lines
from support.pdf import chart_alternatives, pdf_text

from data_access.access.grants import Grant
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators.agency_rules import MIN_PQE_YEARS, MIN_REFERENCES
from data_access.indicators.policy import DEFAULT_POLICY
from data_access.ingest.importer import import_files
from data_access.reports.board_pack import (
    BoardPack,
    NoPack,
    PackFront,
    assemble_board_pack,
    pack_front,
)
from data_access.reports.commentary import save_commentary
from data_access.reports.pdf import agency_charts, agency_view, board_pack_pdf
from data_access.settings import change_agency_min_notice_weeks, change_agency_monthly_budget

#: What the agency organisation lacks for a pack: a dated record (a pack's months run over the
#: dated records; vacancies from January 2023 to March 2025), and people enough in South (T2)
#: for its figures to be shown beside North's: with Pia and Pru, T2 holds 3 at D (A3 among
#: them) and the organisation 3 at 30/11/2023. Neither changes an agency figure.
PACK_FILES = {
    "staff.csv": (
        b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
        b"P2,Pia,social_worker,permanent,1,T2,2020-01-01\n"
        b"P3,Pru,social_worker,permanent,1,T2,2020-01-01\n"
    ),
    "vacancies.csv": b"team_id,as_at,vacant_fte\nT1,2023-01-31,0\nT1,2025-03-31,1\n",
}
#: The workers' names and Social Work England numbers, none of which the pack may hold.
NAMES = ("Pat", "Ann", "Abe", "Ada", "Pia", "Pru")
SWE_NUMBERS = ("SW1", "SW2", "SW3")
LEADER = Grant("dcs@council.example", "leader")
#: The commentary boxes of the agency organisation's packs: no published figures are loaded, so
#: none has a national comparison to comment on.
THEME_SECTIONS = {
    "summary": "Summary",
    "stability": "Workforce stability",
    "supervision": "Supervision",
    "caseloads": "Caseloads",
}


@pytest.fixture
def pack_org(agency_org):
    result = import_files(PACK_FILES, engine=agency_org, source="test")
    assert result.loaded, [str(problem) for problem in result.problems]
    return agency_org


def pack(engine, scope: Scope | None = None, as_at: date = D) -> BoardPack:
    with session_scope(engine) as session:
        return assemble_board_pack(
            as_at,
            scope or Scope(),
            DEFAULT_POLICY,
            session=session,
            produced_by="test",
            produced_at=datetime(2025, 4, 5, tzinfo=UTC),
        )


def pdf_of(engine, as_at: date = D) -> bytes:
    with session_scope(engine) as session:
        return board_pack_pdf(as_at, Scope(), session=session, produced_by="test")


def set_budget(engine, pounds: int | None) -> None:
    with session_scope(engine) as session:
        change_agency_monthly_budget(pounds, session=session, by="test")


def write_commentary(engine, text: str, scope: Scope | None = None, as_at: date = D) -> None:
    with session_scope(engine) as session:
        save_commentary(as_at, scope or Scope(), "agency", text, session=session, grant=LEADER)


def test_the_section_carries_the_hand_worked_figures(pack_org):
    found = pack(pack_org)
    section = found.agency
    assert section.held
    # At D (tests/support/agency.py): AS1, AS2 and AS3 active; March's cost 19,689.48; AS1
    # alone meets every rule; AS2 over its cap unsigned; AS3 running since 01/12/2023; AS2
    # ending on 18/04/2025.
    figures = section.figures
    assert (
        figures.agency_assignments_active,
        figures.agency_cost_month,
        figures.agency_compliant_share,
        figures.agency_cap_breaches_unsigned,
        figures.running_over_12_months,
        figures.ending_within_4_weeks,
    ) == (3, 19689.48, 33.3, 1, 1, 1)
    # Each rule, of the 3: experience AS3 not recorded; no return AS3 not compliant; price cap
    # AS2 not compliant, AS3 no cap set (started before the caps); references AS3 (1 of 2);
    # notice AS3 not recorded.
    assert [
        (rule.name, rule.share, rule.not_compliant, rule.not_recorded, rule.no_cap_set)
        for rule in section.rules
    ] == [
        ("3 years' post-qualifying experience", 66.7, 0, 1, 0),
        ("No return within 3 months", 66.7, 1, 0, 0),
        ("Within the price cap", 33.3, 1, 0, 1),
        ("2 practice-based references", 66.7, 1, 0, 0),
        ("Notice period", 66.7, 0, 1, 0),
    ]
    # The same 24 months as every other trend in the pack: April 2023 to D.
    months = [month.month for month in section.trend]
    assert months == [month for month, _ in found.figures[0].history]
    assert (len(months), months[0], months[-1]) == (24, date(2023, 4, 30), D)
    trend = {month.month: month for month in section.trend}
    # Nothing before AS3 starts on Friday 01/12/2023; December 2023 has 21 weekdays (1 December
    # and four whole weeks), so AS3 alone costs 41.00 x 30 x 21 / 5 = 5,166.00. The first
    # quarter of 2025 is worked out in tests/support/agency.py.
    assert [trend[month].cost for month in (date(2023, 11, 30), date(2023, 12, 31))] == [
        0.0,
        5166.0,
    ]
    assert [trend[date(2025, 1, 31)].cost, trend[date(2025, 2, 28)].cost, trend[D].cost] == [
        RETURN_2025_Q1_COST["2025-01"],
        RETURN_2025_Q1_COST["2025-02"],
        RETURN_2025_Q1_COST["2025-03"],
    ]
    # Meeting every rule: none active at 30/11/2023 (no share); at 31/12/2024 AS3 and AS4 (no
    # cap set: it started on 03/06/2024, before the caps), neither; at 31/01/2025 and
    # 28/02/2025 AS1 and AS3 (AS4 ended on 03/01/2025), AS1 alone; at D 1 of 3.
    assert [
        trend[month].compliant_share
        for month in (
            date(2023, 11, 30),
            date(2024, 12, 31),
            date(2025, 1, 31),
            date(2025, 2, 28),
            D,
        )
    ] == [None, 0.0, 50.0, 50.0, 33.3]
    assert section.budget is None  # none set


def test_the_budget_line_is_in_the_whole_organisation_s_pack_only(pack_org):
    def budget_lines(found: BoardPack) -> list[dict]:
        # to_dict checks each specification against the Vega-Lite schema (the PDF does not).
        cost, _ = (chart.to_dict() for chart in agency_charts(found.agency))
        return dashed_lines(cost)

    assert budget_lines(pack(pack_org)) == []  # no budget set
    set_budget(pack_org, 20000)
    whole = pack(pack_org)
    assert whole.agency.budget == 20000
    assert budget_lines(whole) == [(20000, "budget")]
    view = agency_view(whole)
    assert view["figures"][1] == {
        "label": "Agency cost in the month",
        "value": "£19,689",
        "note": "monthly budget £20,000",
    }
    assert view["cost_note"] == (
        "The cost of each calendar month, against the monthly budget £20,000 (dashed)"
    )
    # An area's pack: the budget is the whole organisation's, so it is not the area's. North
    # (T1) has only AS1 and AS2 active at D: fewer than 3, so a pack, which is read by people
    # who may see no names, suppresses its agency figures: one sentence, no chart.
    north = pack(pack_org, Scope(area="North"))
    assert north.agency.budget is None
    assert (north.agency.suppressed, north.agency.held) == (True, False)
    assert agency_view(north) == {
        "held": False,
        "none": "The agency figures for North area are suppressed (c): a team in it has fewer "
        "than 3 agency assignments active on 31/03/2025, and its figures would be one or two "
        "people's.",
    }
    assert "agency" not in north.commentary_sections


def test_a_scope_with_no_assignment_in_the_trend_months_says_so_in_one_sentence(pack_org):
    # The 24 months to 30/11/2023 end the day before AS3, the first assignment, starts.
    # Commentary on agency social workers saved for that month (by a script: the page does
    # not offer the box) is neither offered nor shown: the section is one sentence.
    write_commentary(pack_org, "Nothing to say on agency.", as_at=date(2023, 11, 30))
    found = pack(pack_org, as_at=date(2023, 11, 30))
    assert not found.agency.held
    assert found.commentary_sections == THEME_SECTIONS
    assert agency_view(found) == {
        "held": False,
        "none": "No agency assignment is recorded for the whole organisation in the 24 months "
        "to 30/11/2023.",
    }
    text = pdf_text(pdf_of(pack_org, as_at=date(2023, 11, 30)))
    section = text[text.rindex("Agency social workers") :]
    assert section.startswith(
        "Agency social workers No agency assignment is recorded for the whole organisation in "
        "the 24 months to 30/11/2023. National comparison"
    )
    for chart in ("Agency cost by month", "Figure or rule"):  # no charts, no definitions
        assert chart not in text
    assert "Nothing to say on agency." not in text
    assert "No commentary has been written on agency social workers" not in text


def test_the_pdf_shows_the_section_and_no_swe_number_or_name(pack_org):
    set_budget(pack_org, 20000)
    pdf = pdf_of(pack_org)
    text = pdf_text(pdf)
    # Typst sets the template's own apostrophes curly; text from data is shown as typed.
    start = text.index("Agency social workers Agency social workers’ assignments")
    section = text[start : text.index("National comparison", start)]
    for shown in (
        "3 Agency assignments active",
        "£19,689 Agency cost in the month (monthly budget £20,000)",
        "33.3% Agency assignments meeting every rule",
        "1 Price-cap breaches without sign-off",
        "1 Running more than 12 months",
        "1 Ending within 4 weeks",
        "Agency cost by month The cost of each calendar month, against the monthly budget "
        "£20,000 (dashed)",
        "Each rule as at 31/03/2025 Of the 3 assignments active at the month end",
        "Rule Meeting it Not met Not recorded No cap set "
        "3 years' post-qualifying experience 66.7% 0 1 0 "
        "No return within 3 months 66.7% 1 0 0 "
        "Within the price cap 33.3% 1 0 1 "
        "2 practice-based references 66.7% 1 0 0 "
        "Notice period 66.7% 0 1 0",
    ):
        assert shown in section, shown
    # The definitions, in words, with the rules' numbers.
    appendix = text[text.rindex("Appendix: definitions and data notes") :]
    for words in (
        "Figure or rule What it means Agency assignments active The agency assignments",
        "At least 3 years' post-qualifying experience in child and family social work",
        "ended less than 3 months before the assignment started",
        "At least 2 practice-based references received.",
        "A notice period of at least 4 weeks (the organisation's minimum, DfE's default).",
        "Running more than 12 months Assignments active at the month end that started more "
        "than 12 months before it.",
        "Ending within 4 weeks Assignments active at the month end whose end date is after it "
        "and no more than 4 weeks after it.",
    ):
        assert words in appendix, words
    # Each chart has its alternative: from the first month to D (the cost rising from £0 to
    # March's 19,689.48, the highest), and the share from December 2023, the first month with
    # an assignment active at its end (AS3, meeting no rule), to D's 1 of 3.
    alternatives = chart_alternatives(pdf)
    assert (
        "Agency cost by month from April 2023 to March 2025: £0 to £19,689, rising; the highest "
        "£19,689 in March 2025; the monthly budget £20,000 is a dashed line." in alternatives
    )
    assert (
        "Agency assignments meeting every rule from December 2023 to March 2025: 0.0% to 33.3%, "
        "rising." in alternatives
    )
    for secret in (*NAMES, *SWE_NUMBERS):
        assert not re.search(rf"\b{secret}\b", text), secret


def test_the_definitions_name_every_figure_and_rule_in_words(pack_org):
    view = agency_view(pack(pack_org))
    definitions = {row["label"]: row["words"] for row in view["definitions"]}
    shown = [item["label"] for item in view["figures"]] + [rule["name"] for rule in view["rules"]]
    assert set(shown) <= set(definitions)
    code = re.compile(r"_|\(D|D\]|D -|<=|>=|x 100| / |\bS\b|\bD\b")
    for label, words in definitions.items():
        assert not code.search(words), (label, words)
    assert definitions["3 years' post-qualifying experience"].startswith(
        f"At least {MIN_PQE_YEARS} years'"
    )
    assert definitions["2 practice-based references"].startswith(f"At least {MIN_REFERENCES} ")
    # The organisation's own minimum notice, once chosen.
    with session_scope(pack_org) as session:
        change_agency_min_notice_weeks(6, session=session, by="test")
    definitions = {row["label"]: row["words"] for row in agency_view(pack(pack_org))["definitions"]}
    assert definitions["Notice period"] == (
        "A notice period of at least 6 weeks (the organisation's minimum). Not recorded when "
        "left blank."
    )


def test_the_agency_commentary_is_offered_and_shown_in_the_agency_section(pack_org):
    # At D the organisation has 3 assignments: its pack offers a box for agency social
    # workers, after caseloads. Each area's (North 2, South 1) are suppressed: no box.
    assert pack(pack_org).commentary_sections == {
        **THEME_SECTIONS,
        "agency": "Agency social workers",
    }
    for scope in (Scope(area="North"), Scope(area="South")):
        assert pack(pack_org, scope).commentary_sections == THEME_SECTIONS, scope
    # None written yet: the section says so, under its heading and before its figures.
    text = pdf_text(pdf_of(pack_org))
    start = text.index("Agency social workers Agency social workers’ assignments")
    section = text[start : text.index("National comparison", start)]
    assert (
        "the appendix defines each figure. No commentary has been written on agency social "
        "workers for this month. 3 Agency assignments active" in section
    )
    # The whole organisation's commentary is in its agency section, shown as typed; North's
    # (another scope) and last month's are not.
    write_commentary(pack_org, "Agency spend <b>rose</b> in March: #two starters.")
    write_commentary(pack_org, "North only.", Scope(area="North"))
    write_commentary(pack_org, "February's words.", as_at=date(2025, 2, 28))
    text = pdf_text(pdf_of(pack_org))
    start = text.index("Agency social workers Agency social workers’ assignments")
    section = text[start : text.index("National comparison", start)]
    assert (
        "the appendix defines each figure. Commentary. Agency spend <b>rose</b> in March: "
        "#two starters. Written by dcs@council.example, " in section
    )
    assert "3 Agency assignments active" in section[section.index("Written by") :]
    assert "No commentary has been written on agency social workers" not in text
    assert "North only." not in text
    # February's is earlier commentary, under the section's name.
    earlier = text[text.rindex("Earlier commentary") :]
    assert earlier.startswith(
        "Earlier commentary Agency social workers, February 2025 February's words. "
        "(dcs@council.example)"
    )


def test_a_long_agency_commentary_is_shown_whole_with_the_section_after_it(pack_org):
    # The longest commentary (2000 characters) is longer than a theme's first charts may wait
    # for: it runs on from the heading, and the figures and charts follow it, all of it shown.
    longest = ("Agency use fell this quarter, and the board should know why. " * 40)[:2000]
    write_commentary(pack_org, longest)
    pdf = pdf_of(pack_org)
    text = pdf_text(pdf)
    start = text.index("Agency social workers Agency social workers’ assignments")
    section = text[start : text.index("National comparison", start)]
    assert f"Commentary. {longest.strip()} Written by dcs@council.example" in section
    assert "Agency cost by month" in section[section.index("Written by") :]


@pytest.mark.parametrize(
    ("scope", "as_at", "held"),
    [
        # 3 assignments active at D: the agency section has figures.
        (Scope(), D, True),
        # North 2 and South 1 active at D: suppressed in a pack.
        (Scope(area="North"), D, False),
        (Scope(area="South"), D, False),
        # The 24 months to 30/11/2023 end the day before AS3, the first assignment, starts.
        (Scope(), date(2023, 11, 30), False),
    ],
)
def test_the_pages_front_is_the_front_of_the_whole_pack(pack_org, scope, as_at, held):
    """The Board pack page shows `pack_front` and the PDF prints `assemble_board_pack`: the
    same scorecard, commentary boxes and commentary (saved for every section here)."""
    for section in ("summary", "agency"):
        with session_scope(pack_org) as session:
            save_commentary(as_at, scope, section, f"On {section}.", session=session, grant=LEADER)
    with session_scope(pack_org) as session:
        front = pack_front(as_at, scope, DEFAULT_POLICY, session=session)
    whole = pack(pack_org, scope, as_at)
    assert (front.agency_held, whole.agency.held) == (held, held)
    same = {item.name: getattr(whole, item.name) for item in fields(PackFront)}
    assert front == PackFront(**same)
    assert ("agency" in front.commentary_sections) is held


def test_the_front_says_why_no_pack_can_be_made_as_the_pack_does(pack_org):
    with session_scope(pack_org) as session, pytest.raises(NoPack, match="not one team"):
        pack_front(D, Scope(team_id="T1"), DEFAULT_POLICY, session=session)
    with session_scope(pack_org) as session, pytest.raises(NoPack, match="no data for May 2025"):
        pack_front(date(2025, 5, 31), Scope(), DEFAULT_POLICY, session=session)
