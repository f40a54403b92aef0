"""Text from data is shown as text: every page, over an organisation whose names, file names,
leaving reasons and DfE authority name are made of Markdown, Streamlit directives, LaTeX and
HTML, never lets that text format the page, link anywhere or fetch an image."""

from __future__ import annotations

import csv
import io
import re

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from support.app import sections, signed_in
from support.org import BENCHMARKS, SMALL_ORG, read_folder_bytes

from data_access.ingest.importer import import_files
from data_access.national.benchmarks import load_benchmarks
from data_access.settings import remember_our_authority
from ui.pages import PAGES as APP_PAGES


def hostile(tag: str) -> str:
    """A name that would be bold, an image, a link, red, a formula, an icon and HTML, and three
    bare addresses that Markdown would make links of."""
    return (
        f"{tag} **b** ![x](http://203.0.113.9/{tag}.png) [l](http://203.0.113.9/{tag}) "
        ":red[r] $x^2$ :material/home: <img src=x> https://203.0.113.9 www.ph.uk a@phish.uk"
    )


#: What the hostile text would look like in Markdown that acts on it. Escaped, none is left.
ACTIVE = [
    re.compile(r"\*\*b\*\*"),
    re.compile(r"!\["),
    re.compile(r"\]\(http"),
    re.compile(r"(?<!\\):red\["),
    re.compile(r"\$x\^2\$"),
    re.compile(r"(?<!\\):material/home(?<!\\):"),
    re.compile(r"(?<!\\)<img"),
    # Bare addresses: Streamlit links them even when escaped, unless a word joiner breaks them.
    re.compile(r"(?i)https?\\?:"),
    re.compile(r"(?i)www\\?\."),
    re.compile(r"[^\u2060]@phish"),
]
#: Elements whose text Streamlit never reads as Markdown (and a chart's data).
PLAIN_ELEMENTS = {"text", "code", "html", "json", "arrow_data_frame", "arrow_vega_lite_chart"}
#: Fields that are not shown as Markdown (ids, options, styling).
PLAIN_FIELDS = {
    "id",
    "url",
    "tag",
    "elementType",
    "format",
    "direction",
    "color",
    "type",
    "formId",
    "spec",
}

HOSTILE_FILE = hostile("file") + " staff.csv"


def rewritten(name: str, content: bytes, columns: dict[str, str]) -> bytes:
    """`content` (a CSV) with each value in `columns` replaced by a hostile one, the same
    value always by the same text (so that references between rows still hold)."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        for column, tag in columns.items():
            if row[column]:
                row[column] = hostile(f"{tag}-{row[column][:12]}")
        writer.writerow(row)
    return out.getvalue().encode()


@pytest.fixture
def hostile_org(engine, fresh_caches):
    files = read_folder_bytes(SMALL_ORG)
    files["teams.csv"] = rewritten(
        "teams.csv", files["teams.csv"], {"team_name": "team", "hub": "hub", "area": "area"}
    )
    files["staff.csv"] = rewritten("staff.csv", files["staff.csv"], {"display_name": "name"})
    # Agency assignments whose agency is hostile too (the Agency and Team pages list them).
    files["agency_assignments.csv"] = rewritten(
        "agency_assignments.csv",
        b"assignment_id,staff_id,agency,role_category,swe_number,start_date,end_date,"
        b"hours_per_week,hourly_pay_rate,hourly_capped_cost,hourly_charge_rate,project_team,"
        b"cover_reason\n"
        b"H1,S03,Acme,social_worker,SW77,2024-06-01,2025-04-20,37,34,38.95,46.20,no,vacancy\n"
        b"H2,S10,Best,advanced_practitioner,SW78,2023-01-01,,18.5,36,41.00,47.00,yes,project\n",
        {"agency": "agency"},
    )
    assert import_files(files, engine=engine, source=f"upload: {HOSTILE_FILE}").loaded
    indicators = (BENCHMARKS / "indicators.csv").read_bytes().decode()
    indicators = indicators.replace("Birmingham", hostile("authority").replace(",", " "))
    result = load_benchmarks(
        ("indicators.csv", indicators.encode()),
        ("neighbours.csv", (BENCHMARKS / "neighbours.csv").read_bytes()),
        engine=engine,
    )
    assert result.loaded
    remember_our_authority("330", by="test set-up", engine=engine)
    return engine


def shown_as_markdown(app: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown (titles, captions, alerts,
    labels, help, tabs, expanders, metrics)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", None) not in PLAIN_ELEMENTS:
            fields = MessageToDict(proto)
            found.extend(
                value
                for field, value in fields.items()
                if isinstance(value, str) and field not in PLAIN_FIELDS
            )
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


def active_markup(app: AppTest) -> list[str]:
    return [
        text for text in shown_as_markdown(app) if any(pattern.search(text) for pattern in ACTIVE)
    ]


def a_team(app: AppTest) -> str:
    options = app.selectbox(key="team").options
    return next(option for option in options if "team-Alpha safegu" in option)


PAGES = [page.name for page in APP_PAGES]


#: Pages that start with the scope line (the scope's names, escaped).
SCOPED_PAGES = {"overview", "stability", "agency", "supervision", "caseloads", "team", "data"}


def narrowed_to_a_team(engine, page: str, **query: str) -> AppTest:
    """`page` narrowed, through the sidebar, to a team of the first hostile area."""
    app = signed_in(engine, page, as_at="March 2025", **query)
    app.selectbox(key="area").select(app.selectbox(key="area").options[1]).run()
    app.selectbox(key="team").select(a_team(app)).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("page", PAGES)
def test_no_page_lets_data_format_itself(hostile_org, page):
    app = signed_in(hostile_org, page, as_at="March 2025")
    assert not active_markup(app), page
    # The hostile names are loaded (the test is not passing on an empty organisation).
    assert any("area-North" in option for option in app.selectbox(key="area").options)

    # And narrowed to a team, where the team, hub and area names are in every header.
    app = narrowed_to_a_team(hostile_org, page)
    assert not active_markup(app), page
    if page in SCOPED_PAGES:
        assert any(r"team\-Alpha" in text for text in shown_as_markdown(app)), page
    # Every other section of the page (only the open one is drawn), for that team.
    for section, drawn in sections(app).items():
        if not drawn:
            other = narrowed_to_a_team(hostile_org, page, section=section)
            assert sections(other)[section], (page, section)
            assert not active_markup(other), (page, section)


def test_the_team_page_shows_names_as_text(hostile_org):
    app = signed_in(hostile_org, "team", as_at="March 2025")
    app.selectbox(key="area").select(app.selectbox(key="area").options[1]).run()
    app.selectbox(key="team").select(a_team(app)).run()
    shown = shown_as_markdown(app)
    assert not active_markup(app)
    # The chosen worker's timeline is headed by their (escaped) name.
    assert any(text.startswith("name\\-") for text in shown), shown


def test_upload_messages_show_file_names_as_text(hostile_org):
    app = signed_in(hostile_org, "data", role="data_officer")
    app.file_uploader[0].set_value(
        [(HOSTILE_FILE, b"staff_id,display_name\nS99,x\n", "text/csv")]
    ).run()
    assert not app.exception, app.exception
    assert not active_markup(app)
    assert any("file" in text for text in shown_as_markdown(app))
