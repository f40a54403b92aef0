"""Team: a team manager's view of their own people (personal data: names are shown here)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.access.grants import DOWNLOAD_NAMES, VIEW_NAMES
from data_access.core.dates import add_months
from data_access.core.scope import Scope
from data_access.indicators.policy import (
    ASYE_FORTNIGHTLY_MONTHS,
    ASYE_WEEKLY_DAYS,
    FORTNIGHTLY_INTERVAL_DAYS,
    MONTHLY_INTERVAL_DAYS,
    WEEKLY_INTERVAL_DAYS,
    SupervisionStatus,
)
from ui import chart_specs, queries
from ui import format as fmt
from ui.auth import actor, current_grant
from ui.charts import chart_block, csv_download, slug
from ui.filters import MAX_CHOICES, current, team_labels
from ui.layout import page_header
from ui.tables import uk_date_columns

#: What an empty cell shows (no next due date for someone not supervised): never "None".
NOTHING = "–"
#: Each status with a symbol, so that it reads without colour; most urgent first.
STATUS_MARK = {
    SupervisionStatus.OVERDUE: "✗",
    SupervisionStatus.DUE_SOON: "!",
    SupervisionStatus.IN_DATE: "✓",
    SupervisionStatus.NOT_REQUIRED: "–",
}
STATUS_TEXT = {status: f"{mark} {status.label}" for status, mark in STATUS_MARK.items()}
STATUS_ORDER = {status: order for order, status in enumerate(STATUS_MARK)}
ROLE_TEXT = {
    "social_worker": "Social worker",
    "senior_practitioner": "Senior practitioner",
    "advanced_practitioner": "Advanced practitioner",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
}


def how_many(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


filters = current()
grant = current_grant()
if not grant.sees_names:
    st.title("Team")
    st.error(
        "The Team page shows workers' names, and your access does not include any names"
        + (" (board members see figures only)." if grant.role == "board" else ".")
        + " The figures for every team, without names, are on the other pages."
    )
    st.stop()
if not page_header(
    "Team",
    filters,
    "Who in the team is overdue for supervision, who holds more cases than their limit, and "
    "whose supervision agreement is missing. Names are shown: this page is for the team's "
    "managers.",
    # Names only of teams the user may see: nothing here is a figure to suppress.
    populations=(),
):
    st.stop()
as_at, scope = filters.as_at, filters.scope


def _choose_team() -> None:
    # The picker offers only teams whose names this user may see; the sidebar's Team filter
    # shows every team (their figures are aggregates), so its label is found among them all.
    # The value comes from the browser: one that is not among the teams offered (a forged
    # widget message) changes nothing.
    chosen = named.get(st.session_state.get("team-picker"))
    if chosen is None:
        return
    everyone = team_labels(queries.teams(Scope(area=chosen.area, hub=chosen.hub)))
    label = next((label for label, t in everyone.items() if t == chosen), None)
    if label is not None:
        st.session_state["area"], st.session_state["hub"] = chosen.area, chosen.hub
        st.session_state["team"] = label


if scope.team_id is None:
    named = team_labels(queries.named_teams(scope, grant))
    if not named:
        st.warning(
            f"Your access does not cover the names of any team in {fmt.plain(filters.scope_label)}"
            f" (you may see: {fmt.plain(grant.describe_names())})."
        )
        st.stop()
    if len(named) > MAX_CHOICES:
        st.info(
            f"Your access covers {len(named):,} teams here: choose an area or hub in the "
            "sidebar, then the team."
        )
        st.stop()
    st.selectbox(
        "Choose a team",
        list(named),
        index=None,
        format_func=lambda label: f"{label} ({named[label].hub})",
        placeholder="Choose a team",
        key="team-picker",
        on_change=_choose_team,
        help="This sets the Team filter in the sidebar, so the link you share includes it.",
    )
    st.info("Choose a team here or in the sidebar to see its people.")
    st.stop()

if not queries.may_see_names(grant, scope.team_id):
    st.warning(
        f"Your access does not cover the names of {fmt.plain(filters.team_name or '')}: you may "
        f"see names for {fmt.plain(grant.describe_names())}. Its figures, without names, are on "
        "the Overview, Supervision and Caseloads pages. Ask your administrator if you need more."
    )
    st.stop()

team_scope = f"team {scope.team_id} ({filters.team_name})"
viewed = st.session_state.setdefault("_names_viewed", set())
if (scope.team_id, as_at) not in viewed:
    queries.log_access(actor(grant), VIEW_NAMES, team_scope, f"as at {fmt.uk_date(as_at)}")
    viewed.add((scope.team_id, as_at))

workers = sorted(
    queries.team_workers(as_at, scope.team_id, grant),
    key=lambda w: (STATUS_ORDER[w.status], w.display_name),
)
if not workers:
    st.warning(
        f"Nobody was in post in {fmt.plain(filters.team_name or '')} on {fmt.uk_date(as_at)}."
    )
    st.stop()

eligible = [w for w in workers if w.status != SupervisionStatus.NOT_REQUIRED]
#: What a manager acts on, each a filter of the table showing how many it holds: the counts
#: and the filter in one row, which stays short on a phone.
FOCUS = {
    "Overdue": lambda w: w.status == SupervisionStatus.OVERDUE,
    SupervisionStatus.DUE_SOON.label: lambda w: w.status == SupervisionStatus.DUE_SOON,
    "Over caseload limit": lambda w: w.over_limit,
    "No agreement": lambda w: (
        w.status != SupervisionStatus.NOT_REQUIRED and w.agreement_date is None
    ),
    "Everyone": lambda w: True,
}
counts = {label: sum(1 for w in workers if test(w)) for label, test in FOCUS.items()}

st.subheader(f"People in post, {fmt.uk_date(as_at)}")
focus = st.pills(
    "Show",
    list(FOCUS),
    default="Everyone",
    required=True,
    format_func=lambda label: f"{label} ({counts[label]})",
    key="team-focus",
    help="Overdue: not supervised within their required interval. No agreement: a social "
    "worker with no supervision agreement recorded.",
)
shown = [w for w in workers if FOCUS[focus](w)]


# What a manager acts on, in six columns that fit a laptop beside the sidebar and most of a
# phone: who, their supervision status and when it is next due, and their caseload against
# their own limit. Who they are (role, contract, FTE) and the dates behind the status follow
# in a second table.
OVER = "✗ Over"
action = pd.DataFrame(
    [
        {
            "Name": w.display_name,
            "Supervision": STATUS_TEXT[w.status],
            "Next due": w.next_due,
            "Cases": w.open_cases,
            "Limit": w.caseload_limit,
            "Over limit": OVER if w.over_limit else "",
        }
        for w in shown
    ],
    columns=["Name", "Supervision", "Next due", "Cases", "Limit", "Over limit"],
).astype({"Cases": "Int64", "Limit": "Float64"})
details = pd.DataFrame(
    [
        {
            "Name": w.display_name,
            "Last supervision": w.last_supervision,
            "Agreement": w.agreement_date,
            "ASYE": w.asye_stage,
            "Role": ROLE_TEXT[w.role],
            "Contract": w.employment_type.capitalize(),
            "FTE": w.fte,
        }
        for w in shown
    ],
    columns=["Name", "Last supervision", "Agreement", "ASYE", "Role", "Contract", "FTE"],
)
if shown:
    st.dataframe(
        action,
        hide_index=True,
        width="stretch",
        placeholder=NOTHING,
        # The whole team at once: no scrolling inside the table for a team of normal size.
        height="content",
        # Widths in pixels: on a phone the name, status and next due fit the screen.
        column_config={
            "Name": st.column_config.TextColumn("Name", width=140),
            "Supervision": st.column_config.TextColumn("Supervision", width=130),
            "Next due": st.column_config.DateColumn("Next due", format="DD/MM/YYYY", width=90),
            "Cases": st.column_config.NumberColumn(
                "Cases", format="%d", width=60, help="Open cases at the latest count"
            ),
            "Limit": st.column_config.NumberColumn(
                "Limit",
                format="%g",
                width=60,
                help="Their own caseload limit: the team's threshold, x "
                f"{queries.policy().asye_caseload_factor:g} in the ASYE",
            ),
            "Over limit": st.column_config.TextColumn(
                "Over limit", width=80, help="More open cases than their own limit"
            ),
        },
    )
    st.caption(
        "Overdue first. Next due = latest held session (or start date) plus the required "
        f"interval: {WEEKLY_INTERVAL_DAYS} days in the first {ASYE_WEEKLY_DAYS} days of the "
        f"ASYE, {FORTNIGHTLY_INTERVAL_DAYS} days to {ASYE_FORTNIGHTLY_MONTHS} months, otherwise "
        f"{MONTHLY_INTERVAL_DAYS} days. Click a heading to sort."
    )
    st.markdown("**Their supervision dates, ASYE, role and contract**")
    st.dataframe(
        details,
        hide_index=True,
        width="stretch",
        placeholder=NOTHING,
        height="content",
        column_config={
            **uk_date_columns("Last supervision", "Agreement"),
            "FTE": st.column_config.NumberColumn("FTE", format="%g", width="small"),
        },
    )
    st.caption(
        "“None” means nothing is recorded: no held session, no supervision agreement, or (in "
        "the table above) no caseload count."
    )
else:
    st.info(f"No one in the team is in “{focus}” as at {fmt.uk_date(as_at)}.")
# One file with everything about the people shown, and the filter in its name and button.
people_file = pd.concat([action, details.drop(columns="Name")], axis=1)
csv_download(
    people_file,
    "People in post",
    f"{slug(filters.team_name or 'team')}-{as_at.isoformat()}-{slug(focus)}",
    label=f"Download CSV: {focus.lower()} ({how_many(len(shown))})",
    on_download=lambda: queries.log_access(
        actor(grant),
        DOWNLOAD_NAMES,
        team_scope,
        f"people in post ({focus}), as at {fmt.uk_date(as_at)}",
    ),
)

st.subheader("Agency workers on assignment")
assignments = queries.named_assignments(as_at, Scope(team_id=scope.team_id), grant).rows
if assignments:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Name": row.display_name,
                    "Agency": row.agency,
                    "Started": row.start_date,
                    "Ends": row.end_date,
                    "Days left": row.days_left,
                    "Rules not met": row.rules_not_met_text,
                }
                for row in sorted(assignments, key=lambda row: (row.end_date is None, row.end_date))
            ]
        ).astype({"Days left": "Int64"}),
        hide_index=True,
        width="stretch",
        placeholder="continuing",
        height="content",
        column_config={
            **uk_date_columns("Started", "Ends"),
            "Days left": st.column_config.NumberColumn(format="%d", width="small"),
        },
    )
    st.caption(
        "Soonest end first; an assignment with no end date is continuing. The rules are DfE's "
        "agency rules, judged at the assignment's start (the Agency page has the detail)."
    )
else:
    st.info(f"No agency worker in this team is on assignment on {fmt.uk_date(as_at)}.")

st.subheader("Supervision timeline")
people = {w.staff_id: w for w in eligible}
if not people:
    st.info("Nobody in this team needs supervision recorded here (no social workers in post).")
    st.stop()
chosen = st.selectbox(
    "Worker",
    list(people),
    format_func=lambda staff_id: people[staff_id].display_name,
    key="timeline-worker",
)
since = add_months(as_at, -12)
sessions = queries.worker_sessions(chosen, since, as_at, scope.team_id, grant)
frame = pd.DataFrame(
    [
        {
            "date": s.session_date,
            "Status": s.status,
            "Reflective": {True: "yes", False: "no", None: "not held"}[s.reflective],
            "Child's views": {True: "yes", False: "no", None: "not held"}[s.childs_views_recorded],
            "Minutes": s.duration_minutes,
            "Supervisor": s.supervisor,
        }
        for s in sessions
    ]
)
worker = people[chosen]
chart_block(
    f"{fmt.plain(worker.display_name)}: sessions in the 12 months to {fmt.uk_date(as_at)}",
    f"Held and cancelled supervision sessions. Status now: {STATUS_TEXT[worker.status]}; "
    f"next due {fmt.uk_date(worker.next_due)}.",
    chart_specs.session_timeline(
        frame.rename(columns={"Child's views": "childs_views"}), since, as_at
    )
    if not frame.empty
    else None,
    frame.assign(date=frame["date"].map(fmt.uk_date)).rename(columns={"date": "Date"})
    if not frame.empty
    else frame,
    height=240,
    empty_message="No supervision session is recorded for this worker in these 12 months.",
    on_download=lambda: queries.log_access(
        actor(grant),
        DOWNLOAD_NAMES,
        team_scope,
        f"supervision timeline of {chosen} to {fmt.uk_date(as_at)}",
    ),
)
