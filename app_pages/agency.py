"""Agency social workers: what they cost, whether each assignment meets DfE's agency rules,
which need attention, and (for data officers and administrators) the quarterly return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from data_access.access.grants import DOWNLOAD_NAMES, SMALL_GROUP_MINIMUM, SUPPRESSED, VIEW_NAMES
from data_access.agency.figures import (
    AGENCY_FIGURES,
    AGENCY_HISTORY_MONTHS,
    ENDING_SOON_WEEKS,
    LONG_ASSIGNMENT_MONTHS,
    NamedAssignment,
)
from data_access.agency.quarterly_return import Quarter
from data_access.indicators.agency_rules import (
    COOLING_OFF_MONTHS,
    MIN_PQE_YEARS,
    MIN_REFERENCES,
    RULES,
    Outcome,
)
from ui import chart_specs, queries, server_guards
from ui import format as fmt
from ui.auth import actor, current_grant
from ui.charts import chart_block, csv_download, slug
from ui.filters import current
from ui.layout import page_header, sections
from ui.period import choose_period
from ui.tiles import headline_tiles

#: How many quarters, back from the one holding the chosen month, the return may be made for.
RETURN_QUARTERS = 8
#: The most rows a list of assignments shows (all are in its CSV): a whole national
#: organisation's would be over a thousand rows a list, sent to the browser on every run.
ROWS_SHOWN = 100

filters = current()
if not page_header(
    "Agency social workers",
    filters,
    "What agency social workers cost, whether each assignment meets DfE's agency rules "
    "(in force since 31 October 2024), and which assignments need attention.",
):
    st.stop()
as_at, scope = filters.as_at, filters.scope
grant = current_grant()
if queries.agency_suppressed(as_at, scope, grant):
    st.info(
        f"The agency figures for {fmt.plain(filters.scope_label)} are suppressed "
        f"({SUPPRESSED}): a team in it has fewer than {SMALL_GROUP_MINIMUM} agency assignments "
        f"active on {fmt.uk_date(as_at)} whose names your access does not cover, so its "
        "figures would be one or two people's (or, beside the figures around them, would give "
        "such a team's away). Choose a wider scope."
    )
    st.stop()

headlines = queries.agency_headlines(as_at, scope)
if all(figure.value is None for figure in headlines):
    st.info(
        f"No agency assignment is recorded for {fmt.plain(filters.scope_label)} in the "
        f"{AGENCY_HISTORY_MONTHS} months "
        f"to {fmt.uk_date(as_at)}. A data officer loads them with agency_assignments.csv and the "
        "regional price caps with agency_price_caps.csv (see the Data page's templates)."
    )
    st.stop()
headline_tiles(headlines, as_at)
budget = next(figure.target for figure in headlines if figure.name == "agency_cost_month")
if budget is None and scope.is_whole_organisation:
    st.caption(
        "No monthly budget is set: an administrator can set one on the Access page, and the "
        "cost is then shown against it."
    )

months = choose_period("agency-period")
period = queries.agency_period(as_at, months, scope)
trend, figures = period.trend, period.figures
#: Each list: which assignments it holds, and what it shows after the worker and their team
#: (what the list is about first).
LISTS: dict[str, tuple[Callable[[NamedAssignment], bool], tuple[str, ...]]] = {
    "Cap breaches without sign-off": (
        lambda row: row.cap_breach_unsigned,
        ("Capped cost (£/h)", "Cap (£/h)", "Agency", "Start"),
    ),
    f"Ending within {ENDING_SOON_WEEKS} weeks": (
        lambda row: row.ending_soon,
        ("End", "Days left", "Agency", "Start"),
    ),
    f"Running over {LONG_ASSIGNMENT_MONTHS} months": (
        lambda row: row.running_long,
        ("Start", "End", "Agency", "Rules not met"),
    ),
    "Not meeting every rule": (
        lambda row: bool(row.rules_not_met),
        ("Rules not met", "Agency", "Start", "End"),
    ),
}


def attention_table(rows: list[NamedAssignment], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "Worker": row.display_name,
                "Team": row.team_name,
                "Agency": row.agency,
                "Start": row.start_date,
                "End": row.end_date,
                "Days left": row.days_left,
                "Capped cost (£/h)": row.hourly_capped_cost,
                "Cap (£/h)": row.cap,
                "Rules not met": row.rules_not_met_text,
            }
            for row in rows
        ]
    )
    return frame[["Worker", "Team", *columns]]


def cost_and_rules() -> None:
    """What agency workers cost each month, and how many assignments meet DfE's rules."""
    costs = pd.DataFrame(
        [
            row
            for point in trend
            for row in (
                {"month": point.month, "part": "Other assignments", "cost": point.other_cost},
                {"month": point.month, "part": "Project teams", "cost": point.project_team_cost},
            )
        ]
    )
    cost_table = pd.DataFrame(
        [
            {
                "Month": fmt.uk_month(point.month),
                "Cost (£)": point.cost,
                "Project teams (£)": point.project_team_cost,
                "Assignments active at the month end": point.active,
            }
            for point in trend
        ]
    )
    chart_block(
        "Monthly cost",
        "What the council paid agency social workers' agencies each month, project teams and "
        "packaged models stacked on the rest"
        + (", against the monthly budget (dashed)." if budget is not None else "."),
        chart_specs.agency_cost(costs, budget),
        cost_table,
        how=AGENCY_FIGURES["agency_cost_month"].definition,
    )

    compliance = pd.DataFrame(
        [
            {"month": point.month, "series": "Meeting every rule", "value": point.compliant_share}
            for point in trend
        ]
    ).dropna(subset=["value"])
    chart_block(
        "Assignments meeting every rule",
        "Of the assignments active at each month end, the share meeting all five rules. Each "
        "assignment is judged at its start date.",
        chart_specs.trend(compliance, y_title="%") if not compliance.empty else None,
        compliance.assign(month=compliance["month"].map(lambda d: d.strftime("%m/%Y")))[
            ["month", "value"]
        ].rename(columns={"month": "Month", "value": "Meeting every rule (%)"}),
        how="A rule whose evidence is not recorded, or a price cap with no cap set for the role "
        "category at the start date, counts as not met.",
    )

    for note in figures.notes:
        st.info(note, icon=":material/info:")
    rule_order = list(RULES.values())
    outcomes = pd.DataFrame(
        [
            {
                "Rule": RULES[rule],
                "Outcome": Outcome(outcome).label,
                "order": list(Outcome).index(Outcome(outcome)),
                "Assignments": count,
            }
            for rule, counts in figures.rule_outcomes.items()
            for outcome, count in counts.items()
        ]
    )
    rule_table = pd.DataFrame(
        [
            {
                "Rule": label,
                "Compliant (%)": figures.rule_shares[rule],
                **{
                    outcome.label: figures.rule_outcomes[rule].get(str(outcome), 0)
                    for outcome in Outcome
                },
            }
            for rule, label in RULES.items()
        ]
    )
    chart_block(
        f"Each rule, as at {fmt.uk_date(as_at)}",
        "The assignments active at the month end by each rule's outcome: compliant, not "
        "compliant, not recorded (the evidence is blank), or no cap set for the role.",
        chart_specs.rule_outcomes(outcomes, rule_order) if not outcomes.empty else None,
        rule_table,
        how=f"Experience: at least {MIN_PQE_YEARS} years' post-qualifying experience. No return "
        f"within {COOLING_OFF_MONTHS} months: not compliant when the worker left a post in this "
        f"council or its region less than {COOLING_OFF_MONTHS} months before the start, without an "
        "exception. Price cap: the capped cost within the regional cap in force at the start, or a "
        "breach signed off by the Director of Children's Services and the Chief Executive on or "
        f"before it. References: at least {MIN_REFERENCES}. Notice: at least the organisation's "
        f"minimum ({queries.agency_min_notice_weeks()} weeks).",
        height=300,
        empty_message=f"No assignment is active on {fmt.uk_date(as_at)}.",
    )


