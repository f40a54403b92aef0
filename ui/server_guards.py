"""What a browser session may ask of the server itself, outside any page: clear the caches,
upload files, download files holding names.

Streamlit serves these requests without asking the app, to any browser that has opened a
session (even one that has only seen the sign-in page). It offers no setting to refuse them,
so `install` wraps three private interfaces of Streamlit 1.67 (pinned in requirements.txt;
tests/ui/test_server_guards.py fails if any of them changes shape):

- `AppSession._handle_clear_cache_request`: the "Clear caches" menu item, or a hand-written
  websocket message, empties every cache for every user. Only an administrator's session may.
- `Runtime.is_active_session`: called by the upload route (`PUT /_stcore/upload_file/
  <session id>/<file id>`) and by nothing else, *before* the request's body is read. The
  wrapper refuses (HTTP 403, not one byte of the body read or kept) unless the session's
  signed-in user may use the Data page and the session holds fewer than the files and bytes
  one import needs (HTTP 413 past them).
- `MediaFileManager.execute_deferred` and `MemoryMediaFileStorage.get_file`: a download that
  holds names is generated only when its button is pressed (`register_names_download`), and
  its file is served to that press alone, then deleted: its address is useless afterwards,
  whoever copies it from a log. A press makes two requests (Streamlit's browser code fetches
  the address to check it while the download itself starts), so the file is served at most
  `NAMES_FILE_SERVINGS` times, within `NAMES_FILE_SECONDS` of being made.

Each run of app.py first withdraws what the session was allowed (`note_session(None)`) and
then, once the user is known, grants what their role allows, so signing out or losing a role
takes effect at the next run.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable

from starlette.exceptions import HTTPException
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from data_access.access.grants import Grant
from data_access.ingest.reading import MAX_FILE_BYTES, MAX_TOTAL_BYTES
from data_access.ingest.specs import FILE_SPECS

logger = logging.getLogger("workforce_dashboard")

#: What one session may hold uploaded at once: every kind of organisation file, the two
#: published benchmark files and a census return (each kind is sent once per import).
MAX_FILES_PER_SESSION = len(FILE_SPECS) + 2 + 1
#: And their bytes together: the import's own limit and one more file (a census return, or the
#: benchmark files, which the Data page takes beside an import).
MAX_BYTES_PER_SESSION = MAX_TOTAL_BYTES + MAX_FILE_BYTES

CLEAR_CACHES = "clear caches"
UPLOAD = "upload"

_lock = threading.Lock()
#: Session id -> what it may do (CLEAR_CACHES, UPLOAD); sessions absent may do neither.
_allowed: dict[str, frozenset[str]] = {}
#: Deferred download callables that produce names: their files are served once.
_names_callables: weakref.WeakSet = weakref.WeakSet()
#: How often, and for how long, a file holding names is served after its button is pressed.
NAMES_FILE_SERVINGS = 2
NAMES_FILE_SECONDS = 60.0
#: Media file id -> (servings left, deadline on the monotonic clock) for files holding names.
_names_files: dict[str, tuple[int, float]] = {}
_MEDIA_ID = re.compile(r"/media/([0-9a-f]+)")


def allowed(session_id: str, action: str) -> bool:
    with _lock:
        return action in _allowed.get(session_id, frozenset())


def note_session(grant: Grant | None) -> None:
    """Record what this run's browser session may ask of the server (None: nothing)."""
    context = get_script_run_ctx()
    if context is None:
        return
    actions: set[str] = set()
    if grant is not None and grant.may_administer:
        actions.add(CLEAR_CACHES)
    if grant is not None and grant.may_use_data_page:
        actions.add(UPLOAD)
    with _lock:
        if actions:
            _allowed[context.session_id] = frozenset(actions)
        else:
            _allowed.pop(context.session_id, None)


def _forget_closed_sessions(runtime: Runtime, is_active: Callable[[Runtime, str], bool]) -> None:
    """Drop sessions that have ended, so the table does not grow with every visitor."""
    with _lock:
        closed = [session_id for session_id in _allowed if not is_active(runtime, session_id)]
        for session_id in closed:
            del _allowed[session_id]


