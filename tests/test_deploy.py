"""The multi-process deployment (scripts/serve.py): N Streamlit processes on one PostgreSQL
database behind nginx, with sticky sessions, a health check, migrations run once, and every
dashboard process listening on this machine only.

Needs nginx (Debian's package) and a PostgreSQL database (TEST_DATABASE_URL); skipped, and
said so, without them. CI installs nginx and has PostgreSQL, so it runs there.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import SMALL_ORG, read_folder_bytes

from data_access.core.db import schema_at_latest_revision
from data_access.ingest.importer import import_files

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from load_test import Session  # noqa: E402
from serve import NGINX  # noqa: E402

pytestmark = pytest.mark.postgresql


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture
def deployment(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("the deployment runs on PostgreSQL")
    if not Path(NGINX).exists():
        pytest.skip(f"nginx is not installed ({NGINX})")
    # The same database the test holds, with an organisation in it.
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    proxy, first_app = free_port(), free_port()
    while first_app + 1 == proxy:
        first_app = free_port()
    run = tmp_path / "run"
    environment = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "WORKFORCE_COOKIE_SECRET": "test-cookie-secret",
    }
    serving = subprocess.Popen(
        [
            sys.executable,
            "scripts/serve.py",
            "--processes=2",
            f"--port={proxy}",
            f"--first-app-port={first_app}",
            f"--run-dir={run}",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{proxy}"
    deadline = time.monotonic() + 120
    while not answers(f"{base}/healthz"):
        assert serving.poll() is None, serving.stdout.read()
        assert time.monotonic() < deadline, "the deployment did not start"
        time.sleep(0.5)
    yield base, run, (first_app, first_app + 1), serving
    if serving.poll() is None:
        serving.send_signal(signal.SIGTERM)
        serving.wait(timeout=30)


def upstreams(run: Path, after: int = 0) -> list[tuple[str, str]]:
    """(route key, process address) for each request nginx passed on, from byte `after` of
    its log (the start-up's health checks come before)."""
    log = (run / "nginx-access.log").read_text()[after:]
    return re.findall(r"route=(\S+) upstream=(\S+)$", log, flags=re.MULTILINE)


def test_serve_runs_processes_behind_nginx_with_sticky_sessions(deployment, engine):
    base, run, app_ports, serving = deployment
    # Migrations ran once, before the processes: the schema is at the latest revision, and
    # each process was told not to migrate.
    assert schema_at_latest_revision(engine)
    for port in app_ports:
        command = subprocess.run(
            ["pgrep", "-af", f"server.port={port}"], capture_output=True, text=True
        ).stdout
        assert "streamlit" in command and "--server.address=127.0.0.1" in command

    started = len((run / "nginx-access.log").read_text())
    # A browser keeps its route cookie, and every request it makes reaches the same process.
    with httpx.Client(base_url=base) as browser:
        first = browser.get("/")
        assert first.status_code == 200
        key = browser.cookies["dashboard_route"]
        for _ in range(5):
            assert browser.get("/_stcore/health").status_code == 200
    served = {upstream for route, upstream in upstreams(run, started) if route == key}
    assert len(served) == 1

    # Browsers without the cookie are spread over both processes.
    for _ in range(30):
        httpx.get(f"{base}/_stcore/health")
    assert {upstream for _, upstream in upstreams(run, started)} == {
        f"127.0.0.1:{port}" for port in app_ports
    }


def test_a_session_runs_the_dashboard_through_the_proxy(deployment):
    base, _run, _ports, _serving = deployment

    async def open_dashboard():
        session = Session(base, timeout=60)
        try:
            await session.open()
            return await session.run()
        finally:
            await session.close()

    # The websocket works through nginx: the whole run comes back. (This database holds real
    # data and no sign-in is configured, so the dashboard rightly shows only how to set it up.)
    # In a thread of its own: the browser tests' Playwright may hold this thread's loop.
    with ThreadPoolExecutor(1) as thread:
        run = thread.submit(asyncio.run, open_dashboard()).result(timeout=120)
    assert run.errors == [
        "error shown: Sign-in is required, and it has not been set up on this server yet."
    ]
    assert any(
        "registers the dashboard with the council's identity provider" in text for text in run.texts
    )


def test_stopping_serve_stops_every_process(deployment):
    base, _run, app_ports, serving = deployment
    serving.send_signal(signal.SIGTERM)
    assert serving.wait(timeout=30) == 0
    assert not answers(f"{base}/healthz")
    for port in app_ports:
        assert not answers(f"http://127.0.0.1:{port}/_stcore/health")
