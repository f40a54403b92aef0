"""Access by role in data_access, on tests/fixtures/small_org, on SQLite and PostgreSQL.

The fixture's teams at 31/03/2025: T1 Alpha safeguarding and T2 Alpha family support (Hub A,
North), T3 Beta assessment (Hub B, South). In post at D: T1 S01 S02 S03 S05 S06 (S04 left on
D); T2 S08 S09 S10 S15; T3 S11 S12 (two people, so T3's figures are suppressed for anyone whose
names grant does not cover T3).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from support.org import SMALL_ORG, read_folder_bytes

from data_access.__main__ import main
from data_access.access import grants as access
from data_access.access.grants import (
    WHOLE_ORGANISATION_NAME,
    AccessError,
    Grant,
    GrantScope,
    grant_for,
    is_suppressed,
    list_users,
    remove_user,
    save_user,
)
from data_access.core.db import session_scope
from data_access.core.scope import Scope
from data_access.demo.organisation import DEMO_SOURCE, holds_only_demo
from data_access.indicators import breakdowns, roster
from data_access.ingest.history import import_history, public_source
from data_access.ingest.importer import import_files
from data_access.settings import ACCESSIBILITY_CONTACT, change_setting, setting

D = date(2025, 3, 31)
EVERYWHERE = GrantScope("organisation", WHOLE_ORGANISATION_NAME)


@pytest.fixture
def session(engine):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with session_scope(engine) as session:
        yield session


def names_seen(session, grant: Grant) -> dict[str, list[str]]:
    """Team id -> the names `team_workers` gives this grant at D."""
    return {
        team: [
            row.display_name for row in roster.team_workers(D, team, grant=grant, session=session)
        ]
        for team in ("T1", "T2", "T3")
    }


T1_NAMES = ["Ann Archer", "Ben Baker", "Cat Cole", "Fay Ford", "Eve Eden"]
T2_NAMES = ["Jo Jones", "Hal Hart", "Ola Owen", "Ivy Ince"]
T3_NAMES = ["Lee Lowe", "Kit King"]


def test_each_role_sees_names_only_where_granted(session):
    """team_workers orders by role code then name (advanced_practitioner, senior_practitioner,
    service_manager, social_worker, team_manager)."""
    manager = save_user(
        "Mo@Council.Example ", "manager", [GrantScope("team", "T1")], by="t", session=session
    )
    hub = save_user(
        "hub@council.example", "leader", [GrantScope("hub", "hub a")], by="t", session=session
    )
    area = save_user(
        "area@council.example",
        "data_officer",
        [GrantScope("area", "South")],
        by="t",
        session=session,
    )
    director = save_user("dcs@council.example", "leader", [EVERYWHERE], by="t", session=session)
    admin = save_user("admin@council.example", "admin", [], by="t", session=session)
    board = save_user("board@council.example", "board", [], by="t", session=session)

    assert names_seen(session, manager) == {"T1": T1_NAMES, "T2": [], "T3": []}
    assert names_seen(session, hub) == {"T1": T1_NAMES, "T2": T2_NAMES, "T3": []}
    assert names_seen(session, area) == {"T1": [], "T2": [], "T3": T3_NAMES}
    assert names_seen(session, director) == {"T1": T1_NAMES, "T2": T2_NAMES, "T3": T3_NAMES}
    assert names_seen(session, admin) == {"T1": [], "T2": [], "T3": []}
    assert names_seen(session, board) == {"T1": [], "T2": [], "T3": []}
    # A board member never sees names, even if a grant were recorded against them.
    forged = Grant(board.email, "board", (EVERYWHERE,))
    assert names_seen(session, forged) == {"T1": [], "T2": [], "T3": []}


def test_what_each_role_may_do():
    def grant(role, *scopes):
        return Grant("x@council.example", role, scopes)

    table = {
        role: (g.sees_names, g.may_use_data_page, g.may_administer)
        for role, g in {
            "board": grant("board"),
            "leader": grant("leader", EVERYWHERE),
            "manager": grant("manager", GrantScope("team", "T1")),
            "data_officer": grant("data_officer"),
            "admin": grant("admin"),
        }.items()
    }
    assert table == {
        "board": (False, False, False),
        "leader": (True, False, False),
        "manager": (True, False, False),
        "data_officer": (False, True, False),
        "admin": (False, True, True),
    }
    assert (
        grant("manager", GrantScope("hub", "Hub A"), GrantScope("team", "T2")).home_team_id == "T2"
    )
    assert grant("leader", GrantScope("team", "T2")).home_team_id is None


def test_users_are_saved_replaced_listed_and_removed(session):
    save_user(
        "mo@council.example",
        "manager",
        [GrantScope("team", "T1 ")],
        by="admin@x.example",
        session=session,
    )
    assert grant_for("MO@council.example", session=session) == Grant(
        "mo@council.example", "manager", (GrantScope("team", "T1", "Alpha safeguarding"),)
    )
    # Saving again replaces role and grants.
    save_user(
        "mo@council.example",
        "leader",
        [GrantScope("hub", "HUB B"), GrantScope("area", "north")],
        by="admin@x.example",
        session=session,
    )
    assert [(u.email, u.role, u.names) for u in list_users(session=session)] == [
        ("mo@council.example", "leader", "area North; hub Hub B")
    ]
    assert remove_user("Mo@Council.Example", by="admin@x.example", session=session)
    assert grant_for("mo@council.example", session=session) is None
    assert not remove_user("mo@council.example", by="admin@x.example", session=session)
    actions = [(e.user_email, e.action, e.scope) for e in access.access_log(session=session)]
    assert actions[:3] == [
        ("admin@x.example", "change users", "mo@council.example"),
        ("admin@x.example", "change users", "mo@council.example"),
        ("admin@x.example", "change users", "mo@council.example"),
    ]


@pytest.mark.parametrize(
    ("email", "role", "scopes", "message"),
    [
        ("not an address", "leader", [], "is not an e-mail address"),
        ("a@b.example", "director", [], 'unknown role "director"'),
        ("a@b.example", "board", [EVERYWHERE], "board members never see names"),
        ("a@b.example", "manager", [GrantScope("team", "T9")], 'unknown team "T9"'),
        ("a@b.example", "manager", [GrantScope("hub", "Hub Z")], 'unknown hub "Hub Z"'),
        ("a@b.example", "manager", [GrantScope("region", "X")], 'unknown kind of grant "region"'),
    ],
)
def test_bad_users_are_refused_with_a_reason(session, email, role, scopes, message):
    with pytest.raises(AccessError, match=message):
        save_user(email, role, scopes, by="t", session=session)
    assert list_users(session=session) == []


def test_suppression_rule():
    visible = frozenset({"T1"})
    assert [is_suppressed(n, "T3", visible) for n in (0, 1, 2, 3)] == [False, True, True, False]
    assert not is_suppressed(1, "T1", visible)


def test_small_teams_are_suppressed_outside_the_grant(session):
    """T3 at D: two in post (S11, S12); one case holder (S11: 16 cases at 2025-03-31, FTE 1);
    Hub B's only team is T3."""
    t1 = Grant("t1@council.example", "manager", (GrantScope("team", "T1"),))
    south = Grant("south@council.example", "leader", (GrantScope("area", "South"),))

    units = breakdowns.compare_units(
        D, Scope(hub="Hub B"), ["headcount"], grant=t1, session=session
    )
    assert [(u.unit.label, u.values, u.suppressed) for u in units] == [
        ("Beta assessment", {"headcount": None}, True)
    ]
    units = breakdowns.compare_units(
        D, Scope(hub="Hub B"), ["headcount"], grant=south, session=session
    )
    assert [(u.values, u.suppressed) for u in units] == [({"headcount": 2}, False)]
    # In post at D: T1 5 (T1's manager sees their names), T2 4, T3 2. South is Hub B is T3, so
    # both go; and the organisation minus North would be T3 too, so North goes with Hub A and
    # its smallest other team, T2 (complementary suppression, test_suppression.py).
    units = breakdowns.compare_units(D, Scope(), ["headcount"], grant=t1, session=session)
    assert [(u.unit.label, u.values["headcount"], u.suppressed) for u in units] == [
        ("North", None, True),
        ("South", None, True),
    ]
    units = breakdowns.compare_units(
        D, Scope(hub="Hub A"), ["headcount"], grant=t1, session=session
    )
    assert [(u.unit.label, u.values["headcount"], u.suppressed) for u in units] == [
        ("Alpha family support", None, True),
        ("Alpha safeguarding", 5, False),
    ]

    teams = breakdowns.caseloads_by_team(D, Scope(area="South"), grant=t1, session=session)
    assert [(t.team_id, t.case_holders, t.caseload_average, t.suppressed) for t in teams] == [
        ("T3", 1, None, True)
    ]
    teams = breakdowns.caseloads_by_team(D, Scope(area="South"), grant=south, session=session)
    assert [(t.team_id, t.caseload_average, t.suppressed) for t in teams] == [("T3", 16.0, False)]

    # ASYE case holders at D: S06 in T1 (17 cases, started on D) and S11 in T3: one each.
    asye = breakdowns.asye_caseloads(D, Scope(), grant=t1, session=session)
    assert [(a.team_name, a.open_cases, a.limit) for a in asye.rows] == [
        ("Alpha safeguarding", 17, 16.2)  # 18 x 0.9
    ]
    assert asye.suppressed_teams == ["Beta assessment"]
    asye = breakdowns.asye_caseloads(D, Scope(), grant=south, session=session)
    assert [(a.team_name, a.open_cases) for a in asye.rows] == [("Beta assessment", 16)]
    assert asye.suppressed_teams == ["Alpha safeguarding"]

    assert breakdowns.scope_suppressed(D, Scope(team_id="T3"), t1, session=session)
    assert not breakdowns.scope_suppressed(D, Scope(team_id="T3"), south, session=session)
    assert breakdowns.scope_suppressed(
        D, Scope(team_id="T2"), t1, session=session
    )  # the complement
    assert breakdowns.scope_suppressed(D, Scope(area="North"), t1, session=session)
    assert not breakdowns.scope_suppressed(D, Scope(), t1, session=session)
    assert not breakdowns.scope_suppressed(D, Scope(team_id="T1"), t1, session=session)


