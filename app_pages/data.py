"""Data: upload the council's extracts, check them, import them; history and data quality."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data_access.importer import (
    FILE_SPECS,
    import_files,
    preview_import,
    record_refusal,
    summarise,
)
from data_access.templates import template_csv
from ui import format as fmt
from ui import queries
from ui.charts import csv_download
from ui.filters import current
from ui.layout import grid
from ui.tables import uk_date_columns

UPLOADER_GENERATION = "data-uploader-generation"
LOGGED_REFUSALS = "data-logged-refusals"
LAST_IMPORT = "data-last-import"
USER = "local user"  # until sign-in exists

filters = current()
st.title("Data")
st.markdown(
    "Load the council's extracts: upload them, check what they would change, fix anything "
    "wrong, then import. Nothing is written until you press **Import**, and then everything "
    "is written at once or not at all."
)

with st.expander("How to prepare the files, and templates"):
    st.markdown(
        "- One file per kind of data: teams, staff, supervision sessions, caseloads, "
        "vacancies, supervision audits. Send any of them; send each kind once.\n"
        "- CSV (UTF-8 or Excel's Windows encoding), Excel `.xlsx` (one kind per sheet), or a "
        "`.zip` holding them. Each file or sheet is recognised by its name (e.g. `staff.csv`, "
        "a sheet called `Staff`) or by its column headings.\n"
        "- Dates as `30/09/2025`, `2025-09-30` or Excel dates. Yes/no columns accept yes/no, "
        "y/n, true/false, 1/0. Blank rows and a total row at the bottom are ignored.\n"
        "- Rows whose id already exists replace the stored row; nothing is ever deleted.\n"
        "- The full rules are in `docs/data-format.md`."
    )
    for cell, spec in zip(grid(len(FILE_SPECS), 3), FILE_SPECS, strict=True):
        cell.download_button(
            f"Template: {spec.name}",
            template_csv(spec.name),
            file_name=spec.name,
            mime="text/csv",
            key=f"template-{spec.name}",
        )

if LAST_IMPORT in st.session_state:
    st.success(st.session_state.pop(LAST_IMPORT))

st.subheader("Upload")
generation = st.session_state.setdefault(UPLOADER_GENERATION, 0)
uploads = st.file_uploader(
    "Files to import (.csv, .xlsx or .zip)",
    type=["csv", "xlsx", "zip"],
    accept_multiple_files=True,
    key=f"uploader-{generation}",
)

if uploads:
    sources = {upload.name: upload.getvalue() for upload in uploads}
    with st.spinner("Checking the files..."):
        result = preview_import(sources)
    for warning in result.warnings:
        st.warning(str(warning))
    summary = summarise(result)
    if summary:
        st.markdown("**What the files hold**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "File": item.label,
                        "Kind": item.kind,
                        "Rows": item.rows,
                        "New": item.added,
                        "Replacing": item.replaced,
                        "Unchanged": item.unchanged,
                        "From": item.first_date,
                        "To": item.last_date,
                    }
                    for item in summary
                ]
            ),
            hide_index=True,
            column_config=uk_date_columns("From", "To"),
        )
        for parsed in result.validation.files.values():
            with st.expander(f"Preview: {parsed.label} (first 10 rows)"):
                st.dataframe(
                    pd.DataFrame([row.values for row in parsed.rows[:10]]), hide_index=True
                )

    if result.problems:
        fingerprint = hashlib.sha256(
            b"".join(name.encode() + content for name, content in sorted(sources.items()))
        ).hexdigest()
        logged = st.session_state.setdefault(LOGGED_REFUSALS, set())
        if fingerprint not in logged:
            record_refusal(
                sources, len(result.problems), source=f"upload: {', '.join(sources)}", user=USER
            )
            logged.add(fingerprint)
            queries.history.clear()
        st.error(
            f"{len(result.problems)} problem(s) found. Nothing can be imported until they are "
            "fixed: correct the files and upload them again."
        )
        problems = pd.DataFrame(
            [
                {
                    "File": problem.file,
                    "Line or row": problem.line,
                    "Column": problem.column or "",
                    "Problem": problem.message,
                    "Value found": problem.found if problem.found is not None else "",
                }
                for problem in result.problems
            ]
        )
        st.dataframe(problems, hide_index=True)
        csv_download(problems, "Import problems")
    elif summary and st.button("Import", type="primary"):
        outcome = import_files(sources, source=f"upload: {', '.join(sources)}", user=USER)
        if outcome.loaded:
            queries.clear_all()  # every page shows the new data at once
            added = sum(count.added for count in outcome.counts)
            replaced = sum(count.replaced for count in outcome.counts)
            st.session_state[LAST_IMPORT] = (
                f"Imported {', '.join(sources)}: {added} rows added, {replaced} replaced."
            )
            st.session_state[UPLOADER_GENERATION] = generation + 1
            st.rerun()
        else:
            st.error("The data changed while you were checking; upload the files again.")

st.subheader("Import history")
history = queries.history()
if history:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When": fmt.uk_datetime(record.imported_at),
                    "Outcome": record.outcome,
                    "Files": record.files,
                    "Added": record.rows_added,
                    "Replaced": record.rows_replaced,
                    "Unchanged": record.rows_unchanged,
                    "Problems": record.problem_count,
                    "By": record.imported_by,
                    "Source": record.source,
                }
                for record in history
            ]
        ),
        hide_index=True,
    )
else:
    st.info("Nothing has been imported yet.")

st.subheader("Data quality")
if filters.as_at is None:
    st.info("Checks appear once data has been imported.")
    st.stop()
st.caption(f"{filters.scope_label} · as at {fmt.uk_date(filters.as_at)}")
dates, checks = queries.quality(filters.as_at, filters.scope)
st.dataframe(
    pd.DataFrame(
        [
            {"Kind of data": "Staff starts and leavers", "Latest date": dates.staff_change},
            {"Kind of data": "Caseload snapshots", "Latest date": dates.caseload_snapshot},
            {"Kind of data": "Vacancies", "Latest date": dates.vacancies},
            {"Kind of data": "Supervision sessions", "Latest date": dates.supervision_session},
            {"Kind of data": "Supervision audits", "Latest date": dates.supervision_audit},
        ]
    ),
    hide_index=True,
    column_config=uk_date_columns("Latest date"),
)
cells = st.columns(len(checks))
for cell, check in zip(cells, checks, strict=True):
    cell.metric(check.name, check.count, help=check.explanation, border=True)
for check in checks:
    if check.count:
        with st.expander(f"{check.name}: {check.count}"):
            st.caption(check.explanation)
            frame = pd.DataFrame(check.items, columns=list(check.columns))
            st.dataframe(frame, hide_index=True)
            csv_download(frame, check.name)
