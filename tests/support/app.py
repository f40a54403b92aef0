"""The dashboard in Streamlit's AppTest, signed in as a given user."""

from __future__ import annotations

import re
import time
from pathlib import Path

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data_access.access.grants import WHOLE_ORGANISATION_NAME, GrantScope, save_user
from data_access.core import db


def shown_text(markdown: str) -> str:
    """What a reader sees of Markdown in which data was escaped (`fmt.plain`): the text
    without its backslash escapes and the invisible word joiners that keep addresses from
    becoming links."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


APP = str(Path(__file__).resolve().parents[2] / "app.py")
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
        save_user(email, role, list(scopes), by="test set-up", session=session)


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


def sections(app: AppTest) -> dict[str, bool]:
    """The page's sections (the tabs at the top level of its main area: ui/layout.sections)
    and, for each, whether this run drew it: only the open one is drawn."""
    for node in app.main.children.values():
        if node.type == "tab_container":
            return {tab.label: bool(tab.children) for tab in node.children.values()}
    return {}
