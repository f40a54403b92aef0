"""The rule book (data_access/indicators/policy.py): values worked by hand, and the written
definitions (docstrings, docs/metrics.md) kept equal to the numbers the code uses."""

from __future__ import annotations

import inspect
import re
from datetime import date

from data_access.core.config import PROJECT_ROOT
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import (
    AGREEMENT_WITHIN_MONTHS,
    APPRAISAL_INTERVAL_MONTHS,
    ASYE_FORTNIGHTLY_MONTHS,
    ASYE_MONTHS,
    ASYE_WEEKLY_DAYS,
    DEFAULT_POLICY,
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    NEW_MANAGER_TRAINING_MONTHS,
    SUPERVISION_STANDARD_MINUTES,
    WEEKLY_INTERVAL_DAYS,
    AsyePhases,
    StartDeadlines,
    asye_phases,
    over_limit,
    required_interval_days,
    start_deadlines,
)
from data_access.indicators.survey import SURVEY_MIN_RESPONSES, survey_agreement_share


def test_asye_phases_by_hand():
    # 2025-01-31 + 42 days = 2025-03-14; + 6 months = 2025-07-31; + 12 months = 2026-01-31.
    assert asye_phases(date(2025, 1, 31)) == AsyePhases(
        date(2025, 3, 14), date(2025, 7, 31), date(2026, 1, 31)
    )
    # Calendar months from the 31st of August end on the last day of February.
    assert asye_phases(date(2024, 8, 31)).fortnightly_until == date(2025, 2, 28)


def test_required_interval_by_hand():
    start = date(2025, 1, 31)
    assert required_interval_days(start, date(2025, 1, 30)) == 31  # not yet in the ASYE
    assert required_interval_days(start, date(2025, 1, 31)) == 7
    assert required_interval_days(start, date(2025, 3, 13)) == 7
    assert required_interval_days(start, date(2025, 3, 14)) == 14
    assert required_interval_days(start, date(2025, 7, 30)) == 14
    assert required_interval_days(start, date(2025, 7, 31)) == 31
    assert required_interval_days(None, date(2025, 7, 31)) == 31


def test_over_limit_by_hand():
    assert over_limit(19, 18.0) and not over_limit(18, 18.0)
    assert over_limit(17, 16.2) and not over_limit(16, 16.2)
    assert not over_limit(None, 18.0) and not over_limit(30, None)


def test_definitions_use_the_rule_book_numbers():
    coverage = METRICS["supervision_coverage"].definition
    assert (
        f"The interval is {WEEKLY_INTERVAL_DAYS} days in the first {ASYE_WEEKLY_DAYS} days after "
        f"asye_start_date, {FORTNIGHTLY_INTERVAL_DAYS} days until {ASYE_FORTNIGHTLY_MONTHS} "
        f"months after it, otherwise {MONTHLY_INTERVAL_DAYS} days." in coverage
    )
    over = METRICS["caseload_over_threshold_share"].definition
    threshold = DEFAULT_POLICY.caseload_thresholds["safeguarding"]
    assert f"default {threshold:g})" in over
    assert f"times {DEFAULT_POLICY.asye_caseload_factor:g} for a worker in their ASYE" in over
    assert f"asye_start_date + {ASYE_MONTHS} months" in over
    training = METRICS["supervisor_training_share"].definition
    assert f"(D - {DEFAULT_POLICY.supervisor_training_window_months} months, D]" in training
    duration = METRICS["supervision_duration_standard_share"].definition
    assert f"at least {SUPERVISION_STANDARD_MINUTES} minutes" in duration
    agreement = METRICS["agreement_within_3_months_share"].definition
    assert f"on or before D - {AGREEMENT_WITHIN_MONTHS} months" in agreement
    assert f"start_date + {AGREEMENT_WITHIN_MONTHS} months" in agreement
    new_managers = METRICS["new_manager_training_share"].definition
    assert f"D - {NEW_MANAGER_TRAINING_MONTHS} months]" in new_managers
    assert f"start_date + {NEW_MANAGER_TRAINING_MONTHS} months" in new_managers
    appraisal = METRICS["appraisal_share"].definition
    assert f"(D - {APPRAISAL_INTERVAL_MONTHS} months, D]" in appraisal
    assert f"from fewer than {SURVEY_MIN_RESPONSES} responses" in " ".join(
        inspect.getdoc(survey_agreement_share).split()
    )


def test_start_deadlines_by_hand():
    # Calendar months, clamped: 2024-11-30 + 3 = 2025-02-28, + 6 = 2025-05-30.
    assert start_deadlines(date(2024, 11, 30)) == StartDeadlines(
        date(2025, 2, 28), date(2025, 5, 30)
    )
    assert start_deadlines(date(2024, 8, 31)) == StartDeadlines(
        date(2024, 11, 30), date(2025, 2, 28)
    )


def test_docs_targets_table_matches_the_default_targets():
    document = (PROJECT_ROOT / "docs" / "metrics.md").read_text()
    table = document[document.index("| metric | target | close within |") :]
    rows = re.findall(r"^\| (\w+) \| ([<>]=) ([\d.]+)(?:%| cases) \| ([\d.]+) ", table, re.M)
    assert {
        name: ("lower" if sign == "<=" else "higher", float(value), float(margin))
        for name, sign, value, margin in rows
    } == {
        name: (target.better, target.value, target.close_margin)
        for name, target in DEFAULT_POLICY.targets.items()
    }
