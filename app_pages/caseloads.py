"""Caseloads: are they manageable, and who carries too many?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.indicators.breakdowns import CASE_HOLDERS, IN_POST
from data_access.indicators.policy import ASYE_MONTHS
from ui import chart_specs, queries
from ui import format as fmt
from ui.auth import current_grant
from ui.charts import TeamSearch, chart_block, searched, trend_against_targets
from ui.filters import current
from ui.layout import page_header, sections, suppressed_note, teams_shown_note
from ui.period import choose_period
from ui.tiles import headline_tiles


def most_stretched_first(asye: pd.DataFrame) -> list[str]:
    """The teams in the order the chart promises: the team whose most stretched ASYE worker
    (open cases against their protected limit) is highest first."""
    stretch = (asye["Open cases"] / asye["Protected limit"]).groupby(asye["Team"]).max()
    return stretch.sort_values(ascending=False, kind="stable").index.tolist()


filters = current()
policy = queries.policy()
if not page_header(
    "Caseloads",
    filters,
    "Open cases per case-holding worker against the caseload threshold "
    f"({policy.caseload_thresholds['safeguarding']:g} cases by default; "
    f"{policy.asye_caseload_factor:.0%} of it in a worker's ASYE). There is no "
    "national cap: thresholds are local policy.",
    populations=(IN_POST, CASE_HOLDERS),
):
    st.stop()
as_at, scope = filters.as_at, filters.scope
headline_tiles(
    [
        figure
        for figure in queries.headlines(as_at, scope, policy)
        if figure.name in ("caseload_average", "caseload_over_threshold_share")
    ],
    as_at,
)
months = choose_period("caseload-period")

points = queries.series(("caseload_average", "caseload_over_threshold_share"), as_at, months, scope)


def levels() -> None:
    """Caseloads over the period, and how they spread at the latest count."""
    left, right = st.columns(2)
    with left:
        trend_against_targets(
            points,
            ("caseload_average",),
            policy.targets,
            y_title="cases per FTE",
            unit="",
            columns={"caseload_average": "Cases per case-holding FTE"},
            percent=False,
        )
    with right:
        trend_against_targets(
            points,
            ("caseload_over_threshold_share",),
            policy.targets,
            y_title="% of case holders",
            columns={"caseload_over_threshold_share": "% of case holders over their limit"},
            y_max=50,
        )

    snapshot, counts = queries.caseload_distribution(as_at, scope)
    distribution = pd.DataFrame(
        [
            {
                "Open cases": c.open_cases,
                "Case holders": c.workers,
                "Over their limit": c.over_limit,
            }
            for c in counts
        ]
    )
    threshold = policy.caseload_thresholds["safeguarding"]
    chart_block(
        f"Caseloads at the latest snapshot ({fmt.uk_date(snapshot)})",
        "How many cases each case-holding worker has at the latest count; the dashed line is the "
        "usual limit.",
        chart_specs.caseload_distribution(distribution, threshold)
        if not distribution.empty
        else None,
        distribution,
        how="Case holders (open_cases > 0) at the latest snapshot_date on or before the chosen "
        f"date, counted by open cases. The dashed line is the default threshold ({threshold:g}); "
        "each worker's own limit depends on their team type and ASYE.",
    )


def by_team() -> None:
    """Which teams have most case holders over their limit, and the ASYE workers' caseloads."""
    left, right = st.columns(2)
    with left:
        search = searched("caseload-search")
        ranked = queries.most_over_threshold(as_at, scope, current_grant(), search)
        shown_rows, matching = ranked.rows, ranked.matching
        teams = pd.DataFrame(
            [
                {
                    "Team": t.team_name,
                    "Case holders": t.case_holders,
                    "Average caseload": t.caseload_average,
                    "% over threshold": t.over_threshold_share,
                }
                for t in shown_rows
            ]
        )
        chart_block(
            "Share over threshold by team",
            teams_shown_note(len(shown_rows), matching, search, "with the highest share")
            + "Each team's share of its case holders with more cases than their limit.",
            chart_specs.over_threshold_by_team(teams.dropna(subset=["% over threshold"]))
            if not teams.empty and teams["% over threshold"].notna().any()
            else None,
            teams,
            metrics=("caseload_over_threshold_share",),
            height=max(330, 20 * len(teams) + 90),
            search=TeamSearch(
                "caseload-search", "those with the highest share over threshold", matching
            ),
        )
        suppressed_note(ranked.suppressed, "case holders")
    with right:
        asye_search = searched("asye-search")
        asye_found = queries.asye_caseloads(as_at, scope, current_grant(), asye_search)
        asye = pd.DataFrame(
            [
                {
                    "Team": a.team_name,
                    "Month of ASYE": a.months_into_asye + 1,
                    "Open cases": a.open_cases,
                    "Protected limit": a.limit,
                }
                for a in asye_found.rows
            ]
        )
        chart_block(
            "Newly qualified (ASYE) workers' caseloads",
            teams_shown_note(
                asye["Team"].nunique() if not asye.empty else 0,
                asye_found.matching,
                asye_search,
                "whose most stretched ASYE worker (open cases against their protected limit) is "
                "highest",
            )
            + "Each dot is a newly qualified social worker, in their first (assessed and "
            "supported) year, against the lower caseload they are protected to."
            + (" Names are on the Team page." if current_grant().sees_names else ""),
            chart_specs.asye_caseloads(asye, most_stretched_first(asye))
            if not asye.empty
            else None,
            asye,
            how=f"Workers in their ASYE (asye_start_date <= S < asye_start_date + {ASYE_MONTHS} "
            "months) holding cases at the latest snapshot S, with their open cases and protected "
            f"limit: their team's threshold x {policy.asye_caseload_factor:g}.",
            height=max(330, 24 * asye["Team"].nunique() + 90) if not asye.empty else 330,
            search=TeamSearch(
                "asye-search",
                "those whose most stretched ASYE worker is highest",
                asye_found.matching,
            ),
            empty_message="Every ASYE case holder here is in a team whose figures are suppressed "
            "for you (see the note below), so none can be shown."
            if asye_found.suppressed
            else "No worker in their ASYE holds cases in this scope at this snapshot.",
        )
        suppressed_note(asye_found.suppressed, "ASYE case holders")


sections("section", {"Over time": levels, "By team and ASYE": by_team})
