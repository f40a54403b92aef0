"""The catalogue of published DfE workforce indicators: what each one means, its column in
the published file, its unit, its definition, and what each suppression code means."""

from __future__ import annotations

from dataclasses import dataclass

#: What each suppression code in a published file means.
SUPPRESSION_CODES = {
    "c": "confidential",
    "k": "rounds to zero, but is not zero",
    "low": "rounds to zero, but is not zero",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}

#: Every numeric column of the indicators file, in the order DfE publishes them.
INDICATOR_COLUMNS = (
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
)


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str
    definition: str
    #: The foundation's metric for the same idea, computed from our own data (None: not held).
    internal_metric: str | None


#: The five indicators compared on the Benchmarks page. Lower is better for all of them.
BENCHMARK_INDICATORS: dict[str, Indicator] = {
    indicator.name: indicator
    for indicator in (
        Indicator(
            "turnover_rate_fte",
            "Turnover rate",
            "%",
            "FTE of employed (non-agency) social workers who left in the year to 30 September, "
            "divided by the FTE in post at 30 September, x 100.",
            "turnover_rate_fte",
        ),
        Indicator(
            "agency_rate_fte",
            "Agency worker rate",
            "%",
            "Agency FTE at 30 September divided by (agency FTE + employed FTE in post), x 100.",
            "agency_rate_fte",
        ),
        Indicator(
            "vacancy_rate_fte",
            "Vacancy rate",
            "%",
            "FTE vacancies at 30 September divided by (FTE vacancies + employed FTE in post), "
            "x 100.",
            "vacancy_rate_fte",
        ),
        Indicator(
            "caseload_fte",
            "Average caseload",
            "cases per FTE",
            "Cases held at 30 September divided by the FTE of the social workers holding one "
            "or more cases (agency workers included). It ignores how complex the cases are.",
            "caseload_average",
        ),
        Indicator(
            "absence_rate_fte",
            "Sickness absence rate",
            "%",
            "Working days lost to sickness in the year divided by (FTE in post at 30 September "
            "x 253 working days), x 100.",
            None,
        ),
    )
}

LEVELS = {"national": "national", "regional": "regional", "local authority": "local_authority"}
