"""The quarterly return on agency child and family social workers that DfE's agency rules
require of every council: one row per assignment active on any day of the calendar quarter,
each rule's outcome, the price-cap breaches and their sign-off, the three months' cost and the
assignments per agency. It holds SWE numbers and pay rates: the dashboard offers it only to
administrators and data officers, and every production is in the access log.

Which of DfE's data items each part answers (the guidance's data section):
- role type: `role_category` (DfE's five categories);
- hourly pay rate: `hourly_pay_rate`; start and end dates: `start_date`, `end_date`;
- the worker's Social Work England registration number: `swe_number`;
- part of a project team or packaged model: `project_team`;
- compliance with each rule and the reasons for non-compliance: `experience`, `cooling_off`,
  `price_cap`, `references`, `notice` per assignment, counted per outcome in `rules`;
- price-cap breaches and whether they were signed off: `breach_signed_off`, `cap_breaches`;
- agencies whose conduct affected compliance: `by_agency` (assignments, and how many were not
  compliant with every rule);
- the total monthly cost of the agency workforce: `monthly_cost`.
DfE's own template, where a council has it, asks the same items in its own layout and words
(for example the role type as a label rather than a code, and reasons as free text); copy the
columns across. The template itself is not public, so this return follows the guidance.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from data_access.access.grants import PRODUCE_AGENCY_RETURN, log_access
from data_access.agency.figures import (
    AssignmentColumns,
    agency_context,
    assignments_between,
    judgements,
)
from data_access.core.dates import add_months, month_end
from data_access.core.scope import Scope
from data_access.core.text import inert
from data_access.indicators.agency_rules import RULES, Outcome

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2026-Q3` (July to September 2026)."""
        found = _QUARTER.fullmatch(text.strip().upper())
        if found is None:
            raise ValueError(f'expected a quarter such as 2026-Q3; found "{text}"')
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def latest_ended(cls, day: date) -> Quarter:
        """The latest quarter over by `day` (its last day on or before it)."""
        quarter = cls.containing(day)
        return quarter if quarter.last_day <= day else quarter.back(1)

    def back(self, quarters: int) -> Quarter:
        """The quarter `quarters` before this one."""
        index = self.year * 4 + self.number - 1 - quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def month_ends(self) -> list[date]:
        return [month_end(add_months(self.first_day, offset)) for offset in range(3)]

    @property
    def last_day(self) -> date:
        return self.month_ends[-1]

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


#: What each part of the return answers among the data items of DfE's guidance.
DFE_ITEMS = {
    "role_category": "Role type (DfE's five categories)",
    "swe_number": "Social Work England registration number",
    "hourly_pay_rate": "Hourly pay rate",
    "start_date": "Start date",
    "end_date": "End date (blank: continuing)",
    "project_team": "Part of a project team or packaged model",
    "experience, cooling_off, price_cap, references, notice": (
        "Compliance with each rule: compliant, not_compliant, not_recorded (the evidence is "
        "blank; the reason for non-compliance to record), no_cap_set"
    ),
    "breach_signed_off, Cap breaches": (
        "Price-cap breaches and whether the Director of Children's Services and the Chief "
        "Executive signed them off"
    ),
    "By agency": "Agencies, and how many of their assignments did not comply with every rule",
    "Monthly cost": "Total monthly cost of the agency workforce",
}

ASSIGNMENT_COLUMNS = (
    "assignment_id",
    "role_category",
    "swe_number",
    "hourly_pay_rate",
    "start_date",
    "end_date",
    "project_team",
    *RULES,
    "breach_signed_off",
)


def quarterly_return(quarter: Quarter, *, session: Session) -> dict[str, Any]:
    """The return for `quarter`, for the whole organisation, as one JSON-ready object."""
    records = assignments_between(quarter.first_day, quarter.last_day, Scope(), session=session)
    judged = judgements(records, agency_context(session=session))
    columns = AssignmentColumns.of(records)
    rows = [
        {
            "assignment_id": record.assignment.assignment_id,
            "role_category": record.assignment.role_category,
            "swe_number": record.swe_number,
            "hourly_pay_rate": record.hourly_pay_rate,
            "start_date": record.assignment.start_date.isoformat(),
            "end_date": (
                record.assignment.end_date.isoformat() if record.assignment.end_date else None
            ),
            "project_team": record.project_team,
            **{rule: str(getattr(judgement, rule)) for rule in RULES},
            "breach_signed_off": judgement.breach_signed_off,
        }
        for record, judgement in judged
    ]
    rules = {
        rule: {
            str(outcome): sum(getattr(judgement, rule) is outcome for _, judgement in judged)
            for outcome in Outcome
            if rule == "price_cap" or outcome is not Outcome.NO_CAP_SET
        }
        for rule in RULES
    }
    agencies = Counter(record.agency for record, _ in judged)
    not_compliant = Counter(
        record.agency for record, judgement in judged if not judgement.compliant
    )
    return {
        "quarter": str(quarter),
        "assignments": rows,
        "rules": rules,
        "cap_breaches": {
            "signed_off": sum(judgement.breach_signed_off is True for _, judgement in judged),
            "not_signed_off": sum(judgement.breach_signed_off is False for _, judgement in judged),
        },
        "monthly_cost": {
            f"{end:%Y-%m}": round(float(columns.costs(end).sum()), 2) for end in quarter.month_ends
        },
        "by_agency": {
            agency: {"assignments": count, "not_compliant": not_compliant[agency]}
            for agency, count in sorted(agencies.items())
        },
    }


def return_workbook(data: dict[str, Any]) -> bytes:
    """The return as an Excel workbook: one sheet per part (text from data made inert)."""
    # Imported here, not at the top: openpyxl takes half a second to import, and every other
    # command of the command line starts without it.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assignments"
    sheet.append(list(ASSIGNMENT_COLUMNS))
    for row in data["assignments"]:
        sheet.append([inert(row[column]) for column in ASSIGNMENT_COLUMNS])
    rules = book.create_sheet("Rules")
    outcomes = [str(outcome) for outcome in Outcome]
    rules.append(["rule", *outcomes])
    for rule, counts in data["rules"].items():
        rules.append([rule, *(counts.get(outcome, "") for outcome in outcomes)])
    breaches = book.create_sheet("Cap breaches")
    breaches.append(["signed_off", "not_signed_off"])
    breaches.append([data["cap_breaches"]["signed_off"], data["cap_breaches"]["not_signed_off"]])
    cost = book.create_sheet("Monthly cost")
    cost.append(["month", "cost"])
    for month, amount in data["monthly_cost"].items():
        cost.append([month, amount])
    agencies = book.create_sheet("By agency")
    agencies.append(["agency", "assignments", "not_compliant"])
    for agency, counts in data["by_agency"].items():
        agencies.append([inert(agency), counts["assignments"], counts["not_compliant"]])
    about = book.create_sheet("About")
    about.append([f"Agency child and family social workers: the return for {data['quarter']}"])
    about.append([])
    about.append(["Column or sheet", "DfE's data item"])
    for column, item in DFE_ITEMS.items():
        about.append([column, item])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def produce_return(quarter: Quarter, *, by: str, via: str, session: Session) -> dict[str, Any]:
    """The return for `quarter`, its production written in the access log (who, the quarter,
    how many assignments, and `via`: the command line or the dashboard)."""
    data = quarterly_return(quarter, session=session)
    log_access(
        by,
        PRODUCE_AGENCY_RETURN,
        "whole organisation",
        f"{quarter}, {len(data['assignments'])} assignments, {via}",
        session=session,
    )
    return data