def _held(runtime: Runtime, session_id: str) -> tuple[int, int]:
    """(files, bytes) this session's uploads hold now. `file_storage` belongs to Streamlit's
    MemoryUploadedFileManager (private; the pinned version's shape is tested)."""
    storage = getattr(runtime.uploaded_file_mgr, "file_storage", {}).get(session_id, {})
    return len(storage), sum(len(record.data) for record in storage.values())


def _upload_allowed(
    runtime: Runtime, session_id: str, is_active: Callable[[Runtime, str], bool]
) -> bool:
    if not is_active(runtime, session_id):
        return False  # Streamlit's own answer: "invalid session" (400)
    if not allowed(session_id, UPLOAD):
        logger.warning("refused an upload from session %s: not allowed to upload", session_id)
        raise HTTPException(status_code=403, detail="Uploads are for data officers")
    files, size = _held(runtime, session_id)
    if files >= MAX_FILES_PER_SESSION or size >= MAX_BYTES_PER_SESSION:
        logger.warning("refused an upload from session %s: %d files held", session_id, files)
        raise HTTPException(status_code=413, detail="More files than one import needs")
    return True


def register_names_download(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """Mark a deferred download's data callable as holding names: the file it produces is
    served once and then deleted."""
    _names_callables.add(make)
    return make


def install() -> None:
    """Wrap Streamlit's handlers (once per process)."""
    if getattr(AppSession._handle_clear_cache_request, "_workforce_guard", False):
        return
    clear_caches = AppSession._handle_clear_cache_request

    def guarded_clear(session: AppSession) -> None:
        if allowed(session.id, CLEAR_CACHES):
            clear_caches(session)
        else:
            logger.warning("refused a request to clear the caches from session %s", session.id)

    is_active = Runtime.is_active_session
    calls = 0

    def guarded_is_active(runtime: Runtime, session_id: str) -> bool:
        nonlocal calls
        calls += 1
        if calls % 100 == 0:
            _forget_closed_sessions(runtime, is_active)
        return _upload_allowed(runtime, session_id, is_active)

    execute_deferred = MediaFileManager.execute_deferred

    def guarded_execute(manager: MediaFileManager, file_id: str) -> str:
        entry = manager._deferred_callables.get(file_id)
        url = execute_deferred(manager, file_id)
        if entry is not None and entry["callable"] in _names_callables:
            found = _MEDIA_ID.search(url)
            if found:
                deadline = time.monotonic() + NAMES_FILE_SECONDS
                with _lock:
                    _names_files[found.group(1)] = (NAMES_FILE_SERVINGS, deadline)
        return url

    get_file = MemoryMediaFileStorage.get_file

    def guarded_get_file(storage: MemoryMediaFileStorage, filename: str) -> MemoryFile:
        file_id = filename.split(".", 1)[0]
        now = time.monotonic()
        with _lock:
            for expired in [key for key, (_, end) in _names_files.items() if end < now]:
                del _names_files[expired]
                storage.delete_file(expired)
            left = _names_files.pop(file_id, None)
            if left is not None and left[0] > 1:
                _names_files[file_id] = (left[0] - 1, left[1])
        media = get_file(storage, filename)
        if left is not None and left[0] <= 1:
            storage.delete_file(file_id)
        return media

    for function in (guarded_clear, guarded_is_active, guarded_execute, guarded_get_file):
        function.__dict__["_workforce_guard"] = True
    # Replacing Streamlit's methods is the point (each guard calls the original it wraps).
    AppSession._handle_clear_cache_request = guarded_clear  # type: ignore[method-assign, assignment]
    Runtime.is_active_session = guarded_is_active  # type: ignore[method-assign, assignment]
    MediaFileManager.execute_deferred = guarded_execute  # type: ignore[method-assign, assignment]
    MemoryMediaFileStorage.get_file = guarded_get_file  # type: ignore[method-assign, assignment]
