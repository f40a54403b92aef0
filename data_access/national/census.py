"""Our own CSWW census return (the XML an authority submits to DfE for 30 September): read it
in the layout of its year (2021 to 2023, 2024 or 2025: `LAYOUTS`), validate it, warn about what
looks wrong, and compute the figures DfE will publish for us, before submission.

The return holds a `Header` (`Collection`, `Year`, `ReferenceDate`, `LEA`), an LA-level block
(`LALevelVacancies`, or `LALevel` from 2025 with the allowances) and one `CSWWWorker` per worker
record. Any element of a worker may be missing; a missing value leaves that worker out of the
figures that need it (as DfE leaves workers without an FTE out of FTE figures). Only the
aggregate figures are stored, never the worker records.

The definitions, with DfE's counting rules (headcounts de-duplicated on SWE number, date of
birth, sex and ethnicity; agency records and FTE not de-duplicated; case holders with an FTE
above 0; 253 or 254 working days), are in docs/metrics.md ("Our census return") and in
`compute_census_figures`; the layouts and the checks in docs/data-format.md.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import statistics
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from data_access.core.dates import add_months
from data_access.core.db import session_scope
from data_access.core.models import CensusFigures, CensusReturn
from data_access.core.problems import Problem
from data_access.indicators.metrics import percentage, round_one_decimal
from data_access.ingest.history import log_import
from data_access.ingest.parsing import SWE_NUMBER
from data_access.ingest.reading import (
    MAX_FILE_BYTES,
    MAX_READ_SECONDS,
    MAX_TAG_BYTES,
    long_tag_at,
    megabytes,
    reading_clock,
    return_memory,
)
from data_access.ingest.validation import ProblemList

logger = logging.getLogger(__name__)

ORG_ROLES = {"1", "2", "3", "4", "5", "6"}
CFKSS_STATUSES = {"1", "2", "3", "4"}
#: GenderCurrent (2021 to 2023 layout): 0 not known, 1 male, 2 female, 9 not specified.
GENDER_CODES = {"0", "1", "2", "9"}
#: Sex (2024 and 2025 layouts).
SEX_CODES = {"M", "F"}
ETHNICITIES = {
    *("WBRI", "WIRI", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN"),
    *("ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"),
}

#: The 2025 layout's LA-level allowances, each 0 (not offered), 1 (all employed social
#: workers eligible) or 2 (some eligible): item -> (the figure's field, how a reader names it).
ALLOWANCES = {
    "RecruitmentBonus": ("allowance_recruitment_bonus", "Recruitment bonus"),
    "RetentionBonus": ("allowance_retention_bonus", "Retention bonus"),
    "PerformanceAward": ("allowance_performance_award", "Performance award"),
    "CarAllowance": ("allowance_car", "Car allowance"),
    "RelocationPackage": ("allowance_relocation", "Relocation package"),
    "RegionalWeighting": ("allowance_regional_weighting", "Regional weighting"),
    "CostSWE": ("allowance_swe_fee", "Social Work England registration fee paid"),
    "CostDBS": ("allowance_dbs_check", "DBS check paid"),
}
ALLOWANCE_OFFERED = {
    0: "not offered",
    1: "all employed social workers",
    2: "some employed social workers",
}
VACANCY_ITEMS = ("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount")

#: Worker items of every layout, in the layouts' order.
_WORKER_ITEMS = (
    *("AgencyWorker", "SWENo", "FTE", "PersonBirthDate", "Ethnicity", "QualLevel"),
    *("StepUpGrad", "OrgRole", "RoleStartDate", "StartOrigin", "RoleEndDate"),
    *("LeaverDestination", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost"),
    *("ContractWeeks", "FrontlineGrad", "Absat30Sept", "ReasonAbsence"),
)
#: Items about the council's employment of a worker, which an agency worker's record does
#: not carry (our reading of DfE's guide, which asks less of agency records): leaving,
#: sickness absence and pay.
EMPLOYED_ONLY_ITEMS = (
    *("StartOrigin", "LeaverDestination", "ReasonLeave", "WorkingDaysLost", "Absat30Sept"),
    *("ReasonAbsence", "BaseSalary", "RRPayments", "OtherPayments"),
)


@dataclass(frozen=True)
class Layout:
    """One of the layouts DfE has used for the return, as the London data alliance's pipeline
    reconstructs them (liia-tools-pipeline, csww_schema_2021.xsd to _2025.xsd): evidence,
    not DfE's specification. A return is read with the layout of its `Year`."""

    name: str
    first_year: int
    #: The LA-level block's element and its items, each required.
    block: str
    block_items: tuple[str, ...]
    #: The element giving a worker's sex, and its codes.
    sex: str
    sex_codes: frozenset[str]
    worker_items: frozenset[str]