def test_the_access_log_holds_views_changes_and_every_import(session):
    access.log_access(
        "mo@council.example", access.VIEW_NAMES, "team T1", "as at 2025-03-31", session=session
    )
    change_setting(
        ACCESSIBILITY_CONTACT,
        "Performance team, perf@council.example",
        by="a@x.example",
        session=session,
    )
    change_setting(
        ACCESSIBILITY_CONTACT,
        "Performance team, perf@council.example",
        by="a@x.example",
        session=session,
    )
    assert (
        setting(ACCESSIBILITY_CONTACT, session=session) == "Performance team, perf@council.example"
    )
    events = access.access_log(session=session)
    assert [(e.user_email, e.action, e.scope) for e in events] == [
        ("a@x.example", "change settings", "Accessibility contact"),  # the same value: once
        ("mo@council.example", "view names", "team T1"),
        ("local user", "import", "organisation"),
    ]
    assert events[0].detail == "(not set) -> Performance team, perf@council.example"
    assert events[2].detail.startswith("loaded: ")


def test_import_history_never_shows_a_server_path(session):
    assert public_source("folder /srv/council/extracts/2025-10") == "command line: folder 2025-10"
    assert public_source("upload: staff.csv") == "upload: staff.csv"
    import_files(
        read_folder_bytes(SMALL_ORG), engine=session.get_bind(), source="folder /srv/x/oct"
    )
    assert import_history(session=session)[0].source == "command line: folder oct"


