"""The multi-process deployment (scripts/serve.py): N Streamlit processes on one PostgreSQL
database behind nginx, supervised by supervisord, with sticky sessions, a health check,
migrations run once, every dashboard process listening on this machine only, a dead process
restarted while the others serve, and the proxy's security rules (headers, Secure cookies, a
Content-Security-Policy every page satisfies in Chromium, metrics refused, uploads bounded,
downloads refused without a sign-in cookie and kept out of the log). And the load test's
sign-in through a real OpenID Connect redirect flow.

Needs nginx (Debian's package) and a PostgreSQL database (TEST_DATABASE_URL); skipped, and
said so, without them; the Content-Security-Policy test also needs Chromium. CI installs
nginx and Chromium and has PostgreSQL, so they run there. Every wait polls a condition with a
generous deadline (the machine may be loaded); none is a fixed sleep.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

# scripts/ is on the test path (pyproject.toml): the load test and the deployment script.
from load_test import SIGNED_IN, level
from serve import NGINX, UPLOAD_BURST, UPLOAD_REQUEST_BYTES, streamlit_static_folder
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit_client import Run, Tab
from support.app import EVERYWHERE, give_access
from support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    auth_secrets,
    free_port,
    free_ports,
    prepare_demo_with_benchmarks,
    require_browser,
    settle,
)
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.config import PROJECT_ROOT
from data_access.core.db import schema_at_latest_revision
from data_access.ingest.importer import import_files

ROOT = PROJECT_ROOT

pytestmark = pytest.mark.postgresql

#: What the dashboard says when it holds real data and sign-in is not configured.
SETUP_REQUIRED = "error shown: Sign-in is required, and it has not been set up on this server yet."
LEADER = "lee.leader@council.example"
ADMIN = "ada.admin@council.example"
#: Who may sign in: e-mail -> (name, role); both see the whole organisation.
USERS = {LEADER: ("Lee Leader", "leader"), ADMIN: ("Ada Admin", "admin")}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_for(
    condition: Callable[[], object],
    seconds: float,
    what: str | Callable[[], str],
    every: float = 0.2,
):
    """Poll `condition` until it is true (returning its value) or `seconds` have passed;
    `what` names what was awaited (a function when it should be read at the failure)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"{what() if callable(what) else what}: not within {seconds:g} s")
        time.sleep(every)