LAYOUTS = (
    Layout(
        "2021 to 2023",
        2021,
        "LALevelVacancies",
        VACANCY_ITEMS,
        "GenderCurrent",
        frozenset(GENDER_CODES),
        frozenset({*_WORKER_ITEMS, "GenderCurrent", "QualInst", "CFKSSstatus"}),
    ),
    Layout(
        "2024",
        2024,
        "LALevelVacancies",
        VACANCY_ITEMS,
        "Sex",
        frozenset(SEX_CODES),
        frozenset({*_WORKER_ITEMS, "Sex", "QualInst", "CFKSSstatus"}),
    ),
    Layout(
        "2025",
        2025,
        "LALevel",
        (*VACANCY_ITEMS, *ALLOWANCES, "OtherAllowances"),
        "Sex",
        frozenset(SEX_CODES),
        frozenset({*_WORKER_ITEMS, "Sex", "BaseSalary", "RRPayments", "OtherPayments"}),
    ),
)
_ANY_LAYOUT_WORKER_ITEMS = frozenset().union(*(layout.worker_items for layout in LAYOUTS))
_BLOCK_NAMES = {layout.block for layout in LAYOUTS}


def layout_for(year: int) -> Layout:
    """The layout of a return for `year`: the latest whose first year is on or before it (a
    year after 2025 is read as the 2025 layout, a year before 2021 as the 2021 one)."""
    chosen = LAYOUTS[0]
    for layout in LAYOUTS:
        if layout.first_year <= year:
            chosen = layout
    return chosen


def _layouts_holding(item: str) -> str:
    names = [layout.name for layout in LAYOUTS if item in layout.worker_items]
    return " and ".join(names)


def working_days_in_year(reference: date) -> int:
    """DfE's working days in the census year (reference - 1 year, reference]: 253, or 254
    when the year holds 29 February."""
    start = add_months(reference, -12)
    leap_days = [
        date(year, 2, 29)
        for year in range(start.year, reference.year + 1)
        if calendar.isleap(year) and start < date(year, 2, 29) <= reference
    ]
    return 254 if leap_days else 253


#: Plausibility limits: a value past one is a warning before submission, not a refusal.
PLAUSIBLE_MAX_CASES = 40
PLAUSIBLE_MAX_CONTRACT_WEEKS = 500


#: How each computed figure is named for a reader.
FIGURE_LABELS = {
    "inpost_fte": "Employed social workers in post (FTE)",
    "inpost_headcount": "Employed social workers in post (headcount)",
    "starters_fte": "Starters in the year (FTE)",
    "starters_headcount": "Starters in the year (headcount)",
    "leavers_fte": "Leavers in the year (FTE)",
    "leavers_headcount": "Leavers in the year (headcount)",
    "turnover_rate_fte": "Turnover rate (%)",
    "agency_fte": "Agency workers in post (FTE)",
    "agency_headcount": "Agency workers in post (headcount)",
    "agency_rate_fte": "Agency worker rate (%)",
    "vacancy_fte": "Vacancies (FTE)",
    "vacancy_rate_fte": "Vacancy rate (%)",
    "case_holders_fte": "Case holders (FTE)",
    "cases": "Cases held",
    "caseload_fte": "Average caseload (cases per FTE)",
    "working_days_lost_fte": "Working days lost to sickness",
    "absence_rate_fte": "Sickness absence rate (%)",
    "salaried_workers": "Employed social workers in post with a base salary (2025 layout)",
    "base_salary_mean": "Mean base salary, employed social workers in post (£)",
    "base_salary_median": "Median base salary, employed social workers in post (£)",
    "rr_payments_share": "Receiving recruitment or retention payments (%)",
}
#: Pay figures are shown only from at least this many salaries: from fewer, one person's
#: pay could be worked out from the mean or the median.
MIN_PAY_WORKERS = 10
#: The figures from the 2025 layout's pay items (None for a return in an earlier layout).
PAY_FIGURES = ("salaried_workers", "base_salary_mean", "base_salary_median", "rr_payments_share")
#: Each 2025 allowance figure's field and label.
ALLOWANCE_FIELDS = dict(ALLOWANCES.values())


@dataclass(slots=True)
class Worker:
    position: int
    agency: bool
    swe_number: str | None
    fte: float | None
    role_start: date | None
    role_end: date | None
    cases: int | None
    days_lost: float | None
    birth_date: date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    base_salary: float | None = None
    rr_payments: float | None = None

    def person(self) -> tuple[str | None, date | None, str | None, str | None]:
        """DfE's de-duplication key within one authority's return: SWE number, date of birth,
        sex and ethnicity."""
        return (self.swe_number, self.birth_date, self.sex, self.ethnicity)


@dataclass
class CensusFile:
    file: str
    year: int | None = None
    reference_date: date | None = None
    la_code: str | None = None
    #: The layout the return was read with (chosen by its Year).
    layout: Layout | None = None
    vacancies_fte: float | None = None
    agency_fte_la_level: float | None = None
    agency_headcount_la_level: int | None = None
    #: The 2025 layout's allowances (item -> 0, 1 or 2) and its free-text other allowances.
    allowances: dict[str, int] = field(default_factory=dict)
    other_allowances: str | None = None
    workers: list[Worker] = field(default_factory=list)
    #: The first MAX_KEPT_PROBLEMS problems; the rest are only counted (`problem_count`).
    problems: ProblemList = field(default_factory=ProblemList)
    #: What a performance officer should look at before submitting: not refusals.
    warnings: ProblemList = field(default_factory=ProblemList)

    @property
    def problem_count(self) -> int:
        """Every problem found, kept or only counted."""
        return len(self.problems) + self.problems.not_kept

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.warnings.not_kept