def test_demo_mode_only_while_the_demo_is_all_that_was_loaded(engine):
    files = read_folder_bytes(SMALL_ORG)
    with session_scope(engine) as session:
        assert not holds_only_demo(session=session)  # empty: no demo either
    assert import_files(files, engine=engine, source=DEMO_SOURCE).loaded
    with session_scope(engine) as session:
        assert holds_only_demo(session=session)
    assert not import_files({"staff.csv": b"staff_id\n"}, engine=engine, source="upload").loaded
    with session_scope(engine) as session:
        assert holds_only_demo(session=session)  # a refused upload changes nothing
    assert import_files(files, engine=engine, source="upload: real").loaded
    with session_scope(engine) as session:
        assert not holds_only_demo(session=session)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_users_command_line(session, capsys):
    status, out, _ = run_cli(
        capsys,
        "users",
        "add",
        "Mo@Council.Example",
        "--role",
        "manager",
        "--team",
        "T1",
        "--hub",
        "Hub B",
        "--by",
        "it",
    )
    assert status == 0
    assert out == "mo@council.example: Manager; names: hub Hub B; Alpha safeguarding (T1)\n"
    status, out, _ = run_cli(
        capsys, "users", "add", "b@council.example", "--role", "board", "--by", "it"
    )
    assert status == 0
    status, _, err = run_cli(
        capsys, "users", "add", "x@council.example", "--role", "leader", "--area", "Nowhere"
    )
    assert (status, err) == (1, 'error: unknown area "Nowhere"\n')
    status, out, _ = run_cli(capsys, "users", "list")
    assert out.splitlines() == [
        f"{'b@council.example':<40} {'board':<13} names: no names",
        f"{'mo@council.example':<40} {'manager':<13} names: hub Hub B; Alpha safeguarding (T1)",
    ]
    status, out, _ = run_cli(capsys, "users", "remove", "mo@council.example", "--by", "it")
    assert (status, out) == (0, "Removed mo@council.example.\n")
    status, _, err = run_cli(capsys, "users", "remove", "mo@council.example")
    assert (status, err) == (1, 'error: there is no user "mo@council.example"\n')

    status, out, _ = run_cli(capsys, "access-log")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["when (UTC)", "who", "action", "scope", "detail"]
    assert [row[1:4] for row in rows[1:4]] == [
        ["command line: it", "change users", "mo@council.example"],
        ["command line: it", "change users", "b@council.example"],
        ["command line: it", "change users", "mo@council.example"],
    ]
    assert rows[1][4] == "removed"


