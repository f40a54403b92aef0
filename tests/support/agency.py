"""A small organisation with agency assignments (tests/data_access/agency/): the table below,
with the figures worked out by hand at D.

D = 31/03/2025. March 2025 has 21 weekdays (1 March is a Saturday). Our authority is 330; no
published file is loaded. Caps: social workers 40.00 and team managers 55.00 from 31/10/2024.

| id | worker (team) | agency | role | start | end | hours | capped | charge |
| AS1 | A1 (T1) | Acme | social_worker | 06/01/2025 | | 37 | 38.95 | 46.20 |
| AS2 | A2 (T1) | Best | team_manager | 17/03/2025 | 18/04/2025 | 36 | 57.00 | 70.00 |
| AS3 | A3 (T2) | Acme | social_worker | 01/12/2023 | | 30 | 34.00 | 41.00 |
| AS4 | A1 (T1) | Acme | social_worker | 03/06/2024 | 03/01/2025 | 37 | 38.95 | 46.20 |
| AS5 | A2 (T1) | Best | social_worker | 03/03/2025 | 14/03/2025 | 20 | 39.00 | 45.00 |

- Active at D: AS1, AS2, AS3 (AS4 ended in January, AS5 on 14 March): 3.
- March's cost: AS1 46.20 x 37 x 21 / 5 = 7,179.48; AS2 from Monday 17 March, 11 weekdays:
  70.00 x 36 x 11 / 5 = 5,544.00; AS3 41.00 x 30 x 21 / 5 = 5,166.00; AS5 3 to 14 March,
  10 weekdays: 45.00 x 20 x 10 / 5 = 1,800.00. Total 19,689.48.
- AS1 meets every rule. AS2: 57.00 over the 55.00 cap with only the Director's sign-off: not
  compliant (an unsigned breach). AS3: experience not recorded; left our own council (330) on
  15/10/2023, + 3 months = 15/01/2024, after its start: not compliant; no cap yet on
  01/12/2023; 1 reference; notice not recorded. Compliant with all five: 1 of 3 = 33.3%.
  Each rule: experience 2/3, no return 2/3, price cap 1/3, references 2/3, notice 2/3.
- Running more than 12 months (started before 31/03/2024): AS3. Ending by 28/04/2025: AS2.
- By agency: Acme 2, Best 1. By cover reason: absence, project, vacancy 1 each. Project team:
  AS2, with March's cost 5,544.00.
"""

from __future__ import annotations

from datetime import date

import pytest

from data_access.ingest.importer import import_files
from data_access.settings import remember_our_authority

D = date(2025, 3, 31)
FILES = {
    "teams.csv": (
        b"team_id,team_name,team_type,hub,area\n"
        b"T1,Alpha,safeguarding,Hub A,North\nT2,Beta,safeguarding,Hub B,South\n"
    ),
    "staff.csv": (
        b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
        b"P1,Pat,social_worker,permanent,1,T1,2020-01-01\n"
        b"A1,Ann,social_worker,agency,1,T1,2024-06-03\n"
        b"A2,Abe,team_manager,agency,1,T1,2025-03-03\n"
        b"A3,Ada,social_worker,agency,1,T2,2023-12-01\n"
    ),
    "agency_price_caps.csv": (
        b"role_category,effective_from,hourly_cap\n"
        b"social_worker,2024-10-31,40.00\nteam_manager,2024-10-31,55.00\n"
    ),
    "agency_assignments.csv": (
        b"assignment_id,staff_id,agency,role_category,swe_number,start_date,end_date,"
        b"hours_per_week,hourly_pay_rate,hourly_capped_cost,hourly_charge_rate,project_team,"
        b"cover_reason,pqe_years,last_permanent_la_code,last_permanent_end_date,"
        b"references_received,notice_weeks,cap_breach_dcs_signoff_date\n"
        b"AS1,A1,Acme,social_worker,SW1,2025-01-06,,37,34,38.95,46.20,no,vacancy,6,,,2,4,\n"
        b"AS2,A2,Best,team_manager,SW2,2025-03-17,2025-04-18,36,50,57.00,70.00,yes,project,"
        b"10,,,2,4,2025-03-10\n"
        b"AS3,A3,Acme,social_worker,SW3,2023-12-01,,30,30,34.00,41.00,no,absence,,330,"
        b"2023-10-15,1,,\n"
        b"AS4,A1,Acme,social_worker,SW1,2024-06-03,2025-01-03,37,34,38.95,46.20,no,vacancy,6,"
        b",,2,4,\n"
        b"AS5,A2,Best,social_worker,SW2,2025-03-03,2025-03-14,20,33,39.00,45.00,no,vacancy,"
        b"10,,,2,4,\n"
    ),
}


@pytest.fixture
def agency_org(engine):
    result = import_files(FILES, engine=engine, source="test")
    assert result.loaded, [str(problem) for problem in result.problems]
    remember_our_authority("330", by="test", engine=engine)
    return engine


#: The quarterly return for 2025-Q1 (January to March 2025), worked out by hand: every
#: assignment is active on some day of it. January 2025 has 23 weekdays (1 January a
#: Wednesday), February 20.
#: - AS3: experience not recorded; no return: not compliant; no cap on 01/12/2023; 1 reference;
#:   notice not recorded.
#: - AS4 (started 03/06/2024, before the first cap): no cap set; every other rule met.
#: - AS1 and AS5 (39.00 within 40.00): compliant. AS2: over the cap, not signed off.
#: Costs: January AS3 41.00 x 30 x 23 / 5 = 5,658.00, AS4 1 to 3 January 1,709.40 x 3 / 5 =
#: 1,025.64, AS1 from 6 January 1,709.40 x 20 / 5 = 6,837.60: 13,521.24. February AS3
#: 1,230 x 20 / 5 = 4,920.00 and AS1 6,837.60: 11,757.60. March 19,689.48 (above).
RETURN_2025_Q1_RULES = {
    "experience": {"compliant": 4, "not_compliant": 0, "not_recorded": 1},
    "cooling_off": {"compliant": 4, "not_compliant": 1, "not_recorded": 0},
    "price_cap": {"compliant": 2, "not_compliant": 1, "not_recorded": 0, "no_cap_set": 2},
    "references": {"compliant": 4, "not_compliant": 1, "not_recorded": 0},
    "notice": {"compliant": 4, "not_compliant": 0, "not_recorded": 1},
}
RETURN_2025_Q1_COST = {"2025-01": 13521.24, "2025-02": 11757.6, "2025-03": 19689.48}
