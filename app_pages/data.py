"""Data: upload the council's extracts, check them, import them; history and data quality.

Each upload is checked once: the check's outcome (never its rows) is kept in session state for
that upload, so that a rerun (a click on Import, a change of filter) neither checks the files
again nor records a refusal twice. A refused or failed check is recorded in the import history
by the check itself, before the page draws anything: a browser that has left stops the page at
its next drawing, and the attempt must still be in the history.

The demo database takes no other data (data_access/demo/own_data.py): on it, uploads are checked
as a new database of the council's own would take them, and nothing is imported or loaded; the
page says why, at the top and at each button, and gives the commands that start a council's own
database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from data_access.access.grants import DOWNLOAD_NAMES, VIEW_NAMES
from data_access.core.problems import Problem
from data_access.demo.own_data import DEMO_AGAIN, OWN_DATABASE_COMMANDS
from data_access.ingest.reading import MAX_FILE_BYTES, MEGABYTE
from data_access.ingest.specs import FILE_SPECS
from ui import actions, queries
from ui import format as fmt
from ui.auth import actor, auth_configured, current_grant
from ui.charts import csv_download
from ui.filters import current
from ui.layout import grid
from ui.tables import census_figure_rows, uk_date_columns

logger = logging.getLogger("workforce_dashboard")

UPLOADER_GENERATION = "data-uploader-generation"
CHECKED = "data-checked-uploads"
LAST_IMPORT = "data-last-import"
#: The upload boxes' limit, in the megabytes they count: the importer's own per-file limit.
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // MEGABYTE
#: Pixels per row of a problems table: three lines of text, so a problem's message wraps.
PROBLEM_ROW_HEIGHT = 64


def problems_table(problems, title: str) -> None:
    """The problems found in an upload: file, line or row, column, problem, value; with CSV."""
    frame = pd.DataFrame(
        [
            {
                "File": problem.file,
                "Line or row": problem.line,
                "Column or element": problem.column or "",
                "Problem": problem.message,
                "Value found": problem.found if problem.found is not None else "",
            }
            for problem in problems
        ]
    )
    # Taller rows wrap a long problem onto a second and third line instead of cutting it off.
    st.dataframe(
        frame,
        hide_index=True,
        row_height=PROBLEM_ROW_HEIGHT,
        column_config={
            "File": st.column_config.TextColumn(width="small"),
            "Line or row": st.column_config.NumberColumn(width="small", format="%d"),
            "Column or element": st.column_config.TextColumn(width="small"),
            "Problem": st.column_config.TextColumn(width="large"),
            "Value found": st.column_config.TextColumn(width="small"),
        },
    )
    csv_download(frame, title)


def checked_once(section: str, uploads: Sequence[Any], check: Callable[[], Any]) -> Any:
    """The outcome of `check()` for these uploaded files, checked once and then kept in
    session state. Streamlit gives every uploaded file its own id, so a rerun finds the kept
    outcome, and a new upload (even of the same file) is checked (and recorded) afresh. Only
    the latest upload of each section is kept."""
    key = tuple((upload.file_id, upload.name, upload.size) for upload in uploads)
    kept = st.session_state.setdefault(CHECKED, {})
    if section in kept and kept[section][0] == key:
        return kept[section][1]
    kept.pop(section, None)  # the previous upload's outcome is not needed any more
    with st.spinner("Checking the files..."):
        outcome = check()
        # Kept before anything is drawn: if the browser has left, the page stops at its next
        # drawing, and a browser that comes back to this session must find the outcome.
        kept[section] = (key, outcome)
        queries.history.clear()
    return outcome


def forget_checks() -> None:
    st.session_state.pop(CHECKED, None)


def check_benchmark_upload(files: dict[str, bytes]) -> dict[str, Any]:
    """Which file is which (by name: the bytes are not kept), and the check of the published
    files; a refusal is recorded in the import history here, before anything is drawn."""
    kinds = {name: actions.recognise_benchmark_file(content) for name, content in files.items()}
    outcome: dict[str, Any] = {
        kind: [name for name, found in kinds.items() if found == kind]
        for kind in ("indicators", "neighbours", None)
    }
    indicators, models = outcome["indicators"], outcome["neighbours"]
    if outcome[None] or len(indicators) != 1 or len(models) > 1:
        actions.record_refusal(
            files, 1, source="benchmarks (upload)", user=actor(grant), kind="benchmarks"
        )
        return outcome
    model = (models[0], files[models[0]]) if models else None
    outcome["checked"] = actions.check_benchmarks((indicators[0], files[indicators[0]]), model)
    problems: list[Problem] = outcome["checked"].problems
    if problems:
        actions.record_refusal(
            files, len(problems), source="benchmarks (upload)", user=actor(grant), kind="benchmarks"
        )
    return outcome


#: What the demo says at each button that would write (see the top of the page for why).
DEMO_NOT_HERE = (
    "**{action} is off in the demo**, whose data everyone viewing it shares (see the top of "
    "this page). {these} into a database of your own: {how}"
)


def demo_button(label: str, action: str, these: str, how: str) -> None:
    """The button as it would be, switched off, with why and what to do instead beside it."""
    st.button(label, type="primary", disabled=True, key=f"demo-{label}")
    st.warning(DEMO_NOT_HERE.format(action=action, these=these, how=how))


filters = current()
grant = current_grant()
#: The database holds only the demo organisation: nothing may be imported or loaded into it.
demo = queries.only_demo_data()
st.title("Data")
if not grant.may_use_data_page:
    st.error(
        "The Data page is for data officers and administrators: your access "
        f"({grant.role_label}) does not include it. "
        + (
            "In the demo, choose **Data officer** or **Administrator** under *View as* in the "
            "sidebar to see it."
            if demo and not auth_configured()
            else "Ask your administrator if you need it."
        )
    )
    st.stop()
if demo:
    st.warning(
        "**This is the demo: its data are made up, and everyone viewing it shares them, so "
        "nothing can be imported or loaded here.** Your rows would be mixed into the demo's "
        "figures, and, since real data needs sign-in, the dashboard would then show nothing "
        "to anyone until sign-in is set up. You can still upload files below to **check** "
        "them: they are checked as a new database of your own would take them (every row is "
        "new, so send the files a file refers to, such as `teams.csv` with `staff.csv`), and "
        "nothing is written.",
        icon=":material/science:",
    )
    st.markdown(
        "**To use your own data**, give it a database of its own and set up sign-in (the "
        "README's *Loading real data* and *Sign-in and access* say more):"
    )
    st.code("\n".join(OWN_DATABASE_COMMANDS), language=None, wrap_lines=True)
    st.markdown(DEMO_AGAIN)
else:
    st.markdown(
        "Load the council's extracts: upload them, check what they would change, fix anything "
        "wrong, then import. Nothing is written until you press **Import**, and then "
        "everything is written at once or not at all."
    )

with st.expander("How to prepare the files, and templates"):
    st.markdown(
        "- One file per kind of data: teams, staff, supervision sessions, caseloads, "
        "vacancies, supervision audits, and, if you keep them, appraisals and staff survey "
        "results. Send any of them; send each kind once.\n"
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
            actions.template_csv(spec.name),
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
    max_upload_size=UPLOAD_LIMIT_MB,
)

if uploads:
    sources = {upload.name: upload.getvalue() for upload in uploads}
    upload_source = f"upload: {', '.join(sources)}"
    check = checked_once(
        "organisation",
        uploads,
        lambda: actions.check_upload(
            sources, source=upload_source, user=actor(grant), as_new_database=demo
        ),
    )
    if check.failed:
        st.error(
            "These files could not be checked: the error has been logged for the dashboard's "
            "maintainers and the attempt is in the import history below. Nothing was imported."
        )
        st.stop()
    for warning in check.warnings:
        st.warning(fmt.plain(str(warning)))
    if check.summary:
        st.markdown("**What the files hold**")
        # What importing would add or replace is known only once nothing is wrong: until
        # then those columns are left out rather than shown empty.
        counted = all(item.added is not None for item in check.summary)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "File": item.label,
                        "Kind": item.kind,
                        "Rows": item.rows,
                        **(
                            {
                                "New": item.added,
                                "Replacing": item.replaced,
                                "Unchanged": item.unchanged,
                            }
                            if counted
                            else {}
                        ),
                        "From": item.first_date,
                        "To": item.last_date,
                    }
                    for item in check.summary
                ]
            ),
            hide_index=True,
            column_config=uk_date_columns("From", "To"),
        )
        if not counted:
            st.caption("What importing would add or replace is shown once nothing is wrong.")
        for label, rows in check.previews:
            with st.expander(f"Preview: {fmt.plain(label)} (first 10 rows)"):
                st.dataframe(pd.DataFrame(rows), hide_index=True)

    if check.problems:
        st.error(
            f"{fmt.counted(check.problem_count, 'problem')} found. Nothing can be imported until "
            f"{'it is' if check.problem_count == 1 else 'they are'} fixed: correct the files "
            "and upload them again."
        )
        problems_table(check.problems, "Import problems")
        if check.problem_count > len(check.problems):
            st.caption(
                f"The first {len(check.problems):,} problems are listed; fix those (often one "
                "cause, such as a wrong column, explains the rest) and upload again."
            )
    elif check.importable and demo:
        demo_button(
            "Import",
            "Import",
            "These files pass every check, so they would import",
            "`python -m data_access import FOLDER` with `DATABASE_URL` set, as above.",
        )
    elif check.importable and st.button("Import", type="primary"):
        outcome = actions.import_upload(sources, source=upload_source, user=actor(grant))
        if outcome.loaded:
            added = sum(count.added for count in outcome.counts)
            replaced = sum(count.replaced for count in outcome.counts)
            st.session_state[LAST_IMPORT] = (
                f"Imported {fmt.plain_list(sources)}: {added} rows added, {replaced} replaced."
            )
            st.session_state[UPLOADER_GENERATION] = generation + 1
            forget_checks()
            st.rerun()
        else:
            queries.history.clear()
            st.error("The data changed while you were checking; upload the files again.")

st.subheader("Published national benchmarks")
st.caption(
    "The Department for Education's *Children's social work workforce* indicators CSV (all "
    "authorities, every year) and, optionally, its statistical neighbour model CSV, as "
    "downloaded from explore-education-statistics. Loading them replaces the earlier benchmark "
    "load; without a neighbour file, the neighbour model already held is kept. They feed the "
    "National benchmarks page."
)
benchmark_uploads = st.file_uploader(
    "DfE indicators CSV and statistical neighbour model CSV",
    type=["csv"],
    accept_multiple_files=True,
    key=f"benchmark-uploader-{generation}",
    max_upload_size=UPLOAD_LIMIT_MB,
)


if benchmark_uploads:
    files = {upload.name: upload.getvalue() for upload in benchmark_uploads}
    recognised = checked_once(
        "benchmarks", benchmark_uploads, lambda: check_benchmark_upload(files)
    )
    indicators = [(name, files[name]) for name in recognised["indicators"]]
    models = [(name, files[name]) for name in recognised["neighbours"]]
    if "checked" not in recognised:
        unknown = recognised[None]
        st.error(
            "Upload one DfE indicators file (its first line starts `time_period,...` and has "
            "`geographic_level`) and at most one neighbour model (with `old_la_code` and "
            "`SN_1`). "
            + (f"Not recognised: {fmt.plain_list(unknown)}. " if unknown else "")
            + f"Recognised: {fmt.counted(len(indicators), 'indicators file')}, "
            + f"{fmt.counted(len(models), 'neighbour model')}."
        )
    else:
        model = models[0] if models else None
        checked = recognised["checked"]
        for warning in checked.warnings:
            st.warning(fmt.plain(str(warning)))
        if checked.problems:
            st.error(
                f"{fmt.counted(len(checked.problems), 'problem')} found; nothing can be loaded "
                "until they are fixed."
            )
            problems_table(checked.problems, "Benchmark problems")
        else:
            first, last = checked.years
            st.markdown(
                f"**{fmt.plain(indicators[0][0])}**: {checked.rows} published rows, {first} "
                f"to {last}, {checked.authorities} authorities."
                + (
                    f" **{fmt.plain(model[0])}**: neighbours for {checked.neighbour_models} "
                    "authorities."
                    if model
                    else " No neighbour model in this upload: the one held (if any) is kept."
                )
            )
            if demo:
                demo_button(
                    "Load benchmarks",
                    "Loading DfE's figures",
                    "The demo's national figures are made up to agree with the demo "
                    "organisation; load DfE's",
                    "`python -m data_access import-benchmarks INDICATORS_CSV --neighbours "
                    "SN_CSV` with `DATABASE_URL` set, as above.",
                )
            elif st.button("Load benchmarks", type="primary"):
                loaded = actions.load_benchmarks(indicators[0], model, user=actor(grant))
                if loaded.loaded:
                    st.session_state[LAST_IMPORT] = (
                        f"Loaded the published benchmarks {first} to {last} from "
                        f"{fmt.plain_list(files)}."
                    )
                    st.session_state[UPLOADER_GENERATION] = generation + 1
                    forget_checks()
                    st.rerun()
                queries.history.clear()
                st.error("The files could not be loaded; upload them again.")

st.subheader("Our census return")
st.caption(
    "Our CSWW census return, the XML file sent to DfE for 30 September, in any of DfE's "
    "layouts from 2021 to 2025 (chosen by its year). It is checked like any import, with "
    "warnings about what to look at before submitting, and the figures DfE will publish for us "
    "(in post, starters, leavers, turnover, agency, vacancy, caseload, absence; from the 2025 "
    "layout pay and allowances too) are computed from it by DfE's counting rules, so that the "
    "board sees them before submission. Only those figures are kept, never the worker records."
)
census_upload = st.file_uploader(
    "Census return (.xml)",
    type=["xml"],
    key=f"census-uploader-{generation}",
    max_upload_size=UPLOAD_LIMIT_MB,
)
if census_upload is not None:
    content = census_upload.getvalue()
    census = checked_once(
        "census",
        [census_upload],
        lambda: actions.check_census(census_upload.name, content, user=actor(grant)),
    )
    if census.failed:
        st.error(
            "The return could not be checked: the error has been logged for the dashboard's "
            "maintainers and the attempt is in the import history below."
        )
    elif census.problems:
        st.error(
            f"{fmt.counted(census.problem_count, 'problem')} found in the return; fix them in "
            "the system that produced it and upload it again."
        )
        problems_table(census.problems, "Census return problems")
    else:
        figures = census.figures
        st.markdown(
            f"**{fmt.plain(census_upload.name)}**: authority {fmt.plain(figures.la_code)}, "
            f"reference date "
            f"{fmt.uk_date(figures.reference_date)}, {figures.worker_records} worker records, "
            f"read with DfE's {fmt.plain(figures.layout or '')} layout."
        )
        if census.warnings:
            st.warning(
                f"{fmt.counted(census.warning_count, 'thing')} to check before submitting: "
                "allowed values that are unusual, or parts of the return that disagree. The "
                "figures below are computed anyway."
            )
            problems_table(census.warnings, "Census return warnings")
        census_table = pd.DataFrame(census_figure_rows(figures))
        st.dataframe(census_table, hide_index=True)
        csv_download(census_table, "Census return figures")
        if demo:
            demo_button(
                "Save these figures",
                "Saving a census return",
                "Its figures are a real authority's, before publication, and the demo shows "
                "them to anyone without sign-in; save them",
                "`python -m data_access census RETURN.xml` with `DATABASE_URL` set, as above.",
            )
        elif st.button("Save these figures", type="primary"):
            saved = actions.load_census(census_upload.name, content, user=actor(grant))
            if saved.loaded:
                st.session_state[LAST_IMPORT] = (
                    f"Saved the census return figures for {fmt.plain(figures.la_code)}, "
                    f"30 September {figures.year}."
                )
                st.session_state[UPLOADER_GENERATION] = generation + 1
                forget_checks()
                st.rerun()
            queries.history.clear()
            st.error("The return could not be saved; upload it again.")

st.subheader("Import history")
history = queries.history()
if history:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When": fmt.uk_datetime(record.imported_at),
                    "Outcome": record.outcome,
                    "Kind": {
                        "organisation": "our data",
                        "benchmarks": "national benchmarks",
                        "census": "census return",
                    }.get(record.kind, record.kind),
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
        # Counts as the reader's locale writes them (1,204,000), never as bare digits.
        column_config={
            column: st.column_config.NumberColumn(format="localized")
            for column in ("Added", "Replaced", "Unchanged", "Problems")
        },
    )
else:
    st.info("Nothing has been imported yet.")

st.subheader("Data quality")
if filters.as_at is None:
    st.info("Checks appear once data has been imported.")
    st.stop()
st.caption(f"{fmt.plain(filters.scope_label)} · as at {fmt.uk_date(filters.as_at)}")
dates, checks = queries.quality(filters.as_at, filters.scope, grant)
st.dataframe(
    pd.DataFrame([{"Kind of data": kind, "Latest date": latest} for kind, latest in dates.items()]),
    hide_index=True,
    column_config=uk_date_columns("Latest date"),
)
# One line per check, count first: their names are too long for tiles side by side.
for check in checks:
    st.markdown(f"**{check.count:,}** · {fmt.plain(check.name)}", help=check.explanation)
quality_scope = f"{filters.scope_label}, as at {fmt.uk_date(filters.as_at)}"
for check in checks:
    if not check.count:
        continue
    with st.expander(f"{check.name}: {check.count}"):
        st.caption(check.explanation)
        if check.unlisted:
            st.caption(
                f"{check.unlisted} of them are in teams whose names your access does not cover "
                f"({fmt.plain(grant.describe_names())}), so they are counted but not listed."
            )
        if not check.items:
            continue
        frame = pd.DataFrame(check.items, columns=list(check.columns))
        names_shown = "name" in check.columns
        if names_shown and st.session_state.get("_quality_names_logged") != quality_scope:
            queries.log_access(actor(grant), VIEW_NAMES, quality_scope, "data quality lists")
            st.session_state["_quality_names_logged"] = quality_scope
        st.dataframe(frame, hide_index=True)
        csv_download(
            frame,
            check.name,
            on_download=(
                lambda title=check.name: queries.log_access(
                    actor(grant), DOWNLOAD_NAMES, quality_scope, title
                )
            )
            if names_shown
            else None,
        )
