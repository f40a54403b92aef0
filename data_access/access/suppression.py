"""Small-number suppression that cannot be undone by subtraction.

A figure about fewer than SMALL_GROUP_MINIMUM people, in a team whose names the user may not
see, is suppressed ("c", as DfE publishes small numbers): that is **primary** suppression. On
its own it is not enough. A hub's figure is the sum of its teams' (counts, FTE, cases, a
caseload distribution); a user who can read the hub's figure, and every other team's (on the
pages, or worked out from the names they may see), gets the suppressed team's by subtraction.
The tester did exactly that: the hub's caseload distribution minus its 11 visible teams' gave a
2-person team's caseloads.

So, as DfE does, enough else is suppressed too (**complementary** suppression) that what any
subtraction leaves always covers at least SMALL_GROUP_MINIMUM people:

- What a user can work out of a scope they may view (the organisation, an area, a hub) is its
  figure minus the figures of the parts of it they may also view and of the teams whose names
  they may see: its **residual**. Every residual holds no one, or at least
  `SMALL_GROUP_MINIMUM` people.
- In a hub whose suppressed teams hold fewer than that, the smallest other teams whose names the
  user may not see are suppressed with them until they hold enough.
- Where a hub has no such team (the user may see every other team's names), the hub's own
  figures are suppressed, and the same rule is applied to its area (hiding another of its hubs,
  and a team in it if need be), then to the organisation.

The rule is applied to one population at a time (people in post, case holders, workers
eligible for supervision), each figure using the population it counts. It is decided at one
date: trends show the earlier months of the scopes that may be viewed at that date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from data_access.core.scope import Scope


@dataclass(frozen=True)
class Place:
    """Where a team sits."""

    team_id: str
    hub: str
    area: str


@dataclass(frozen=True)
class Suppression:
    """What one user may not see of one population at one date."""

    #: Teams whose own figures are suppressed (primary and complementary).
    teams: frozenset[str] = frozenset()
    #: Of those, the teams suppressed for their own small numbers.
    primary: frozenset[str] = frozenset()
    #: Hubs and areas whose figures are suppressed, and whether the organisation's are.
    hubs: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    organisation: bool = False

    def hides(self, scope: Scope) -> bool:
        """True when the figures of `scope` are suppressed."""
        if scope.team_id is not None:
            return scope.team_id in self.teams
        if scope.hub is not None:
            return scope.hub in self.hubs
        if scope.area is not None:
            return scope.area in self.areas
        return self.organisation


def complementary_suppression(
    places: Iterable[Place],
    people: Mapping[str, int],
    visible: frozenset[str],
    minimum: int,
) -> Suppression:
    """The suppression for a user who may see the names of the `visible` teams, where each
    team holds `people[team_id]` people of the population (absent: none)."""
    count = {place.team_id: int(people.get(place.team_id, 0)) for place in places}
    hubs: dict[str, list[str]] = defaultdict(list)
    areas: dict[str, list[str]] = defaultdict(list)
    for place in places:
        hubs[place.hub].append(place.team_id)
        if place.hub not in areas[place.area]:
            areas[place.area].append(place.hub)

    def unknown(team: str) -> bool:
        return count[team] > 0 and team not in visible

    primary = {team for team in count if unknown(team) and count[team] < minimum}
    suppressed = set(primary)
    hidden_hubs: set[str] = set()
    hidden_areas: set[str] = set()

    def residual(teams: Iterable[str]) -> int:
        return sum(count[team] for team in teams if team in suppressed and unknown(team))

    def smallest_open(teams: Iterable[str]) -> list[str]:
        """Teams not yet suppressed whose names the user may not see, smallest first."""
        return sorted(
            (team for team in teams if unknown(team) and team not in suppressed),
            key=lambda team: (count[team], team),
        )

    for hub, teams in hubs.items():
        held = residual(teams)
        for team in smallest_open(teams):
            if not 0 < held < minimum:
                break
            suppressed.add(team)
            held += count[team]
        if 0 < held < minimum:
            hidden_hubs.add(hub)

    def hub_residual(hub: str) -> int:
        return residual(hubs[hub]) if hub in hidden_hubs else 0

    def widen(held: int, open_hubs: list[str]) -> int:
        """Hide more hubs of `open_hubs` (with a team in them if need be) until `held` people
        are in the residual, or there is nothing left to hide; the people then held."""
        # A viewable hub's residual is empty or already large enough: hiding it adds it.
        for hub in sorted(open_hubs, key=lambda hub: (-residual(hubs[hub]), hub)):
            if not 0 < held < minimum:
                return held
            if residual(hubs[hub]) == 0:
                candidates = smallest_open(hubs[hub])
                if not candidates:
                    continue
                suppressed.add(candidates[0])
            hidden_hubs.add(hub)
            held += residual(hubs[hub])
        return held

    for area, area_hubs in areas.items():
        held = sum(hub_residual(hub) for hub in area_hubs)
        if 0 < held < minimum:
            held = widen(held, [hub for hub in area_hubs if hub not in hidden_hubs])
        if 0 < held < minimum:
            hidden_areas.add(area)

    def area_residual(area: str) -> int:
        return sum(hub_residual(hub) for hub in areas[area]) if area in hidden_areas else 0

    held = sum(area_residual(area) for area in areas)
    for area in sorted(areas):
        if not 0 < held < minimum:
            break
        if area in hidden_areas:
            continue
        # Hiding this area adds what its hidden hubs hold, and whatever more hiding its other
        # hubs adds, to what the organisation's figure leaves.
        before = sum(hub_residual(hub) for hub in areas[area])
        total = widen(held + before, [hub for hub in areas[area] if hub not in hidden_hubs])
        if total > held:
            hidden_areas.add(area)
            held = total
    return Suppression(
        teams=frozenset(suppressed),
        primary=frozenset(primary),
        hubs=frozenset(hidden_hubs),
        areas=frozenset(hidden_areas),
        organisation=0 < held < minimum,
    )
