"""Every metric worked out by hand on tests/fixtures/small_org, as at D: the independent check that
tests/data_access/indicators/test_metrics.py (and the command line, board pack tests) compare with.

D = 2025-03-31, so D - 12 months = 2024-03-31, D - 3 months = 2024-12-31,
D - 24 months = 2023-03-31, D - 31 days = 2025-02-28, D - 14 days = 2025-03-17.

Workers in post at D: S01 S02 S03 S05 S06 S08 S09 S10 S11 S12 S15 (11).
Not in post: S04 (left on D), S07 (left 2024-03-31), S13 (left 2024-12-31), S14 (starts
2025-04-01). Permanent FTE in post: S01 1 + S02 0.5 + S05 1 + S06 1 + S08 1 + S11 1 + S12 1 +
S15 1 = 7.5. Agency FTE in post: S03 1 + S09 1 + S10 0.5 = 2.5.
"""

from __future__ import annotations

from datetime import date

D = date(2025, 3, 31)

WHOLE_ORGANISATION = {
    "headcount": 11,
    "fte_in_post": 7.5,
    # 2.5 / (2.5 + 7.5) = 25.0
    "agency_rate_fte": 25.0,
    # Leavers in (2024-03-31, 2025-03-31]: S04 0.8 (on D) + S13 0.6; S07 (on D - 12m) is out.
    # 1.4 / 7.5 = 18.67
    "turnover_rate_fte": 18.7,
    # T1 latest row <= D is 2025-03-31 (1.0), T2 2024-12-31 (0.5), T3 none: 1.5 / 9.0 = 16.67
    "vacancy_rate_fte": 16.7,
    # The same rows: 1.0 + 0.5
    "vacancies_fte": 1.5,
    # Permanent in post 8; in post at 2024-03-31 too: S01 S02 (started that day) S05 S12 = 4
    "stability_index": 50.0,
    # Snapshot 2025-03-31: S01 20, S02 10 (0.5 FTE), S03 18, S06 17, S11 16; S08 has 0.
    # 81 cases / 4.5 FTE = 18.0
    "caseload_average": 18.0,
    # Over: S01 (20 > 18), S06 (ASYE: 17 > 16.2). Not: S03 (18 is not above 18),
    # S11 (ASYE: 16 <= 16.2). 2 / 5
    "caseload_over_threshold_share": 40.0,
    # Eligible 8: S01 S02 S03 S06 S08 S10 S11 S15. In date: S01 (session exactly 31 days
    # before), S06 (started on D, ASYE weekly), S08, S10 (14 days), S11 (ASYE fortnightly,
    # exactly 14 days). Overdue: S02 (32 days; later one cancelled), S03 (none), S15 (started
    # exactly 31 days before, no session). 5 / 8
    "supervision_coverage": 62.5,
    # S01 (2024-01-01), S02 (on D); S08's is after D. 2 / 8
    "supervision_agreement_share": 25.0,
    # Managers S05 (2023-04-01, in window) and S09 (2023-03-31 = D - 24m, out). 1 / 2
    "supervisor_training_share": 50.0,
    # Held in (2024-12-31, 2025-03-31]: X01 (r, v), X04 (v), X06 (r), X07 (r), X08 (neither);
    # X03 is on D - 3m (out), X02 after D, X05 cancelled.
    "reflective_share": 60.0,
    "childs_views_share": 40.0,
    # Audits in (2024-03-31, 2025-03-31]: A1 good, A3 inadequate (on D), A4 outstanding,
    # A5 requires improvement; A2 is on D - 12m (out). 2 / 4
    "audit_good_or_better_share": 50.0,
    # Of the held sessions above, all timed: X01 90 (meets 90), X04 60, X06 75, X07 60, X08 45.
    "supervision_duration_standard_share": 20.0,
    # Permanent eligible in post who started on or before 2024-03-31: S01, S02 (that day);
    # S06 S08 S11 S15 started later, S03 S10 are agency. Appraised in (2024-03-31, D]: S02 (P02
    # on D); S01's P01 is on D - 12m (out) and P04 after D. P03 is S08's (not due). 1 / 2
    "appraisal_share": 50.0,
    # No team manager started in (2024-03-31, 2024-09-30]: S05 2018, S09 2022.
    "new_manager_training_share": None,
    # Eligible who started on or before 2024-12-31: S01 S02 S03 S08 S10 S11. Agreements due
    # by start + 3 months: S01 (2020-04-01; 2024-01-01 late), S02 (2024-06-30; 2025-03-31
    # late), S08 (2024-07-01; 2025-04-01 late), S03 S10 S11 none. 0 / 6
    "agreement_within_3_months_share": 0.0,
}

