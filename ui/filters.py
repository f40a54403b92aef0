"""The global filters: Area -> Hub -> Team and As at, drawn once in app.py, kept in the URL."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import streamlit as st

from data_access.access.grants import Grant
from data_access.core.scope import Scope, TeamChoice
from ui import format as fmt
from ui import queries

ALL = "All"
#: How far back the "As at" list goes.
MONTHS_OFFERED = 60


@dataclass(frozen=True)
class Filters:
    scope: Scope
    as_at: date | None
    team_name: str | None = None

    @property
    def scope_label(self) -> str:
        if self.scope.team_id:
            return f"{self.team_name} ({self.scope.hub}, {self.scope.area})"
        if self.scope.hub:
            return f"{self.scope.hub}, {self.scope.area} area"
        if self.scope.area:
            return f"{self.scope.area} area"
        return "Whole organisation"


def team_labels(teams: list[TeamChoice]) -> dict[str, TeamChoice]:
    """Label -> team: the team name, with its id added where two teams share a name."""
    counts = Counter(team.team_name for team in teams)
    return {
        team.team_name
        if counts[team.team_name] == 1
        else f"{team.team_name} ({team.team_id})": team
        for team in teams
    }


def _keep_valid(key: str, options: list) -> None:
    """A narrower choice higher up can leave a stale value below it: fall back to "All"."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = options[0]


#: The filters a link may name, by their key in the address.
LINK_KEYS = ("area", "hub", "team", "as_at")
_ASKED = "_link_asked"
_TEAM_PLACED = "_link_team_placed"
#: The most hubs or teams a box lists: beyond, it lists those of the area (or hub) chosen.
MAX_CHOICES = 300
_NOTICE = "_link_notice"
_HUB_PLACED = "_link_hub_placed"


def _link_notice(asked: dict[str, str], filters: Filters, labels: dict[str, str]) -> str | None:
    """What to tell someone whose link named a place or month that is not in the data (or a
    real hub in the wrong area): what it asked for, and what is shown instead. None when
    everything it named is shown."""
    month = fmt.uk_month(filters.as_at) if filters.as_at else "no month"
    named_area = asked.get("area")
    if (
        "hub" in asked
        and asked["hub"] == labels["hub"]
        and named_area not in (None, labels["area"])
    ):
        return (
            f"The link asked for {fmt.plain(asked['hub'])} in {fmt.plain(asked['area'])} area; "
            f"it is in {fmt.plain(labels['area'])} area. Showing "
            f"{fmt.plain(filters.scope_label)} as at {month}."
        )
    missing = [
        # What the address held is whatever someone typed: shown as text, never Markdown.
        f"{name} “{fmt.plain(asked[key])}”"
        for key, name in (("area", "area"), ("hub", "hub"), ("team", "team"), ("as_at", "month"))
        if key in asked and asked[key] != labels[key]
    ]
    if not missing:
        return None
    return (
        f"The link asked for {' and '.join(missing)}, which "
        + ("is" if len(missing) == 1 else "are")
        + f" not in the data. Showing {fmt.plain(filters.scope_label)} as at {month} instead: "
        "choose in the sidebar."
    )


def link_notice(filters: Filters) -> str | None:
    """The notice about this session's link (see `_link_notice`), while the filters are still
    those the link was answered with."""
    notice = st.session_state.get(_NOTICE)
    if notice is None or notice[1] != filters:
        return None
    return notice[0]