def assignments() -> None:
    """The assignments needing attention, named where the grant covers them, and who
    supplies them."""
    st.subheader("Assignments needing attention")
    named = queries.named_assignments(as_at, scope, grant)
    if named.rows and not st.session_state.setdefault("_agency_names_viewed", set()).issuperset(
        {(scope, as_at)}
    ):
        queries.log_access(
            actor(grant), VIEW_NAMES, f"agency assignments, {filters.scope_label}", f"as at {as_at}"
        )
        st.session_state["_agency_names_viewed"].add((scope, as_at))
    lists = {
        title: [row for row in named.rows if holds(row)] for title, (holds, _) in LISTS.items()
    }
    if named.outside_grant and not grant.sees_names:
        st.caption(
            "Your access shows figures without names, so the assignments are counted above but "
            "not listed. A manager sees their own teams' agency workers here and on the Team page."
        )
    elif named.outside_grant:
        st.caption(
            f"Names are shown only for the teams your access covers "
            f"({fmt.plain(grant.describe_names())}): "
            f"{fmt.counted(named.outside_grant, 'active assignment')} in scope "
            f"{'is' if named.outside_grant == 1 else 'are'} outside it, counted in the figures "
            "above but not listed."
        )
    if named.rows:
        for tab, (title, rows) in zip(
            st.tabs([f"{title} ({len(rows)})" for title, rows in lists.items()]),
            lists.items(),
            strict=True,
        ):
            with tab:
                if not rows:
                    st.info(f"None as at {fmt.uk_date(as_at)}.")
                    continue
                columns = LISTS[title][1]
                st.dataframe(
                    attention_table(rows[:ROWS_SHOWN], columns),
                    hide_index=True,
                    width="stretch",
                    placeholder="–",
                    column_config={
                        "Start": st.column_config.DateColumn(format="DD/MM/YYYY"),
                        "End": st.column_config.DateColumn(format="DD/MM/YYYY"),
                        "Capped cost (£/h)": st.column_config.NumberColumn(format="%.2f"),
                        "Cap (£/h)": st.column_config.NumberColumn(format="%.2f"),
                        "Days left": st.column_config.NumberColumn(format="%d"),
                        "Rules not met": st.column_config.TextColumn(width="large"),
                    },
                )
                if len(rows) > ROWS_SHOWN:
                    st.caption(
                        f"The first {ROWS_SHOWN} of {len(rows):,}: choose an area, hub or team in "
                        "the sidebar, or download them all."
                    )
                csv_download(
                    lambda rows=rows, columns=columns: attention_table(rows, columns),
                    title,
                    f"agency-{slug(title)}-{as_at.isoformat()}",
                    label=f"Download CSV ({fmt.counted(len(rows), 'assignment')})",
                    on_download=lambda title=title: queries.log_access(
                        actor(grant),
                        DOWNLOAD_NAMES,
                        f"agency assignments, {filters.scope_label}",
                        f"{title.lower()}, as at {as_at}",
                    ),
                )
    elif not named.outside_grant:
        st.info(f"No assignment is active on {fmt.uk_date(as_at)}.")

    left, right = st.columns(2)
    for column, title, counts, category in (
        (left, "By agency", figures.by_agency, "Agency"),
        (right, "By cover reason", figures.by_cover_reason, "Cover reason"),
    ):
        frame = pd.DataFrame(
            [
                {
                    category: name.replace("_", " ") if category != "Agency" else name,
                    "Assignments": n,
                }
                for name, n in counts.items()
            ],
            columns=[category, "Assignments"],
        )
        with column:
            chart_block(
                title,
                f"Assignments active on {fmt.uk_date(as_at)}, {title.lower()}.",
                chart_specs.counts_by(frame, category, "Assignments") if not frame.empty else None,
                frame,
                height=max(160, 28 * len(frame) + 60),
                empty_message=f"No assignment is active on {fmt.uk_date(as_at)}.",
            )
    st.caption(
        "Project teams and packaged models: "
        f"{fmt.counted(figures.project_team_assignments, 'assignment')} active, costing "
        f"{fmt.figure(figures.project_team_cost_month, '£')} in {fmt.uk_month(as_at)}."
    )


