"""Access (administrators only): who may sign in and see what, organisation settings, and the
access log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.access.grants import (
    DOWNLOAD_LOG,
    GRANT_KINDS,
    ROLE_LABELS,
    ROLES,
    WHOLE_ORGANISATION_NAME,
    AccessError,
    GrantScope,
)
from data_access.access.sign_in import DEFAULT_SIGN_IN_HOURS, SIGN_IN_HOURS_RANGE
from data_access.agency.caps import CapsNotSaved, PriceCap
from data_access.core.models import AGENCY_ROLE_CATEGORIES
from data_access.core.scope import Scope
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import DEFAULT_POLICY
from data_access.ingest.specs import MAX_HOURLY_POUNDS
from data_access.settings import (
    ACCESSIBILITY_CONTACT,
    AGENCY_NOTICE_WEEKS_RANGE,
    MAX_AGENCY_MONTHLY_BUDGET,
    MAX_SETTING_LENGTH,
    ORGANISATION_NAME,
)
from ui import format as fmt
from ui import queries
from ui.auth import actor, auth_configured, current_grant
from ui.charts import csv_download
from ui.filters import team_labels
from ui.layout import grid

grant = current_grant()
st.title("Access")
if not grant.may_administer:  # hidden from the menu; this guards its address too
    st.error("The Access page is for administrators only.")
    st.stop()
st.markdown(
    "Who may sign in, what they may do, and whose names they may see; the organisation's "
    "settings; and the log of every view or download of names and every change."
)
if not auth_configured():
    st.info(
        "Demo mode: sign-in is not set up, so nobody signs in and the *View as* choice in the "
        "sidebar decides what is shown. Users added here take effect once sign-in is set up."
    )

FLASH = "access-page-done"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))


def done(message: str) -> None:
    """Say what was done after the page is drawn again with the change in it."""
    st.session_state[FLASH] = message
    st.rerun()


st.subheader("Users")
users = queries.users()
if users:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "E-mail": user.email,
                    "Role": ROLE_LABELS[user.role],
                    # What an administrator checks after a lost laptop comes before the
                    # long columns, so it is on screen at 1280 px.
                    "Signed out everywhere": fmt.uk_datetime(user.signed_out_at)
                    if user.signed_out_at
                    else "",
                    "First sign-in": "done" if user.account_bound else "not yet",
                    "Names they may see": user.names,
                    "Added": fmt.uk_datetime(user.added_at),
                    "Added by": user.added_by,
                }
                for user in users
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Signed out everywhere": st.column_config.TextColumn(
                help="When their sign-ins were last ended (Sign out, or Sign out everywhere "
                "below): every sign-in from before then is refused."
            ),
            "First sign-in": st.column_config.TextColumn(
                help="Done: their first sign-in bound this address to their account at the "
                "identity provider, and only that account may use it."
            ),
        },
    )
else:
    st.info("Nobody has been given access yet.")

with st.expander("What each role may do"):
    st.markdown(
        "- **Board member**: the figures for the whole organisation; never a name; no Data "
        "page.\n"
        "- **Leader** (directors, heads of service): the figures everywhere; names only where "
        "granted below.\n"
        "- **Manager**: as a leader; the dashboard opens on their first granted team.\n"
        "- **Data officer**: the Data page (upload, import, history, data quality); names only "
        "where granted.\n"
        "- **Administrator**: this page (users, settings, access log) and everything above; "
        "names only where granted.\n\n"
        "A hub or area grant covers every team in it, including teams added later."
    )

all_teams = team_labels(queries.teams(Scope()))
with st.form("user-form", clear_on_submit=True):
    st.markdown("**Add a user, or change one** (saving replaces their role and grants)")
    email = st.text_input("E-mail address (as the council's sign-in gives it)")
    role = st.selectbox("Role", ROLES, format_func=ROLE_LABELS.get, index=1)
    whole = st.checkbox("Names for the whole organisation")
    areas = st.multiselect("Names for these areas", queries.area_names())
    hubs = st.multiselect("Names for these hubs", queries.hub_names(None))
    teams = st.multiselect(
        "Names for these teams",
        list(all_teams),
        format_func=lambda label: f"{label} ({all_teams[label].hub})",
    )
    if st.form_submit_button("Save user", type="primary"):
        scopes = [GrantScope(GRANT_KINDS[0], WHOLE_ORGANISATION_NAME)] * whole
        scopes += [GrantScope("area", name) for name in areas]
        scopes += [GrantScope("hub", name) for name in hubs]
        scopes += [GrantScope("team", all_teams[label].team_id) for label in teams]
        try:
            saved = queries.save_user(email, role, scopes, actor(grant))
        except AccessError as error:
            st.error(f"Not saved: {fmt.plain(str(error))}.")
        else:
            done(
                f"Saved {fmt.plain(saved.email)}: {saved.role_label}, names: "
                f"{fmt.plain(saved.describe_names())}."
            )

if users:
    with st.form("remove-form"):
        st.markdown("**Remove a user**")
        leaving = st.selectbox("User", [user.email for user in users], index=None)
        sure = st.checkbox("Yes, remove their access")
        if st.form_submit_button("Remove user"):
            if leaving is None or not sure:
                st.error("Choose the user and tick the box to confirm.")
            elif leaving == grant.email:
                st.error("You cannot remove yourself: ask another administrator.")
            else:
                queries.remove_user(leaving, actor(grant))
                done(f"Removed {fmt.plain(leaving)}.")

if users:
    with st.form("sign-out-form"):
        st.markdown("**Sign a user out everywhere**")
        st.caption(
            "Ends every sign-in they have, in every browser, at once (for example a lost "
            "laptop, or someone leaving today): they must sign in again to see anything."
        )
        ending = st.selectbox(
            "User", [user.email for user in users], index=None, key="sign-out-user"
        )
        sure = st.checkbox("Yes, end their sign-ins now", key="sign-out-sure")
        if st.form_submit_button("Sign out everywhere"):
            if ending is None or not sure:
                st.error("Choose the user and tick the box to confirm.")
            else:
                queries.sign_out(ending, actor(grant))
                done(f"Signed {fmt.plain(ending)} out everywhere.")

st.subheader("Organisation settings")
with st.form("settings-form"):
    organisation = st.text_input(
        "Organisation name (on the board pack's cover)",
        value=queries.organisation_setting(ORGANISATION_NAME) or "",
        max_chars=MAX_SETTING_LENGTH,
        placeholder="for example: Birmingham Children's Trust",
    )
    contact = st.text_input(
        "Accessibility contact (shown on the accessibility statement)",
        value=queries.organisation_setting(ACCESSIBILITY_CONTACT) or "",
        max_chars=MAX_SETTING_LENGTH,
        help="Who to contact about the dashboard's accessibility, for example a team name "
        "and an e-mail address.",
    )
    low, high = SIGN_IN_HOURS_RANGE
    hours = st.number_input(
        f"Hours a sign-in lasts ({low} to {high})",
        min_value=low,
        max_value=high,
        value=queries.sign_in_hours(),
        step=1,
        help="After this many hours from signing in, everyone must sign in again "
        f"(default {DEFAULT_SIGN_IN_HOURS}: a working day).",
    )
    low, high = AGENCY_NOTICE_WEEKS_RANGE
    notice = st.number_input(
        f"Minimum notice for an agency assignment (weeks, {low} to {high})",
        min_value=low,
        max_value=high,
        value=queries.agency_min_notice_weeks(),
        step=1,
        help="DfE's agency rules ask for 4 weeks, or the notice the council asks of equivalent "
        "permanent staff: an assignment with less is not compliant with the notice rule.",
    )
    budget_now = queries.agency_monthly_budget()
    budget = st.number_input(
        "Monthly budget for agency social workers (pounds; 0 for none)",
        min_value=0,
        max_value=MAX_AGENCY_MONTHLY_BUDGET,
        value=budget_now or 0,
        step=1000,
        help="The Agency page and the Overview show the whole organisation's monthly agency "
        "cost against it.",
    )
    authorities = {a.la_code: a.label for a in queries.benchmark_authorities()}
    ours_now = queries.saved_authority()
    if authorities:
        codes = sorted(authorities, key=lambda code: authorities[code])
        ours = st.selectbox(
            "Our authority (DfE's code; its region is the one the agency rules' no-return "
            "check uses)",
            codes,
            index=codes.index(ours_now) if ours_now in codes else None,
            format_func=lambda code: authorities[code],
            placeholder="Not chosen",
        )
    else:
        ours = st.text_input(
            "Our authority (DfE's three-digit old LA code, such as 330)",
            value=ours_now or "",
            max_chars=3,
            help="No national figures are loaded, so regions are not known yet: the agency "
            "rules' no-return check can judge our own council's code, but not the region's.",
        )
    if st.form_submit_button("Save settings"):
        changes = {
            "organisation-name": organisation,
            "accessibility-contact": contact,
            "sign-in-hours": str(int(hours)),
            "agency-min-notice-weeks": str(int(notice)),
            "agency-monthly-budget": str(int(budget)) if budget else "none",
        }
        if ours and ours != ours_now:
            changes["our-authority"] = ours
        try:
            queries.save_settings(changes, actor(grant))
        except ValueError as error:
            st.error(f"Nothing was saved: {fmt.plain(str(error))}.")
        else:
            done("Settings saved.")

st.markdown("**Agency price caps**")
st.caption(
    "The regional price caps for agency social workers: the most an hour of each role may "
    "cost (pay, employer's National Insurance and apprenticeship levy), from a date. An "
    "assignment is judged against the cap in force on its start date. Add a row for a new "
    "cap (the old one stays for earlier assignments); every change is in the access log. "
    "Caps can also be imported with agency_price_caps.csv."
)
held = queries.price_caps()
edited = st.data_editor(
    pd.DataFrame(
        [
            {
                "Role category": cap.role_category,
                "Effective from": cap.effective_from,
                "Hourly cap (£)": cap.hourly_cap,
            }
            for cap in held
        ],
        columns=["Role category", "Effective from", "Hourly cap (£)"],
    ),
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    # A new key when the caps held change, so that edits already saved are not applied again
    # to the new rows.
    key=f"price-caps-{hash(tuple(held))}",
    column_config={
        "Role category": st.column_config.SelectboxColumn(
            options=list(AGENCY_ROLE_CATEGORIES), required=True
        ),
        "Effective from": st.column_config.DateColumn(format="DD/MM/YYYY", required=True),
        "Hourly cap (£)": st.column_config.NumberColumn(
            min_value=0.01, max_value=MAX_HOURLY_POUNDS, step=0.01, format="%.2f", required=True
        ),
    },
)
if st.button("Save the price caps", key="save-caps"):
    rows = edited.dropna(how="all")
    if rows.isna().any(axis=None):
        st.error(
            "Not saved: every row needs a role category, a date and a cap (delete a row "
            "you do not want)."
        )
    else:
        try:
            changes = queries.save_price_caps(
                [
                    PriceCap(
                        str(row["Role category"]),
                        pd.Timestamp(row["Effective from"]).date(),
                        float(row["Hourly cap (£)"]),
                    )
                    for _, row in rows.iterrows()
                ],
                actor(grant),
            )
        except CapsNotSaved as error:
            st.error("Not saved: " + fmt.plain("; ".join(error.problems)) + ".")
        else:
            done(
                f"Price caps saved: {fmt.plain('; '.join(changes))}."
                if changes
                else "No price cap changed."
            )
st.markdown("**Targets**")
st.caption(
    "The target for each indicator: the tiles, tables and charts on every page show each "
    "figure against it (met, close or missed). Each keeps whether lower or higher is better and "
    "how near counts as close; leave a value at its default to use the default."
)
policy = queries.policy()
with st.form("targets-form"):
    chosen = {}
    for cell, (name, target) in zip(
        grid(len(DEFAULT_POLICY.targets), 3), DEFAULT_POLICY.targets.items(), strict=True
    ):
        percent = METRICS[name].unit == "%"
        chosen[name] = cell.number_input(
            f"{METRICS[name].label} ({'at most' if target.better == 'lower' else 'at least'})",
            min_value=0.0 if percent else 0.1,
            max_value=100.0 if percent else 1000.0,
            value=float(policy.targets[name].value),
            step=1.0,
            format="%.1f",
            help=f"Default {target.value:g}{'%' if percent else ''}; "
            f"close within {target.close_margin:g}.",
            key=f"target-{name}",
        )
    if st.form_submit_button("Save targets"):
        changed = [n for n, v in chosen.items() if v != policy.targets[n].value]
        for name in changed:
            queries.change_target(name, chosen[name], actor(grant))
        done(f"Targets saved: {len(changed)} changed." if changed else "No target changed.")


st.subheader("Access log")
st.caption(
    "Every view or download of workers' names, every import (from the import history) and "
    "every change to users or settings, newest first. The log cannot be changed from the "
    "dashboard."
)
events = queries.access_events(1000)
log = pd.DataFrame(
    [
        {
            "When": fmt.uk_datetime(event.at),
            "Who": event.user_email,
            "Action": event.action,
            "Scope": event.scope,
            "Detail": event.detail,
        }
        for event in events
    ],
    columns=["When", "Who", "Action", "Scope", "Detail"],
)
st.dataframe(log, hide_index=True, width="stretch")
csv_download(
    log,
    "Access log",
    on_download=lambda: queries.log_access(actor(grant), DOWNLOAD_LOG, "access log", "CSV"),
)
