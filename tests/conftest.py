"""Shared fixtures.

Database tests take the `engine` fixture, which runs each test on SQLite and, when
`TEST_DATABASE_URL` names a PostgreSQL database, again on PostgreSQL (otherwise those runs are
skipped). The schema is built by the Alembic migrations, exactly as in production.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, MetaData, text
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

from data_access.access.grants import WHOLE_ORGANISATION_NAME, GrantScope, save_user
from data_access.core import db
from data_access.core.config import normalise_database_url

#: The browser fixtures (live_app, browser, page) for the browser and accessibility tests.
pytest_plugins = ["browser_support"]

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_ORG = FIXTURES / "small_org"


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An empty, migrated SQLite database file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.init_db(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    url = _postgres_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.init_db(engine)
    yield engine
    engine.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database_url(request, tmp_path, sqlite_template) -> str:
    """A migrated, empty database for this test, as a URL."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    _empty_postgres(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url, monkeypatch) -> Iterator[Engine]:
    """The engine for this test's database, also made the application's engine."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    db.get_engine.cache_clear()
    engine = db.get_engine()
    yield engine
    engine.dispose()
    db.get_engine.cache_clear()


@pytest.fixture
def fresh_caches():
    """Empty Streamlit's caches around an AppTest test (they live in this process)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def read_folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def add_beta_support(engine: Engine) -> None:
    """Add a second team to Hub B (South) of tests/fixtures/small_org: T4 Beta support, three
    permanent social workers in post since 2024, no cases, sessions or vacancies.

    In the fixture as it is, Hub B and South are one 2-person team (T3), so for anyone who
    may not see T3's names they, and everything that would give them away by subtraction
    (North, Hub A), are suppressed (data_access/access/suppression.py). With T4 beside it, T3
    is suppressed with T4 as its complement and every hub and area may be shown: this is the
    fixture for tests of a hub's or an area's figures as a board member sees them. Figures for
    Hub A and North are unchanged by it."""
    from data_access.ingest.importer import import_files

    files = {
        "teams.csv": b"team_id,team_name,team_type,hub,area\nT4,Beta support,family support,"
        b"Hub B,South\n",
        "staff.csv": (
            b"staff_id,display_name,role,employment_type,fte,team_id,start_date\n"
            b"S21,Uma Upton,social_worker,permanent,1,T4,2024-01-01\n"
            b"S22,Val Vance,social_worker,permanent,1,T4,2024-01-01\n"
            b"S23,Wyn West,social_worker,permanent,1,T4,2024-01-01\n"
        ),
    }
    result = import_files(files, engine=engine, source="fixture: Beta support")
    assert result.loaded, [str(problem) for problem in result.problems]


def table_contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, for before/after comparisons."""
    metadata = MetaData()
    metadata.reflect(engine)
    contents = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = connection.execute(table.select()).all()
            contents[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return contents


def data_contents(engine: Engine) -> dict[str, list[tuple]]:
    """`table_contents` without the import log (which records refused attempts too) and the
    users and access log (which the signed-in tests set up)."""
    contents = table_contents(engine)
    for table in ("import_log", "access_log", "app_user", "user_grant"):
        contents.pop(table)
    return contents


# --- AppTest, signed in ----------------------------------------------------------------------


def shown_text(markdown: str) -> str:
    """What a reader sees of Markdown in which data was escaped (`fmt.plain`): the text
    without its backslash escapes and the invisible word joiners that keep addresses from
    becoming links."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


APP = str(Path(__file__).resolve().parent.parent / "app.py")
#: What an `[auth]` section in secrets.toml looks like; AppTest never contacts the provider.
TEST_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used-for-real",
    "client_id": "workforce-dashboard",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
EVERYWHERE = (GrantScope("organisation", WHOLE_ORGANISATION_NAME),)


def give_access(engine: Engine, email: str, role: str, scopes: tuple[GrantScope, ...] = ()) -> None:
    with db.session_scope(engine) as session:
        save_user(session, email, role, list(scopes), by="test set-up")


#: The issuer of the test's ID tokens (AppTest never contacts it).
TEST_ISSUER = "https://provider.test"


def signed_in_claims(email: str, **claims) -> dict:
    """What `st.user` holds after a real sign-in: the ID token's claims (issuer, subject,
    when issued) and Streamlit's own `is_logged_in`."""
    return {
        "is_logged_in": True,
        "email": email,
        "name": "Test User",
        "iss": TEST_ISSUER,
        "sub": f"subject-of-{email}",
        "iat": int(time.time()),
        **claims,
    }


def app_as(
    email: str | None,
    page: str | None = None,
    *,
    auth: bool = True,
    claims: dict | None = None,
    **query: str,
) -> AppTest:
    """The dashboard in AppTest with sign-in configured and `email` signed in (None: nobody
    signed in; `claims` change their ID token's), opened on `page` with `query` in the URL."""
    app = AppTest.from_file(APP, default_timeout=60)
    if auth:
        app.secrets["auth"] = TEST_AUTH
        app.user = signed_in_claims(email, **(claims or {})) if email else {"is_logged_in": False}
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def signed_in(
    engine: Engine,
    page: str | None = None,
    *,
    role: str = "admin",
    scopes: tuple[GrantScope, ...] = EVERYWHERE,
    email: str = "tester@council.example",
    **query: str,
) -> AppTest:
    """`app_as` for a user given `role` and `scopes` first (default: an administrator who may
    see every name, so that the page tests see everything)."""
    give_access(engine, email, role, scopes)
    return app_as(email, page, **query)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow families by where they live, so that the fast unit tests run alone with
    `pytest -m "not (browser or apptest or hostile)"`: `hostile` for tests/hostile/, `apptest`
    for tests of modules that drive the app in AppTest."""
    for item in items:
        module = getattr(item, "module", None)
        if "hostile" in item.path.parts:
            item.add_marker(pytest.mark.hostile)
        if module is not None and {"AppTest", "app_as", "signed_in"} & set(vars(module)):
            item.add_marker(pytest.mark.apptest)
