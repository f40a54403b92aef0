"""Board pack: the improvement board's monthly PDF for the organisation, an area or a hub,
with the commentary that goes into it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.core.scope import Scope
from data_access.reports.board_pack import NoPack, describe_scope
from data_access.reports.commentary import (
    COMMENTARY_SECTIONS,
    MAX_COMMENTARY_CHARACTERS,
    scope_key,
)
from data_access.reports.pdf import view_model
from ui import format as fmt
from ui import queries
from ui.auth import actor, current_grant
from ui.charts import slug
from ui.filters import current

STATUS_ICON = {"met": "✓", "close": "~", "missed": "✗", "na": "–"}

filters = current()
grant = current_grant()
st.title("Board pack")
if filters.as_at is None:
    st.info("The board pack appears once data has been imported.")
    st.stop()

# A pack is for the organisation, an area or a hub; a team chosen in the sidebar is widened to
# its hub (a team's figures are on the other pages).
scope = Scope(area=filters.scope.area, hub=filters.scope.hub)
where = describe_scope(scope)
month = fmt.uk_month(filters.as_at)
st.markdown(
    f"The monthly pack for the improvement board: **{fmt.plain(where)}**, figures as at "
    f"**{fmt.uk_date(filters.as_at)}**. A4 landscape PDF: a scorecard of every indicator against "
    "its target with its trajectory, a section per theme with trends, the units below and the "
    "teams furthest from target, the supervision standard and scrutiny recommendations, the "
    "national comparison and the definitions. It holds no worker's name. Change the area, hub "
    "or month in the sidebar."
)
if filters.scope.team_id:
    st.info(
        f"A board pack is for the organisation, an area or a hub: this one is for "
        f"{fmt.plain(where)}, the "
        f"hub of {fmt.plain(filters.team_name or '')}."
    )

policy = queries.policy()
try:
    pack = queries.board_pack(filters.as_at, scope, policy)
except NoPack as error:
    st.warning(f"No board pack can be made: {fmt.plain(str(error))}.")
    st.stop()

st.download_button(
    "Download the board pack (PDF)",
    data=lambda: queries.board_pack_pdf(pack, actor(grant)),
    file_name=f"board-pack-{slug(where)}-{filters.as_at:%Y-%m}.pdf",
    mime="application/pdf",
    type="primary",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)

st.subheader("Scorecard")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Indicator": row["label"],
                "Value": row["value"],
                "Target": row["target"],
                "Status": f"{STATUS_ICON[row['status']]} {row['status_words']}",
                "Year on year": row["change"],
                "Trajectory": row["trajectory"],
            }
            for row in view_model(pack)["scorecard"]
        ]
    ),
    hide_index=True,
    width="stretch",
    height="content",
)
st.caption(
    "Trajectory: when the target would be reached at the pace of the last 6 months. "
    + (
        f"National comparison: {fmt.plain(pack.national.comparison.la_name)}, 30 September "
        f"{pack.national.year}."
        if pack.national
        else "National comparison: not in this pack (the DfE files are not loaded, our authority "
        "is not chosen, or the pack is for part of the organisation)."
    )
)

st.subheader(f"Commentary for {month}")
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
                key=f"commentary-{section}-{scope_key(scope)}-{filters.as_at}",
            )
            for section, title in COMMENTARY_SECTIONS.items()
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
for section, title in COMMENTARY_SECTIONS.items():
    found = pack.commentary.get(section)
    if found:
        st.markdown(f"**{title}** ({fmt.plain(found.author)}, {fmt.uk_datetime(found.written_at)})")
        st.text(found.text)
if not pack.commentary:
    st.info(f"No commentary has been written for {month} yet.")

if pack.earlier_commentary:
    with st.expander("Commentary from earlier months"):
        for item in pack.earlier_commentary:
            st.markdown(
                f"**{COMMENTARY_SECTIONS[item.section]}, {fmt.uk_month(item.month)}** "
                f"({fmt.plain(item.author)})"
            )
            st.text(item.text)