def in_thread(function: Callable, *arguments, timeout: float = 300):
    """Run `function` in a thread of its own: the browser tests' Playwright may hold this
    thread's event loop, and asyncio.run and Playwright's sync API each want their own."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(function, *arguments).result(timeout=timeout)


@dataclass
class Deployment:
    base: str
    run: Path
    app_ports: tuple[int, int]
    serving: subprocess.Popen


@contextmanager
def serving(engine, tmp_path: Path, secrets: Path, proxy: int | None = None):
    """serve.py with two processes on the test's database, reading `secrets` (a file that
    need not exist: then sign-in is not configured, whatever this checkout's own secrets)."""
    proxy = proxy or free_port()
    first_app, second_app = free_ports(2, avoiding=frozenset({proxy}))
    run = tmp_path / "run"
    environment = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "WORKFORCE_COOKIE_SECRET": "test-cookie-secret",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "scripts/serve.py",
            "--processes=2",
            f"--port={proxy}",
            f"--first-app-port={first_app}",
            f"--run-dir={run}",
            f"--secrets={secrets}",
        ],
        cwd=ROOT,
        env=environment,
        stdout=(tmp_path / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{proxy}"
    ports = (first_app, second_app)

    def answering(url: str) -> bool:
        if process.poll() is not None:
            pytest.fail(f"serve.py stopped\n{startup_logs(tmp_path, run, ports)}")
        return answers(url)

    def failure(what: str) -> Callable[[], str]:
        return lambda: f"{what}\n{startup_logs(tmp_path, run, ports)}"

    try:
        wait_for(lambda: answering(f"{base}/healthz"), 180, failure("the deployment to start"))
        # /healthz answers as soon as one process does. Each test begins with both serving
        # and both in nginx's rotation: a process refusing connections while it started was
        # marked down for fail_timeout, and until then its browsers' route keys go to the
        # other (a test could take such a key for the other's).
        for port in ports:
            wait_for(
                lambda port=port: answering(f"http://127.0.0.1:{port}/_stcore/health"),
                180,
                failure(f"the process on port {port} to start"),
            )
        wait_for(
            lambda: in_rotation(base, run) == {f"127.0.0.1:{port}" for port in ports},
            60,
            "nginx to pass requests to both processes",
        )
        yield Deployment(base, run, ports, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=90)


def startup_logs(tmp_path: Path, run: Path, ports: tuple[int, ...]) -> str:
    """The ends of serve.py's, supervisord's and each dashboard process's logs."""
    parts = []
    logs = [tmp_path / "serve.log", run / "supervisord.log"]
    for log in logs + [run / f"app-{port}.log" for port in ports]:
        text = log.read_text(errors="replace")[-3000:] if log.exists() else "(none)"
        parts.append(f"--- {log.name}:\n{text}")
    return "\n".join(parts)


def require_deployment(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the deployment runs on PostgreSQL")
    if not Path(NGINX).exists():
        pytest.skip(f"nginx is not installed ({NGINX})")


@pytest.fixture
def deployment(engine, tmp_path) -> Iterator[Deployment]:
    """Two processes behind nginx on the small organisation, sign-in not configured."""
    require_deployment(engine)
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    with serving(engine, tmp_path, tmp_path / "no-secrets.toml") as running:
        yield running


@contextmanager
def signed_in_deployment(engine, tmp_path: Path, *, demo: bool = False):
    """Two processes behind nginx with sign-in through a local OpenID Connect provider
    (oidc-provider-mock, in this process), for the `USERS`. On the small organisation, or
    with `demo` the demo organisation with the benchmark files and census return (every page
    then has something to draw)."""
    require_deployment(engine)
    from oidc_provider_mock import User, run_server_in_thread

    if demo:
        prepare_demo_with_benchmarks(engine)
    else:
        assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    for email, (_name, role) in USERS.items():
        give_access(engine, email, role, EVERYWHERE)
    users = [
        User(sub=email, claims={"email": email, "email_verified": True, "name": name})
        for email, (name, _role) in USERS.items()
    ]
    with run_server_in_thread(user_claims=users) as provider:
        proxy = free_port()
        metadata = f"http://localhost:{provider.server_port}/.well-known/openid-configuration"
        secrets = auth_secrets(tmp_path, proxy, metadata)
        with serving(engine, tmp_path, secrets, proxy=proxy) as running:
            # The browser's address must be the redirect_uri's: the sign-in cookies are
            # bound to that origin.
            running.base = f"http://localhost:{proxy}"
            yield running


def log_size(run: Path) -> int:
    return len((run / "nginx-access.log").read_text())


def log_lines(run: Path, after: int = 0) -> list[str]:
    """nginx's access log from byte `after`."""
    return (run / "nginx-access.log").read_text()[after:].splitlines()


def logged(run: Path, after: int, containing: str, count: int = 1) -> list[str]:
    """The log lines from byte `after` that contain `containing`, once there are `count` of
    them (nginx writes a request's line as it finishes it, which may be just after the
    client has read the answer)."""

    def lines() -> list[str]:
        found = [line for line in log_lines(run, after) if containing in line]
        return found if len(found) >= count else []

    return wait_for(lines, 30, f"{count} log lines with {containing}", every=0.05)


def probe_routes(base: str, run: Path, prefix: str) -> int:
    """A health check through nginx for each of 40 route keys (`prefix`0 to `prefix`39), once
    nginx has logged them all: where in its log they begin."""
    started = log_size(run)
    for number in range(40):
        httpx.get(f"{base}/_stcore/health", headers={"Cookie": f"dashboard_route={prefix}{number}"})
    logged(run, started, f"route={prefix}39 ")
    return started


def in_rotation(base: str, run: Path) -> set[str]:
    """The processes nginx passed 40 route keys' requests to at the first try (a process
    marked down is not tried, so it is missing until it is back in the rotation)."""
    started = probe_routes(base, run, "ready")
    return {
        tried
        for route, tried in passed_on(run, started)
        if route.startswith("ready") and ", " not in tried
    }


def passed_on(run: Path, after: int = 0) -> list[tuple[str, str]]:
    """(route key, processes tried) for each request nginx passed on, from byte `after` of its
    log (the start-up's health checks come before). A request nginx passed on to a second
    process after the first failed names both, "first, second". A request nginx answered
    itself (Streamlit's own files) names none ("-") and is left out."""
    log = (run / "nginx-access.log").read_text()[after:]
    return re.findall(r"route=(\S+) upstream=(?!-$)(.+)$", log, flags=re.MULTILINE)


def upstreams(run: Path, after: int = 0) -> list[tuple[str, str]]:
    """(route key, process address) for each request nginx passed on (`passed_on`): the
    process that answered, the last one tried."""
    return [(route, tried.split(", ")[-1]) for route, tried in passed_on(run, after)]


def open_and_run(base: str, cookies: dict[str, str] | None = None) -> Run:
    """A new session through the proxy (with `cookies` to begin with): the Overview's run."""

    async def go() -> Run:
        session = Tab(base, timeout=90)
        session.cookies.update(cookies or {})
        try:
            return await session.open()
        finally:
            await session.close()

    return in_thread(asyncio.run, go())


# --- The deployment ----------------------------------------------------------------------


def test_serve_runs_processes_behind_nginx_with_sticky_sessions(deployment, engine):
    base, run, app_ports = deployment.base, deployment.run, deployment.app_ports
    # Migrations ran once, before the processes: the schema is at the latest revision, and
    # each process was told not to migrate.
    assert schema_at_latest_revision(engine)
    for port in app_ports:
        command = subprocess.run(
            ["pgrep", "-af", f"server.port={port}"], capture_output=True, text=True
        ).stdout
        assert "streamlit" in command and "--server.address=127.0.0.1" in command
        # The one upload limit is .streamlit/config.toml's, not a command-line override.
        assert "maxUploadSize" not in command

    started = log_size(run)
    # A browser keeps its route cookie, and every request it makes reaches the same process.
    # (The cookie is Secure, which httpx does not send over plain http: sent by hand.)
    with httpx.Client(base_url=base) as browser:
        first = browser.get("/")
        assert first.status_code == 200
        key = first.cookies["dashboard_route"]
        for _ in range(5):
            again = browser.get("/_stcore/health", headers={"Cookie": f"dashboard_route={key}"})
            assert again.status_code == 200
    logged(run, started, f"route={key} ", 6)
    served = {upstream for route, upstream in upstreams(run, started) if route == key}
    assert len(served) == 1

    # Browsers without the cookie are spread over both processes.
    mark = log_size(run)
    for _ in range(30):
        httpx.get(f"{base}/_stcore/health")
    logged(run, mark, "GET /_stcore/health", 30)
    assert {upstream for _, upstream in upstreams(run, started)} == {
        f"127.0.0.1:{port}" for port in app_ports
    }


def test_a_session_runs_the_dashboard_through_the_proxy(deployment):
    # The websocket works through nginx: the whole run comes back. (This database holds real
    # data and no sign-in is configured, so the dashboard rightly shows only how to set it up.)
    run = open_and_run(deployment.base)
    assert run.errors == [SETUP_REQUIRED]
    assert any(
        "registers the dashboard with the council's identity provider" in text for text in run.texts
    )


def processes_of(run: Path) -> str:
    """This deployment's supervisord and nginx, as pgrep lists them."""
    return subprocess.run(["pgrep", "-af", str(run)], capture_output=True, text=True).stdout.strip()


def test_stopping_serve_stops_every_process(deployment):
    base, run, app_ports, serving = (
        deployment.base,
        deployment.run,
        deployment.app_ports,
        deployment.serving,
    )
    assert "supervisord" in processes_of(run) and "nginx" in processes_of(run)
    serving.send_signal(signal.SIGTERM)
    assert serving.wait(timeout=90) == 0
    assert not answers(f"{base}/healthz")
    for port in app_ports:
        assert not answers(f"http://127.0.0.1:{port}/_stcore/health")
    assert processes_of(run) == ""


def pid_of(port: int) -> int | None:
    """The dashboard process serving `port`, if one is running."""
    found = subprocess.run(
        ["pgrep", "-f", f"streamlit run app.py .*--server.port={port}( |$)"],
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(found[0]) if found else None


def test_a_killed_process_is_restarted_while_the_other_serves(deployment):
    base, run = deployment.base, deployment.run
    victim, survivor = deployment.app_ports

    # A route key that the victim serves: a browser holding it is one of the victim's.
    started = probe_routes(base, run, "probe")
    keys = [route for route, upstream in upstreams(run, started) if upstream.endswith(f":{victim}")]
    assert keys, "no route key went to the first process"
    key = keys[0]

    def served_by_after_a_request() -> str:
        mark = log_size(run)
        httpx.get(f"{base}/_stcore/health", headers={"Cookie": f"dashboard_route={key}"})
        logged(run, mark, f"route={key} ")
        return [upstream for route, upstream in upstreams(run, mark) if route == key][-1]

    assert served_by_after_a_request() == f"127.0.0.1:{victim}"

    # The health check, every 0.1 s, from before the kill until the process is back.
    outcomes: list[object] = []
    stop = threading.Event()

    def poll_health() -> None:
        with httpx.Client(timeout=15) as client:
            while not stop.is_set():
                try:
                    outcomes.append(client.get(f"{base}/healthz").status_code)
                except httpx.HTTPError as error:
                    outcomes.append(repr(error))
                stop.wait(0.1)

    poller = threading.Thread(target=poll_health)
    poller.start()
    try:
        wait_for(lambda: len(outcomes) >= 5, 60, "the health check polls")
        killed = pid_of(victim)
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: not answers(f"http://127.0.0.1:{victim}/_stcore/health"), 30, "dead")
        mark = log_size(run)

        # A browser whose key picks the dead process opens a new session: nginx finds the
        # process refusing, marks it down and passes the page, the health check and the
        # websocket to the live one, and the whole run comes back.
        session = open_and_run(base, {"dashboard_route": key})
        assert session.errors == [SETUP_REQUIRED]
        (stream,) = logged(run, mark, f'/_stcore/stream HTTP/1.1" 101 route={key} ')
        assert stream.endswith(f"127.0.0.1:{survivor}"), log_lines(run, mark)

        # supervisord starts the process again, and it answers.
        wait_for(
            lambda: (
                pid_of(victim) not in (None, killed)
                and answers(f"http://127.0.0.1:{victim}/_stcore/health")
            ),
            180,
            "the killed process restarted",
            every=0.5,
        )
        # nginx tries it again once fail_timeout has passed, and its browsers return to it.
        wait_for(
            lambda: served_by_after_a_request() == f"127.0.0.1:{victim}",
            90,
            "the restarted process serving its browsers again",
            every=1,
        )
    finally:
        stop.set()
        poller.join(timeout=30)
    assert len(outcomes) > 20
    assert [outcome for outcome in outcomes if outcome != 200] == []
    assert "exited: app-" in (run / "supervisord.log").read_text()


# --- The proxy's security rules ----------------------------------------------------------


def assert_security_headers(answer: httpx.Response) -> None:
    headers = answer.headers
    where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
    assert headers.get("strict-transport-security", "").startswith("max-age=31536000"), where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    policy = headers.get("content-security-policy", "")
    for directive in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "connect-src 'self'",
    ):
        assert directive in policy, (where, directive, policy)
    # WebAssembly may be compiled ('wasm-unsafe-eval', see serve.py), JavaScript never.
    assert "'unsafe-eval'" not in policy and "*" not in policy, (where, policy)
    script = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "unsafe-inline" not in script, (where, script)
    # No version for a scanner to look up.
    assert headers.get("server") == "nginx", where


def test_the_proxy_sends_security_headers_and_secure_cookies(deployment):
    base = deployment.base
    with httpx.Client(base_url=base) as client:
        page = client.get("/")
        assert page.status_code == 200
        script = re.search(r'src="\./(static/js/[^"]+\.js)"', page.text)[1]
        answers_ = [
            page,
            client.get(f"/{script}"),
            client.get("/_stcore/health"),
            client.get("/healthz"),
            client.get("/_stcore/metrics"),
            client.get("/no/such/page"),
        ]
    for answer in answers_:
        assert_security_headers(answer)
    assert answers_[1].status_code == 200 and "javascript" in answers_[1].headers["content-type"]

    # Streamlit's XSRF cookie (set by the health check the page asks for first) and the
    # proxy's route cookie are Secure: a browser never sends them over plain http.
    cookies = answers_[2].headers.get_list("set-cookie")
    xsrf = [cookie for cookie in cookies if cookie.startswith("_streamlit_xsrf=")]
    route = [cookie for cookie in cookies if cookie.startswith("dashboard_route=")]
    assert xsrf and route, cookies
    for cookie in xsrf + route:
        assert "secure" in [part.strip().lower() for part in cookie.split(";")], cookie


def get_as_written(base: str, path: str) -> httpx.Response:
    """GET `path` from `base` exactly as written: no client-side normalising of dots or
    percent-escapes, so nginx sees what an attacker would send."""
    with httpx.Client() as client:
        request = client.build_request("GET", base + path)
        request.url = request.url.copy_with(raw_path=path.encode())
        return client.send(request)


def test_streamlits_own_files_come_from_nginx_gzipped_and_kept(deployment):
    base, run = deployment.base, deployment.run
    installed = streamlit_static_folder()
    with httpx.Client(base_url=base) as client:
        page = client.get("/")
        script = re.search(r'src="\./static/(js/[^"]+\.js)"', page.text)[1]
        font = next((installed / "media").glob("*.woff2")).relative_to(installed)
        mark = log_size(run)
        zipped = client.get(f"/static/{script}", headers={"Accept-Encoding": "gzip"})
        whole = client.get(f"/static/{script}", headers={"Accept-Encoding": "identity"})
        font_answer = client.get(f"/static/{font}", headers={"Accept-Encoding": "gzip"})
    original = (installed / script).read_bytes()
    # Gzipped for a browser that accepts it, fewer than half the bytes, the same script
    # once unzipped (httpx unzips it); whole for one that does not.
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(original) / 2
    assert zipped.content == original
    assert whole.status_code == 200 and "content-encoding" not in whole.headers
    assert whole.content == original
    # A font is compressed already: sent as it is.
    assert font_answer.status_code == 200 and "content-encoding" not in font_answer.headers
    assert font_answer.headers["content-type"] == "font/woff2"
    assert font_answer.content == (installed / font).read_bytes()
    for answer in (zipped, whole, font_answer):
        assert_security_headers(answer)
        assert answer.headers["cache-control"] == "public, immutable, max-age=31536000"
    assert zipped.headers["content-type"] == "application/javascript"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    # nginx answered all three itself: no dashboard process was asked.
    lines = logged(run, mark, "GET /static/", 3)
    assert all(line.endswith("upstream=-") for line in lines), lines

    # Nothing else in the run folder (the configuration, the logs, a half-made copy) is
    # reachable through /static/, by any spelling of a way out of it.
    (run / "static.new").mkdir(exist_ok=True)
    (run / "static.new" / "left.js").write_text("half-made")
    for path in (
        "/static/../nginx.conf",
        "/static/..%2fnginx.conf",
        "/static/%2e%2e/supervisord.conf",
        "/static/js/../../nginx.conf",
        "/static../nginx.conf",
        "/static/../static.new/left.js",
        "/static.new/left.js",
        "/static/../nginx-access.log",
    ):
        answer = get_as_written(base, path)
        for secret in ("worker_processes", "[supervisord]", "half-made", "upstream="):
            assert secret not in answer.text, (path, answer.status_code)


def test_streamlit_metrics_are_refused_through_the_proxy(deployment):
    base = deployment.base
    # The dashboard process does publish them, to this machine:
    direct = httpx.get(f"http://127.0.0.1:{deployment.app_ports[0]}/_stcore/metrics")
    assert direct.status_code == 200 and "session" in direct.text
    # From outside, by every spelling of the path nginx might be asked for:
    for path in (
        "/_stcore/metrics",
        "/_stcore/metrics?format=proto",
        "/_stcore/metrics/",
        "//_stcore/metrics",
        "/_stcore/%6detrics",
        "/_stcore/./metrics",
        "/static/../_stcore/metrics",
        "/_stcore/agent/openapi.json",
    ):
        answer = get_as_written(base, path)
        assert answer.status_code in (403, 404), (path, answer.status_code)
        assert "streamlit" not in answer.text.lower(), path


def test_uploads_too_large_or_too_fast_are_refused_by_nginx(deployment):
    base, run = deployment.base, deployment.run

    def upload_path() -> str:
        return f"/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}"

    # A data officer choosing 11 files at once: 11 PUTs together, none refused by nginx
    # (the dashboard itself answers them: these belong to no session).
    mark = log_size(run)
    with ThreadPoolExecutor(11) as pool:
        statuses = list(
            pool.map(
                lambda _: httpx.put(base + upload_path(), content=b"team_id\n", timeout=60),
                range(11),
            )
        )
    assert all(answer.status_code not in (413, 429, 503) for answer in statuses), statuses
    uploads = logged(run, mark, "/_stcore/upload_file/", 11)
    assert len(uploads) == 11 and not any(line.endswith("upstream=-") for line in uploads)

    # One byte over the largest file the import takes (with its multipart framing) is
    # refused by nginx before the dashboard sees any of it.
    mark = log_size(run)
    too_big = httpx.put(base + upload_path(), content=b"x" * (UPLOAD_REQUEST_BYTES + 1), timeout=60)
    assert too_big.status_code == 413
    (line,) = logged(run, mark, "/_stcore/upload_file/")
    assert '" 413 ' in line and line.endswith("upstream=-"), line
    # The largest acceptable one passes nginx (the dashboard answers it).
    mark = log_size(run)
    httpx.put(base + upload_path(), content=b"x" * UPLOAD_REQUEST_BYTES, timeout=60)
    (line,) = logged(run, mark, "/_stcore/upload_file/")
    assert not line.endswith("upstream=-"), line

    # A script pushing files as fast as it can is refused (429) once past the burst, and
    # those requests never reach the dashboard.
    mark = log_size(run)
    flood = [
        httpx.put(base + upload_path(), content=b"x").status_code for _ in range(3 * UPLOAD_BURST)
    ]
    assert 429 in flood, flood
    lines = logged(run, mark, "/_stcore/upload_file/", len(flood))
    refused = [line for line in lines if '" 429 ' in line]
    assert len(refused) == flood.count(429)
    assert all(line.endswith("upstream=-") for line in refused), refused


class DownloadingSession(Tab):
    """A session that also notes the download buttons a run draws and asks for their files."""

    downloads: list[str]

    @staticmethod
    def _note(reply: ForwardMsg, run: Run) -> None:
        Tab._note(reply, run)
        element = reply.delta.new_element
        if reply.delta.WhichOneof("type") == "new_element" and element.HasField("download_button"):
            button = element.download_button
            run.widgets[f"download:{button.id}"] = (button.url or button.deferred_file_id, [])

    async def file_url(self, deferred_file_id: str) -> str:
        """What the browser does on pressing a download button whose file is made on demand:
        ask the session for it, and get the file's /media/ address."""
        message = BackMsg()
        message.backend_operation_request.request_id = "download-1"
        message.backend_operation_request.session_id = self.session_id
        message.backend_operation_request.deferred_file.file_id = deferred_file_id
        await self.socket.send(message.SerializeToString())
        async with asyncio.timeout(self.timeout):
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await self.socket.recv())
                if reply.WhichOneof("type") == "backend_operation_response":
                    answer = reply.backend_operation_response
                    assert not answer.error_msg, answer.error_msg
                    return answer.deferred_file.url