def _local(tag: str) -> str:
    """An element's name without any namespace."""
    return tag.rsplit("}", 1)[-1]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _find(element: ElementTree.Element, *path: str) -> ElementTree.Element | None:
    found: ElementTree.Element | None = element
    for name in path:
        if found is None:
            return None
        found = _child(found, name)
    return found


class _Reader:
    """Typed values from elements, recording a problem (and returning None) when malformed.
    Problems go to `problems` (the census's own unless given), and `found` counts them all,
    kept or not."""

    def __init__(self, census: CensusFile, problems: list[Problem] | None = None) -> None:
        self.census = census
        self.problems = census.problems if problems is None else problems
        self.found = 0

    def _at(self, where: str, element: str | None, message: str, found: str | None) -> Problem:
        """What is said about `element` of the part `where` (a worker, the LA-level block)."""
        column = f"{where} {element}" if element else where
        return Problem(self.census.file, None, column, message, found=found)

    def warning(self, where: str, element: str | None, message: str, found: str | None) -> None:
        """Something to look at before submitting, which does not stop the figures."""
        self.census.warnings.append(self._at(where, element, message, found))

    def problem(self, where: str, element: str | None, message: str, found: str | None) -> None:
        self.found += 1
        self.problems.append(self._at(where, element, message, found))

    def text(self, parent: ElementTree.Element | None, name: str) -> str | None:
        element = _child(parent, name) if parent is not None else None
        if element is None or element.text is None or not element.text.strip():
            return None
        return element.text.strip()

    def decimal(
        self, parent: ElementTree.Element | None, name: str, where: str, low: float, high: float
    ) -> float | None:
        text = self.text(parent, name)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            self.problem(where, name, "not a number", text)
            return None
        if not low <= value <= high:
            self.problem(where, name, f"expected a number from {low:g} to {high:g}", text)
            return None
        return value

    def money(self, parent: ElementTree.Element | None, name: str, where: str) -> float | None:
        """Pounds, at most 2 decimal places, not negative."""
        text = self.text(parent, name)
        if text is None:
            return None
        if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", text):
            self.problem(where, name, "expected pounds such as 38250.00 (2 decimal places)", text)
            return None
        return float(text)

    def whole(
        self, parent: ElementTree.Element | None, name: str, where: str, high: int
    ) -> int | None:
        text = self.text(parent, name)
        if text is None:
            return None
        if not re.fullmatch(r"\d+", text) or int(text) > high:
            self.problem(where, name, f"expected a whole number from 0 to {high}", text)
            return None
        return int(text)

    def day(self, parent: ElementTree.Element | None, name: str, where: str) -> date | None:
        text = self.text(parent, name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            self.problem(where, name, "expected a date as YYYY-MM-DD", text)
            return None

    def code(
        self, parent: ElementTree.Element | None, name: str, where: str, allowed: set[str]
    ) -> str | None:
        text = self.text(parent, name)
        if text is not None and text not in allowed:
            self.problem(where, name, f"expected one of {', '.join(sorted(allowed))}", text)
            return None
        return text


class _Refused(Exception):
    """The return cannot be read at all: it is refused with `problem` alone."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


#: Elements a census return may hold. A worker record has about 25; the largest authority
#: returns a few thousand records, so this is many times any real return, and it bounds the
#: time and the records kept however the file is shaped.
MAX_CENSUS_ELEMENTS = 500_000
#: Elements one part of the return (the header, one worker) may hold: a part is read whole,
#: so this bounds the memory of one part.
MAX_PART_ELEMENTS = 10_000


def _refusal(name: str, line: int | None, message: str) -> _Refused:
    return _Refused(Problem(name, line, None, message))


def _parts(name: str, content: bytes) -> Iterator[tuple[str, ElementTree.Element]]:
    """The return as it is parsed: ("root", the root element) first, then ("part", each child
    of the root) as soon as its end tag is read. A part is removed from the tree once the
    caller has it, so only one part is held at a time, never the whole document.

    Raises _Refused for a file that is not well-formed XML, that declares a document type
    or entities (a CSWW return never does: refused before any entity could be expanded), or
    that passes the element, part, tag or time limits."""
    # A CSWW return's tags are a few dozen bytes, and a parser builds all of a tag's
    # attributes at once: an over-long one is refused before parsing.
    too_long = long_tag_at(content)
    if too_long is not None:
        raise _refusal(
            name,
            content.count(b"\n", 0, too_long) + 1,
            f"an XML tag over {MAX_TAG_BYTES // 1024} KB long: not a CSWW census return",
        )
    # DTDs and entity declarations are refused as the parser meets them; the elements are
    # still built by the fast tree builder.
    parser = DefusedXMLParser(
        target=ElementTree.TreeBuilder(), forbid_dtd=True, forbid_entities=True
    )
    # Text arrives in blocks of up to 8 KB rather than line by line: a text of millions of
    # short lines would otherwise be millions of pieces before it is joined.
    parser.parser.buffer_text = True
    deadline = reading_clock() + MAX_READ_SECONDS
    root: ElementTree.Element | None = None
    depth = elements = in_part = 0
    try:
        for event, element in ElementTree.iterparse(
            io.BytesIO(content), events=("start", "end"), parser=parser
        ):
            if event == "end":
                depth -= 1
                if depth == 1:
                    yield "part", element
                    # Set at the first start event, before any part can end.
                    assert root is not None
                    root.remove(element)
                    in_part = 0
                continue
            depth += 1
            elements += 1
            in_part += 1
            if root is None:
                root = element
                yield "root", root
            elif elements > MAX_CENSUS_ELEMENTS:
                raise _refusal(
                    name,
                    parser.parser.CurrentLineNumber,
                    f"the return holds more than {MAX_CENSUS_ELEMENTS:,} XML elements, many "
                    "times a CSWW return's: it was not read further",
                )
            elif in_part > MAX_PART_ELEMENTS:
                raise _refusal(
                    name,
                    parser.parser.CurrentLineNumber,
                    f"one element of the return holds more than {MAX_PART_ELEMENTS:,} "
                    "elements, many times a worker record's: it was not read further",
                )
            if elements % 1000 == 0 and reading_clock() > deadline:
                raise _refusal(
                    name,
                    parser.parser.CurrentLineNumber,
                    f"reading took more than {MAX_READ_SECONDS:g} seconds: it was not read further",
                )
    except ElementTree.ParseError as error:
        line, column = error.position
        reason = str(error.msg).split(": line ")[0]
        raise _refusal(name, line, f"not well-formed XML (column {column}): {reason}") from None
    except DefusedXmlException:
        raise _refusal(
            name,
            parser.parser.CurrentLineNumber,
            "the file declares a document type or entities (<!DOCTYPE ...>), which a CSWW "
            "census return never has: it was not read; export the return again",
        ) from None


def read_census(name: str, content: bytes) -> CensusFile:
    """Parse and validate a CSWW census return. Problems are listed on the result.

    The return is parsed as a stream (`_parts`), one part of the root at a time: the header,
    the LA-level block, each worker, each read by its own function (`_read_header`,
    `_read_block`, `_read_worker`) from the part's element, as from a whole document. A worker
    is read once the header has given the reference date (a return whose workers come first
    keeps them until then). Problems are listed header first, then the LA-level block, then
    the workers in order, whatever the order in the file."""
    census = CensusFile(file=name)
    if len(content) > MAX_FILE_BYTES:
        census.problems.append(
            Problem(name, None, None, f"the file is over {megabytes(MAX_FILE_BYTES)}")
        )
        return census
    try:
        _read_parts(name, content, census)
    except _Refused as refused:
        census.problems = ProblemList([refused.problem])
        census.workers = []
    return census


def _read_parts(name: str, content: bytes, census: CensusFile) -> None:
    header_problems: list[Problem] = []
    block_problems: list[Problem] = []
    worker_problems = ProblemList()
    header_reader = _Reader(census, header_problems)
    block_reader = _Reader(census, block_problems)
    worker_reader = _Reader(census, worker_problems)
    root_name = None
    header_seen = False
    #: The LA-level block, kept (trimmed) until the header gives the layout.
    block: ElementTree.Element | None = None
    #: Workers met before the header, trimmed, until the header gives the reference date.
    waiting: list[ElementTree.Element] = []
    workers = 0
    for kind, element in _parts(name, content):
        if kind == "root":
            root_name = _local(element.tag)
            continue
        if root_name != "Message":
            continue  # read to the end only to say whether it is well-formed XML
        part = _local(element.tag)
        if part == "Header" and not header_seen:
            header_seen = True
            _read_header(element, census, header_reader)
            for waited in waiting:
                workers += 1
                _add_worker(waited, workers, census, worker_reader)
            waiting.clear()
        elif part in _BLOCK_NAMES and block is None:
            block = _trimmed(element)
        elif part == "CSWWWorker":
            if header_seen:
                workers += 1
                _add_worker(element, workers, census, worker_reader)
            else:
                waiting.append(_trimmed(element))
    if root_name != "Message":
        raise _Refused(
            Problem(
                name,
                None,
                root_name,
                "expected a CSWW census return whose root element is Message",
            )
        )
    if not header_seen:
        _read_header(None, census, header_reader)
        for waited in waiting:
            workers += 1
            _add_worker(waited, workers, census, worker_reader)
    _read_block(block, census, block_reader)
    problems = ProblemList([*header_problems, *block_problems])
    if not workers:
        problems.append(Problem(name, None, "CSWWWorker", "the return has no workers"))
    problems.extend(worker_problems)
    problems.not_kept += worker_problems.not_kept
    census.problems = problems
    if not problems:
        _check_agency_counts(census, block_reader)


def _trimmed(element: ElementTree.Element) -> ElementTree.Element:
    """A part kept until the header comes, without the text between its elements
    (indentation, a string per element), which no reading looks at."""
    for inner in element.iter():
        if len(inner):
            inner.text = None
        inner.tail = None
    return element


def _add_worker(
    element: ElementTree.Element, position: int, census: CensusFile, reader: _Reader
) -> None:
    worker = _read_worker(element, position, census, reader)
    if worker is not None:
        census.workers.append(worker)


def _read_block(block: ElementTree.Element | None, census: CensusFile, reader: _Reader) -> None:
    """The LA-level block: its name and every item the layout requires."""
    layout = census.layout
    if layout is None:  # the Year is missing or wrong: that is the problem to fix first
        return
    where = layout.block
    if block is None:
        reader.problem(
            where,
            None,
            f"missing: the {layout.name} layout's LA-level block, with "
            + ", ".join(layout.block_items),
            None,
        )
        return
    found = _local(block.tag)
    if found != layout.block:
        reader.problem(
            found,
            None,
            f"is the LA-level block's name in another layout: a {census.year} return "
            f"({layout.name} layout) names it {layout.block}",
            None,
        )
        return
    for item in layout.block_items:
        if _child(block, item) is None:
            reader.problem(where, item, f"missing: the {layout.name} layout requires it", None)
    known = set(layout.block_items)
    for child in block:
        item = _local(child.tag)
        if item not in known:
            reader.problem(where, item, f"is not an item of the {layout.name} layout", None)
    census.vacancies_fte = reader.decimal(block, "NumberOfVacancies", where, 0, 1e6)
    census.agency_fte_la_level = reader.decimal(block, "NoAgencyFTE", where, 0, 1e6)
    census.agency_headcount_la_level = reader.whole(block, "NoAgencyHeadcount", where, 1_000_000)
    for item in ALLOWANCES:
        if item in known:
            code = reader.code(block, item, where, {"0", "1", "2"})
            if code is not None:
                census.allowances[item] = int(code)
    if "OtherAllowances" in known:
        census.other_allowances = reader.text(block, "OtherAllowances")


def _read_header(header: ElementTree.Element | None, census: CensusFile, reader: _Reader) -> None:
    details = _find(header, "CollectionDetails") if header is not None else None
    source = _find(header, "Source") if header is not None else None
    collection = reader.text(details, "Collection")
    if collection is not None and collection.upper() != "CSWW":
        reader.problem(
            "Header", "Collection", "expected CSWW (this is another collection)", collection
        )
    year_text = reader.text(details, "Year")
    if year_text is None or not re.fullmatch(r"\d{4}", year_text):
        reader.problem("Header", "Year", "expected the collection year, such as 2026", year_text)
    else:
        census.year = int(year_text)
        census.layout = layout_for(census.year)
    census.reference_date = reader.day(details, "ReferenceDate", "Header")
    if census.reference_date is None and census.year is not None:
        census.reference_date = date(census.year, 9, 30)
    lea = reader.text(source, "LEA")
    if lea is None or not re.fullmatch(r"\d{3}", lea):
        reader.problem("Header", "LEA", "expected our three-digit old LA code, such as 330", lea)
    else:
        census.la_code = lea


def _read_worker(
    element: ElementTree.Element, position: int, census: CensusFile, reader: _Reader
) -> Worker | None:
    swe = reader.text(element, "SWENo")
    where = f"CSWWWorker {position}" + (f" (SWENo {swe})" if swe else "")
    before = reader.found
    layout = census.layout
    if swe is not None and not SWE_NUMBER.fullmatch(swe):
        reader.problem(
            where, "SWENo", "expected a Social Work England number: two letters, then digits", swe
        )
    agency = reader.code(element, "AgencyWorker", where, {"0", "1"})
    if reader.text(element, "AgencyWorker") is None:
        reader.problem(
            where, "AgencyWorker", "missing: it tells employed from agency workers", None
        )
    fte = reader.decimal(element, "FTE", where, 0, 1.5)
    fte30 = reader.decimal(element, "FTE30", where, 0, 1.5)
    start = reader.day(element, "RoleStartDate", where)
    end = reader.day(element, "RoleEndDate", where)
    cases = reader.whole(element, "Cases30", where, 500)
    days_lost = reader.decimal(element, "WorkingDaysLost", where, 0, 366)
    birth = reader.day(element, "PersonBirthDate", where)
    ethnicity = reader.code(element, "Ethnicity", where, ETHNICITIES)
    reader.code(element, "OrgRole", where, ORG_ROLES)
    sex = base_salary = rr_payments = None
    if layout is not None:
        sex = reader.code(element, layout.sex, where, set(layout.sex_codes))
        if "CFKSSstatus" in layout.worker_items:
            reader.code(element, "CFKSSstatus", where, CFKSS_STATUSES)
        if "BaseSalary" in layout.worker_items:
            base_salary = reader.money(element, "BaseSalary", where)
            rr_payments = reader.money(element, "RRPayments", where)
            reader.money(element, "OtherPayments", where)
        _check_items(element, where, census, reader)
    weeks = [
        reader.decimal(element, "ContractWeeks", where, 0, 1e5)
        for child in element
        if _local(child.tag) == "ContractWeeks"
    ]
    reference = census.reference_date
    if start and end and end < start:
        reader.problem(
            where, "RoleEndDate", f"is before RoleStartDate ({start.isoformat()})", end.isoformat()
        )
    if reference is not None and start and start > reference:
        reader.problem(
            where,
            "RoleStartDate",
            f"is after the reference date {reference.isoformat()}",
            start.isoformat(),
        )
    if reader.found > before:
        return None
    _plausibility(element, where, census, reader, fte, fte30, cases, end, weeks, agency == "1")
    return Worker(
        position=position,
        agency=agency == "1",
        swe_number=swe,
        fte=fte if fte is not None else fte30,
        role_start=start,
        role_end=end,
        cases=cases,
        days_lost=days_lost,
        birth_date=birth,
        sex=sex,
        ethnicity=ethnicity,
        base_salary=base_salary,
        rr_payments=rr_payments,
    )


def _check_items(
    element: ElementTree.Element, where: str, census: CensusFile, reader: _Reader
) -> None:
    """An item of another year's layout is a problem (a return made with last year's
    software); an item of no layout is a warning (it is not read)."""
    layout = census.layout
    assert layout is not None
    for child in element:
        item = _local(child.tag)
        if item in layout.worker_items:
            continue
        if item in _ANY_LAYOUT_WORKER_ITEMS:
            reader.problem(
                where,
                item,
                f"belongs to the {_layouts_holding(item)} layout, not to the {layout.name} "
                f"layout of a {census.year} return",
                None,
            )
        else:
            reader.warning(where, item, "is not an item of any CSWW layout: not read", None)


def _plausibility(
    element: ElementTree.Element,
    where: str,
    census: CensusFile,
    reader: _Reader,
    fte: float | None,
    fte30: float | None,
    cases: int | None,
    end: date | None,
    weeks: list[float | None],
    agency: bool,
) -> None:
    """Values that are allowed but that a performance officer should check."""
    if cases is not None and cases > PLAUSIBLE_MAX_CASES:
        reader.warning(where, "Cases30", f"above {PLAUSIBLE_MAX_CASES} cases: check it", str(cases))
    for name, value in (("FTE", fte), ("FTE30", fte30)):
        if value is not None and value > 1:
            reader.warning(where, name, "above 1, a full-time worker's FTE: check it", f"{value:g}")
    if any(value is not None and value > PLAUSIBLE_MAX_CONTRACT_WEEKS for value in weeks):
        reader.warning(
            where,
            "ContractWeeks",
            f"above {PLAUSIBLE_MAX_CONTRACT_WEEKS} weeks: check it",
            f"{max(value for value in weeks if value is not None):g}",
        )
    reference = census.reference_date
    if reference is not None and end is not None and not _in_year(end, reference):
        reader.warning(
            where,
            "RoleEndDate",
            f"is outside the census year ({add_months(reference, -12).isoformat()}, "
            f"{reference.isoformat()}]: a worker who left earlier is not returned, and one "
            "still in post at the reference date has no end date",
            end.isoformat(),
        )
    if agency:
        present = {_local(child.tag) for child in element}
        extra = [item for item in EMPLOYED_ONLY_ITEMS if item in present]
        if extra:
            reader.warning(
                where,
                None,
                "an agency worker's record with items only employed workers have: "
                + ", ".join(extra),
                None,
            )


def _check_agency_counts(census: CensusFile, reader: _Reader) -> None:
    """The LA-level agency counts against the agency worker records in post, where the return
    holds both."""
    reference = census.reference_date
    records = [worker for worker in census.workers if worker.agency]
    if reference is None or not records:
        return
    in_post = [worker for worker in records if _in_post(worker, reference)]
    block = census.layout.block if census.layout else "LALevel"
    fte = round(_fte(in_post), 2)
    if census.agency_fte_la_level is not None and round(census.agency_fte_la_level, 2) != fte:
        reader.warning(
            block,
            "NoAgencyFTE",
            f"differs from the agency worker records in post at the reference date "
            f"({fte:g} FTE); the figures use the records",
            f"{census.agency_fte_la_level:g}",
        )
    headcount = len(in_post)
    if (
        census.agency_headcount_la_level is not None
        and census.agency_headcount_la_level != headcount
    ):
        reader.warning(
            block,
            "NoAgencyHeadcount",
            f"differs from the agency worker records in post at the reference date "
            f"({headcount}); the figures use the records",
            str(census.agency_headcount_la_level),
        )


def _in_post(worker: Worker, reference: date) -> bool:
    return (worker.role_start is None or worker.role_start <= reference) and (
        worker.role_end is None or worker.role_end > reference
    )


def _in_year(day: date | None, reference: date) -> bool:
    return day is not None and add_months(reference, -12) < day <= reference


def _fte(workers: list[Worker]) -> float:
    """FTE summed over records: DfE does not remove duplicates from FTE."""
    return sum(worker.fte for worker in workers if worker.fte is not None)


def _people(workers: list[Worker], *, also: str | None = None) -> int:
    """DfE's employed headcount: records de-duplicated on SWE number, date of birth, sex and
    ethnicity (and the start date for starters, the leaving date for leavers: `also`). A
    record without an SWE number cannot be matched and counts once."""
    keys = set()
    unmatched = 0
    for worker in workers:
        if not worker.swe_number:
            unmatched += 1
            continue
        extra = worker.role_start if also == "start" else worker.role_end if also == "end" else None
        keys.add((*worker.person(), extra))
    return len(keys) + unmatched


def _pounds(value: float) -> float:
    """To the nearest pound, halves up."""
    return float(Decimal(f"{value:.6f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def compute_census_figures(census: CensusFile) -> CensusFigures:
    """The published figures from a return that has no problems, by DfE's counting rules
    (docs/metrics.md, "Our census return"; D the reference date, the year (D - 1 year, D]):

    - In post: `RoleStartDate` missing or on or before D, and `RoleEndDate` missing or after D.
    - Employed: `AgencyWorker` 0; agency: 1.
    - FTE: the worker's `FTE` (`FTE30` where `FTE` is missing); workers with neither are left out
      of FTE figures but counted in headcounts. FTE duplicates are not removed: a person's two
      records add both FTEs.
    - Employed headcount: records de-duplicated on LA + SWE number + date of birth + sex (or
      `GenderCurrent`) + ethnicity; for starters the start date is added to the key, for leavers
      the leaving date (a person who left two posts in the year is two leavers). A record without
      an SWE number cannot be matched and counts once (our reading).
    - In post FTE / headcount: employed workers in post at D.
    - Starters / leavers: employed workers whose `RoleStartDate` / `RoleEndDate` is in the year.
    - Turnover rate = leavers FTE / in post FTE x 100.
    - Agency FTE / headcount: agency worker records in post at D, **not de-duplicated** (each
      record is a placement); when the return has no agency worker records, the LA-level
      `NoAgencyFTE` / `NoAgencyHeadcount`.
    - Agency worker rate = agency FTE / (agency FTE + in post FTE) x 100.
    - Vacancy rate = `NumberOfVacancies` / (`NumberOfVacancies` + in post FTE) x 100.
    - Average caseload = sum of `Cases30` / FTE of the case holders: workers in post (employed or
      agency) with `Cases30` of 1 or more **and an FTE above 0** (a worker with no FTE, or FTE 0,
      is left out of both sums).
    - Absence rate = `WorkingDaysLost` of employed workers in post / (in post FTE x working days)
      x 100, where the working days are **253, or 254 when the year (D - 1 year, D] holds
      29 February** (`working_days_in_year`: the year to 30 September 2024 has 254).
    - Base salary, mean and median: the `BaseSalary` of employed workers in post with an FTE above
      0, to the nearest pound (halves up); how many salaries is `salaried_workers`. The pages show
      pay only from `MIN_PAY_WORKERS` (10) salaries, so that no one's pay can be worked out.
    - Recruitment and retention payments: of those workers whose `RRPayments` is recorded, the
      share with an amount above 0, x 100.
    - Each allowance (`RecruitmentBonus`, `RetentionBonus`, `PerformanceAward`, `CarAllowance`,
      `RelocationPackage`, `RegionalWeighting`, `CostSWE`, `CostDBS`) as returned: 0 not offered,
      1 offered to all employed social workers, 2 to some; and the `OtherAllowances` text.
    """
    if (
        census.problems
        or census.reference_date is None
        or census.la_code is None
        or census.year is None
        or census.layout is None
    ):
        raise ValueError("the census return has problems; fix them first")
    reference = census.reference_date
    employed = [worker for worker in census.workers if not worker.agency]
    in_post = [worker for worker in employed if _in_post(worker, reference)]
    starters = [worker for worker in employed if _in_year(worker.role_start, reference)]
    leavers = [worker for worker in employed if _in_year(worker.role_end, reference)]
    agency_workers = [
        worker for worker in census.workers if worker.agency and _in_post(worker, reference)
    ]
    if any(worker.agency for worker in census.workers):
        # Agency records are not de-duplicated: each is a placement.
        agency_fte, agency_headcount = _fte(agency_workers), len(agency_workers)
    else:
        agency_fte = census.agency_fte_la_level or 0.0
        agency_headcount = census.agency_headcount_la_level or 0
    case_holders = [
        worker
        for worker in census.workers
        if _in_post(worker, reference) and worker.cases and worker.fte
    ]
    inpost_fte = _fte(in_post)
    case_holders_fte = _fte(case_holders)
    cases = sum(worker.cases for worker in case_holders if worker.cases is not None)
    days = [worker.days_lost for worker in in_post if worker.days_lost is not None]
    days_lost = sum(days) if days else None
    vacancies = census.vacancies_fte
    salaried = mean_salary = median_salary = rr_share = None
    if "BaseSalary" in census.layout.worker_items:
        paid = [worker for worker in in_post if worker.fte]
        salaries = [worker.base_salary for worker in paid if worker.base_salary is not None]
        payments = [worker.rr_payments for worker in paid if worker.rr_payments is not None]
        salaried = len(salaries)
        if salaries:
            mean_salary = _pounds(statistics.fmean(salaries))
            median_salary = _pounds(statistics.median(salaries))
        rr_share = percentage(sum(1 for value in payments if value > 0), len(payments))
    allowances = {
        ALLOWANCES[item][0]: census.allowances.get(item)
        for item in ALLOWANCES
        if item in census.layout.block_items
    }
    return CensusFigures(
        la_code=census.la_code,
        year=census.year,
        reference_date=reference,
        layout=census.layout.name,
        worker_records=len(census.workers),
        inpost_fte=round_one_decimal(inpost_fte),
        inpost_headcount=_people(in_post),
        starters_fte=round_one_decimal(_fte(starters)),
        starters_headcount=_people(starters, also="start"),
        leavers_fte=round_one_decimal(_fte(leavers)),
        leavers_headcount=_people(leavers, also="end"),
        turnover_rate_fte=percentage(_fte(leavers), inpost_fte),
        agency_fte=round_one_decimal(agency_fte),
        agency_headcount=agency_headcount,
        agency_rate_fte=percentage(agency_fte, agency_fte + inpost_fte),
        vacancy_fte=round_one_decimal(vacancies) if vacancies is not None else None,
        vacancy_rate_fte=(
            percentage(vacancies, vacancies + inpost_fte) if vacancies is not None else None
        ),
        case_holders_fte=round_one_decimal(case_holders_fte),
        cases=cases,
        caseload_fte=(round_one_decimal(cases / case_holders_fte) if case_holders_fte else None),
        working_days_lost_fte=round_one_decimal(days_lost) if days_lost is not None else None,
        absence_rate_fte=(
            percentage(days_lost, inpost_fte * working_days_in_year(reference))
            if days_lost is not None
            else None
        ),
        salaried_workers=salaried,
        base_salary_mean=mean_salary,
        base_salary_median=median_salary,
        rr_payments_share=rr_share,
        **allowances,
        other_allowances=census.other_allowances[:1000] if census.other_allowances else None,
    )


@dataclass
class CensusLoadResult:
    problems: list[Problem]
    figures: CensusFigures | None = None
    #: Plausibility warnings (the first MAX_KEPT_PROBLEMS): the figures were saved anyway.
    warnings: list[Problem] = field(default_factory=list)
    #: The layout the return was read with, when its Year was readable.
    layout: str | None = None

    @property
    def loaded(self) -> bool:
        return self.figures is not None


@dataclass(frozen=True)
class CensusCheck:
    """A checked census return as the Data page shows it and keeps between reruns: its
    problems (the first MAX_KEPT_PROBLEMS, and how many in all) or its figures, never the
    worker records."""

    problems: list[Problem]
    problem_count: int
    figures: CensusFigures | None = None
    #: True when an error stopped the check (it is in the server's log).
    failed: bool = False
    #: Plausibility warnings (the first MAX_KEPT_PROBLEMS, and how many in all).
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    #: The layout the return was read with, when its Year was readable.
    layout: str | None = None


def check_census(
    name: str,
    content: bytes,
    *,
    engine: Engine | None = None,
    user: str = "local user",
    source: str = "upload",
) -> CensusCheck:
    """Read and validate a census return without storing it. A return with problems is
    recorded in the import history as refused, and one whose check fails with an error as
    failed, here, before this returns (a browser that has left stops the page at its next
    drawing)."""
    try:
        census = read_census(name, content)
        figures = None if census.problems else compute_census_figures(census)
    except Exception:
        logger.exception("the census return %s could not be checked", name)
        _record(engine, name, user, source, "failed", 0)
        return CensusCheck([], 0, failed=True)
    check = CensusCheck(
        list(census.problems),
        census.problem_count,
        figures,
        warnings=list(census.warnings),
        warning_count=census.warning_count,
        layout=census.layout.name if census.layout else None,
    )
    del census
    if check.problems:
        _record(engine, name, user, source, "refused", check.problem_count)
    return_memory()
    return check


def _record(
    engine: Engine | None, name: str, user: str, source: str, outcome: str, problems: int
) -> None:
    """A census return refused or failed, in the import history. Best effort, as for the
    organisation's imports: when the database cannot take the record, the server log has it."""
    try:
        with session_scope(engine) as session:
            log_import(
                kind="census",
                source=f"census return ({source})",
                files=name,
                user=user,
                outcome=outcome,
                problem_count=problems,
                session=session,
            )
    except SQLAlchemyError:
        logger.exception("could not record the %s census return %s", outcome, name)