TEAM_T1 = {
    "headcount": 5,  # S01 S02 S03 S05 S06
    "fte_in_post": 3.5,
    "agency_rate_fte": 22.2,  # 1.0 / 4.5
    "turnover_rate_fte": 22.9,  # S04 0.8 / 3.5
    "vacancy_rate_fte": 22.2,  # 1.0 / 4.5
    "vacancies_fte": 1.0,
    "stability_index": 75.0,  # S01 S02 S05 of S01 S02 S05 S06
    "caseload_average": 18.6,  # 65 / 3.5
    "caseload_over_threshold_share": 50.0,  # S01 S06 of 4
    "supervision_coverage": 50.0,  # S01 S06 of S01 S02 S03 S06
    "supervision_agreement_share": 50.0,
    "supervisor_training_share": 100.0,
    "reflective_share": 50.0,  # X01 X04
    "childs_views_share": 100.0,
    "audit_good_or_better_share": 50.0,  # A1 A3
    "supervision_duration_standard_share": 50.0,  # X01 of X01 X04
    "appraisal_share": 50.0,  # S02 of S01 S02
    "new_manager_training_share": None,
    "agreement_within_3_months_share": 0.0,  # S01 S02 S03
}

HUB_A = {
    "headcount": 9,
    "fte_in_post": 5.5,
    # 2.5 / 8.0 = 31.25: a half, rounded up
    "agency_rate_fte": 31.3,
    "turnover_rate_fte": 14.5,  # 0.8 / 5.5
    "vacancy_rate_fte": 21.4,  # 1.5 / 7.0
    "vacancies_fte": 1.5,  # T1 1.0 + T2 0.5
    "stability_index": 50.0,  # 3 of 6
    "caseload_average": 18.6,
    "caseload_over_threshold_share": 50.0,
    "supervision_coverage": 57.1,  # S01 S06 S08 S10 of 7
    "supervision_agreement_share": 28.6,  # 2 of 7
    "supervisor_training_share": 50.0,
    "reflective_share": 75.0,  # X01 X06 X07 of X01 X04 X06 X07
    "childs_views_share": 50.0,
    "audit_good_or_better_share": 66.7,  # A1 A4 of A1 A3 A4
    "supervision_duration_standard_share": 25.0,  # X01 of X01 X04 X06 X07
    "appraisal_share": 50.0,  # S02 of S01 S02 (S08 started after D - 12m)
    "new_manager_training_share": None,
    "agreement_within_3_months_share": 0.0,  # S01 S02 S03 S08 S10
}

AREA_SOUTH = {
    "headcount": 2,  # S11 S12
    "fte_in_post": 2.0,
    "agency_rate_fte": 0.0,
    "turnover_rate_fte": 30.0,  # S13 0.6 / 2.0
    "vacancy_rate_fte": 0.0,  # T3 has no vacancies row: adds 0
    "vacancies_fte": 0.0,
    "stability_index": 50.0,  # S12 of S11 S12
    "caseload_average": 16.0,
    "caseload_over_threshold_share": 0.0,
    "supervision_coverage": 100.0,
    "supervision_agreement_share": 0.0,
    "supervisor_training_share": None,  # no team manager in scope
    "reflective_share": 0.0,
    "childs_views_share": 0.0,
    "audit_good_or_better_share": 0.0,
    "supervision_duration_standard_share": 0.0,  # X08, 45 minutes
    "appraisal_share": None,  # S11 started 2024-10-01: none due
    "new_manager_training_share": None,
    "agreement_within_3_months_share": 0.0,  # S11, none
}
