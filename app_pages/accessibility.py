"""Accessibility statement: what meets WCAG 2.2 AA, the known gaps, and how to get the figures
another way. Kept in step with the browser tests (tests/browser/test_accessibility.py) and the
list of known violations they allow (tests/browser/axe_known_violations.json)."""

from __future__ import annotations

import streamlit as st

from data_access.settings import ACCESSIBILITY_CONTACT
from ui import queries
from ui.format import plain

st.title("Accessibility statement")
st.markdown(
    "This dashboard is run by the council's children's services. We want as many people as "
    "possible to be able to use it. It is meant to meet the Web Content Accessibility "
    "Guidelines (WCAG) version 2.2 at level AA, as the Public Sector Bodies (Websites and "
    "Mobile Applications) (No. 2) Accessibility Regulations 2018 require."
)

st.subheader("How accessible the dashboard is")
st.markdown(
    "- **Every chart has a table.** Each chart sits in a *Chart* tab beside a *Table* tab "
    "holding the same figures, with a *Download CSV* button, so that no figure is available "
    "only as a picture. Each chart also carries a text description for screen readers.\n"
    "- **Colour is never the only signal.** Targets met, close or missed are shown with an "
    "icon and words (✓ / ~ / ✗ in tables); reference and target lines are dashed and "
    "labelled; chart colours come from palettes chosen to stay distinct for the common forms "
    "of colour blindness.\n"
    "- **Keyboard.** Every filter (area, hub, team, date), tab, button and download can be "
    "reached and used with the keyboard alone; this is checked by an automated test that tabs "
    "through the sidebar filters and changes one.\n"
    "- **Text contrast** meets the 4.5:1 AA ratio, captions included.\n"
    "- **Reading order** follows the layout: figures laid out in rows are read row by row.\n"
    "- **The board pack** is a tagged PDF (PDF/UA-1): it has a title and a language, its "
    "headings are bookmarks, its tables have header rows, and every chart has a sentence "
    "saying what it shows (its first and last values and its direction).\n"
    "- **Printing** any page gives an A4 page without the sidebar or buttons.\n"
    "- **Links reproduce the view.** The filters are kept in the address, so a view can be "
    "bookmarked or shared.\n"
    "- **Checked automatically.** Every page is scanned with axe-core against WCAG 2.2 AA "
    "in a real browser on every change to the code, with the charts and then with their "
    "tables showing; a new serious or critical problem fails the build."
)

st.subheader("Known gaps")
st.markdown(
    "These come from the Streamlit framework the dashboard is built on, not from our own "
    "content. We list them here and in the test suite, and check for new ones on every build:\n"
    "- **Navigation list markup.** The page menu in the sidebar is a list whose section "
    "headings are not list items, so some screen readers announce the number of pages "
    "wrongly (WCAG 1.3.1). The links themselves work and are labelled.\n"
    "- **Small trend lines in the headline tiles** (Overview, Workforce stability, Caseloads) "
    "are drawn as images without a text alternative (WCAG 1.1.1). The tile states the figure "
    "and its change on a year earlier in words, and the full trend is drawn on the topic "
    "pages with its table.\n"
    "- **Charts themselves** cannot be explored point by point with a screen reader; use the "
    "Table tab beside each one.\n"
    "- **Very small screens**: wide tables scroll sideways rather than reflowing (WCAG "
    "1.4.10); the CSV download gives the same table."
)

st.subheader("What we did not test")
st.markdown(
    "The automated scan cannot judge everything WCAG asks. It has not yet been tested with "
    "disabled users or with every screen reader; we test with Chromium only."
)

st.subheader("Reporting a problem")
contact = queries.organisation_setting(ACCESSIBILITY_CONTACT)
st.markdown(
    "If you cannot get a figure you need, or find a problem not listed here, tell us. We will "
    "send you the figures in another format and fix the problem where we can. If you are not "
    "happy with our answer, contact the Equality Advisory and Support Service (EASS)."
)
if contact:
    st.markdown(f"**Contact:** {plain(contact)}")
else:
    st.markdown(
        "**Contact:** not set yet. An administrator sets it on the Access page; until then, "
        "ask whoever gave you access to this dashboard."
    )
st.caption("This statement was prepared on 23 November 2026 from the automated checks above.")