def test_downloads_need_the_sign_in_cookie_and_stay_out_of_the_log(engine, tmp_path):
    with signed_in_deployment(engine, tmp_path) as deployment:
        base, run = deployment.base, deployment.run
        set_cookies: list[str] = []

        async def sign_in_and_download() -> tuple[dict[str, str], str, str]:
            session = DownloadingSession(base, timeout=90)

            async def note(answer: httpx.Response) -> None:
                set_cookies.extend(answer.headers.get_list("set-cookie"))

            session.http.event_hooks["response"].append(note)
            try:
                await session.sign_in(LEADER)
                overview = await session.run()
                assert any(SIGNED_IN in text for text in overview.texts), overview.texts
                download = next(
                    target
                    for label, (target, _) in overview.widgets.items()
                    if label.startswith("download:")
                )
                if not download.startswith("/media/"):
                    download = await session.file_url(download)
                favicon = await favicon_url(session)
                return dict(session.cookies), download, favicon
            finally:
                await session.close()

        cookies, download, favicon = in_thread(asyncio.run, sign_in_and_download())

        # Streamlit's sign-in cookies, its sign-in state and XSRF cookies came back Secure.
        names = {cookie.split("=")[0] for cookie in set_cookies}
        assert {"_streamlit_user", "_streamlit_user_tokens", "_streamlit_session"} <= names
        for cookie in set_cookies:
            if cookie.startswith("_streamlit_"):
                attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
                assert "secure" in attributes, cookie

        assert re.fullmatch(r"/media/[0-9a-f]+\.csv", download), download
        mark = log_size(run)
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        signed_in = httpx.get(base + download, headers={"Cookie": header})
        assert signed_in.status_code == 200 and signed_in.text.strip()
        # The same address without the sign-in cookie (every other cookie kept) is refused
        # by nginx, as is a bare request for it.
        without = "; ".join(
            f"{name}={value}"
            for name, value in cookies.items()
            if not name.startswith("_streamlit_user")
        )
        assert httpx.get(base + download, headers={"Cookie": without}).status_code == 403
        assert httpx.get(base + download).status_code == 403
        # The favicon, which the sign-in page shows before anyone has signed in, still loads
        # (from the process that made it: the browser has its route cookie, nothing else).
        assert re.fullmatch(r"/media/[0-9a-f]+\.png", favicon), favicon
        route = f"dashboard_route={cookies['dashboard_route']}"
        icon = httpx.get(base + favicon, headers={"Cookie": route})
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"

        # The access log says downloads happened, never which file. nginx writes a request's
        # line once it has answered it, so the test waits for the four lines to be written.
        def media_lines() -> list[str]:
            log = (run / "nginx-access.log").read_text()
            return [line for line in log[mark:].splitlines() if "/media/" in line]

        deadline = time.monotonic() + 10
        while len(media_lines()) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        log = (run / "nginx-access.log").read_text()
        file_id = download.removeprefix("/media/").removesuffix(".csv")
        assert file_id not in log and favicon not in log
        found = media_lines()
        assert len(found) == 4, found
        assert all('"GET /media/(not logged)" ' in line for line in found), found


