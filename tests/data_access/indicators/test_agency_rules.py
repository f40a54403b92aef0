"""DfE's agency rules for one assignment and its monthly cost, against cases worked out by hand
(data_access/indicators/agency_rules.py).

Our authority is 330 (Birmingham, West Midlands); 331 is in the West Midlands too, 202 in Inner
London, 314 in Outer London (the rules count both as London); 999 is in no region we know.
Social workers' cap is 40.00 from 31/10/2024 and 42.50 from 01/04/2025; team managers' 55.00
from 31/10/2024; no cap is set for IRO / conference chairs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from data_access.indicators.agency_rules import (
    Assignment,
    Context,
    Outcome,
    is_active,
    judge,
    month_cost,
    weekdays_active,
)

COMPLIANT, NOT_COMPLIANT = Outcome.COMPLIANT, Outcome.NOT_COMPLIANT
NOT_RECORDED, NO_CAP_SET = Outcome.NOT_RECORDED, Outcome.NO_CAP_SET

REGIONS = {
    "330": "West Midlands",
    "331": "West Midlands",
    "202": "Inner London",
    "314": "Outer London",
}
CAPS = {
    "social_worker": [(date(2025, 4, 1), 42.50), (date(2024, 10, 31), 40.00)],
    "team_manager": [(date(2024, 10, 31), 55.00)],
}
CONTEXT = Context(our_la_code="330", regions=REGIONS, caps=CAPS)
NO_REGIONS = replace(CONTEXT, regions={})
NOT_CHOSEN = replace(CONTEXT, our_la_code=None)

#: Compliant with all five: 6 years' experience, no earlier post, 38.95 <= 40.00 (the cap at
#: 10/03/2025), 2 references, 4 weeks' notice.
GOOD = Assignment(
    assignment_id="AS1",
    role_category="social_worker",
    start_date=date(2025, 3, 10),
    end_date=None,
    hours_per_week=37,
    hourly_capped_cost=38.95,
    hourly_charge_rate=46.20,
    pqe_years=6,
    references_received=2,
    notice_weeks=4,
)


def test_an_assignment_meeting_every_rule_is_compliant():
    judgement = judge(GOOD, CONTEXT)
    assert [judgement.experience, judgement.cooling_off, judgement.price_cap] == [COMPLIANT] * 3
    assert [judgement.references, judgement.notice] == [COMPLIANT] * 2
    assert judgement.compliant and judgement.cap == 40.00 and judgement.breach_signed_off is None


@pytest.mark.parametrize(
    ("years", "outcome"), [(3, COMPLIANT), (2.9, NOT_COMPLIANT), (None, NOT_RECORDED)]
)
def test_experience(years, outcome):
    judgement = judge(GOOD._replace(pqe_years=years), CONTEXT)
    assert judgement.experience is outcome
    assert judgement.compliant is (outcome is COMPLIANT)


@pytest.mark.parametrize(
    ("code", "ended", "exception", "start", "context", "outcome"),
    [
        # Our own council: left 10/01/2025, + 3 months = 10/04/2025, not after S = 10/04/2025.
        ("330", date(2025, 1, 10), None, date(2025, 4, 10), CONTEXT, COMPLIANT),
        # Left a day later: 11/04/2025 is after S.
        ("330", date(2025, 1, 11), None, date(2025, 4, 10), CONTEXT, NOT_COMPLIANT),
        # Another council of our region, 01/03/2025 + 3 months = 01/06/2025, after 01/04/2025.
        ("331", date(2025, 3, 1), None, date(2025, 4, 1), CONTEXT, NOT_COMPLIANT),
        ("331", date(2025, 3, 1), "redundancy", date(2025, 4, 1), CONTEXT, COMPLIANT),
        # Another region: no wait.
        ("202", date(2025, 3, 1), None, date(2025, 4, 1), CONTEXT, COMPLIANT),
        # Inner and Outer London are one region, London.
        (
            "314",
            date(2025, 3, 1),
            None,
            date(2025, 4, 1),
            replace(CONTEXT, our_la_code="202"),
            NOT_COMPLIANT,
        ),
        # A code in no known region, or no regions loaded: cannot be judged.
        ("999", date(2025, 3, 1), None, date(2025, 4, 1), CONTEXT, NOT_RECORDED),
        ("331", date(2025, 3, 1), None, date(2025, 4, 1), NO_REGIONS, NOT_RECORDED),
        # ... but our own code needs no region.
        ("330", date(2025, 3, 1), None, date(2025, 4, 1), NO_REGIONS, NOT_COMPLIANT),
        # Our authority not chosen.
        ("330", date(2025, 3, 1), None, date(2025, 4, 1), NOT_CHOSEN, NOT_RECORDED),
        # In our region with no end date recorded.
        ("331", None, None, date(2025, 4, 1), CONTEXT, NOT_RECORDED),
        # No earlier substantive post.
        (None, None, None, date(2025, 4, 1), CONTEXT, COMPLIANT),
    ],
)  # fmt: skip
def test_no_return_within_3_months(code, ended, exception, start, context, outcome):
    assignment = GOOD._replace(
        start_date=start,
        last_permanent_la_code=code,
        last_permanent_end_date=ended,
        cooling_off_exception=exception,
    )
    assert judge(assignment, context).cooling_off is outcome


def test_the_no_return_rule_says_why_it_cannot_be_judged():
    unknown = GOOD._replace(last_permanent_la_code="999", last_permanent_end_date=date(2025, 1, 1))
    assert judge(unknown, CONTEXT).cooling_off_reason == (
        "the region of 999 is not known: load DfE's published indicators file"
    )
    assert judge(unknown, NOT_CHOSEN).cooling_off_reason == (
        "our authority is not chosen (settings: our-authority)"
    )


@pytest.mark.parametrize(
    ("category", "start", "capped", "dcs", "ceo", "outcome", "signed_off", "cap"),
    [
        # At the cap in force on S (40.00 until 31/03/2025).
        ("social_worker", date(2025, 3, 31), 40.00, None, None, COMPLIANT, None, 40.00),
        # From 01/04/2025 the cap is 42.50: 42.51 is over it, with no sign-off.
        ("social_worker", date(2025, 4, 1), 42.51, None, None, NOT_COMPLIANT, False, 42.50),
        # Both sign-offs on or before S: the breach is allowed.
        ("social_worker", date(2025, 4, 1), 42.51, date(2025, 3, 20), date(2025, 4, 1),
         COMPLIANT, True, 42.50),
        # The Chief Executive signed a day after S; or only the Director signed.
        ("social_worker", date(2025, 4, 1), 42.51, date(2025, 3, 20), date(2025, 4, 2),
         NOT_COMPLIANT, False, 42.50),
        ("social_worker", date(2025, 4, 1), 42.51, date(2025, 3, 20), None,
         NOT_COMPLIANT, False, 42.50),
        ("team_manager", date(2025, 4, 1), 55.00, None, None, COMPLIANT, None, 55.00),
        # No cap for the category, or none yet on S.
        ("iro_conference_chair", date(2025, 4, 1), 60.00, None, None, NO_CAP_SET, None, None),
        ("social_worker", date(2024, 10, 30), 39.00, None, None, NO_CAP_SET, None, None),
    ],
)  # fmt: skip
def test_price_cap(category, start, capped, dcs, ceo, outcome, signed_off, cap):
    assignment = GOOD._replace(
        role_category=category,
        start_date=start,
        hourly_capped_cost=capped,
        cap_breach_dcs_signoff_date=dcs,
        cap_breach_ceo_signoff_date=ceo,
    )
    judgement = judge(assignment, CONTEXT)
    assert (judgement.price_cap, judgement.breach_signed_off, judgement.cap) == (
        outcome,
        signed_off,
        cap,
    )


@pytest.mark.parametrize(
    ("references", "outcome"), [(2, COMPLIANT), (1, NOT_COMPLIANT), (None, NOT_RECORDED)]
)
def test_references(references, outcome):
    assert judge(GOOD._replace(references_received=references), CONTEXT).references is outcome


@pytest.mark.parametrize(
    ("weeks", "minimum", "outcome"),
    [(4, 4, COMPLIANT), (3, 4, NOT_COMPLIANT), (None, 4, NOT_RECORDED), (4, 6, NOT_COMPLIANT)],
)
def test_notice_against_the_organisation_s_minimum(weeks, minimum, outcome):
    context = replace(CONTEXT, min_notice_weeks=minimum)
    assert judge(GOOD._replace(notice_weeks=weeks), context).notice is outcome


def test_active_on_a_day():
    ended = GOOD._replace(end_date=date(2025, 3, 31))
    assert not is_active(GOOD, date(2025, 3, 9)) and is_active(GOOD, date(2025, 3, 10))
    assert is_active(ended, date(2025, 3, 31)) and not is_active(ended, date(2025, 4, 1))


@pytest.mark.parametrize(
    ("start", "end", "month_end", "weekdays", "cost"),
    [
        # March 2025 (1 March a Saturday): 3-7, 10-14, 17-21, 24-28 and 31: 21 weekdays.
        # 46.20 x 37 = 1,709.40 a week; x 21 / 5 = 7,179.48.
        (date(2025, 1, 6), None, date(2025, 3, 31), 21, 7179.48),
        # From Monday 17 March: 17-21, 24-28, 31 = 11; 1,709.40 x 11 / 5 = 3,760.68.
        (date(2025, 3, 17), None, date(2025, 3, 31), 11, 3760.68),
        # To Wednesday 5 March: 3, 4, 5 = 3; 1,709.40 x 3 / 5 = 1,025.64.
        (date(2025, 1, 6), date(2025, 3, 5), date(2025, 3, 31), 3, 1025.64),
        # A weekend only.
        (date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 31), 0, 0.0),
        # Ended before the month, or starting after it.
        (date(2025, 1, 6), date(2025, 2, 28), date(2025, 3, 31), 0, 0.0),
        (date(2025, 4, 1), None, date(2025, 3, 31), 0, 0.0),
        # February 2024, a leap year (1 February a Thursday): 1-2, 5-9, 12-16, 19-23, 26-29 =
        # 21 weekdays.
        (date(2023, 1, 2), None, date(2024, 2, 29), 21, 7179.48),
    ],
)
def test_a_month_s_cost_counts_the_weekdays_active(start, end, month_end, weekdays, cost):
    assignment = GOOD._replace(start_date=start, end_date=end)
    first = month_end.replace(day=1)
    assert weekdays_active(assignment, first, month_end) == weekdays
    assert round(month_cost(assignment, month_end), 2) == cost
