"""Benchmarks: our published figures beside England, our region and our statistical neighbours,
with our own internal figure for the same 30 September.

In the demo, the figures are the demo's made-up ones (data_access/demo/national.py), and the
page says so before anything else. Where something is missing, the page says what, and who can
load it: a data officer or administrator is told what to upload where; anyone else, whom to
ask."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.core.models import CensusFigures
from data_access.core.scope import Scope
from data_access.demo.national import DEMO_LA_CODE, DEMO_LA_NAME
from data_access.national.catalogue import BENCHMARK_INDICATORS, SUPPRESSION_CODES
from data_access.national.census import MIN_PAY_WORKERS
from data_access.national.comparison import Published
from ui import actions, chart_specs, queries
from ui import format as fmt
from ui.auth import actor, current_grant
from ui.charts import chart_block, csv_download
from ui.layout import grid
from ui.tables import allowances_offered

OURS_COLOUR = "#D55E00"
OTHERS_COLOUR = "#B8B8B8"
SERIES_ORDER = ("la", "england", "region", "neighbours")


def shown(published: Published | float | None, unit: str) -> str:
    """A published figure as text: 12.4%, 15.2, or its suppression code with the meaning."""
    if isinstance(published, Published):
        if published.value is None:
            if published.status:
                return f"{published.status} ({published.meaning})"
            return "not published"
        published = published.value
    if published is None:
        return "no value"
    return f"{published:.1f}%" if unit == "%" else f"{published:.1f}"


#: Who loads what is missing, for those who may not: the same words everywhere on the page.
ASK = (
    "a data officer or an administrator of this dashboard loads {what} on the Data page: "
    "ask one of them"
)


def missing(what_is_missing: str, *, loader: str, others: str, link: bool = False) -> None:
    """An empty state: what is missing, then, by role, what to upload where (a data officer
    or administrator, with a link to the Data page) or whom to ask (anyone else). In the demo,
    which takes no uploads, it says so instead."""
    if demo:
        st.info(
            f"{what_is_missing} The demo takes no uploads (see its Data page): its made-up "
            "national figures and census return are for Demo City (600) only, and are loaded "
            "with the demo when the dashboard starts (or by `python -m data_access init-db`)."
        )
    elif grant.may_use_data_page:
        st.info(f"{what_is_missing} {loader}")
        if link:
            st.page_link(
                "app_pages/data.py", label="Go to the Data page", icon=":material/upload_file:"
            )
    else:
        st.info(f"{what_is_missing} {others}")


st.title("National benchmarks")
grant = current_grant()
#: The database holds only the demo organisation, which takes no uploads.
demo = queries.only_demo_data()
source = queries.benchmark_source()
if source is None:
    missing(
        "No published benchmarks are loaded yet, so there is nothing to compare with.",
        loader="On the **Data** page, under *Published national benchmarks*, upload the "
        "Department for Education's *Children's social work workforce* indicators CSV (all "
        "authorities, 2017 onwards) and its statistical neighbour model CSV, both from "
        "explore-education-statistics; or run `python -m data_access import-benchmarks "
        "INDICATORS_CSV --neighbours SN_CSV`.",
        others="They are the Department for Education's published files: "
        + ASK.format(what="them")
        + ".",
        link=True,
    )
    st.stop()

made_up = queries.benchmarks_are_the_demo_s(source.indicators_file, source.loaded_by)
if made_up:
    st.warning(
        "**Made-up demo figures, not DfE's.** Everything on this page was made up by the demo "
        "in the shape of the Department for Education's published files: England, six made-up "
        "regions and 60 made-up authorities, 2017 to 2025. No real authority is among them. "
        f"{DEMO_LA_NAME} ({DEMO_LA_CODE}) is the demo organisation: its figures for 2022 to "
        "2025 and its census return come from the demo's own records, so they agree with the "
        "other pages.",
        icon=":material/science:",
    )
    st.caption(
        f"Made up by the demo (not published by DfE) · loaded "
        f"{fmt.uk_datetime(source.loaded_at)} · {fmt.plain(source.indicators_file)} · "
        f"{fmt.plain(source.neighbours_file or 'no neighbour model')}"
    )
else:
    st.caption(
        f"Published by the Department for Education (snapshot at 30 September each year) · "
        f"loaded {fmt.uk_datetime(source.loaded_at)} from {source.indicators_file} · "
        f"statistical neighbour model: {source.neighbours_file or 'none loaded'}"
    )
#: Downloads say what they hold: a table of made-up figures must not pass for DfE's.
DOWNLOAD_PREFIX = "Made-up demo " if made_up else ""
st.markdown(
    "Is that good? Our published figures beside England, our region and the median of our "
    "10 statistical neighbours, where we rank among all authorities, how that has moved since "
    "2017, and our own internal figure for the same date. **Lower is better** for all five. "
    "The sidebar filters do not apply here: published figures are for the whole authority, "
    "and so is our internal figure."
)

authorities = queries.benchmark_authorities()
labels = [authority.label for authority in authorities]
by_label = {authority.label: authority for authority in authorities}
saved = queries.saved_authority()
saved_label = next((a.label for a in authorities if a.la_code == saved), None)
years = queries.benchmark_years()

left, right = st.columns([3, 1])
choice = left.selectbox(
    "Our authority",
    labels,
    index=labels.index(saved_label) if saved_label else None,
    placeholder="Choose your authority",
    key="benchmark-authority",
    help="Remembered for everyone who uses this dashboard until an administrator chooses another."
    if grant.may_administer
    else "An administrator sets the organisation's authority; another choice here lasts only "
    "for this visit.",
)
year = right.selectbox("Year (30 September)", years, key="benchmark-year", bind="query-params")
if choice is None:
    if grant.may_administer:
        st.info(
            "Our authority has not been chosen yet. Choose it above to see how it compares: "
            "your choice is remembered for everyone who uses this dashboard."
        )
    else:
        st.info(
            "Our authority has not been chosen yet. Choose it above to see how it compares, "
            "for this visit; an administrator's choice is remembered for everyone, so ask your "
            "administrator to choose it."
        )
    st.stop()
ours = by_label[choice]
if ours.la_code != saved and grant.may_administer:
    actions.choose_our_authority(ours.la_code, by=actor(grant))

result = queries.benchmark_comparison(ours.la_code, year)
if result is None:
    st.warning(
        f"{fmt.plain(ours.la_name)} has no published figures for {year} (it may not have "
        "existed as an authority then). Choose another year."
    )
    st.stop()

st.subheader(f"{fmt.plain(result.la_name)}, 30 September {year}")
st.caption(
    f"Old LA code {fmt.plain(result.la_code)} · region: "
    f"{fmt.plain(result.region_name or 'not published')}"
    + (
        f" · published as the joint return *{result.joint_return}*, whose figures stand for "
        "each of its authorities"
        if result.joint_return
        else ""
    )
)

internal = queries.internal_figures(year, Scope())


def internal_text(name: str) -> str:
    indicator = BENCHMARK_INDICATORS[name]
    if internal.values is None:
        return "our data does not cover this date"
    if indicator.internal_metric is None:
        return "not held in our data"
    return shown(internal.values[name], indicator.unit)


# Three to a row: five side by side cut the names and the comparison with England short.
for cell, (name, item) in zip(
    grid(len(result.indicators), 3), result.indicators.items(), strict=True
):
    indicator = BENCHMARK_INDICATORS[name]
    england = item.england.value
    difference = (
        round(item.la.value - england, 1)
        if item.la.value is not None and england is not None
        else None
    )
    with cell:
        st.metric(
            indicator.label,
            shown(item.la, indicator.unit),
            delta=None
            if difference is None
            else ("level with England" if difference == 0 else f"{difference:+.1f} vs England"),
            delta_color="off" if difference == 0 else "inverse",
            delta_arrow="off" if difference == 0 else "auto",
            help=indicator.definition,
            border=True,
        )
        st.caption(
            (
                f"Rank {item.rank} of {item.of}, quartile band {item.quartile}"
                if item.rank
                else f"Not ranked ({item.of} authorities have a value)"
            )
            + f"  \nInternal, {fmt.uk_date(internal.as_at)}: {internal_text(name)}"
        )

rows = []
for name, item in result.indicators.items():
    indicator = BENCHMARK_INDICATORS[name]
    median = shown(item.neighbours_median, indicator.unit)
    if item.neighbours_median is not None and item.neighbours_with_value < 10:
        median += f" ({item.neighbours_with_value} with a value)"
    rows.append(
        {
            "Indicator": indicator.label,
            f"Ours, published {year}": shown(item.la, indicator.unit),
            f"Ours, internal {fmt.uk_date(internal.as_at)}": internal_text(name),
            "England": shown(item.england, indicator.unit),
            result.region_name or "Region": shown(item.region, indicator.unit),
            "Neighbours' median": median,
            "Rank": f"{item.rank} of {item.of}" if item.rank else "not ranked",
            "Band": item.quartile or "",
        }
    )
comparison_table = pd.DataFrame(rows)
st.dataframe(comparison_table, hide_index=True, width="stretch")
csv_download(comparison_table, f"{DOWNLOAD_PREFIX}Benchmarks {result.la_code} {year}")
st.caption(
    "**Internal** figures are our own data for the whole organisation on the same 30 September, "
    "computed by this dashboard's definitions (see the other pages). They can differ from the "
    "published figure: the census counts registered social workers in children's services as "
    "returned to DfE, while our data covers the roles in our staff file; our vacancies come from "
    "team vacancy records; our caseload uses the latest caseload snapshot on or before the date; "
    "our turnover counts leavers recorded in our data; and returns can be corrected after "
    "submission. We hold no sickness data, so there is no internal absence figure."
)


def pay_and_allowances(census: CensusFigures) -> None:
    """The 2025 layout's pay and allowances from our return: aggregates only, and pay only
    from enough salaries that no one's can be worked out."""
    if census.layout != "2025":
        st.caption(
            f"Pay and allowances are in returns made in DfE's 2025 layout; this return was "
            f"read with the {fmt.plain(census.layout or 'earlier')} layout."
        )
        return
    st.markdown("**Pay and allowances in our return** (DfE publishes no comparison yet)")
    salaried = census.salaried_workers or 0
    if salaried >= MIN_PAY_WORKERS:
        cells = grid(3, 3)
        with cells[0]:
            st.metric("Mean base salary", fmt.figure(census.base_salary_mean, "£"))
        with cells[1]:
            st.metric("Median base salary", fmt.figure(census.base_salary_median, "£"))
        with cells[2]:
            st.metric(
                "Recruitment or retention payments",
                fmt.figure(census.rr_payments_share, "%"),
            )
        st.caption(
            f"Employed social workers in post with an FTE above 0 and a base salary in the "
            f"return: {salaried}. The share receiving payments is of those whose payments are "
            "recorded."
        )
    else:
        st.caption(
            f"The return holds {salaried} base salaries for employed social workers in post: "
            f"pay is shown from {MIN_PAY_WORKERS}, so that no one's pay can be worked out."
        )
    allowances = pd.DataFrame(allowances_offered(census), columns=["Allowance", "Offered to"])
    st.dataframe(allowances, hide_index=True, width="stretch")
    csv_download(allowances, f"{DOWNLOAD_PREFIX}Census return {census.year} allowances")