def load_census(
    name: str,
    content: bytes,
    *,
    engine: Engine | None = None,
    user: str = "local user",
    source: str = "upload",
) -> CensusLoadResult:
    """Validate a census return and, if it has no problems, store its figures (replacing any
    earlier return for the same authority and year). Refused attempts are logged."""
    census = read_census(name, content)
    outcome = "refused" if census.problems else "loaded"
    figures = None if census.problems else compute_census_figures(census)
    with session_scope(engine) as session:
        if figures is not None:
            _store(session, figures, name, user)
        log_import(
            kind="census",
            source=f"census return ({source})",
            files=name,
            user=user,
            outcome=outcome,
            added=len(census.workers) if figures else 0,
            problem_count=census.problem_count,
            session=session,
        )
    return CensusLoadResult(
        census.problems,
        figures,
        list(census.warnings),
        census.layout.name if census.layout else None,
    )


def _store(session: Session, figures: CensusFigures, name: str, user: str) -> None:
    session.execute(
        delete(CensusReturn).where(
            col(CensusReturn.la_code) == figures.la_code, col(CensusReturn.year) == figures.year
        )
    )
    session.add(
        CensusReturn(
            **figures.model_dump(),
            file_name=name[:500],
            loaded_at=datetime.now(UTC),
            loaded_by=user,
        )
    )


_FIGURE_FIELDS = tuple(CensusFigures.model_fields)


@dataclass(frozen=True)
class StoredCensusReturn:
    """A census return's figures as saved, with where and when they came from."""

    figures: CensusFigures
    file_name: str
    loaded_at: datetime
    loaded_by: str


def latest_census_return(la_code: str, *, session: Session) -> StoredCensusReturn | None:
    """The most recent year's census return held for the authority."""
    row = (
        session.execute(
            select(CensusReturn)
            .where(col(CensusReturn.la_code) == la_code)
            .order_by(col(CensusReturn.year).desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    if row is None:
        return None
    figures = CensusFigures(**{name: getattr(row, name) for name in _FIGURE_FIELDS})
    return StoredCensusReturn(figures, row.file_name, row.loaded_at, row.loaded_by)