def test_organisation_targets_override_the_defaults_and_are_logged(session):
    from data_access.settings import change_target, organisation_policy

    assert organisation_policy(session=session).targets["agency_rate_fte"].value == 15.0
    change_target("agency_rate_fte", 20.0, by="a@x.example", session=session)
    change_target("caseload_average", 16.5, by="a@x.example", session=session)
    policy = organisation_policy(session=session)
    assert policy.targets["agency_rate_fte"].value == 20.0
    assert policy.targets["agency_rate_fte"].better == "lower"
    assert policy.targets["agency_rate_fte"].close_margin == 3.0
    assert policy.targets["caseload_average"].value == 16.5
    assert policy.targets["turnover_rate_fte"].value == 12.0  # untouched
    # 22.7% against 20 (close within 3) is close; against the default 15 it was missed.
    assert policy.targets["agency_rate_fte"].status(22.7) == "close"
    change_target("agency_rate_fte", None, by="a@x.example", session=session)
    assert organisation_policy(session=session).targets["agency_rate_fte"].value == 15.0
    changes = [
        (e.scope, e.detail) for e in access.access_log(session=session) if e.action != "import"
    ]
    assert changes == [
        ("Target: Agency rate (FTE)", "20 -> 15"),
        ("Target: Average caseload", "18 -> 16.5"),
        ("Target: Agency rate (FTE)", "15 -> 20"),
    ]
    for metric, value, message in (
        ("agency_rate_fte", 120.0, "between 0 and 100"),
        ("headcount", 5.0, "has no target"),
    ):
        with pytest.raises(ValueError, match=message):
            change_target(metric, value, by="a@x.example", session=session)
