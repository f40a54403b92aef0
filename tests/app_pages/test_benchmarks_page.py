"""AppTest: the National benchmarks page and the benchmark and census uploads on the Data page,
on the hand-made files in tests/fixtures/benchmarks (expected values: see test_benchmarks.py)."""

from __future__ import annotations

import pyarrow as pa
from streamlit.testing.v1 import AppTest
from support.app import EVERYWHERE, app_as, signed_in
from support.org import BENCHMARKS, SMALL_ORG, read_folder_bytes

from data_access.core import db
from data_access.core.config import PROJECT_ROOT
from data_access.core.db import session_scope
from data_access.ingest.importer import import_files
from data_access.national.benchmarks import load_benchmarks
from data_access.national.census import load_census
from data_access.national.comparison import benchmark_years
from data_access.settings import remember_our_authority

APP = str(PROJECT_ROOT / "app.py")
PAGE = "app_pages/benchmarks.py"


def _file(name: str) -> tuple[str, bytes]:
    return name, (BENCHMARKS / name).read_bytes()


def open_page(page: str = PAGE, *, role: str = "admin", **query: str) -> AppTest:
    """`page`, signed in with `role` (default: an administrator, who may change our
    authority)."""
    name = page.removeprefix("app_pages/").removesuffix(".py")
    scopes = () if role == "board" else EVERYWHERE  # board members never see names
    return signed_in(db.get_engine(), name, role=role, scopes=scopes, **query)


def frame_with(app: AppTest, column: str):
    return next(f.value for f in app.dataframe if column in list(f.value.columns))


def loaded(engine) -> None:
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    result = load_benchmarks(_file("indicators.csv"), _file("neighbours.csv"), engine=engine)
    assert result.loaded


def page_links(app: AppTest) -> list[str]:
    return [link.proto.label for link in app.get("page_link")]


def test_without_benchmarks_the_page_says_what_is_missing_and_who_loads_it(engine, fresh_caches):
    missing = "No published benchmarks are loaded yet, so there is nothing to compare with."
    for role in ("data_officer", "admin"):  # told what to upload where
        app = open_page(role=role)
        assert app.title[0].value == "National benchmarks"
        assert app.info[0].value == (
            f"{missing} On the **Data** page, under *Published national benchmarks*, upload "
            "the Department for Education's *Children's social work workforce* indicators CSV "
            "(all authorities, 2017 onwards) and its statistical neighbour model CSV, both "
            "from explore-education-statistics; or run `python -m data_access "
            "import-benchmarks INDICATORS_CSV --neighbours SN_CSV`."
        )
        assert page_links(app) == ["Go to the Data page"]
    for role in ("board", "leader", "manager"):  # told whom to ask, not sent to a closed page
        app = open_page(role=role)
        assert app.info[0].value == (
            f"{missing} They are the Department for Education's published files: a data "
            "officer or an administrator of this dashboard loads them on the Data page: ask "
            "one of them."
        )
        assert page_links(app) == []


def test_choosing_our_authority_shows_the_comparison_and_is_remembered(engine, fresh_caches):
    loaded(engine)
    app = open_page()
    assert app.info[0].value == (
        "Our authority has not been chosen yet. Choose it above to see how it compares: your "
        "choice is remembered for everyone who uses this dashboard."
    )
    app.selectbox(key="benchmark-authority").select("Birmingham (330)").run()
    assert not app.exception, app.exception
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == {
        "Turnover rate": "8.5%",
        "Agency worker rate": "12.4%",
        "Vacancy rate": "17.1%",
        "Average caseload": "15.2",
        "Sickness absence rate": "3.7%",
    }
    deltas = {metric.label: metric.delta for metric in app.metric}
    assert deltas["Turnover rate"] == "-3.3 vs England"
    assert deltas["Average caseload"] == "level with England"
    table = frame_with(app, "Ours, published 2025").set_index("Indicator")
    assert table.loc["Turnover rate"].tolist() == [
        "8.5%",
        "our data does not cover this date",  # the small organisation's data ends in 2025-04
        "11.8%",
        "11.5%",
        "12.0% (5 with a value)",
        "1 of 7",
        "A",
    ]
    assert table.loc["Vacancy rate", "Neighbours' median"] == "11.1% (4 with a value)"
    ranked = frame_with(app, "Ours")
    assert ranked.loc[ranked["Ours"] == "yes", "Authority"].tolist() == ["Birmingham"]
    # Remembered for the next visitor.
    again = open_page()
    assert again.selectbox(key="benchmark-authority").value == "Birmingham (330)"
    assert {m.label: m.value for m in again.metric}["Turnover rate"] == "8.5%"


