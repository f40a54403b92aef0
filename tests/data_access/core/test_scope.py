"""Which teams a scope holds, read from the database (`teams_in_scope`) and decided for teams
already read (`Scope.holds`, which the board pack uses to read the organisation's teams once),
against the hand-made organisation's teams.csv: T1 and T2 in Hub A (North), T3 in Hub B
(South)."""

from __future__ import annotations

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.db import session_scope
from data_access.core.scope import Scope, teams_in_scope
from data_access.ingest.importer import import_files

#: Each scope and the team ids it holds, in teams_in_scope's order (area, hub, team name), read
#: off tests/fixtures/small_org/teams.csv by hand.
EXPECTED = [
    (Scope(), ["T2", "T1", "T3"]),
    (Scope(area="North"), ["T2", "T1"]),
    (Scope(area="South"), ["T3"]),
    (Scope(hub="Hub A"), ["T2", "T1"]),
    (Scope(area="North", hub="Hub A"), ["T2", "T1"]),
    (Scope(area="South", hub="Hub A"), []),
    (Scope(area="North", hub="Hub A", team_id="T1"), ["T1"]),
    (Scope(hub="Hub B", team_id="T1"), []),
]


@pytest.mark.parametrize(("scope", "expected"), EXPECTED)
def test_a_scope_holds_the_same_teams_read_or_decided(engine, scope, expected):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        everyone = teams_in_scope(Scope(), session=session)
        read = teams_in_scope(scope, session=session)
    assert [team.team_id for team in read] == expected
    assert [team for team in everyone if scope.holds(team)] == read
