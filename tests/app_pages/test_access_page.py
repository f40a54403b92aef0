"""AppTest: sign-in, roles and grants as each kind of user meets them in the dashboard.

AppTest cannot follow a real identity provider's redirects (tests/browser/test_sign_in.py does
that in Chromium); here `[auth]` is configured through AppTest's secrets and the signed-in user
through AppTest's `user`, which is exactly what `st.user` reads after a real sign-in. Figures are
from tests/fixtures/small_org (see tests/support/hand_worked.py and
tests/data_access/access/test_grants.py for the working).
"""

from __future__ import annotations

import pytest
from support.app import EVERYWHERE, app_as, give_access, sections, shown_text, signed_in
from support.org import SMALL_ORG, read_folder_bytes

from data_access.access.grants import GrantScope, access_log
from data_access.core.db import session_scope
from data_access.demo.organisation import load_demo
from data_access.ingest.importer import import_files
from data_access.settings import agency_min_notice_weeks

T1 = (GrantScope("team", "T1"),)


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def page_text(app) -> str:
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "info", "warning", "error")
        for e in getattr(app, kind)
    ]
    return "\n".join(str(part) for part in parts)


def test_real_data_without_sign_in_set_up_shows_nothing_but_how_to_set_it_up(small_org):
    app = app_as(None, auth=False)
    assert app.title[0].value == "Social work workforce dashboard"
    assert "Sign-in is required" in app.error[0].value
    assert "secrets.toml.example" in page_text(app)
    assert not app.metric and not app.dataframe and not app.selectbox


def test_nobody_signed_in_sees_only_the_sign_in_button(small_org):
    app = app_as(None)
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe and not app.selectbox


def test_an_unknown_address_is_told_to_ask_for_access_and_sees_nothing_else(small_org):
    app = app_as("stranger@council.example")
    assert "you have not been given access to this dashboard" in app.warning[0].value
    assert [text.value for text in app.text] == ["stranger@council.example"]
    assert [button.label for button in app.button] == ["Sign out"]
    assert not app.metric and not app.dataframe and not app.selectbox


def test_a_board_member_sees_figures_and_no_names_anywhere(small_org):
    app = signed_in(small_org, role="board", scopes=(), as_at="March 2025")
    assert app.title[0].value == "Overview"
    assert len(app.metric) == 8
    assert "Signed in as **Test User** (Board member)" in [m.value for m in app.sidebar.markdown]
    for page, refusal in (
        ("team", "board members see figures only"),
        ("data", "The Data page is for data officers and administrators"),
        ("access", "The Access page is for administrators only"),
    ):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception
        assert refusal in app.error[0].value
        assert not app.dataframe


def test_a_manager_opens_on_their_team_and_sees_only_its_names(small_org):
    app = signed_in(small_org, role="manager", scopes=T1, as_at="March 2025")
    assert app.selectbox(key="team").value == "Alpha safeguarding"
    assert shown_text(app.caption[0].value).startswith("**Alpha safeguarding (Hub A, North)**")
    app.switch_page("app_pages/team.py").run()
    names = next(f.value for f in app.dataframe if "Name" in f.value.columns)
    assert sorted(names["Name"]) == ["Ann Archer", "Ben Baker", "Cat Cole", "Eve Eden", "Fay Ford"]

    # Another team by the sidebar widget: a clear message, no names.
    app.selectbox(key="team").select("Alpha family support").run()
    assert "does not cover the names of Alpha family support" in app.warning[0].value
    assert not [f for f in app.dataframe if "Name" in f.value.columns]
    assert not [s for s in app.selectbox if s.key == "timeline-worker"]


def test_a_manager_asking_for_another_team_by_url_or_session_state_gets_no_names(small_org):
    app = signed_in(small_org, "team", role="manager", scopes=T1, team="Alpha family support")
    assert "does not cover the names of Alpha family support" in app.warning[0].value
    assert not app.dataframe
    # Session state, as a forged widget value would set it: still no names.
    app.session_state["team"] = "Beta assessment"
    app.run()
    assert not [f for f in app.dataframe if "Name" in f.value.columns]
    # The Team page's own picker offers only their team.
    app.session_state["team"] = "All"
    app.run()
    assert app.selectbox(key="team-picker").options == ["Alpha safeguarding (Hub A)"]


