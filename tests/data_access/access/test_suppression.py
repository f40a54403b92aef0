"""Complementary suppression (data_access/access/suppression.py), worked by hand on small
organisations, then the tester's differencing attack on the caseload distribution."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.access.grants import Grant, GrantScope
from data_access.access.suppression import Place, Suppression, complementary_suppression
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.indicators import breakdowns
from data_access.ingest.importer import import_files

#: North: hub A (T1 2 people, T2 5, T3 8) and hub B (T4 6, T5 4); South: hub C (T6 9).
PLACES = [
    Place("T1", "A", "North"),
    Place("T2", "A", "North"),
    Place("T3", "A", "North"),
    Place("T4", "B", "North"),
    Place("T5", "B", "North"),
    Place("T6", "C", "South"),
]
PEOPLE = {"T1": 2, "T2": 5, "T3": 8, "T4": 6, "T5": 4, "T6": 9}


def suppress(visible: set[str], people=PEOPLE, places=PLACES) -> Suppression:
    return complementary_suppression(places, people, frozenset(visible), minimum=3)


def test_nothing_is_suppressed_for_someone_who_sees_every_name():
    assert suppress({"T1", "T2", "T3", "T4", "T5", "T6"}) == Suppression()


def test_a_small_team_is_suppressed_with_the_smallest_other_team_of_its_hub():
    # No names: T1 (2 people) alone would be hub A minus T2 and T3. With T2 (5) suppressed
    # too, hub A minus T3 is 7 people, and neither team can be told apart.
    found = suppress(set())
    assert found == Suppression(teams=frozenset({"T1", "T2"}), primary=frozenset({"T1"}))


def test_where_the_hub_has_no_other_hidden_team_the_hub_goes_and_the_area_hides_another():
    # A manager who sees T2 and T3: hub A minus them is T1. So hub A's own figures go; then
    # North minus hub C... is not a thing, but North minus hub B minus T2 and T3 is T1: hub B
    # goes too, with its smallest team T5 (4), so that North's residual is T1 + T5 = 6 people.
    found = suppress({"T2", "T3"})
    assert found == Suppression(
        teams=frozenset({"T1", "T5"}),
        primary=frozenset({"T1"}),
        hubs=frozenset({"A", "B"}),
    )
    assert found.hides(Scope(hub="A")) and found.hides(Scope(area="North", hub="B"))
    assert not found.hides(Scope(area="North")) and not found.hides(Scope())
    assert found.hides(Scope(team_id="T5")) and not found.hides(Scope(team_id="T4"))


def test_one_hidden_person_in_the_whole_organisation_hides_the_organisations_figures():
    places = [Place("T1", "A", "North"), Place("T2", "A", "North")]
    found = suppress({"T2"}, people={"T1": 1, "T2": 7}, places=places)
    assert found == Suppression(
        teams=frozenset({"T1"}),
        primary=frozenset({"T1"}),
        hubs=frozenset({"A"}),
        areas=frozenset({"North"}),
        organisation=True,
    )


def test_an_empty_team_is_no_ones_figure():
    found = suppress(set(), people={**PEOPLE, "T1": 0})
    assert found == Suppression()


# --- the differencing attack, on tests/fixtures/small_org at 31/03/2025 -----------------------
# In post: T1 Alpha safeguarding (Hub A, North) 5; T2 Alpha family support (Hub A) 4;
# T3 Beta assessment (Hub B, South) 2 (Kit King, Lee Lowe; Ned Nash starts 01/04/2025).
# Case holders at the 31/03/2025 snapshot: see tests/data_access/indicators/test_metrics.py.

D = date(2025, 3, 31)


@pytest.fixture
def session(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        yield session


def test_a_board_member_cannot_subtract_their_way_to_a_small_team(session):
    board = Grant("board@council.example", "board")
    found = breakdowns.suppression(D, board, "headcount", session=session)
    # T3 (2) is Hub B and South on its own: both go. The organisation minus North would be
    # South, so North goes too, with Hub A and its smallest team T2 (4): what the organisation
    # leaves after every scope the board may view is T2 + T3, 6 people.
    assert found == Suppression(
        teams=frozenset({"T2", "T3"}),
        primary=frozenset({"T3"}),
        hubs=frozenset({"Hub A", "Hub B"}),
        areas=frozenset({"North", "South"}),
    )


#: The organisation's scopes, each with the scopes directly inside it.
TREE = {
    Scope(): [Scope(area="North"), Scope(area="South")],
    Scope(area="North"): [Scope(area="North", hub="Hub A")],
    Scope(area="South"): [Scope(area="South", hub="Hub B")],
    Scope(area="North", hub="Hub A"): [Scope(team_id="T1"), Scope(team_id="T2")],
    Scope(area="South", hub="Hub B"): [Scope(team_id="T3")],
}


def what_subtraction_leaves(session, found: Suppression) -> dict[Scope, int]:
    """The tester's attack, everywhere: each scope's caseload distribution that the user may
    view, minus the distributions of the largest scopes inside it that they may also view (a
    team whose names they see is one: its caseloads are on the Team page). What is left, in
    case holders, is all that anyone can learn about the rest."""

    def distribution(scope: Scope) -> Counter:
        _, counts = breakdowns.caseload_distribution(D, scope, session=session)
        return Counter({c.open_cases: c.workers for c in counts})

    def viewable_parts(scope: Scope) -> list[Scope]:
        parts = []
        for part in TREE.get(scope, []):
            parts += viewable_parts(part) if found.hides(part) else [part]
        return parts

    left = {}
    for scope in TREE:
        if found.hides(scope):
            continue
        remainder = distribution(scope)
        for part in viewable_parts(scope):
            remainder -= distribution(part)
        left[scope] = sum(remainder.values())
    return left


def test_the_caseload_distribution_cannot_be_differenced(session):
    # Case holders at the 31/03/2025 snapshot: T1 4 (Ann 20, Ben 10, Cat 18, Fay 17), T2 none
    # (Hal holds 0), T3 1 (Kit King, 16 cases).
    # Primary suppression alone (as before this fix): Hub B's distribution is Kit King's.
    primary_only = Suppression(teams=frozenset({"T3"}), primary=frozenset({"T3"}))
    assert what_subtraction_leaves(session, primary_only)[Scope(area="South", hub="Hub B")] == 1

    # A board member: T3 is Hub B and South on its own, so both go; the organisation minus
    # North would still be T3, so North goes too, with Hub A and its team T1 (4): all that can
    # be learnt of anyone is the organisation's 5 case holders together.
    board = Grant("board@council.example", "board")
    found = breakdowns.suppression(D, board, "holders", session=session)
    assert found.hides(Scope(area="North")) and found.hides(Scope(team_id="T1"))
    assert what_subtraction_leaves(session, found) == {Scope(): 5}

    # The manager of T1 sees T1's caseloads by name and T2 holds none: the organisation minus
    # T1 would be Kit King. No complement is left, so the organisation's own caseload figures go.
    manager = Grant("t1@council.example", "manager", (GrantScope("team", "T1"),))
    found = breakdowns.suppression(D, manager, "holders", session=session)
    assert found.organisation and found.hides(Scope(area="South"))
    assert not found.hides(Scope(area="North"))  # T1 (known by name) and T2 (no one)
    assert what_subtraction_leaves(session, found) == {
        Scope(area="North"): 0,
        Scope(area="North", hub="Hub A"): 0,
    }