stored = queries.census_return(ours.la_code)
census = stored.figures if stored else None
st.subheader("Our census return before submission")
if census is None:
    missing(
        f"No census return for {fmt.plain(ours.la_name)} is loaded, so the figures DfE will "
        "publish for us cannot be shown before submission.",
        loader="On the **Data** page, under *Our census return*, upload the CSWW census "
        "return (the XML file sent to DfE), or run `python -m data_access census RETURN.xml`.",
        others="It is the XML file sent to DfE each autumn: " + ASK.format(what="it") + ".",
    )
else:
    latest = queries.benchmark_comparison(ours.la_code, years[0])
    census_rows = []
    for name, indicator in BENCHMARK_INDICATORS.items():
        census_rows.append(
            {
                "Indicator": indicator.label,
                f"Census return {census.year}": shown(getattr(census, name), indicator.unit),
                f"Published {years[0]}": shown(latest.indicators[name].la, indicator.unit)
                if latest
                else "not published",
                f"England {years[0]}": shown(latest.indicators[name].england, indicator.unit)
                if latest
                else "not published",
            }
        )
    st.caption(
        f"From {fmt.plain(stored.file_name)} (loaded {fmt.uk_datetime(stored.loaded_at)}): "
        f"{census.worker_records} worker records, reference date "
        f"{fmt.uk_date(census.reference_date)}. In post {census.inpost_fte:.1f} FTE "
        f"({census.inpost_headcount} people); starters {census.starters_fte:.1f} FTE, "
        f"leavers {census.leavers_fte:.1f} FTE; agency {census.agency_fte:.1f} FTE; "
        f"{census.cases} cases held by {census.case_holders_fte:.1f} FTE."
    )
    census_table = pd.DataFrame(census_rows)
    st.dataframe(census_table, hide_index=True, width="stretch")
    csv_download(census_table, f"{DOWNLOAD_PREFIX}Census return {census.year} figures")
    pay_and_allowances(census)

