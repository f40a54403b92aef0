"""The set-based path (data_access/grid.py) agrees with the single-date definitions
(data_access/metrics.py) on every month end of the hand-made organisation and of the demo, for
the whole organisation and for areas, hubs and teams."""

from __future__ import annotations

from datetime import date

from conftest import SMALL_ORG, read_folder_bytes

from data_access.dates import add_months, month_end
from data_access.db import session_scope
from data_access.demo import load_demo
from data_access.grid import metric_from_parts, parts_grid
from data_access.importer import import_files
from data_access.metrics import METRICS, compute_metrics
from data_access.policy import DEFAULT_POLICY
from data_access.scope import Scope, teams_in_scope
from data_access.summary import earliest_data_date, latest_data_date


def month_ends(first: date, last: date) -> list[date]:
    ends, day = [], month_end(first)
    while day <= month_end(last):
        ends.append(day)
        day = month_end(add_months(day, 1))
    return ends


def assert_agree(session, scopes: list[Scope], days: list[date]) -> int:
    """Compare every metric on every day for every scope; return how many were compared."""
    compared = 0
    for scope in scopes:
        grid = parts_grid(session, days, scope, DEFAULT_POLICY)
        teams = [team.team_id for team in teams_in_scope(session, scope)]
        for day in days:
            single = compute_metrics(session, day, scope)
            parts = grid.total(day, teams)
            for name in METRICS:
                assert metric_from_parts(name, parts) == single[name], (scope, day, name)
                compared += 1
    return compared


def test_the_grid_agrees_on_every_month_end_of_the_hand_made_organisation(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        # Staff history goes back to 2010; the dated records run from 2024 to April 2025.
        days = month_ends(date(2023, 1, 1), latest_data_date(session))
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
        days = month_ends(earliest_data_date(session), latest_data_date(session))
        assert len(days) == 60
        assert_agree(session, [Scope()], days)
        # An area, a hub and a team every sixth month.
        scopes = [Scope(area="East"), Scope(hub="Stonebridge hub"), Scope(team_id="T035")]
        assert_agree(session, scopes, days[::6])


def test_a_grid_of_any_length_costs_six_statements(engine):
    """Counted at the database: 1 query for the snapshot dates, then one per part family."""
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
                parts_grid(session, days, Scope(hub="Hub A"), DEFAULT_POLICY)
                assert len(statements) == 7, length
    finally:
        event.remove(engine, "before_cursor_execute", count)
