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
    over_limit,
)
from ui import chart_specs, queries
from ui import format as fmt
from ui.auth import actor, current_grant
from ui.charts import chart_block, csv_download, slug
from ui.filters import current, team_labels
from ui.layout import page_header
from ui.tables import uk_date_columns

STATUS_TEXT = {
    "overdue": "✗ Overdue",
    "due within 7 days": "! Due within 7 days",
    "in date": "✓ In date",
    "not required": "– Not required",
}
STATUS_ORDER = {"overdue": 0, "due within 7 days": 1, "in date": 2, "not required": 3}
ROLE_TEXT = {
    "social_worker": "Social worker",
    "senior_practitioner": "Senior practitioner",
    "advanced_practitioner": "Advanced practitioner",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
}

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
):
    st.stop()
as_at, scope = filters.as_at, filters.scope


def _choose_team() -> None:
    # The picker offers only teams whose names this user may see; the sidebar's Team filter
    # shows every team (their figures are aggregates), so its label is found among them all.
    chosen = named[st.session_state["team-picker"]]
    everyone = team_labels(queries.teams(Scope(area=chosen.area, hub=chosen.hub)))
    st.session_state["area"], st.session_state["hub"] = chosen.area, chosen.hub
    st.session_state["team"] = next(label for label, t in everyone.items() if t == chosen)


if scope.team_id is None:
    named = team_labels(queries.named_teams(scope, grant))
    if not named:
        st.warning(
            f"Your access does not cover the names of any team in {fmt.plain(filters.scope_label)}"
            f" (you may see: {fmt.plain(grant.describe_names())})."
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
    queries.log_access(actor(grant), VIEW_NAMES, team_scope, f"as at {as_at.isoformat()}")
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

eligible = [w for w in workers if w.status != "not required"]
over_their_limit = [w for w in workers if over_limit(w.open_cases, w.caseload_limit)]
no_agreement = [w for w in eligible if w.agreement_date is None]
tiles = st.columns(4)
tiles[0].metric("Overdue for supervision", sum(w.status == "overdue" for w in workers), border=True)
tiles[1].metric(
    "Due within 7 days", sum(w.status == "due within 7 days" for w in workers), border=True
)
tiles[2].metric("Over their caseload limit", len(over_their_limit), border=True)
tiles[3].metric("No supervision agreement", len(no_agreement), border=True)


def cases_text(worker) -> str:
    if worker.open_cases is None:
        return "no snapshot"
    if worker.caseload_limit is None:
        return str(worker.open_cases)
    flag = " ✗ over" if over_limit(worker.open_cases, worker.caseload_limit) else ""
    return f"{worker.open_cases} (limit {worker.caseload_limit:g}){flag}"


table = pd.DataFrame(
    [
        {
            "Name": w.display_name,
            "Role": ROLE_TEXT[w.role],
            "Contract": w.employment_type.capitalize(),
            "FTE": w.fte,
            "ASYE": w.asye_stage,
            "Open cases": cases_text(w),
            "Last supervision": w.last_supervision,
            "Next due": w.next_due,
            "Supervision": STATUS_TEXT[w.status],
            "Agreement": w.agreement_date,
        }
        for w in workers
    ]
)
st.subheader(f"People in post, {fmt.uk_date(as_at)}")
st.caption(
    "Overdue first; blank dates mean none recorded. Next due = latest held session (or start "
    "date) plus the required "
    f"interval: {WEEKLY_INTERVAL_DAYS} days in the first {ASYE_WEEKLY_DAYS} days of the ASYE, "
    f"{FORTNIGHTLY_INTERVAL_DAYS} days to {ASYE_FORTNIGHTLY_MONTHS} months, otherwise "
    f"{MONTHLY_INTERVAL_DAYS} days. "
    "Click a heading to sort."
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config=uk_date_columns("Last supervision", "Next due", "Agreement"),
)
csv_download(
    table,
    "People in post",
    f"{slug(filters.team_name or 'team')}-{as_at.isoformat()}",
    on_download=lambda: queries.log_access(
        actor(grant), DOWNLOAD_NAMES, team_scope, f"people in post, as at {as_at.isoformat()}"
    ),
)

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
)