def test_names_views_are_logged_once_per_team_and_date(small_org):
    app = signed_in(small_org, "team", role="manager", scopes=T1, as_at="March 2025")
    app.run()  # a rerun is not a new view
    with session_scope(small_org) as session:
        views = [
            (e.user_email, e.action, e.scope, e.detail)
            for e in access_log(session=session)
            if e.action == "view names"
        ]
    assert views == [
        ("tester@council.example", "view names", "team T1 (Alpha safeguarding)", "as at 31/03/2025")
    ]


def test_a_small_team_outside_the_grant_is_suppressed(small_org):
    """T3 has two people in post: a T1 manager sees its figures as suppressed."""
    app = signed_in(
        small_org,
        "caseloads",
        role="manager",
        scopes=T1,
        as_at="March 2025",
        area="South",
        hub="Hub B",
        team="Beta assessment",
    )
    assert "are suppressed (c)" in app.info[0].value
    assert not app.metric
    app = signed_in(
        small_org,
        "caseloads",
        role="leader",
        scopes=(GrantScope("area", "South"),),
        email="south@council.example",
        as_at="March 2025",
        area="South",
        hub="Hub B",
        team="Beta assessment",
    )
    assert app.metric


def test_a_data_officer_sees_counts_but_names_only_where_granted(small_org):
    app = signed_in(small_org, "data", role="data_officer", scopes=(), as_at="March 2025")
    assert app.title[0].value == "Data"
    # The data-quality checks, one line each with its count first (counted in full).
    counts = [m.value.split(" · ")[0] for m in app.markdown if " · " in m.value]
    assert counts == ["**2**", "**3**", "**1**"]
    captions = [c.value for c in app.caption]
    assert any(c.startswith("2 of them are in teams whose names your access") for c in captions)
    assert any(c.startswith("3 of them are in teams whose names your access") for c in captions)
    listed = [f.value for f in app.dataframe if "name" in f.value.columns]
    assert listed == []


def test_an_administrator_adds_a_user_and_sets_the_accessibility_contact(small_org):
    app = signed_in(small_org, "access", role="admin", scopes=())
    assert app.title[0].value == "Access"
    app.text_input[0].input("New.Manager@Council.Example")
    role = next(s for s in app.selectbox if s.label == "Role")
    role.select("manager")
    teams = next(m for m in app.multiselect if m.label == "Names for these teams")
    teams.select("Alpha family support")
    next(b for b in app.button if b.label == "Save user").click().run()
    assert not app.exception
    assert "Manager, names: Alpha family support" in app.success[0].value
    users = next(f.value for f in app.dataframe if "E-mail" in f.value.columns)
    assert list(users["E-mail"]) == ["new.manager@council.example", "tester@council.example"]
    assert list(users["Names they may see"]) == ["Alpha family support (T2)", "no names"]

    contact = next(t for t in app.text_input if t.label.startswith("Accessibility contact"))
    contact.input("Performance team, 0121 000 0000")
    next(b for b in app.button if b.label == "Save settings").click().run()
    log = next(f.value for f in app.dataframe if "Action" in f.value.columns)
    assert list(log["Action"])[:2] == ["change settings", "change users"]
    app.switch_page("app_pages/accessibility.py").run()
    assert "**Contact:** Performance team, 0121 000 0000" in [m.value for m in app.markdown]

    app.switch_page("app_pages/access.py").run()
    notice = next(n for n in app.number_input if n.label.startswith("Minimum notice"))
    assert notice.value == 4  # DfE's 4 weeks until the organisation chooses
    notice.set_value(6)
    next(b for b in app.button if b.label == "Save settings").click().run()
    log = next(f.value for f in app.dataframe if "Action" in f.value.columns)
    assert list(log["Action"])[0] == "change settings"
    with session_scope(small_org) as session:
        assert agency_min_notice_weeks(session=session) == 6


def test_the_import_history_names_the_signed_in_user(small_org):
    app = signed_in(small_org, "data", role="data_officer", scopes=(), email="dee@council.example")
    app.file_uploader[0].set_value(
        [("vacancies.csv", b"team_id,as_at,vacant_fte\nT1,2025-04-30,1\n", "text/csv")]
    )
    app.run()
    next(b for b in app.button if b.label == "Import").click().run()
    history = next(f.value for f in app.dataframe if "Outcome" in f.value.columns)
    assert list(history["By"])[:2] == ["dee@council.example", "local user"]
    assert "/" not in "".join(history["Source"])