async def favicon_url(session: Tab) -> str:
    """The favicon's address, as the page's configuration gives it to the browser."""
    message = BackMsg()
    state = message.rerun_script
    state.query_string = ""
    state.page_name = ""
    state.context_info.url = session.base + "/"
    await session.socket.send(message.SerializeToString())
    favicon = ""
    async with asyncio.timeout(session.timeout):
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await session.socket.recv())
            kind = reply.WhichOneof("type")
            if kind == "page_config_changed" and reply.page_config_changed.favicon:
                favicon = reply.page_config_changed.favicon
            elif kind == "script_finished":
                return favicon


#: Records every Content-Security-Policy violation in the page, from its first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:` +
        `${event.lineNumber} (${event.sample})`
    );
}, true);
"""


def browse_every_page(base: str, email: str) -> list[dict]:
    """In Chromium through the proxy: the sign-in page, signing in at the provider, then
    every page of the dashboard. For each: its Content-Security-Policy header, the violations
    and console CSP errors recorded, the requests to the dashboard that failed, and what it
    drew (title, charts)."""
    from playwright.sync_api import sync_playwright

    visits: list[dict] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(RECORD_VIOLATIONS)
            tab = context.new_page()
            tab.set_default_timeout(120_000)
            console: list[str] = []
            failed: list[str] = []
            loaded: list[str] = []
            tab.on(
                "console",
                lambda message: (
                    console.append(message.text)
                    if "Content Security Policy" in message.text or "Refused to" in message.text
                    else None
                ),
            )

            def note_response(response) -> None:
                if response.url.startswith(base):
                    path = response.url[len(base) :]
                    loaded.append(f"{response.status} {path}")
                    # Opened at /supervision, Streamlit's page first looks for its server
                    # under that path (/supervision/_stcore/health), as it would behind a
                    # base URL, and finds it at / next: those two misses are by design.
                    probe = re.fullmatch(r"/[a-z_]+/_stcore/(health|host-config)", path)
                    if response.status >= 400 and not (response.status == 404 and probe):
                        failed.append(f"{response.status} {response.url}")

            tab.on("response", note_response)
            tab.on(
                "requestfailed",
                lambda request: (
                    failed.append(f"{request.failure} {request.url}")
                    if request.url.startswith(base)
                    else None
                ),
            )

            def visit(name: str, response) -> None:
                visits.append(
                    {
                        "page": name,
                        "policy": response.headers.get("content-security-policy")
                        if response
                        else None,
                        "violations": tab.evaluate("window.__cspViolations || []"),
                        "console": list(console),
                        "failed": list(failed),
                        "loaded": list(loaded),
                        "title": tab.locator("h1").first.inner_text(),
                        # Charts drawn: Vega-Lite's (a canvas or an SVG in their embed) and
                        # the headline tiles' lines (SVG images, the Overview's only charts),
                        # an image counted once the browser has read its picture.
                        "charts": tab.locator(".vega-embed canvas, .vega-embed svg").count()
                        + tab.evaluate(
                            """[...document.querySelectorAll('[data-testid="stImage"] img')]
                            .filter((image) => image.complete && image.naturalWidth > 0)
                            .length"""
                        ),
                    }
                )
                console.clear()
                failed.clear()
                loaded.clear()

            response = tab.goto(base)
            settle(tab)
            visit("sign-in", response)

            tab.get_by_role("button", name="Sign in").click()
            tab.wait_for_url("**/oauth2/authorize**")
            tab.get_by_role("button", name=email, exact=True).click()
            tab.wait_for_url(f"{base}/**")
            settle(tab)
            console.clear()
            failed.clear()
            loaded.clear()

            for name, (path, _title, _charts, query) in PAGES.items():
                # The demo's "View as" does not apply once people sign in.
                query = "&".join(
                    part for part in query.split("&") if part and not part.startswith("view_as=")
                )
                response = tab.goto(f"{base}/{path}{'?' + query if query else ''}")
                settle(tab)
                # A chart's Table tab draws a data frame (its own canvas grid) when opened.
                tables = tab.get_by_role("tab", name="Table")
                if tables.count():
                    tables.first.click()
                    tab.locator('[role="tabpanel"] [data-testid="stDataFrame"]').first.wait_for()
                visit(name, response)
        finally:
            browser.close()
    return visits


def test_every_page_satisfies_the_content_security_policy_in_chromium(engine, tmp_path):
    require_browser()
    with signed_in_deployment(engine, tmp_path, demo=True) as deployment:
        visits = in_thread(browse_every_page, deployment.base, ADMIN, timeout=900)

    assert [visit["page"] for visit in visits] == ["sign-in", *PAGES]
    sign_in, *pages = visits
    assert sign_in["title"] == "Social work workforce dashboard"
    # The favicon (a /media/ file) loads on the sign-in page, before anyone has signed in.
    assert any(re.fullmatch(r"200 /media/[0-9a-f]+\.png", line) for line in sign_in["loaded"])
    for visit, (_path, title, charts, _query) in zip(pages, PAGES.values(), strict=True):
        # Each page drew itself, charts included, as the signed-in administrator.
        assert visit["title"] == title, visit
        if charts:
            assert visit["charts"] > 0, visit
    for visit in visits:
        assert "default-src 'self'" in (visit["policy"] or ""), visit
        assert visit["violations"] == [], visit
        assert visit["console"] == [], visit
        assert visit["failed"] == [], visit


# --- The load test, signed in --------------------------------------------------------------


def test_the_load_test_signs_in_through_the_identity_provider(engine, tmp_path):
    with signed_in_deployment(engine, tmp_path) as deployment:
        outcomes = in_thread(asyncio.run, level(deployment.base, 3, 120, [LEADER, ADMIN]))
    for outcome in outcomes:
        assert outcome.errors == [], outcome.errors
        assert outcome.sign_in is not None and outcome.filter_switch is not None
    # Each session saw the signed-in dashboard as its own user, not the sign-in page.
    seen = [" ".join(outcome.texts) for outcome in outcomes]
    assert "Signed in as **Lee Leader** (Leader)" in seen[0]
    assert "Signed in as **Ada Admin** (Administrator)" in seen[1]
    assert all("Sign in with your council account" not in text for text in seen)
