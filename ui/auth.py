"""Who is using the dashboard, decided once per run in app.py.

- **Signed in**: when `.streamlit/secrets.toml` has an `[auth]` section, everyone signs in with
  the council's identity provider (OpenID Connect, through Streamlit's `st.login`). Every run
  checks the sign-in again (data_access/access/sign_in.py: a verified address, the account
  bound at first sign-in, a working day's lifetime, not signed out since) and looks up the
  person's role and grants.
- **Demo mode**: with no `[auth]` and a database holding only the demo organisation, a
  clearly labelled "View as" picker lets anyone see what each role sees.
- **Sign-in required**: with no `[auth]` and real data, nothing is shown but how to set up
  sign-in.

The grant is kept in session state under a key no widget uses, so a browser cannot set it.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from data_access.access.grants import ROLE_LABELS, Grant
from data_access.access.sign_in import REFUSED_SIGN_IN, Refusal
from ui import queries, server_guards
from ui.format import plain

_GRANT_KEY = "_signed_in_grant"
_SIGN_IN_TITLE = "Social work workforce dashboard"


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` configures an identity provider."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def _setup_required() -> None:
    st.title(_SIGN_IN_TITLE)
    st.error("Sign-in is required, and it has not been set up on this server yet.")
    st.markdown(
        "This dashboard holds the council's own data, with workers' names, so it shows "
        "nothing until people sign in with their council account. To set it up, the "
        "administrator of this server:\n\n"
        "1. registers the dashboard with the council's identity provider (for example "
        "Microsoft Entra ID) as a web application whose redirect address is "
        "`https://THIS-SERVER/oauth2callback`;\n"
        "2. copies `.streamlit/secrets.toml.example` to `.streamlit/secrets.toml` and fills in "
        "the `[auth]` section (client id, client secret, the provider's metadata address, a "
        "long random cookie secret);\n"
        "3. gives the first administrator access: `python -m data_access users add "
        "EMAIL --role admin`;\n"
        "4. restarts the dashboard.\n\n"
        "The README's *Sign-in and access* section has the details."
    )
    st.stop()


def _sign_in_page(reason: str | None = None) -> NoReturn:
    st.title(_SIGN_IN_TITLE)
    if reason:
        st.info(reason)
    st.markdown(
        "Sign in with your council account to see the workforce figures. What you see "
        "depends on the access your administrator has given you."
    )
    st.button("Sign in", type="primary", on_click=st.login)
    st.stop()


def _refused_page(message: str, email: str) -> NoReturn:
    st.title(_SIGN_IN_TITLE)
    st.warning(message)
    st.text(email)
    st.button("Sign out", on_click=st.logout)
    st.stop()


#: What each refusal says: (message, whether signing in again may help).
_REFUSALS = {
    Refusal.EXPIRED: (
        "Your sign-in has ended (a sign-in lasts a working day). Sign in again to carry on.",
        True,
    ),
    Refusal.SIGNED_OUT: (
        "You have been signed out (from this or another browser, or by an administrator). "
        "Sign in again to carry on.",
        True,
    ),
    Refusal.NOT_GIVEN_ACCESS: (
        "You are signed in, but you have not been given access to this dashboard. Ask your "
        "administrator for access, telling them the address you signed in with:",
        False,
    ),
    Refusal.UNVERIFIED_EMAIL: (
        "Your identity provider has not verified the e-mail address of this account, so the "
        "dashboard cannot trust it. Sign in with your council account, or ask your "
        "administrator. The address given was:",
        False,
    ),
    Refusal.OTHER_ACCOUNT: (
        "This e-mail address is registered to a different account at your identity provider, "
        "so the dashboard does not give this account its access. If your account has "
        "changed, ask your administrator to remove and add you again. The address given was:",
        False,
    ),
    Refusal.NO_ACCOUNT_ID: (
        "Your identity provider did not say which account this is (no subject id), so the "
        "dashboard cannot trust the sign-in. Ask your administrator. The address given was:",
        False,
    ),
}


_VIEW_ASKED = "_view_as_asked"


def _demo_grant() -> Grant:
    personas = queries.demo_personas()
    st.sidebar.info(
        "**Demo mode.** Made-up data. Choose whose view to see: each role sees what it "
        "would after signing in."
    )
    # What the address asked for, before the box (bound to the address) replaces a role that
    # does not exist with the first one.
    st.session_state.setdefault(_VIEW_ASKED, st.query_params.get("view_as"))
    label = st.sidebar.selectbox("View as", list(personas), key="view_as", bind="query-params")
    return personas[label]


def view_notice() -> str | None:
    """In demo mode, what to tell someone whose link asked to view as a role the demo does not
    have (shown beside the other link notices), until they choose a view."""
    asked = st.session_state.get(_VIEW_ASKED)
    personas = list(queries.demo_personas()) if asked else []
    if not asked or asked in personas or st.session_state.get("view_as") != personas[0]:
        return None
    # Each role quoted: one of them ("Team manager, Stonebridge") holds a comma itself.
    roles = ", ".join(f"“{persona}”" for persona in personas)
    return (
        f"The link asked to view as “{plain(asked)}”, which is not one of the demo's roles: "
        f"{plain(roles)}. Showing the {plain(personas[0])}'s view: choose another under View as "
        "in the sidebar."
    )


def _signed_in_grant() -> Grant:
    if not st.user.is_logged_in:
        _sign_in_page()
    claims = st.user.to_dict()
    email = str(claims.get("email") or "an account with no e-mail address")
    outcome = queries.check_sign_in(claims)
    if outcome.grant is None:
        if outcome.refusal is None:  # check_sign_in gives a grant or a refusal
            raise RuntimeError("a sign-in with neither a grant nor a refusal")
        _log_refusal_once(email, outcome.refusal)
        message, again = _REFUSALS[outcome.refusal]
        if again:
            _sign_in_page(message)
        _refused_page(message, email)
    grant = outcome.grant
    name = st.user.get("name") or email
    st.sidebar.markdown(f"Signed in as **{plain(str(name))}** ({ROLE_LABELS[grant.role]})")
    st.sidebar.button("Sign out", on_click=_sign_out, args=(grant.email,), key="sign-out")
    return grant


def _log_refusal_once(email: str, refusal: Refusal) -> None:
    """A refused sign-in is in the access log (an unverified address or a copied cookie is
    worth an administrator's eye), once per browser session rather than on every run."""
    logged = st.session_state.setdefault("_refusals_logged", set())
    if (email, refusal) not in logged:
        queries.log_access(email, REFUSED_SIGN_IN, email, str(refusal))
        logged.add((email, refusal))


def _sign_out(email: str) -> None:
    """End this person's sign-in everywhere (every earlier cookie is refused from the next
    run), then Streamlit's own sign-out (the cookie, and the provider's session)."""
    queries.sign_out(email, by=email)
    st.logout()


def establish() -> Grant:
    """Decide who is using the dashboard this run; stop the page when nobody may see data."""
    server_guards.note_session(None)  # until the user is known, the session may do nothing
    if auth_configured():
        grant = _signed_in_grant()
    elif queries.only_demo_data():
        grant = _demo_grant()
    else:
        _setup_required()
    st.session_state[_GRANT_KEY] = grant
    server_guards.note_session(grant)
    return grant


def current_grant() -> Grant:
    """The grant decided by app.py in this run."""
    return st.session_state[_GRANT_KEY]


def actor(grant: Grant) -> str:
    """How the user is named in the import history and the access log."""
    return grant.email if auth_configured() else f"demo: {ROLE_LABELS[grant.role]}"
