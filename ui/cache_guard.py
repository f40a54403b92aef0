"""Only administrators may clear the server's caches.

Streamlit lets any connected browser send a `clear_cache` message (the "Clear caches" menu
item, or a hand-written websocket client), which empties every cache for every user and makes
everyone's next page slow. Streamlit has no setting to refuse it, so `install` wraps the
handler of that message (`AppSession._handle_clear_cache_request`, private to Streamlit 1.67,
pinned in requirements.txt; tests/test_access_app.py fails if the hook disappears) to act only
for sessions whose signed-in user is an administrator.
"""

from __future__ import annotations

import logging

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from data_access.access.grants import Grant

logger = logging.getLogger("workforce_dashboard")

#: Ids of the browser sessions whose user may clear the caches.
_administrator_sessions: set[str] = set()


def install() -> None:
    """Wrap Streamlit's clear-cache handler (once per process)."""
    original = AppSession._handle_clear_cache_request
    if getattr(original, "_workforce_guard", False):
        return

    def guarded(session: AppSession) -> None:
        if session.id in _administrator_sessions:
            original(session)
        else:
            logger.warning("refused a request to clear the caches from session %s", session.id)

    guarded._workforce_guard = True
    AppSession._handle_clear_cache_request = guarded


def note_session(grant: Grant) -> None:
    """Record whether this run's browser session may clear the caches."""
    context = get_script_run_ctx()
    if context is None:
        return
    if grant.may_administer:
        _administrator_sessions.add(context.session_id)
    else:
        _administrator_sessions.discard(context.session_id)
