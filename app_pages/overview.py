"""Overview: the headline indicators for the chosen scope and month, against targets."""

from __future__ import annotations

import streamlit as st

from data_access.indicators.summary import HEADLINE_METRICS
from ui import format as fmt
from ui import queries
from ui.auth import current_grant
from ui.filters import current
from ui.layout import page_header
from ui.tables import unit_table
from ui.tiles import headline_tiles

filters = current()
if not page_header(
    "Overview",
    filters,
    "Is the workforce getting more stable, is supervision happening, are caseloads safe? "
    "Each tile shows the figure, its change over the year, the last 24 months and the target.",
):
    st.stop()

as_at, scope = filters.as_at, filters.scope
grant = current_grant()
policy = queries.policy()
figures = queries.headlines(as_at, scope, policy)
if all(figure.value is None for figure in figures):
    st.warning(f"There is no data for {fmt.plain(filters.scope_label)} as at {fmt.uk_date(as_at)}.")
    st.stop()

if scope.team_id and grant.sees_names and queries.may_see_names(grant, scope.team_id):
    st.page_link(
        "app_pages/team.py",
        label="Your team's people",
        icon=":material/badge:",
        help="Who is overdue for supervision, who is over their caseload limit, and whose "
        "supervision agreement is missing.",
    )

headline_tiles(figures, as_at)

# Agency social workers' cost and their rules, when assignments are recorded for the scope
# (and not one or two people's figures the user may not see).
agency = [
    figure
    for figure in queries.agency_headlines(as_at, scope)
    if figure.name in ("agency_cost_month", "agency_compliant_share")
]
if any(figure.value is not None for figure in agency) and not queries.agency_suppressed(
    as_at, scope, grant
):
    headline_tiles(agency, as_at)
    st.page_link(
        "app_pages/agency.py",
        label="Agency social workers: cost, DfE's rules and the quarterly return",
        icon=":material/work_history:",
    )

units = queries.compare(as_at, scope, HEADLINE_METRICS, policy, grant)
st.subheader("What moved most over the year")
sentences = queries.what_moved(figures)
worst = queries.furthest_from_target(units, HEADLINE_METRICS)
if worst:
    sentences.append(worst)
st.markdown("\n".join(f"- {fmt.plain(sentence)}" for sentence in sentences) or "Nothing changed.")

if units:
    plural = {"area": "Areas", "hub": "Hubs", "team": "Teams"}[units[0].unit.kind]
    where = "the organisation" if scope.is_whole_organisation else fmt.plain(filters.scope_label)
    unit_table(f"{plural} in {where}", units, HEADLINE_METRICS, policy)
