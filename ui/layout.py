"""What every page starts with: its title and the line saying what is shown and how fresh."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from data_access.access.grants import SMALL_GROUP_MINIMUM, SUPPRESSED
from data_access.indicators.breakdowns import IN_POST
from ui import format as fmt
from ui import queries
from ui.auth import current_grant, view_notice
from ui.filters import Filters, link_notice

SUPPRESSION_REASON = (
    f"fewer than {SMALL_GROUP_MINIMUM} people, in a team whose names your access does not "
    "cover, so a figure could identify someone"
)


def page_header(
    title: str,
    filters: Filters,
    purpose: str,
    populations: tuple[str, ...] = (IN_POST,),
) -> bool:
    """Draw the page title and header line. Returns False (after saying so) with no data, or
    when the scope's figures are suppressed for the user in any of the `populations` the page
    counts (people in post, case holders, workers eligible for supervision)."""
    st.title(title)
    for notice in (link_notice(filters), view_notice()):
        if notice:
            st.warning(notice, icon=":material/link_off:")
    if filters.as_at is None:
        st.info(
            "There is no data yet. Load the council's files with "
            "`python -m data_access import FOLDER` (see the README), then reload this page."
        )
        return False
    freshness = queries.freshness()
    st.caption(
        f"**{fmt.plain(filters.scope_label)}** · as at **{fmt.uk_date(filters.as_at)}** · "
        f"data last loaded {fmt.uk_datetime(freshness.last_import_at)} "
        f"({fmt.plain(freshness.last_import_source or 'no import yet')}), latest record dated "
        f"{fmt.uk_date(freshness.latest_data_date)}"
    )
    st.html(
        '<p class="phone-only">Choose the area, hub, team or month in the menu behind '
        "<strong>»</strong> at the top left.</p>"
    )
    st.markdown(purpose)
    if queries.scope_suppressed(filters.as_at, filters.scope, current_grant(), populations):
        st.info(
            f"The figures for {fmt.plain(filters.scope_label)} are suppressed ({SUPPRESSED}): "
            f"{SUPPRESSION_REASON}, or, taken with the figures beside them, they would give "
            "such a figure away by subtraction. Choose another scope."
        )
        return False
    return True


def suppressed_note(team_names: list[str], people: str) -> None:
    """Say which teams a chart or table leaves out as suppressed, and why."""
    if team_names:
        st.caption(
            f"Suppressed ({SUPPRESSED}) for {fmt.counted(len(team_names), 'team')} whose names "
            "your access "
            f"does not cover: those with fewer than {SMALL_GROUP_MINIMUM} {people}, and as "
            "many others as keep their figures from being worked out by subtraction: "
            + ", ".join(fmt.plain(name) for name in team_names)
            + "."
        )


def grid(count: int, per_row: int) -> list:
    """`count` cells laid out `per_row` to a row, created row by row so that the reading
    order (and a screen reader's) follows the layout rather than running down each column."""
    cells = [cell for _ in range(0, count, per_row) for cell in st.columns(per_row)]
    return cells[:count]


def teams_shown_note(shown: int, matching: int, search: str, which: str) -> str:
    """The sentence a limited chart's definition starts with, when it leaves teams out."""
    if matching <= shown:
        return ""
    where = f" matching “{fmt.plain(search.strip())}”" if search.strip() else " in scope"
    return (
        f"The {shown} teams {which}, of {matching}{where}; find any other team in the box below. "
    )


def sections(key: str, parts: Mapping[str, Callable[[], None]]) -> str:
    """Draw a long page's parts as tabs, running and drawing only the open one; return its
    label.

    Each chart costs the reader's browser about 0.1 s to draw (docs/performance.md): a page of
    nine charts spent about a second of the browser's time on every visit, most of it on
    charts below the fold. Behind tabs, a page draws only the part asked for, and a tab change
    runs the page again for that part. The open tab is in the address (`?key=label`, left out
    for the first), so a link or a bookmark opens the same part."""
    labels = list(parts)
    tabs = st.tabs(labels, key=key, on_change="rerun", bind="query-params")
    for label, tab in zip(labels, tabs, strict=True):
        if tab.open:
            with tab:
                parts[label]()
            return label
    # Not reached: with state tracked, exactly one tab is open. Draw the first rather than
    # nothing if a future Streamlit answered otherwise.
    with tabs[0]:
        parts[labels[0]]()
    return labels[0]
