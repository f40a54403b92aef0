"""The Agency page's download of the quarterly return: the workbook is made only when the
button is pressed (Streamlit's deferred download calls `produce_agency_return`), and each
production is in the access log with who made it and that it came from the dashboard."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from data_access.access.grants import PRODUCE_AGENCY_RETURN, access_log
from data_access.agency.quarterly_return import Quarter
from data_access.core.db import session_scope
from ui import queries


def test_the_download_makes_the_workbook_and_logs_it(agency_org, fresh_caches):
    with session_scope(agency_org) as session:
        assert not [e for e in access_log(session=session) if e.action == PRODUCE_AGENCY_RETURN]
    # The preview holds counts, never the rows with SWE numbers and pay rates; it logs nothing.
    preview = queries.agency_return_preview(Quarter(2025, 1))
    assert "assignments" not in preview and preview["assignment_count"] == 5
    workbook = load_workbook(
        io.BytesIO(queries.produce_agency_return(Quarter(2025, 1), "officer@x.test"))
    )
    rows = list(workbook["Assignments"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["AS3", "AS4", "AS1", "AS5", "AS2"]  # oldest first
    with session_scope(agency_org) as session:
        logged = [
            (e.user_email, e.scope, e.detail)
            for e in access_log(session=session)
            if e.action == PRODUCE_AGENCY_RETURN
        ]
    assert logged == [("officer@x.test", "whole organisation", "2025-Q1, 5 assignments, dashboard")]