def test_suppressed_values_and_internal_figures_for_2024(engine, fresh_caches):
    loaded(engine)
    remember_our_authority("330", by="test", engine=engine)
    app = open_page(**{"benchmark-year": "2024"})
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["Agency worker rate"] == "u (low reliability)"
    assert tiles["Turnover rate"] == "12.9%"
    table = frame_with(app, "Ours, published 2024").set_index("Indicator")
    # The small organisation's data covers 30/09/2024: the internal figures are given.
    internal = table["Ours, internal 30/09/2024"]
    assert internal["Sickness absence rate"] == "not held in our data"
    assert internal["Turnover rate"].endswith("%")
    assert table.loc["Agency worker rate", "Rank"] == "not ranked"
    trends = [f.value for f in app.dataframe if "Statistical neighbours (median)" in f.value]
    agency = trends[1]  # the charts run turnover, agency, vacancy, caseload, absence
    assert agency.set_index("Year").loc[2024].tolist() == [
        "u (low reliability)",
        "16.2%",
        "13.9%",
        "18.0%",
    ]
    codes = frame_with(app, "Code")
    assert codes.set_index("Code").loc["low", "Meaning"] == "rounds to zero, but is not zero"


def test_a_member_of_a_joint_return(engine, fresh_caches):
    loaded(engine)
    remember_our_authority("318", by="test", engine=engine)
    app = open_page()
    captions = " ".join(caption.value for caption in app.caption)
    assert "published as the joint return *Kingston upon Thames / Richmond upon Thames*" in (
        captions
    )
    table = frame_with(app, "Ours, published 2025").set_index("Indicator")
    assert table.loc["Turnover rate", "Outer London"] == "15.7%"


def test_census_figures_appear_beside_the_published(engine, fresh_caches):
    loaded(engine)
    remember_our_authority("330", by="test", engine=engine)
    assert load_census(*_file("census_return.xml"), engine=engine).loaded
    app = open_page()
    census = frame_with(app, "Census return 2026").set_index("Indicator")
    assert census.loc["Average caseload"].tolist() == ["17.1", "15.2", "15.2"]
    assert census.loc["Turnover rate", "Census return 2026"] == "58.1%"
    # The 2025 layout's allowances as returned; 4 salaries are too few to show pay.
    allowances = frame_with(app, "Offered to")
    assert allowances.values.tolist() == [
        ["Recruitment bonus", "all employed social workers"],
        ["Retention bonus", "some employed social workers"],
        ["Performance award", "not offered"],
        ["Car allowance", "not offered"],
        ["Relocation package", "some employed social workers"],
        ["Regional weighting", "all employed social workers"],
        ["Social Work England registration fee paid", "all employed social workers"],
        ["DBS check paid", "all employed social workers"],
        ["Other allowances", "Childcare vouchers"],
    ]
    assert any(
        "holds 4 base salaries for employed social workers in post: pay is shown from 10"
        in caption.value
        for caption in app.caption
    )
    assert "Mean base salary" not in [metric.label for metric in app.metric]


def test_data_page_loads_benchmarks_and_a_census_return(engine, fresh_caches):
    app = open_page("app_pages/data.py")
    app.file_uploader[1].set_value(
        [(name, content, "text/csv") for name, content in
         (_file("indicators.csv"), _file("neighbours.csv"))]
    ).run()  # fmt: skip
    assert not app.exception, app.exception
    assert any("16 published rows, 2024 to 2025, 8 authorities" in m.value for m in app.markdown)
    next(button for button in app.button if button.label == "Load benchmarks").click().run()
    assert app.success[0].value.startswith("Loaded the published benchmarks 2024 to 2025")
    with session_scope(engine) as session:
        assert benchmark_years(session=session) == [2025, 2024]

    bad = (BENCHMARKS / "census_return.xml").read_bytes().replace(b"<FTE>0.8", b"<FTE>lots")
    app.file_uploader[2].set_value([("return.xml", bad, "text/xml")]).run()
    assert app.error[0].value.startswith("1 problem found in the return")
    problems = frame_with(app, "Column or element")
    assert problems.values.tolist() == [
        ["return.xml", None, "CSWWWorker 3 (SWENo SW3) FTE", "not a number", "lots"]
    ]
    app.file_uploader[2].set_value([_file("census_return.xml") + ("text/xml",)]).run()
    assert any("read with DfE's 2025 layout" in markdown.value for markdown in app.markdown)
    assert app.warning[0].value.startswith("2 things to check before submitting")
    warnings = frame_with(app, "Column or element")
    assert warnings["Column or element"].tolist() == [
        "LALevel NoAgencyFTE",
        "LALevel NoAgencyHeadcount",
    ]
    figures = frame_with(app, "Figure").set_index("Figure")
    assert figures.loc["Average caseload (cases per FTE)", "Value"] == "17.1"
    assert (
        figures.loc["Mean base salary, employed social workers in post (£)", "Value"] == "41938.0"
    )
    assert figures.loc["Allowance: Retention bonus", "Value"] == "some employed social workers"
    next(button for button in app.button if button.label == "Save these figures").click().run()
    assert app.success[0].value == "Saved the census return figures for 330, 30 September 2026."
    history = frame_with(app, "Outcome")
    assert history[["Outcome", "Kind"]].values.tolist()[:3] == [
        ["loaded", "census return"],
        ["refused", "census return"],
        ["loaded", "national benchmarks"],
    ]


