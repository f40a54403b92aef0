"""Board pack: the improvement board's monthly PDF for the organisation, an area or a hub,
with the commentary that goes into it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.core.scope import Scope
from data_access.reports.board_pack import NoPack
from data_access.reports.commentary import COMMENTARY_SECTIONS, MAX_COMMENTARY_CHARACTERS
from ui import format as fmt
from ui import queries
from ui.auth import actor, current_grant
from ui.charts import slug
from ui.filters import current

STATUS_ICON = {**fmt.STATUS_SYMBOL, "na": "–"}
SCORECARD_KEY = "board-scorecard"
#: The scorecard's columns after the indicator (its row heading), in order; the short ones
#: (all but the trajectory) never wrap on a wide screen.
SCORECARD_COLUMNS = ("Value", "Target", "Status", "Year on year", "Trajectory")
#: Narrower than this, each of the scorecard's rows is a card of labelled lines.
STACK_BELOW_PX = 640


def scorecard_style() -> str:
    """The scorecard's CSS. On a wide screen the indicator and the trajectory wrap and the
    short figures do not. Below STACK_BELOW_PX of width (a container query, so the sidebar's
    width counts) each row becomes a card: the indicator as its heading, then each figure on its
    own line after its column's name. The header row is then hidden from sight only, so that a
    screen reader still has the table's headers."""
    box = f".st-key-{SCORECARD_KEY}"
    # The cell's text is in a Markdown container of its own, which sets its own white-space.
    short = ", ".join(
        f"{box} tbody td:nth-of-type({number}) *" for number in range(1, len(SCORECARD_COLUMNS))
    )
    labels = "\n".join(
        f'  {box} tbody td:nth-of-type({number})::before {{ content: "{name}:"; '
        "font-weight: 600; flex: none; }"
        for number, name in enumerate(SCORECARD_COLUMNS, start=1)
    )
    return f"""<style>
{box} {{ container-type: inline-size; }}
{box} th *, {box} td * {{ white-space: normal; overflow-wrap: anywhere; }}
{short} {{ white-space: nowrap; }}
@container (max-width: {STACK_BELOW_PX - 1}px) {{
  {box} table, {box} tbody, {box} tr, {box} th {{
    display: block; width: auto !important; min-width: 0 !important;
  }}
  {box} thead {{
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  }}
  {box} tbody tr {{ border-bottom: 1px solid rgba(49, 51, 63, 0.2); padding: 0.5rem 0; }}
  {box} tbody th {{ font-weight: 600; color: inherit; border: none; text-align: left; }}
  {box} tbody td {{
    display: flex; gap: 0.35em; width: auto !important; border: none;
    text-align: left !important; padding-top: 0.1rem; padding-bottom: 0.1rem;
  }}
  {box} tbody td * {{ white-space: normal; }}
{labels}
}}
</style>"""


filters = current()
grant = current_grant()
st.title("Board pack")
if filters.as_at is None:
    st.info("The board pack appears once data has been imported.")
    st.stop()

# A pack is for the organisation, an area or a hub; a team chosen in the sidebar is widened to
# its hub (a team's figures are on the other pages).
scope = Scope(area=filters.scope.area, hub=filters.scope.hub)
where = queries.describe_scope(scope)
month = fmt.uk_month(filters.as_at)
st.markdown(
    f"The monthly pack for the improvement board: **{fmt.plain(where)}**, figures as at "
    f"**{fmt.uk_date(filters.as_at)}**. A4 landscape PDF: a scorecard of every indicator against "
    "its target with its trajectory, a section per theme with trends, the units below and the "
    "teams furthest from target, the supervision standard and scrutiny recommendations, agency "
    "social workers under DfE's agency rules (the monthly cost, against the budget in the whole "
    "organisation's pack, and the rules met), the national comparison (in the whole "
    "organisation's pack) and the definitions in plain words. It holds no worker's name. Change "
    "the area, hub or month in the sidebar."
)
if filters.scope.team_id:
    st.info(
        f"A board pack is for the organisation, an area or a hub: this one is for "
        f"{fmt.plain(where)}, the "
        f"hub of {fmt.plain(filters.team_name or '')}."
    )

policy = queries.policy()
try:
    pack = queries.board_pack_front(filters.as_at, scope, policy)
