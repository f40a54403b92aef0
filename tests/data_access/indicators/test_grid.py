"""The engine (data_access/indicators/grid.py, computing the declarations of
data_access/indicators/metrics.py) agrees with plain Python over the recorded rows
(tests/support/oracle.py, which shares no code with it) on every month end of the hand-made
organisation and of the demo, for the whole organisation and for areas, hubs and teams, by
each of its three paths."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support.oracle import Organisation
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.dates import add_months, month_end
from data_access.core.db import session_scope
from data_access.core.scope import Scope, teams_in_scope
from data_access.demo.organisation import load_demo
from data_access.indicators.grid import (
    computed_parts_grid,
    metric_from_parts,
    parts_grid,
    parts_totals,
    stored_range,
    unit_totals,
)
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import DEFAULT_POLICY
from data_access.indicators.summary import earliest_data_date, latest_data_date
from data_access.ingest.importer import import_files


def month_ends(first: date, last: date) -> list[date]:
    ends, day = [], month_end(first)
    while day <= month_end(last):
        ends.append(day)
        day = month_end(add_months(day, 1))
    return ends


def assert_agree(session, scopes: list[Scope], days: list[date]) -> int:
    """Compare every metric on every day for every scope, by the three paths (stored parts
    summed in SQL, stored parts per team, parts computed from the recorded tables, and for a
    team its own parts read from either grid) against plain Python over the recorded rows;
    return how many values were compared."""
    compared = 0
    oracle = Organisation(session.connection())
    for scope in scopes:
        totals = parts_totals(days, scope, DEFAULT_POLICY, session=session)
        grid = parts_grid(days, scope, DEFAULT_POLICY, session=session)
        computed = computed_parts_grid(days, scope, DEFAULT_POLICY, session=session)
        teams = [team.team_id for team in teams_in_scope(scope, session=session)]
        for day in days:
            single = oracle.metrics(day, set(teams))
            paths = [
                ("summed", totals[day]),
                ("per team", grid.total(day, teams)),
                ("computed", computed.total(day, teams)),
            ]
            if scope.team_id is not None:
                paths += [
                    ("one team", grid.of_team(day, scope.team_id)),
                    ("one team, computed", computed.of_team(day, scope.team_id)),
                ]
            for path, parts in paths:
                for name in METRICS:
                    assert metric_from_parts(name, parts) == single[name], (
                        path,
                        scope,
                        day,
                        name,
                    )
            compared += len(METRICS)
    return compared


def test_the_grid_agrees_on_every_month_end_of_the_hand_made_organisation(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        # Staff history goes back to 2010; the dated records run from 2024 to April 2025.
        days = month_ends(date(2023, 1, 1), latest_data_date(session=session))
        scopes = [
            Scope(),
            Scope(area="North"),
            Scope(area="South"),
            Scope(hub="Hub A"),
            *[Scope(team_id=team) for team in ("T1", "T2", "T3")],
        ]
        assert assert_agree(session, scopes, days) == len(scopes) * len(days) * len(METRICS)


def test_the_grid_agrees_on_every_month_end_of_the_demo(engine):
    assert load_demo(engine).loaded
    with session_scope(engine) as session:
        days = month_ends(earliest_data_date(session=session), latest_data_date(session=session))
        assert len(days) == 60
        assert_agree(session, [Scope()], days)
        # An area, a hub and a team every sixth month.
        scopes = [Scope(area="East"), Scope(hub="Stonebridge hub"), Scope(team_id="T035")]
        assert_agree(session, scopes, days[::6])


def test_a_grid_of_any_length_costs_a_constant_number_of_statements(engine):
    """Counted at the database. Computed: 1 query for the snapshot dates, then one per part
    family. Stored: 1 for the range the table holds, 1 for the rows (or their sums)."""
    from sqlalchemy import event

    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(engine) as session:
            for length in (1, 24):
                statements.clear()
                days = [month_end(add_months(date(2025, 3, 31), -k)) for k in range(length)]
                computed_parts_grid(days, Scope(hub="Hub A"), DEFAULT_POLICY, session=session)
                assert len(statements) == 7, length
                for read in (parts_grid, parts_totals):
                    statements.clear()
                    read(days, Scope(hub="Hub A"), DEFAULT_POLICY, session=session)
                    assert len(statements) == 2, (read, length)
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- the stored parts: kept by every import -------------------------------------------------


def stored_equals_computed(session, days: list[date]) -> None:
    """Every team's stored parts, and every area's and the organisation's sums (the hub
    rollup), equal the parts computed from the recorded tables."""
    stored = parts_grid(days, Scope(), DEFAULT_POLICY, session=session)
    computed = computed_parts_grid(days, Scope(), DEFAULT_POLICY, session=session)
    for day in days:
        teams = set(stored.by_day.get(day, {})) | set(computed.by_day.get(day, {}))
        for team in teams:
            assert stored.total(day, [team]) == computed.total(day, [team]), (day, team)
    for scope in (Scope(), Scope(area="North"), Scope(area="South")):
        members = [team.team_id for team in teams_in_scope(scope, session=session)]
        summed = parts_totals(days, scope, DEFAULT_POLICY, session=session)
        for day in days:
            assert summed[day] == pytest.approx(computed.total(day, members)), (scope, day)


def test_the_stored_range_runs_from_24_months_before_the_first_record_to_the_last(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        # Earliest dated record: audit A2 on 31/03/2024; latest: the April 2025 snapshot.
        assert stored_range(session=session) == (date(2022, 3, 31), date(2025, 4, 30))


def test_an_import_recomputes_the_month_ends_its_rows_can_change_and_no_others(engine):
    from sqlalchemy import update

    from data_access.core.models import team_month_parts

    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    parts = team_month_parts.c
    # Mark two stored cells: one before anything the second import touches, one after.
    with session_scope(engine) as session:
        for day in (date(2024, 5, 31), date(2024, 7, 31)):
            session.execute(
                update(team_month_parts)
                .where(parts.month_end == day, parts.team_id == "T1")
                .values(headcount=999)
            )
    header = (SMALL_ORG / "staff.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    sessions = (SMALL_ORG / "supervision_sessions.csv").read_text().splitlines()[0]
    second = {
        # Cat Cole (started 01/06/2024, audited 31/03/2025) moves from T1 to T3...
        "staff.csv": f"{header}\nS03,Cat Cole,social_worker,agency,1.0,T3,2024-06-01,,,,,\n",
        # ... and Ben Baker has a session on 20/04/2025.
        "supervision_sessions.csv": f"{sessions}\nX09,S02,S05,2025-04-20,held,90,yes,no\n",
    }
    assert import_files(
        {name: text.encode() for name, text in second.items()}, engine=engine, source="second"
    ).loaded
    with session_scope(engine) as session:
        # The earliest date those rows touch is Cat Cole's start: May 2024 is left as it was,
        # July 2024 onwards is recomputed.
        held = {
            day: count
            for day, count in session.execute(
                select(parts.month_end, parts.headcount).where(parts.team_id == "T1")
            )
        }
        assert held[date(2024, 5, 31)] == 999
        assert held[date(2024, 7, 31)] < 999
        days = month_ends(date(2024, 6, 30), date(2025, 4, 30))
        stored_equals_computed(session, days)
        # And Cat Cole is counted in T3 from her start.
        t3 = parts_grid([date(2024, 6, 30)], Scope(team_id="T3"), DEFAULT_POLICY, session=session)
        before = computed_parts_grid(
            [date(2024, 5, 31)], Scope(team_id="T3"), DEFAULT_POLICY, session=session
        )
        assert (
            t3.total(date(2024, 6, 30))["headcount"]
            == before.total(date(2024, 5, 31))["headcount"] + 1
        )


def test_a_team_moving_hub_and_area_moves_its_parts_in_the_rollup(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        before = parts_totals(
            [date(2025, 3, 31)], Scope(area="South"), DEFAULT_POLICY, session=session
        )
    moved = (
        "team_id,team_name,team_type,hub,area\nT2,Alpha family support,family support,Hub B,South\n"
    )
    assert import_files({"teams.csv": moved.encode()}, engine=engine, source="move").loaded
    with session_scope(engine) as session:
        days = month_ends(date(2022, 3, 31), date(2025, 4, 30))
        stored_equals_computed(session, days)
        after = parts_totals(
            [date(2025, 3, 31)], Scope(area="South"), DEFAULT_POLICY, session=session
        )
    # T2's four in post at 31/03/2025 (S08, S09, S10, S15; S07 left on 31/03/2024) now count
    # in the South.
    assert after[date(2025, 3, 31)]["headcount"] == before[date(2025, 3, 31)]["headcount"] + 4


def test_a_database_from_before_the_stored_parts_gets_them_at_start(engine):
    from sqlalchemy import delete

    from data_access.core.models import Setting, team_month_parts
    from data_access.indicators.grid import STORED_RANGE_KEY
    from data_access.setup import prepare_database

    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        session.execute(delete(team_month_parts))
        session.delete(session.get(Setting, STORED_RANGE_KEY))
    with session_scope(engine) as session:
        assert stored_range(session=session) is None
    prepare_database(engine, load_demo_if_empty=False)
    with session_scope(engine) as session:
        assert stored_range(session=session) == (date(2022, 3, 31), date(2025, 4, 30))
        stored_equals_computed(session, month_ends(date(2022, 3, 31), date(2025, 4, 30)))


def test_other_caseload_rules_are_computed_from_the_recorded_tables(engine):
    from data_access.indicators.policy import Policy

    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    lenient = Policy(caseload_thresholds=dict.fromkeys(("safeguarding", "family_support",
                                                        "assessment"), 100.0))  # fmt: skip
    day = date(2025, 4, 30)
    with session_scope(engine) as session:
        totals = parts_totals([day], Scope(), lenient, session=session)[day]
        default = parts_totals([day], Scope(), DEFAULT_POLICY, session=session)[day]
        # The only case holder at the 2025-04-30 snapshot is S01 with 40 cases: over 18, not
        # over 100.
        assert metric_from_parts("caseload_over_threshold_share", totals) == 0.0
        assert metric_from_parts("caseload_over_threshold_share", default) == 100.0


def test_each_metric_reads_only_its_declared_parts():
    """A trend sums only the parts its metrics declare: a metric given only those parts must
    give its value (a part missing from its declaration would raise KeyError)."""
    from data_access.core.models import PART_NAMES
    from data_access.indicators.metrics import PARTS, parts_needed

    assert set(PARTS) == set(PART_NAMES)  # every stored column is declared, and only those
    full = {name: float(3 + position) for position, name in enumerate(PART_NAMES)}
    for name, metric in METRICS.items():
        only = {part.name: full[part.name] for part in metric.parts}
        assert metric_from_parts(name, only) == metric_from_parts(name, full), name
    assert set(parts_needed(["supervision_coverage", "agency_rate_fte"])) == {
        "permanent_fte", "agency_fte", "eligible", "in_date",
    }  # fmt: skip


@pytest.mark.parametrize(
    "scope", [Scope(), Scope(area="North"), Scope(area="North", hub="Hub A")], ids=str
)
def test_each_unit_s_parts_are_its_teams_parts_summed(engine, scope):
    """At a stored month end the database sums each unit's parts; on any other day they are
    computed; either way they are the parts of the unit's teams, added up."""
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        teams = teams_in_scope(scope, session=session)
        for day in (date(2025, 3, 31), date(2025, 3, 15)):
            grid = parts_grid([day], scope, DEFAULT_POLICY, session=session)
            expected: dict[str, list[str]] = {}
            for team in teams:
                unit = team.team_id if scope.hub else team.hub if scope.area else team.area
                expected.setdefault(unit, []).append(team.team_id)
            found = unit_totals(day, scope, DEFAULT_POLICY, session=session)
            assert set(found) == set(expected), day
            for unit, members in expected.items():
                assert found[unit] == pytest.approx(grid.total(day, members)), (day, unit)