st.subheader(f"Trends, {min(years)} to {max(years)}")
points = queries.benchmark_trend(ours.la_code)
series_names = {
    "la": result.la_name,
    "england": "England",
    "region": f"{result.region_name} (region)",
    "neighbours": "Statistical neighbours (median)",
}
trend = pd.DataFrame(
    [
        {
            "indicator": point.indicator,
            "year": point.year,
            "series": series_names[point.series],
            "value": point.value,
            # Written from the point itself: in the frame a missing value becomes NaN.
            "text": shown(
                Published(point.value, point.status), BENCHMARK_INDICATORS[point.indicator].unit
            ),
        }
        for point in points
    ]
)
for cell, (name, indicator) in zip(
    grid(len(BENCHMARK_INDICATORS), 2), BENCHMARK_INDICATORS.items(), strict=True
):
    data = trend[trend["indicator"] == name] if not trend.empty else trend
    # Years with no published number stay in, as nulls: the line breaks there rather than
    # drawing straight across a suppressed year.
    drawn = data.drop(columns=["text"]) if not data.empty else data
    chart = (
        chart_specs.benchmark_trend(
            drawn,
            unit=indicator.unit,
            label=indicator.label,
            series_order=[series_names[key] for key in SERIES_ORDER],
        )
        if not drawn.empty and drawn["value"].notna().any()
        else None
    )
    table = pd.DataFrame()
    if not data.empty:
        table = (
            data.pivot(index="year", columns="series", values="text")
            .reindex(
                columns=[series_names[key] for key in SERIES_ORDER], fill_value="not published"
            )
            .fillna("not published")
            .reset_index()
            .rename(columns={"year": "Year"})
        )
        table.columns.name = None
    with cell:
        chart_block(
            indicator.label,
            "Our published figure each year beside England, our region and our statistical "
            "neighbours. A break in a line is a year with no published number (see the table).",
            chart,
            table,
            how=indicator.definition,
            height=370,
            empty_message="No published figures for this indicator.",
        )

