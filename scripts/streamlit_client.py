"""A browser tab as far as Streamlit's server can tell: the one client of Streamlit's protocol
that the load test (scripts/load_test.py) and the tests that attack or load the real server use.

It speaks the protocol as the browser's JavaScript does: it loads the page and the health check
(which set the cookies), opens the websocket, asks for runs of a page with widget states, PUTs
files to the upload route as the upload box does, and can sign in for real through the whole
OpenID Connect redirect flow (`sign_in`).

It keeps the dashboard's cookies itself and sends them in a Cookie header of its own: the proxy
marks Streamlit's cookies `Secure`, and an HTTP client (httpx) keeps such cookies but never sends
them over plain http (a browser does, to http://localhost).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse
from uuid import uuid4

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_loopback(url: str) -> bool:
    return urlparse(url).hostname in LOOPBACK


@functools.cache
def tls() -> ssl.SSLContext:
    """One TLS context for every client this process makes: httpx otherwise reads the whole
    certificate bundle for each client (30 ms, two a tab: 3 s of the load test's CPU for 50
    tabs, on the cores the server is being measured on), though it talks plain http here."""
    return ssl.create_default_context()


class SignInError(Exception):
    """The sign-in flow did not go as a browser's would."""


@dataclass
class Run:
    """What one run of the page drew."""

    #: Markdown texts, headings and alert bodies, in order.
    texts: list[str] = field(default_factory=list)
    #: Label -> (widget id, options) for the boxes and buttons drawn.
    widgets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    #: Errors and exceptions the page showed.
    errors: list[str] = field(default_factory=list)
    #: Where a Sign in button sent the browser (Streamlit's login route), if it was pressed.
    redirect: str | None = None
    #: How the run ended (ForwardMsg.ScriptFinishedStatus).
    status: str = ""