except NoPack as error:
    st.warning(f"No board pack can be made: {fmt.plain(str(error))}.")
    st.stop()

# The PDF's themes, tables and agency figures are put together when it is asked for, not for
# every visit to this page.
st.download_button(
    "Download the board pack (PDF)",
    data=lambda: queries.board_pack_pdf(filters.as_at, scope, policy, actor(grant)),
    file_name=f"board-pack-{slug(where)}-{filters.as_at:%Y-%m}.pdf",
    mime="application/pdf",
    type="primary",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)

st.subheader("Scorecard")
# A static table whose cells wrap (st.dataframe never wraps a cell, and cut the trajectory off at
# 1280 px), inside a container that lays each row out as a card when it is narrower than
# STACK_BELOW_PX (a phone), so that nothing scrolls sideways. Every cell is our own wording,
# escaped all the same since st.table reads Markdown.
rows = queries.scorecard_rows(pack)
with st.container(key=SCORECARD_KEY):
    st.html(scorecard_style())
    st.table(
        pd.DataFrame(
            [
                {"Indicator": fmt.plain(row["label"])}
                | {
                    name: fmt.plain(text)
                    for name, text in zip(
                        SCORECARD_COLUMNS,
                        (
                            row["value"],
                            row["target"],
                            f"{STATUS_ICON[row['status']]} {row['status_words']}",
                            row["change"],
                            row["trajectory"],
                        ),
                        strict=True,
                    )
                }
                for row in rows
            ]
        ).set_index("Indicator")
    )
st.caption(
    "Year on year: the change on the same month a year earlier, and whether that is better or "
    "worse. Trajectory: which way the figure moved in the last 6 months and, if towards the "
    "target, when it would be reached at that pace. "
    + (
        f"National comparison: {fmt.plain(pack.national.comparison.la_name)}, 30 September "
        f"{pack.national.year}."
        if pack.national
        else f"National comparison: none in this pack. {fmt.plain(pack.national_missing)}"
    )
)

st.subheader(f"Commentary for {month}")
# Only the sections this pack has: no national comparison box when the pack will have no
# comparison to comment on (a pack for an area or hub, or no published figures to use).
sections = pack.commentary_sections
shown = {section: found for section, found in pack.commentary.items() if section in sections}
if grant.may_write_commentary:
    st.caption(
        f"A short commentary per section, up to {MAX_COMMENTARY_CHARACTERS} characters each. "
        "Saving keeps the earlier wording; the pack shows the latest. Leave a section empty "
        "for none."
    )
    with st.form("commentary-form"):
        written = {
            section: st.text_area(
                title,
                value=pack.commentary[section].text if section in pack.commentary else "",
                max_chars=MAX_COMMENTARY_CHARACTERS,
                key=f"commentary-{section}-{queries.commentary_key(scope)}-{filters.as_at}",
            )
            for section, title in sections.items()
        }
        if st.form_submit_button("Save commentary", type="primary"):
            changed = [
                section
                for section, text in written.items()
                if text.strip()
                != (pack.commentary[section].text if section in pack.commentary else "")
            ]
            for section in changed:
                queries.save_commentary(filters.as_at, scope, section, written[section], grant)
            st.session_state["board-pack-saved"] = (
                f"Saved the commentary on {', '.join(COMMENTARY_SECTIONS[s] for s in changed)}."
                if changed
                else "Nothing had changed."
            )
            st.rerun()
    if "board-pack-saved" in st.session_state:
        st.success(st.session_state.pop("board-pack-saved"))
else:
    st.caption("Leaders, data officers and administrators write the commentary.")
for section, title in sections.items():
    found = shown.get(section)
    if found:
        st.markdown(f"**{title}** ({fmt.plain(found.author)}, {fmt.uk_datetime(found.written_at)})")
        st.text(found.text)
if not shown:
    st.info(f"No commentary has been written for {month} yet.")

if pack.earlier_commentary:
    with st.expander("Commentary from earlier months"):
        for item in pack.earlier_commentary:
            st.markdown(
                f"**{COMMENTARY_SECTIONS[item.section]}, {fmt.uk_month(item.month)}** "
                f"({fmt.plain(item.author)})"
            )
            st.text(item.text)