def chart_rows(element) -> list[dict]:
    """Every data row a drawn chart holds (Streamlit sends a spec's datasets as Arrow)."""
    rows = []
    for dataset in element.proto.datasets:
        rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return rows


def test_a_trend_breaks_at_a_year_with_no_published_number(engine, fresh_caches):
    """Birmingham's 2024 agency rate is published as "u": the line has a gap there (a null
    in the chart's data, which Vega-Lite does not join across), not a straight line between
    the years either side."""
    loaded(engine)
    remember_our_authority("330", by="test", engine=engine)
    app = open_page(**{"benchmark-year": "2024"})
    charts = [chart_rows(element) for element in app.get("vega_lite_chart")]
    rows = next(
        rows for rows in charts if any(row.get("indicator") == "agency_rate_fte" for row in rows)
    )
    birmingham = {row["year"]: row["value"] for row in rows if row["series"] == "Birmingham"}
    # The year is there, with no value (dropping it would join the line across it).
    assert 2024 in birmingham and birmingham[2024] is None
    assert birmingham[2025] == 12.4


def test_before_our_authority_is_chosen_others_are_told_to_ask_an_administrator(
    engine, fresh_caches
):
    loaded(engine)
    app = open_page(role="leader")
    assert app.info[0].value == (
        "Our authority has not been chosen yet. Choose it above to see how it compares, for "
        "this visit; an administrator's choice is remembered for everyone, so ask your "
        "administrator to choose it."
    )


def test_without_a_census_return_each_role_is_told_what_is_missing(engine, fresh_caches):
    loaded(engine)
    remember_our_authority("330", by="test", engine=engine)
    missing = (
        "No census return for Birmingham is loaded, so the figures DfE will publish for us "
        "cannot be shown before submission."
    )
    officer = open_page(role="data_officer")
    assert (
        f"{missing} On the **Data** page, under *Our census return*, upload the CSWW census "
        "return (the XML file sent to DfE), or run `python -m data_access census RETURN.xml`."
    ) in [info.value for info in officer.info]
    board = open_page(role="board")
    assert (
        f"{missing} It is the XML file sent to DfE each autumn: a data officer or an "
        "administrator of this dashboard loads it on the Data page: ask one of them."
    ) in [info.value for info in board.info]


# --- the demo's made-up national figures (data_access/demo/national.py) ---------------------


def test_the_demo_shows_the_page_working_with_made_up_figures_clearly_labelled(
    demo_engine, fresh_caches
):
    app = app_as(None, "benchmarks", auth=False, view_as="Board member")
    assert not app.exception, app.exception
    assert app.warning[0].value.startswith("**Made-up demo figures, not DfE's.**")
    assert app.caption[0].value.startswith("Made up by the demo (not published by DfE)")
    assert app.selectbox(key="benchmark-authority").value == "Demo City (600)"
    assert app.selectbox(key="benchmark-year").value == 2025
    assert [metric.label for metric in app.metric] == [
        "Turnover rate",
        "Agency worker rate",
        "Vacancy rate",
        "Average caseload",
        "Sickness absence rate",
        # The demo's return is in the 2025 layout, with 760 salaries: its pay is shown.
        "Mean base salary",
        "Median base salary",
        "Recruitment or retention payments",
    ]
    pay = {metric.label: metric.value for metric in app.metric}
    assert pay["Mean base salary"].startswith("£") and pay["Median base salary"].startswith("£")
    table = frame_with(app, "Ours, published 2025").set_index("Indicator")
    # Demo City is the demo organisation: its "published" 2025 figures are its internal ones.
    for indicator in ("Turnover rate", "Agency worker rate", "Vacancy rate", "Average caseload"):
        published = table.loc[indicator, "Ours, published 2025"]
        assert published == table.loc[indicator, "Ours, internal 30/09/2025"]
    # Ranked among 60 authorities (fewer where a made-up "u" or "x" stands for a number),
    # with a quartile band and the median of all 10 neighbours.
    assert table.loc["Turnover rate", "Rank"].endswith(" of 60")
    assert table.loc["Turnover rate", "Band"] in ("A", "B", "C", "D")
    assert "with a value" not in table.loc["Turnover rate", "Neighbours' median"]
    census = frame_with(app, "Census return 2026").set_index("Indicator")
    assert census.loc["Sickness absence rate", "Census return 2026"].endswith("%")
    ranked = frame_with(app, "Ours")
    assert ranked.loc[ranked["Ours"] == "yes", "Authority"].tolist() == ["Demo City"]
    assert len(ranked) == 60