class Tab:
    """One browser tab on `page` (the path, "" for the first page) with `query` in its address."""

    def __init__(self, base: str, query: str = "", page: str = "", timeout: float = 300) -> None:
        self.base = base.rstrip("/")
        self.query, self.page, self.timeout = query, page, timeout
        self.http = httpx.AsyncClient(base_url=self.base, timeout=timeout, verify=tls())
        #: The dashboard's cookies (name -> value, as set), sent by hand: see the module's doc.
        self.cookies: dict[str, str] = {}
        self.socket = None
        #: The server's id for this tab's session (from its first run).
        self.session_id = ""
        #: (file id, name, size) of every file uploaded and taken.
        self.files: list[tuple[str, str, int]] = []

    async def get(self, path: str) -> httpx.Response:
        """A request to the dashboard with this tab's cookies; keeps what it sets."""
        answer = await self.http.get(path, headers={"Cookie": self.cookie_header()})
        self.keep_cookies(answer)
        return answer

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def keep_cookies(self, answer: httpx.Response) -> None:
        for header in answer.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if _expired(attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        # httpx's own jar must not add a second copy of any of them.
        self.http.cookies.clear()

    async def connect(self) -> None:
        """Load the page as a browser does, then open the websocket with the cookies."""
        (await self.get(f"/{self.page}?{self.query}")).raise_for_status()
        # The page's script asks for the health check first; its answer sets the XSRF cookie
        # that the websocket must echo as its second subprotocol.
        (await self.get("/_stcore/health")).raise_for_status()
        xsrf = self.cookies.get("_streamlit_xsrf", "")
        self.socket = await websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Cookie": self.cookie_header(), "Origin": self.base},
            max_size=None,
            open_timeout=self.timeout,
        )

    async def open(self) -> Run:
        """Connect and run the page once."""
        await self.connect()
        return await self.run()

    async def send(self, widgets=()) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = f"{self.base}/{self.page}"
        state.widget_states.widgets.extend(widgets)
        await self.socket.send(message.SerializeToString())

    async def run(self, widgets=(), *, until_settled: bool = False) -> Run:
        """Run the page with `widgets` set; what it drew. With `until_settled`, runs that the
        page starts itself (st.rerun) are followed to the end."""
        await self.send(widgets)
        run = Run()
        async with asyncio.timeout(self.timeout):
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await self.socket.recv())
                kind = reply.WhichOneof("type")
                if kind == "delta":
                    self._note(reply, run)
                elif kind == "new_session":
                    self.session_id = reply.new_session.initialize.session_id
                elif kind == "auth_redirect":
                    run.redirect = reply.auth_redirect.url
                elif kind == "script_finished":
                    run.status = ForwardMsg.ScriptFinishedStatus.Name(reply.script_finished)
                    if not (until_settled and run.status == "FINISHED_EARLY_FOR_RERUN"):
                        return run

    @staticmethod
    def _note(reply: ForwardMsg, run: Run) -> None:
        """Note in `run` what a delta draws (a subclass may note more)."""
        if reply.delta.WhichOneof("type") != "new_element":
            return
        element = reply.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.errors.append(f"exception: {element.exception.message[:120]}")
        elif kind == "alert":
            run.texts.append(element.alert.body)
            if element.alert.format == element.alert.ERROR:
                run.errors.append(f"error shown: {element.alert.body[:120]}")
        elif kind in ("markdown", "heading"):
            run.texts.append(getattr(element, kind).body)
        elif kind == "selectbox":
            run.widgets[element.selectbox.label] = (
                element.selectbox.id,
                list(element.selectbox.options),
            )
        elif kind in ("button", "file_uploader"):
            widget = getattr(element, kind)
            run.widgets[widget.label] = (widget.id, [])

    async def put(self, name: str, content: bytes, file_id: str | None = None) -> int:
        """PUT one file to the upload route as the upload box does: the HTTP status, or 0 when
        the server closed the connection before answering."""
        file_id = file_id or str(uuid4())
        try:
            answer = await self.http.put(
                f"/_stcore/upload_file/{self.session_id}/{file_id}",
                files={"file": (name, content, "application/octet-stream")},
                headers={
                    "X-Xsrftoken": self.cookies.get("_streamlit_xsrf", ""),
                    "Origin": self.base,
                    "Cookie": self.cookie_header(),
                },
            )
        except httpx.TransportError:
            return 0
        if answer.status_code == 204:
            self.files.append((file_id, name, len(content)))
        return answer.status_code

    async def upload(self, folder: Path) -> None:
        """Upload every file in `folder`, each of which must be taken."""
        for path in sorted(folder.iterdir()):
            status = await self.put(path.name, path.read_bytes())
            if status != 204:
                raise RuntimeError(f"the upload of {path.name} was refused ({status})")

    def uploaded(self, uploader: str) -> WidgetState:
        """The upload box `uploader` (its widget id) holding every file uploaded so far."""
        state = FileUploaderState()
        for file_id, name, size in self.files:
            info = state.uploaded_file_info.add()
            info.file_id, info.name, info.size = file_id, name, size
            info.file_urls.file_id = file_id
            info.file_urls.upload_url = f"/_stcore/upload_file/{self.session_id}/{file_id}"
            info.file_urls.delete_url = info.file_urls.upload_url
        widget = WidgetState(id=uploader)
        widget.file_uploader_state_value.CopyFrom(state)
        return widget

    async def sign_in(self, email: str) -> None:
        """The OpenID Connect redirect flow, as a browser makes it: open the sign-in page,
        press Sign in (Streamlit answers with its login route), follow /auth/login to the
        identity provider, submit its authorisation form for the user (`sub`), follow the
        redirect back to /oauth2callback (which sets the sign-in cookies), then open a new
        websocket with them, as the browser's reload does (`run` then draws the signed-in
        page). The provider must be oidc-provider-mock, or another whose authorisation page is
        a form taking `sub`, on this machine."""
        page = await self.open()
        button = page.widgets.get("Sign in")
        if button is None:
            raise SignInError("the dashboard did not show the sign-in page")
        pressed = await self.run([WidgetState(id=button[0], trigger_value=True)])
        if pressed.redirect is None:
            raise SignInError("pressing Sign in did not redirect to the login route")
        await self.socket.close()
        self.socket = None

        login = await self.get(urljoin(self.base + "/", pressed.redirect))
        authorize = _redirected(login, "the login route")
        if not is_loopback(authorize):
            raise SignInError(f"the identity provider is not on this machine: {authorize}")
        async with httpx.AsyncClient(timeout=self.timeout, verify=tls()) as provider:
            form = await provider.get(authorize)
            if form.status_code != 200 or 'method="post"' not in form.text:
                raise SignInError(f"no authorisation form at the provider ({form.status_code})")
            # The form posts back to its own address, with the chosen user as `sub`.
            chosen = await provider.post(authorize, data={"sub": email})
            callback = _redirected(chosen, "the provider's authorisation form")
        if urlparse(callback).netloc != urlparse(self.base).netloc:
            raise SignInError(
                f"the provider sends the browser to {callback.split('?')[0]}, not to "
                f"{self.base}: use the address of the redirect_uri in [auth]"
            )
        signed_in = await self.get(callback)
        if not 300 <= signed_in.status_code < 400 or "_streamlit_user" not in self.cookies:
            raise SignInError(f"the callback set no sign-in cookie ({signed_in.status_code})")
        await self.connect()

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(websockets.WebSocketException, OSError):
                await self.socket.close()
        await self.http.aclose()


def _redirected(answer: httpx.Response, step: str) -> str:
    if not 300 <= answer.status_code < 400 or "location" not in answer.headers:
        raise SignInError(f"{step} answered {answer.status_code}, not a redirect")
    return urljoin(str(answer.url), answer.headers["location"])


def _expired(attributes: str) -> bool:
    """Whether a Set-Cookie's attributes delete the cookie (Max-Age=0 or a past Expires)."""
    if match := re.search(r"max-age=(-?\d+)", attributes, flags=re.IGNORECASE):
        return int(match[1]) <= 0
    if match := re.search(r"expires=([^;]+)", attributes, flags=re.IGNORECASE):
        with contextlib.suppress(TypeError, ValueError):
            return parsedate_to_datetime(match[1].strip()) <= datetime.now(UTC)
    return False
