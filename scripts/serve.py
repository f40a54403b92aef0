"""Serve the dashboard from several processes behind nginx, on one PostgreSQL database.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/serve.py [--processes 2]
        [--port 8080] [--first-app-port 8601] [--run-dir run]

One Streamlit process uses about one CPU core, so one process serves a few dozen people at
once; this starts N of them and puts nginx (Debian's package: `apt-get install nginx-light`)
in front. In order:

1. `python -m data_access init-db`, once: the schema is migrated here and only here (each
   process is started with WORKFORCE_MIGRATE_AT_START=0 and only checks the schema).
2. N processes `streamlit run app.py`, listening on 127.0.0.1 only (ports --first-app-port
   and up), with the same cookie secret (from `.streamlit/secrets.toml` `[auth]
   cookie_secret` when there is one, else WORKFORCE_COOKIE_SECRET, else one made for this
   run), so that any process accepts the cookies another set.
3. nginx on --port (127.0.0.1 unless --listen says otherwise), its configuration written to
   --run-dir: sticky sessions by a cookie (a browser tab's websocket, its uploads and its
   downloads all reach the process that holds its session), websocket upgrades, uploads up to
   the import limit, and a health check at `/healthz` that answers only when a dashboard
   process does.

It waits until every process and the proxy answer, prints the address, and stops them all on
Ctrl+C (or SIGTERM). TLS belongs at the proxy in production: see docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
#: The largest upload nginx passes on, in MB: the web import's limit for all files together
#: (data_access/ingest/reading.py MAX_TOTAL_BYTES) with room for the form's own bytes.
UPLOAD_LIMIT_MB = 61

NGINX_CONF = """\
# Written by scripts/serve.py; edit that script rather than this file.
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;

events {{ worker_connections 1024; }}

http {{
    # Which process served each request, and for which route key: how stickiness is checked.
    log_format routed '$remote_addr [$time_local] "$request" $status '
                      'route=$route_key upstream=$upstream_addr';
    access_log {run}/nginx-access.log routed;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size {upload_mb}m;

    # Sticky sessions: a browser keeps the key it was given on its first request, and the
    # key picks the process. A first request, with no key yet, is placed by a new random one.
    map $cookie_dashboard_route $route_key {{
        ""      $request_id;
        default $cookie_dashboard_route;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}

    upstream dashboard {{
        hash $route_key consistent;
{servers}
    }}

    server {{
        listen {listen}:{port};

        location = /healthz {{
            proxy_pass http://dashboard/_stcore/health;
            proxy_next_upstream error timeout http_502 http_503;
        }}

        location / {{
            proxy_pass http://dashboard;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_buffering off;
            add_header Set-Cookie
                "dashboard_route=$route_key; Path=/; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


def cookie_secret() -> str:
    """The secret every process signs cookies with."""
    secrets_file = ROOT / ".streamlit" / "secrets.toml"
    if secrets_file.is_file():
        configured = tomllib.loads(secrets_file.read_text()).get("auth", {}).get("cookie_secret")
        if configured:
            return configured
    return os.environ.get("WORKFORCE_COOKIE_SECRET") or secrets.token_urlsafe(32)


def nginx_config(run: Path, listen: str, port: int, app_ports: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{app_port};" for app_port in app_ports)
    return NGINX_CONF.format(
        run=run, listen=listen, port=port, servers=servers, upload_mb=UPLOAD_LIMIT_MB
    )


def wait_until_answering(url: str, seconds: float, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise SystemExit("a process stopped while starting: see the logs in the run folder")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--listen", default="127.0.0.1", help="the proxy's address")
    parser.add_argument("--first-app-port", type=int, default=8601)
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres")):
        raise SystemExit(
            "serve.py runs several processes on one database: set DATABASE_URL to a "
            "PostgreSQL database (the embedded SQLite file is for one process)"
        )
    if not Path(NGINX).exists():
        raise SystemExit(f"nginx is not installed ({NGINX}): apt-get install nginx-light")
    run = args.run_dir.resolve()
    run.mkdir(parents=True, exist_ok=True)

    print("Migrating the database once (init-db)...", flush=True)
    subprocess.run([sys.executable, "-m", "data_access", "init-db"], cwd=ROOT, check=True)

    environment = {
        **os.environ,
        "WORKFORCE_MIGRATE_AT_START": "0",
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(),
    }
    app_ports = [args.first_app_port + number for number in range(args.processes)]
    processes: list[subprocess.Popen] = []

    def stop(*_signal) -> None:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        for app_port in app_ports:
            log = (run / f"app-{app_port}.log").open("ab")
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        "app.py",
                        "--server.address=127.0.0.1",
                        f"--server.port={app_port}",
                        "--server.headless=true",
                        f"--server.maxUploadSize={UPLOAD_LIMIT_MB}",
                        "--browser.gatherUsageStats=false",
                    ],
                    cwd=ROOT,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        (run / "nginx.conf").write_text(nginx_config(run, args.listen, args.port, app_ports))
        processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(run), "-c", str(run / "nginx.conf")],
                stdout=(run / "nginx.log").open("ab"),
                stderr=subprocess.STDOUT,
            )
        )
        for app_port in app_ports:
            wait_until_answering(f"http://127.0.0.1:{app_port}/_stcore/health", 60, processes)
        wait_until_answering(f"http://127.0.0.1:{args.port}/healthz", 30, processes)
        print(
            f"Serving at http://{args.listen}:{args.port}/ from {args.processes} processes "
            f"(ports {', '.join(map(str, app_ports))}); health check /healthz; logs in {run}. "
            "Ctrl+C stops everything.",
            flush=True,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print("a process stopped; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop()


if __name__ == "__main__":
    main()