def quarterly_return() -> None:
    """The quarterly return to DfE, for those who may produce it."""
    st.subheader("Quarterly return to DfE")
    if not grant.may_produce_agency_return:
        st.caption(
            "Every council sends DfE a quarterly return on its agency child and family social "
            "workers. It holds Social Work England numbers and pay rates, so data officers and "
            "administrators produce it."
        )
        st.stop()
    # The quarters over by the chosen month end, newest first: a return covers whole quarters.
    newest = Quarter.latest_ended(as_at)
    quarter = st.selectbox(
        "Quarter",
        [newest.back(back) for back in range(RETURN_QUARTERS)],
        format_func=lambda q: f"{q} ({fmt.uk_date(q.first_day)} to {fmt.uk_date(q.last_day)})",
        # Nothing chosen at first: the return is read for the whole organisation only when asked.
        index=None,
        placeholder="Choose a quarter to see its return and download it",
        key="agency-return-quarter",
        help="The quarters ended by the month chosen in the sidebar. The return covers every "
        "assignment active on any day of the quarter, in the whole organisation, whatever the "
        "filters.",
    )
    if quarter is None:
        st.caption(
            "Every council sends DfE this return each quarter: one row per assignment with its "
            "Social Work England number and pay rate, each rule's outcome, the cap breaches, the "
            "three months' cost and the agencies."
        )
        st.stop()
    preview = queries.agency_return_preview(quarter)
    breaches = preview["cap_breaches"]
    st.markdown(
        f"**{fmt.counted(preview['assignment_count'], 'assignment')}** active in {quarter} in the "
        f"whole organisation; price-cap breaches signed off: {breaches['signed_off']}, "
        f"not signed off: {breaches['not_signed_off']}."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {"Rule": RULES[rule]} | {Outcome(k).label: v for k, v in counts.items()}
                for rule, counts in preview["rules"].items()
            ]
        ),
        hide_index=True,
        width="stretch",
        placeholder="–",
    )
    left, right = st.columns([2, 3])
    with left:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Month": fmt.uk_month(date.fromisoformat(f"{month}-01")),
                        "Cost (£)": fmt.figure(cost, "£"),
                    }
                    for month, cost in preview["monthly_cost"].items()
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    with right:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Agency": agency,
                        "Assignments": counts["assignments"],
                        "Not compliant": counts["not_compliant"],
                    }
                    for agency, counts in preview["by_agency"].items()
                ],
                columns=["Agency", "Assignments", "Not compliant"],
            ),
            hide_index=True,
            width="stretch",
        )
    st.download_button(
        f"Download the return for {quarter} (Excel)",
        server_guards.register_names_download(
            lambda: queries.produce_agency_return(quarter, actor(grant))
        ),
        file_name=f"agency-return-{slug(str(quarter))}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        type="primary",
        icon=":material/download:",
        on_click="ignore",
        key="agency-return-download",
    )
    st.caption(
        "The workbook holds one row per assignment (with its Social Work England number and pay "
        "rate), each rule's counts, the cap breaches, the three months' cost and the agencies; its "
        "About sheet says which of DfE's data items each column answers. Each download is "
        "recorded in the access log."
    )


sections(
    "section",
    {
        "Cost and rules": cost_and_rules,
        "Assignments": assignments,
        "Quarterly return": quarterly_return,
    },
)
