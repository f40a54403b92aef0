"""Pieces of hand-made CSWW census returns, for tests that build one in memory."""

from __future__ import annotations

#: A complete LA-level block of the 2025 layout (a 2026 return is read with it): no
#: vacancies, no agency workers, no allowances.
LA_LEVEL_2025 = (
    b"<LALevel><NumberOfVacancies>0</NumberOfVacancies><NoAgencyFTE>0</NoAgencyFTE>"
    b"<NoAgencyHeadcount>0</NoAgencyHeadcount><RecruitmentBonus>0</RecruitmentBonus>"
    b"<RetentionBonus>0</RetentionBonus><PerformanceAward>0</PerformanceAward>"
    b"<CarAllowance>0</CarAllowance><RelocationPackage>0</RelocationPackage>"
    b"<RegionalWeighting>0</RegionalWeighting><CostSWE>0</CostSWE><CostDBS>0</CostDBS>"
    b"<OtherAllowances></OtherAllowances></LALevel>"
)


def return_head(year: int = 2026) -> bytes:
    """The start of a return for 30 September `year` from authority 330, before its workers:
    the header and, for a year read with the 2025 layout, its LA-level block."""
    head = (
        b"<Message><Header><CollectionDetails><Year>%d</Year></CollectionDetails>"
        b"<Source><LEA>330</LEA></Source></Header>" % year
    )
    return head + (LA_LEVEL_2025 if year >= 2025 else b"")