ranked_name = st.selectbox(
    f"Rank every authority in {year} by",
    list(BENCHMARK_INDICATORS),
    format_func=lambda name: BENCHMARK_INDICATORS[name].label,
    key="benchmark-ranked-indicator",
)
ranked_indicator = BENCHMARK_INDICATORS[ranked_name]
ranked = queries.benchmark_ranking(year, ranked_name)
our_row_code = next(
    (row.la_code for row in ranked if ours.la_code in row.la_code.split(" / ")), None
)
ranked_frame = pd.DataFrame(
    [
        {
            "Rank": row.rank,
            "Authority": row.la_name,
            "Old LA code": row.la_code,
            "Region": row.region_name,
            "value": row.value,
            ranked_indicator.label: shown(Published(row.value, row.status), ranked_indicator.unit),
            "Ours": "yes" if row.la_code == our_row_code else "",
        }
        for row in ranked
    ]
)
numeric = ranked_frame.dropna(subset=["value"]) if not ranked_frame.empty else ranked_frame
ranked_chart = (
    chart_specs.benchmark_ranking(
        numeric.assign(who=numeric["Ours"].map({"yes": "Ours", "": "Other authorities"})),
        unit=ranked_indicator.unit,
        label=ranked_indicator.label,
        england=result.indicators[ranked_name].england.value,
        colours=(OURS_COLOUR, OTHERS_COLOUR),
    )
    if not numeric.empty
    else None
)
ranked_table = ranked_frame.drop(columns=["value"]) if not ranked_frame.empty else ranked_frame
chart_block(
    f"{ranked_indicator.label}: every authority, {year}",
    "Each bar is an authority, lowest (rank 1) to highest; ours is marked and named, and the "
    "dashed line is England. Authorities with no published number are listed at the end of "
    "the table.",
    ranked_chart,
    ranked_table,
    how=ranked_indicator.definition,
    height=340,
)

with st.expander("Our statistical neighbours"):
    neighbours = queries.benchmark_neighbours(ours.la_code)
    if neighbours:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Closeness rank": n.position,
                        "Authority": n.la_name or "no published figures",
                        "Old LA code": n.la_code,
                        "Closeness": n.closeness or "",
                    }
                    for n in neighbours
                ]
            ),
            hide_index=True,
        )
    else:
        missing(
            f"No statistical neighbour model is loaded for {fmt.plain(ours.la_name)}, so "
            "there is no neighbours' median.",
            loader="On the **Data** page, under *Published national benchmarks*, upload DfE's "
            "statistical neighbour model CSV with the indicators CSV.",
            others="It is one of the Department for Education's published files: "
            + ASK.format(what="it")
            + ".",
        )

st.subheader("Definitions")
st.markdown(
    "\n".join(
        f"- **{indicator.label}**: {indicator.definition}"
        for indicator in BENCHMARK_INDICATORS.values()
    )
    + "\n- **Statistical neighbours' median**: the median of the published values of our 10 "
    "closest authorities in DfE's model, leaving out any without a number that year.\n"
    "- **Rank**: among authorities with a published number, 1 = the lowest value; equal values "
    "share a rank. A joint return is ranked once.\n"
    "- **Quartile band**: A is the lowest (best) quarter of ranks, D the highest (worst).\n"
    "- **Region**: London authorities are compared with Inner or Outer London, as published."
)
st.markdown("**Suppression codes** (shown instead of a number, never read as zero)")
st.dataframe(
    pd.DataFrame(
        [{"Code": code, "Meaning": meaning} for code, meaning in SUPPRESSION_CODES.items()]
    ),
    hide_index=True,
)