def test_demo_mode_lets_anyone_view_as_each_role(engine, fresh_caches):
    assert load_demo(engine).loaded
    app = app_as(None, auth=False)
    personas = app.selectbox(key="view_as")
    assert personas.options == [
        "Director",
        "Board member",
        "Team manager, Stonebridge",
        "Data officer",
        "Administrator",
    ]
    assert "Demo mode." in app.sidebar.info[0].value
    personas.select("Team manager, Stonebridge").run()
    app = app_as(None, "team", auth=False, view_as="Team manager, Stonebridge")
    assert app.selectbox(key="team").value == "Stonebridge safeguarding team 1"
    assert [f for f in app.dataframe if "Name" in f.value.columns]
    app = app_as(None, "team", auth=False, view_as="Board member")
    assert "board members see figures only" in app.error[0].value
    # A role the demo does not have is said, like any other bad part of a link.
    app = app_as(None, auth=False, view_as="Mayor")
    assert shown_text(app.warning[0].value) == (
        "The link asked to view as “Mayor”, which is not one of the demo's roles: “Director”, "
        "“Board member”, “Team manager, Stonebridge”, “Data officer”, “Administrator”. Showing "
        "the Director's view: choose another under View as in the sidebar."
    )
    app.selectbox(key="view_as").select("Board member").run()
    assert not app.warning
    # As soon as real data is imported, demo mode ends and sign-in is required.
    give_access(engine, "dcs@council.example", "leader", EVERYWHERE)
    files = {"vacancies.csv": b"team_id,as_at,vacant_fte\nT001,2026-10-31,1\n"}
    assert import_files(files, engine=engine, source="upload: vacancies.csv").loaded
    app = app_as(None, auth=False)
    assert "Sign-in is required" in app.error[0].value
    assert not app.metric


def test_cached_names_are_never_served_to_another_user(small_org):
    from datetime import date

    from data_access.access.grants import Grant
    from ui import queries

    day = date(2025, 3, 31)
    t1 = Grant("a@council.example", "manager", T1)
    t2 = Grant("b@council.example", "manager", (GrantScope("team", "T2"),))
    assert len(queries.team_workers(day, "T1", t1)) == 5
    assert queries.team_workers(day, "T1", t2) == []


def statuses_and_targets(app) -> tuple[list[str], list[str]]:
    """The tiles' badges (their words) and the targets their captions give."""
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    targets = [c.value.split("target ")[-1] for c in app.caption if "target " in c.value]
    return badges, targets


def test_an_administrator_changes_a_target_and_every_page_uses_it(small_org):
    """Whole organisation at 30/04/2025: agency 22.7% (test_pages.py). Against the default 15%
    (close within 3) it is missed; against 25% it is met."""
    app = signed_in(small_org, role="admin", scopes=())
    badges, targets = statuses_and_targets(app)
    assert "≤ 25%" not in targets
    met = sum("Target met" in badge for badge in badges)
    app.switch_page("app_pages/access.py").run()
    app.number_input(key="target-agency_rate_fte").set_value(25.0)
    next(b for b in app.button if b.label == "Save targets").click().run()
    assert app.success[0].value == "Targets saved: 1 changed."
    app.switch_page("app_pages/overview.py").run()
    badges, targets = statuses_and_targets(app)
    assert targets.count("≤ 25%") == 1  # the agency rate's, now
    assert sum("Target met" in badge for badge in badges) == met + 1


def test_a_board_member_is_told_why_the_asye_chart_is_empty(small_org):
    """Case holders at 31/03/2025: T1 4 (ASYE: Fay Ford), T2 none, T3 1 (ASYE: Kit King). For a
    board member T3 is suppressed (1) and T1 with it (the organisation minus North would be
    T3 otherwise; tests/data_access/access/test_suppression.py): no ASYE dot can be shown, and
    the page says why rather than that there are none."""
    app = signed_in(
        small_org,
        "caseloads",
        role="board",
        scopes=(),
        as_at="March 2025",
        section="By team and ASYE",
    )
    assert not app.exception
    assert sections(app)["By team and ASYE"]
    assert (
        "Every ASYE case holder here is in a team whose figures are suppressed for you"
        in page_text(app)
    )
    assert "Names are on the Team page" not in page_text(app)