def draw_filters() -> Filters:
    """Draw the sidebar filters and return the choice. Values are bound to the URL.

    On a session's first run, the values the address named are kept before the widgets read
    them: a value that matches nothing falls back to "All" (or the latest month), and the
    page then says what was asked for and what is shown instead (`link_notice`)."""
    first_run = _ASKED not in st.session_state
    if first_run:
        st.session_state[_ASKED] = {
            key: str(st.query_params[key]) for key in LINK_KEYS if key in st.query_params
        }
    st.sidebar.header("Show")
    asked = st.session_state[_ASKED]
    if "hub" in asked and not st.session_state.get(_HUB_PLACED):
        st.session_state[_HUB_PLACED] = True
        # A real hub named with the wrong area (or none): show the hub, in its own area.
        home = next(iter(queries.teams(Scope(hub=asked["hub"]))), None)
        if home is not None and asked.get("area") != home.area:
            # The Area box takes its first value from the address it is bound to: correct
            # the address and run again, before any box is drawn (the notice still quotes
            # what the link asked for).
            st.query_params["area"] = home.area
            st.rerun()
    if (
        "team" in asked
        and not ({"area", "hub"} & asked.keys())
        and not st.session_state.get(_TEAM_PLACED)
    ):
        st.session_state[_TEAM_PLACED] = True
        # A link naming only a team, in an organisation too large to list every team in one
        # box: name its area and hub in the address, as for a hub, and run again.
        everywhere = queries.teams(Scope())
        found = (
            team_labels(everywhere).get(asked["team"]) if len(everywhere) > MAX_CHOICES else None
        )
        if found is not None:
            st.query_params["area"], st.query_params["hub"] = found.area, found.hub
            st.rerun()
    area_options = [ALL, *queries.area_names()]
    _keep_valid("area", area_options)
    chosen_area = st.sidebar.selectbox("Area", area_options, key="area", bind="query-params")
    area = None if chosen_area == ALL else chosen_area

    hubs = queries.hub_names(area)
    # Every hub of a large organisation in one box would be sent to the browser on every run
    # (1,500 at national size): then the box offers the hubs of the area chosen.
    many_hubs = len(hubs) > MAX_CHOICES
    hub_options = [ALL] if many_hubs else [ALL, *hubs]
    _keep_valid("hub", hub_options)
    chosen_hub = st.sidebar.selectbox(
        "Hub",
        hub_options,
        key="hub",
        bind="query-params",
        help=f"Choose an area first: the organisation has {len(hubs):,} hubs."
        if many_hubs
        else None,
    )
    hub = None if chosen_hub == ALL else chosen_hub

    if hub is not None and area is None:
        # A hub chosen with "All" areas (or a link naming only a hub) is still in one area:
        # the scope names it, so that the page and the access log say where the hub is.
        area = next((team.area for team in queries.teams(Scope(hub=hub))), None)
    # The URL holds the option as shown, so options are readable, unique team labels; the
    # teams of a large scope are listed once an area or hub narrows it.
    choices = queries.team_choices(Scope(area=area, hub=hub), MAX_CHOICES)
    many_teams = choices.count > MAX_CHOICES
    labels = {} if many_teams else team_labels(list(choices.teams))
    team_options = [ALL, *labels]
    _keep_valid("team", team_options)
    label = st.sidebar.selectbox(
        "Team",
        team_options,
        key="team",
        bind="query-params",
        help=f"Choose an area or hub first: {choices.count:,} teams are in this scope."
        if many_teams
        else None,
    )
    chosen = labels.get(label)
    team_id = chosen.team_id if chosen else None
    if chosen is not None:
        area, hub = chosen.area, chosen.hub

    months = queries.month_options(MONTHS_OFFERED)
    as_at = None
    if months:
        _keep_valid("as_at", months)
        as_at = st.sidebar.selectbox(
            "As at (month end)",
            months,
            key="as_at",
            bind="query-params",
            format_func=fmt.uk_month,
            help="Figures are as at the last day of the chosen month.",
        )
    filters = Filters(Scope(area, hub, team_id), as_at, chosen.team_name if chosen else None)
    if _NOTICE not in st.session_state:  # the first run that drew the boxes
        shown = {
            "area": st.session_state.get("area", ALL),
            "hub": st.session_state.get("hub", ALL),
            "team": label or ALL,
            "as_at": fmt.uk_month(as_at) if as_at else "",
        }
        notice = _link_notice(asked, filters, shown)
        st.session_state[_NOTICE] = (notice, filters) if notice else None
    return filters


_STATE_KEY = "_current_filters"
_HOME_APPLIED = "_home_team_applied"


def open_on_home_team(grant: Grant) -> bool:
    """A manager's dashboard opens on their own team: on the first run of a session, unless
    the address already names a place, the filters are set to it (and the Overview links to
    the Team page). True when they were."""
    if st.session_state.get(_HOME_APPLIED) == grant.email:
        return False
    st.session_state[_HOME_APPLIED] = grant.email
    if grant.home_team_id is None or any(k in st.query_params for k in ("area", "hub", "team")):
        return False
    home = queries.teams(Scope(team_id=grant.home_team_id))
    if not home:
        return False
    team = home[0]
    labels = team_labels(queries.teams(Scope(area=team.area, hub=team.hub)))
    st.session_state["area"] = team.area
    st.session_state["hub"] = team.hub
    st.session_state["team"] = next(label for label, t in labels.items() if t == team)
    return True


def remember(filters: Filters) -> None:
    """Keep this run's filters for the page that app.py runs next."""
    st.session_state[_STATE_KEY] = filters


def current() -> Filters:
    """The filters drawn by app.py in this run."""
    return st.session_state[_STATE_KEY]
