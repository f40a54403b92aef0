"""Serve the dashboard from several processes behind nginx, on one PostgreSQL database.

    DATABASE_URL=postgresql://... .venv/bin/python scripts/serve.py [--processes 2]
        [--port 8080] [--listen 127.0.0.1] [--first-app-port 8601] [--run-dir run]
        [--secrets .streamlit/secrets.toml] [--trusted-proxy ADDRESS ...]

One Streamlit process uses about one CPU core, so one process serves a few dozen people at
once; this starts N of them and puts nginx (Debian's package: `apt-get install nginx-light`)
in front. In order:

1. `python -m data_access init-db`, once: the schema is migrated here and only here (each
   process is started with WORKFORCE_MIGRATE_AT_START=0 and only checks the schema).
2. It writes, into --run-dir, nginx's configuration and supervisord's, and runs supervisord
   (the `supervisor` package, pinned in requirements.txt) in the foreground. supervisord
   starts and watches N processes `streamlit run app.py`, listening on 127.0.0.1 only (ports
   --first-app-port and up), all with the same cookie secret (from the secrets file's `[auth]
   cookie_secret` when there is one, else WORKFORCE_COOKIE_SECRET, else one made for this
   run), so that any process accepts the cookies another set; and nginx on --port.
3. nginx: sticky sessions by a cookie (a browser tab's websocket, its uploads and its
   downloads all reach the process that holds its session), websocket upgrades, a health
   check at `/healthz` that answers while any dashboard process does, and the security rules
   an IT health check looks for (see NGINX_CONF: Secure cookies, HSTS, a Content-Security-
   Policy the pages satisfy, no framing, no sniffing, Streamlit's metrics refused, uploads
   bounded in size and rate, download paths kept out of the access log and refused without a
   sign-in cookie when sign-in is configured). nginx serves Streamlit's own files (scripts,
   styles, fonts) itself, gzipped, from a copy it makes in --run-dir at each start.

**A process that dies is restarted; the others keep serving.** supervisord restarts a dead
dashboard process at once, and one that dies again within `startsecs` of starting is retried
after 1, 2, 3... seconds (its back-off) up to `startretries` times, then left stopped (FATAL,
in `run/supervisord.log`; `supervisorctl -c run/supervisord.conf start app-8601` retries it).
Meanwhile nginx's passive health checks mark the dead process down after one refused
connection (`max_fails`, `fail_timeout`) and pass its requests, the websocket's upgrade
included, to the next process (`proxy_next_upstream`), so a browser whose route cookie picks
the dead process carries on from a live one, and `/healthz` stays 200 while one answers.

Why supervisord: restarting with back-off, stopping a whole process group, rotating logs and
reporting state (`supervisorctl status`) are what a process supervisor is for, and a
hand-written loop gets the corners wrong (the loop this replaced stopped everything when one
process died). systemd units would do the same job but need root to install and systemd
running as PID 1, which this project's CI container and many council application hosts'
containers do not have; supervisord runs as the dashboard's own user from the virtual
environment, and a systemd unit (or any service manager) can still run serve.py itself.

It waits until every process and the proxy answer, prints the address, and stops them all on
Ctrl+C (or SIGTERM). TLS belongs at the proxy in production: see docs/deploy.md.
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import gzip
import hashlib
import importlib.util
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
import xmlrpc.client
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from data_access.ingest.reading import MAX_FILE_BYTES  # noqa: E402

NGINX = "/usr/sbin/nginx"
#: Room for one file's multipart framing on top of the file itself: the boundary lines and
#: the part's headers (the file name, at most a few hundred bytes even percent-encoded).
MULTIPART_ALLOWANCE = 16 * 1024
#: Each uploaded file is its own request (a PUT to /_stcore/upload_file/...), so this is the
#: largest request an upload can need: the import's per-file limit plus the framing.
UPLOAD_REQUEST_BYTES = MAX_FILE_BYTES + MULTIPART_ALLOWANCE
#: Uploads per client address: a sustained rate and a burst served at once. A data officer
#: choosing 8 to 11 files at once sends 8 to 11 PUTs within a second (and a DELETE for each
#: file they take off again, by hand, seconds apart); 16 at once and one a second after that
#: never refuses them, while a script pushing files in a loop is refused (429) after 16.
UPLOAD_RATE = "1r/s"
UPLOAD_BURST = 15
#: supervisord: a dashboard process must stay up this long to count as started; one that dies
#: sooner is retried after 1, 2, ... startretries seconds (the back-off), then given up on.
#: Streamlit takes 3 to 10 s to start here, so 10 s catches a process that fails at start.
START_SECONDS = 10
START_RETRIES = 8
#: A Unix socket's path must fit in 108 bytes (sun_path); supervisorctl talks to supervisord
#: through one in the run folder.
MAX_SOCKET_PATH = 100

NGINX_CONF = """\
# Written by scripts/serve.py; edit that script rather than this file.
{user}worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;

events {{ worker_connections 1024; }}

http {{
    # No nginx version in the Server header or error pages.
    server_tokens off;
    # Which process served each request, and for which route key: how stickiness is checked.
    log_format routed '$remote_addr [$time_local] "$request" $status '
                      'route=$route_key upstream=$upstream_addr';
    # /media/ paths hold the id of a file that may list workers' names (a Team page CSV):
    # their lines say a download happened, never which file, nor the query (its file name).
    log_format media '$remote_addr [$time_local] "$request_method /media/(not logged)" '
                     '$status route=$route_key upstream=$upstream_addr';
    access_log {run}/nginx-access.log routed;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    # Nothing but an upload sends a request body (the page talks over the websocket); the
    # upload location below allows one file's worth.
    client_max_body_size 64k;
{real_ip}
    # Uploads per client address (see UPLOAD_RATE in scripts/serve.py for the numbers).
    limit_req_zone $binary_remote_addr zone=uploads:1m rate={upload_rate};
    limit_req_status 429;

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
        # The consistent hash skips a process marked down and goes on round the ring, so a
        # dead process's browsers are spread over the live ones, and come back to it (and to
        # the same process every time) once it answers again.
        hash $route_key consistent;
{servers}
    }}

    server {{
        listen {listen}:{port};

        # Streamlit sets its sign-in cookies (_streamlit_user, _streamlit_user_tokens and
        # their _1, _2... chunks), its XSRF cookie and its sign-in state cookie
        # (_streamlit_session) without Secure: the proxy adds it, so a browser never sends
        # them over plain http. Browsers count only the name and value against a cookie's
        # 4096 bytes, so the added attribute cannot push a chunk over their limit.
        # (Browsers treat http://localhost as secure, so local use still works.)
        proxy_cookie_flags ~^_streamlit_user(_tokens)?(_[0-9]+)?$ secure;
        proxy_cookie_flags _streamlit_xsrf secure;
        proxy_cookie_flags _streamlit_session secure;
        # A process that refuses the connection or times out is tried no further for
        # fail_timeout (max_fails) and the request goes to the next one. On loopback a live
        # process accepts at once, so a short connect timeout finds a wedged one quickly.
        # Requests that a process has started answering are never replayed elsewhere.
        proxy_next_upstream error timeout;
        proxy_connect_timeout 2s;

        location = /healthz {{
            include {run}/security-headers.conf;
            proxy_pass http://dashboard/_stcore/health;
            proxy_next_upstream error timeout http_502 http_503 http_504;
            # A process that accepts but does not answer within this counts as failed.
            proxy_read_timeout 5s;
        }}

        # Streamlit's Prometheus metrics (sessions, memory) and its agent API (a client
        # driving the app over HTTP, and an MCP server; off in this app's configuration) are
        # for no one outside this machine. A prefix match: nginx matches the decoded, merged
        # path, so /_stcore/%6detrics or //_stcore/metrics/ are refused too.
        location ^~ /_stcore/metrics {{
            include {run}/security-headers.conf;
            return 404;
        }}
        location ^~ /_stcore/agent {{
            include {run}/security-headers.conf;
            return 404;
        }}

        # Each uploaded file is its own PUT (and its removal a DELETE) to this path.
        location ^~ /_stcore/upload_file/ {{
            include {run}/security-headers.conf;
            limit_req zone=uploads burst={upload_burst} nodelay;
            client_max_body_size {upload_bytes};
            include {run}/proxy.conf;
        }}

        # Streamlit's own files (its scripts, styles and fonts, about 5 MB on a first visit,
        # the same for everyone): served by nginx from the copy `static_files` made at start,
        # each compressible one beside its gzipped form. A first visit over a council's network
        # then moves about a third of the bytes, and the dashboard processes spend none of
        # their time on these requests (60 or so on a first visit, which competed with the
        # page's own run for the process's one interpreter). Every name carries a hash of the
        # file's content, so browsers keep them as long as Streamlit tells them to.
        location ^~ /static/ {{
            include {run}/security-headers.conf;
            alias {run}/static/;
            include {mime_types};
            default_type application/octet-stream;
            gzip_static on;
            gzip_vary on;
            add_header Cache-Control "{static_cache}" always;
        }}

        # Files Streamlit serves to a session: downloads (CSV files with workers' names on
        # the Team page, the board pack) and the favicon.
        location ^~ /media/ {{
            include {run}/security-headers.conf;
            access_log {run}/nginx-access.log media;
{media_rule}
            include {run}/proxy.conf;
        }}

        location / {{
            include {run}/security-headers.conf;
            include {run}/proxy.conf;
            # Secure like Streamlit's cookies; it only picks a process, so JavaScript has no
            # use for it (HttpOnly) and no other site may send it (SameSite).
            add_header Set-Cookie
                "dashboard_route=$route_key; Path=/; HttpOnly; Secure; SameSite=Lax" always;
        }}
    }}
}}
"""

#: Passing a request to the dashboard processes, shared by the locations that do.
PROXY_CONF = """\
# Written by scripts/serve.py.
proxy_pass http://dashboard;
proxy_http_version 1.1;
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
# A websocket stays open for as long as the tab does; an idle one is closed after an hour.
proxy_read_timeout 1h;
proxy_buffering off;
"""

#: With sign-in configured, a download needs the sign-in cookie. This only checks that one is
#: present (Streamlit checks its signature, and serves a file only to the session it was made
#: for): defence in depth, so a leaked file address alone gets nothing. The favicon is the one
#: file the sign-in page needs before anyone has signed in; the app serves no other image
#: (its charts are drawn in the browser) and names only ever leave as CSV files.
MEDIA_NEEDS_SIGN_IN = """\
            set $media_refused "";
            if ($cookie__streamlit_user = "") {
                set $media_refused "no-cookie";
            }
            if ($uri ~ "^/media/[0-9a-f]+\\.png$") {
                set $media_refused "";
            }
            if ($media_refused) {
                return 403;
            }"""


#: Debian's list of file types by extension (nginx-common, which nginx-light depends on).
MIME_TYPES = "/etc/nginx/mime.types"
#: What Streamlit itself sends with these files: their names change with their content.
STATIC_CACHE_CONTROL = "public, immutable, max-age=31536000"
#: Streamlit's files worth gzipping: text. Fonts (woff2) and images are compressed already.
COMPRESSIBLE = frozenset({".js", ".css", ".svg", ".json", ".map", ".txt", ".html"})


def streamlit_static_folder() -> Path:
    """The installed Streamlit's own files, which its server serves under /static/."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise SystemExit("Streamlit is not installed in this environment")
    return Path(spec.origin).parent / "static" / "static"


def static_files(run: Path, source: Path) -> Path:
    """A copy of `source` (Streamlit's files) in `run`/static for nginx, with each compressible
    file's gzipped form beside it (`name.js.gz`, for nginx's gzip_static); returns the copy.

    Made afresh at every start, in a folder of its own first and then put in place, so the
    copy always matches the Streamlit the processes run (its file names change with each
    version) and a start that fails half-way leaves no mixed folder behind. About a second
    for Streamlit 1.67's 25 MB."""
    target = run / "static"
    building = run / "static.new"
    shutil.rmtree(building, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        copy = building / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        content = path.read_bytes()
        copy.write_bytes(content)
        if path.suffix in COMPRESSIBLE:
            # mtime=0: the same bytes at every start.
            copy.with_name(copy.name + ".gz").write_bytes(
                gzip.compress(content, compresslevel=9, mtime=0)
            )
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return target


def content_security_policy() -> str:
    """The Content-Security-Policy every response carries: as tight as the pages allow,
    proven by tests/browser/test_deploy.py, which opens every page in Chromium through the proxy and
    finds no violation. Each relaxation of `default-src 'self'` says why."""
    directives = [
        # Everything from this server, nothing from anywhere else.
        "default-src 'self'",
        # Streamlit's page has one inline script (`window.prerenderReady = false`): it is
        # allowed by its hash, read from the installed Streamlit, not by 'unsafe-inline'.
        # No 'unsafe-eval': Streamlit draws Vega-Lite charts with Vega's expression
        # interpreter (no eval or new Function), which the browser test shows.
        # 'wasm-unsafe-eval' lets a page compile WebAssembly, and nothing else: the protobuf
        # decoder's 64-bit integers (long.js, in every page) compile a tiny module of their
        # own at load; blocked, the page works on the slower JavaScript path but every page
        # load reports a violation, which would drown any real one.
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(inline_script_hashes()),
        # Streamlit's components are styled by Emotion, which writes <style> elements at run
        # time, and elements carry style attributes (so do the app's print rules, st.html):
        # without 'unsafe-inline' the page is unstyled. Styles cannot run script.
        "style-src 'self' 'unsafe-inline'",
        # Streamlit's stylesheet carries one of its maths fonts (KaTeX_Size3) inline, as a
        # data: URL, and the browser loads it on every page.
        "font-src 'self' data:",
        # The headline tiles' trend lines are SVG images sent inline (st.image), and the
        # Access page's editable table of price caps (st.data_editor's grid) draws its column
        # and menu icons as inline data: images. An image cannot run script.
        "img-src 'self' data:",
        # 'self' covers the websocket (ws:/wss: to this host) in current browsers.
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        # Sign-in and sign-out leave for the identity provider by navigation (a redirect
        # from /auth/login), never by submitting a form, so forms stay on this server.
        "form-action 'self'",
    ]
    return "; ".join(directives)


def inline_script_hashes() -> list[str]:
    """'sha256-...' for each inline <script> in Streamlit's index.html, as served."""
    index = streamlit_static_folder().parent / "index.html"
    hashes = []
    for attributes, body in re.findall(
        r"<script([^>]*)>(.*?)</script>", index.read_text(encoding="utf-8"), flags=re.S
    ):
        if "src=" not in attributes:
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


def security_headers() -> str:
    """The headers every response from the proxy carries (nginx's add_header is not inherited
    by a location that sets its own, so each location includes this file)."""
    headers = {
        # Browsers that have reached the dashboard over https keep to https for a year
        # (ignored over plain http, as on a developer's machine).
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Content-Security-Policy": content_security_policy(),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # The address holds the scope (area, hub, team names): not for other sites.
        "Referrer-Policy": "same-origin",
    }
    lines = ["# Written by scripts/serve.py."]
    lines += [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def auth_configured(secrets_file: Path) -> bool:
    """True when the secrets file has an `[auth]` section (sign-in is configured)."""
    if not secrets_file.is_file():
        return False
    return "auth" in tomllib.loads(secrets_file.read_text())


def cookie_secret(secrets_file: Path) -> str:
    """The secret every process signs cookies with."""
    if secrets_file.is_file():
        configured = tomllib.loads(secrets_file.read_text()).get("auth", {}).get("cookie_secret")
        if configured:
            return configured
    return os.environ.get("WORKFORCE_COOKIE_SECRET") or secrets.token_urlsafe(32)


def nginx_config(
    run: Path,
    listen: str,
    port: int,
    app_ports: list[int],
    *,
    sign_in: bool = False,
    trusted_proxies: tuple[str, ...] = (),
) -> str:
    # One refused connection marks a process down for 10 s: on loopback a refusal means the
    # process is gone, and nginx tries it again with a live request after that.
    servers = "\n".join(
        f"        server 127.0.0.1:{app_port} max_fails=1 fail_timeout=10s;"
        for app_port in app_ports
    )
    real_ip = ""
    if trusted_proxies:
        # Behind the council's TLS proxy every request comes from that proxy: take the
        # browser's address from the X-Forwarded-For it adds, so the upload limit and the
        # logs are per browser, trusting the header only from the proxies named.
        real_ip = "\n".join(
            [f"    set_real_ip_from {address};" for address in trusted_proxies]
            + ["    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;"]
        )
    # Started by root, nginx would run its workers as `nobody`, who cannot write the request
    # bodies it buffers (uploads) into a run folder inside root's own folders: the workers
    # then run as root, as everything else here does (docs/deploy.md: run serve.py as the
    # dashboard's own account, and nginx's workers run as that account).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return NGINX_CONF.format(
        user=user,
        run=run,
        listen=listen,
        port=port,
        servers=servers,
        real_ip=real_ip,
        upload_rate=UPLOAD_RATE,
        upload_burst=UPLOAD_BURST,
        upload_bytes=UPLOAD_REQUEST_BYTES,
        media_rule=MEDIA_NEEDS_SIGN_IN if sign_in else "",
        mime_types=MIME_TYPES,
        static_cache=STATIC_CACHE_CONTROL,
    )


def _ini(value: object) -> str:
    """A value for supervisord's configuration, which expands %(name)s in every value."""
    return str(value).replace("%", "%%")


#: The operating system's certificate authorities, one file per certificate under its hash
#: (Debian's ca-certificates package; a council's IT adds its own authorities there), and the
#: same certificates in one file, which update-ca-certificates writes beside them.
SYSTEM_CERTIFICATES = Path("/etc/ssl/certs")
SYSTEM_BUNDLE = SYSTEM_CERTIFICATES / "ca-certificates.crt"


def trust_store(
    environment: Mapping[str, str],
    folder: Path = SYSTEM_CERTIFICATES,
    bundle: Path = SYSTEM_BUNDLE,
) -> dict[str, str]:
    """`environment` for the dashboard's processes, with the identity provider's certificate
    checked against the operating system's authorities looked up one by one as a connection
    needs them (`SSL_CERT_DIR`), rather than read whole from one file for every client that
    Authlib makes (httpx reads `SSL_CERT_FILE`, or certifi's bundle, each time: about 28 ms,
    several times a sign-in, on the event loop that every session of the process shares; a
    fifth of the servers' time with 50 people signing in at once, measured with py-spy under
    scripts/load_test.py).

    Only when it trusts the same authorities: `SSL_CERT_FILE` unset, or set to the system's
    bundle of the folder's certificates. A bundle of the administrator's own choosing is kept,
    as is `SSL_CERT_DIR` when already set, and nothing changes when the folder holds no
    hashed certificates (another operating system: httpx keeps certifi's bundle)."""
    chosen = dict(environment)
    own_file = chosen.get("SSL_CERT_FILE")
    if own_file and Path(own_file) != bundle:
        return chosen
    if not own_file and chosen.get("SSL_CERT_DIR"):
        return chosen
    hashed = re.compile(r"[0-9a-f]{8}\.[0-9]+")
    if not folder.is_dir() or not any(hashed.fullmatch(entry.name) for entry in folder.iterdir()):
        return chosen
    chosen.pop("SSL_CERT_FILE", None)
    chosen["SSL_CERT_DIR"] = str(folder)
    return chosen


def supervisord_config(
    run: Path, app_ports: list[int], secrets_file: Path, *, python: str = sys.executable
) -> str:
    """One program per dashboard process and one for nginx. The environment (the database
    address, the cookie secret) is not written here: supervisord passes its own environment,
    set by serve.py, to every program, so no secret lands in the run folder."""
    socket = run / "supervisor.sock"
    sections = [
        "; Written by scripts/serve.py; edit that script rather than this file.",
        "[supervisord]",
        # In the foreground, as serve.py's child; its own log, not the terminal.
        "nodaemon=true",
        "silent=true",
        f"logfile={_ini(run / 'supervisord.log')}",
        f"pidfile={_ini(run / 'supervisord.pid')}",
        f"childlogdir={_ini(run)}",
        "",
        # For `supervisorctl -c run/supervisord.conf status`; only this user may connect.
        "[unix_http_server]",
        f"file={_ini(socket)}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_ini(socket)}",
    ]
    for app_port in app_ports:
        command = [
            python,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address=127.0.0.1",
            f"--server.port={app_port}",
            "--server.headless=true",
            f"--secrets.files={secrets_file}",
            "--browser.gatherUsageStats=false",
        ]
        sections += [
            "",
            f"[program:app-{app_port}]",
            f"command={_ini(shlex.join(command))}",
            f"directory={_ini(ROOT)}",
            "priority=100",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            "stopwaitsecs=10",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_ini(run / f'app-{app_port}.log')}",
            "stdout_logfile_maxbytes=50MB",
            "stdout_logfile_backups=5",
        ]
    nginx = [NGINX, "-p", str(run), "-c", str(run / "nginx.conf")]
    sections += [
        "",
        "[program:nginx]",
        f"command={_ini(shlex.join(nginx))}",
        # After the dashboard processes; stopped before them, so no request meets a
        # stopping process.
        "priority=200",
        "autorestart=true",
        "startsecs=2",
        f"startretries={START_RETRIES}",
        # nginx's fast shutdown: open websockets would hold a graceful one (QUIT) for an hour.
        "stopsignal=TERM",
        "stopwaitsecs=10",
        "redirect_stderr=true",
        f"stdout_logfile={_ini(run / 'nginx.log')}",
        "stdout_logfile_maxbytes=10MB",
        "stdout_logfile_backups=2",
    ]
    return "\n".join(sections) + "\n"


def _die_with_parent() -> None:
    """In supervisord's process, before it starts: if serve.py itself is killed (SIGKILL,
    which it cannot catch), the kernel sends supervisord SIGTERM, and it stops everything."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def program_states(socket: Path) -> dict[str, str]:
    """Each supervised program's state (RUNNING, STARTING, BACKOFF, FATAL...), from
    supervisord over its socket; empty while it is not answering yet."""
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{socket}")
    try:
        proxy = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)
        return {info["name"]: info["statename"] for info in proxy.supervisor.getAllProcessInfo()}
    except (OSError, xmlrpc.client.Error):
        return {}
    finally:
        transport.close()


def wait_until_answering(
    url: str, seconds: float, supervisor: subprocess.Popen, socket: Path
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            raise SystemExit("supervisord stopped while starting: see the run folder's logs")
        given_up = [name for name, state in program_states(socket).items() if state == "FATAL"]
        if given_up:
            raise SystemExit(
                f"{', '.join(given_up)} would not start: see its log in the run folder"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:g} s")


class _Stop(Exception):
    """SIGTERM arrived."""


def _raise_stop(*_signal) -> None:
    raise _Stop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--listen", default="127.0.0.1", help="the proxy's address")
    parser.add_argument("--first-app-port", type=int, default=8601)
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run")
    parser.add_argument(
        "--secrets",
        type=Path,
        default=ROOT / ".streamlit" / "secrets.toml",
        help="the secrets file every process reads (sign-in is configured when it has [auth])",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        help="address of a proxy in front (such as the TLS one) whose X-Forwarded-For "
        "names the browser; may be given more than once",
    )
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
    socket = run / "supervisor.sock"
    if len(str(socket)) > MAX_SOCKET_PATH:
        raise SystemExit(f"--run-dir is too long a path for supervisord's socket: {socket}")
    secrets_file = args.secrets.resolve()
    sign_in = auth_configured(secrets_file)

    print("Migrating the database once (init-db)...", flush=True)
    subprocess.run([sys.executable, "-m", "data_access", "init-db"], cwd=ROOT, check=True)

    app_ports = [args.first_app_port + number for number in range(args.processes)]
    static_files(run, streamlit_static_folder())
    (run / "security-headers.conf").write_text(security_headers())
    (run / "proxy.conf").write_text(PROXY_CONF)
    (run / "nginx.conf").write_text(
        nginx_config(
            run,
            args.listen,
            args.port,
            app_ports,
            sign_in=sign_in,
            trusted_proxies=tuple(args.trusted_proxy),
        )
    )
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(run), "-c", str(run / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        raise SystemExit(f"nginx refused the configuration it was given:\n{check.stderr}")
    (run / "supervisord.conf").write_text(supervisord_config(run, app_ports, secrets_file))

    environment = {
        **trust_store(os.environ),
        "WORKFORCE_MIGRATE_AT_START": "0",
        # Each process reads the landing page's figures as it starts (ui/warm.py).
        "WORKFORCE_WARM_AT_START": "1",
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(secrets_file),
    }
    signal.signal(signal.SIGTERM, _raise_stop)
    supervisor = None
    try:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(run / "supervisord.conf")],
            cwd=ROOT,
            env=environment,
            # Its own session: Ctrl+C reaches serve.py, which stops supervisord in order.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        for app_port in app_ports:
            wait_until_answering(
                f"http://127.0.0.1:{app_port}/_stcore/health", 90, supervisor, socket
            )
        wait_until_answering(f"http://127.0.0.1:{args.port}/healthz", 30, supervisor, socket)
        print(
            f"Serving at http://{args.listen}:{args.port}/ from {args.processes} processes "
            f"(ports {', '.join(map(str, app_ports))}){' with sign-in' if sign_in else ''}; "
            f"health check /healthz; logs in {run}; "
            f"`supervisorctl -c {run / 'supervisord.conf'} status` shows each process. "
            "Ctrl+C stops everything.",
            flush=True,
        )
        supervisor.wait()
        raise SystemExit("supervisord stopped: see its log in the run folder")
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        # A second Ctrl+C or SIGTERM must not cut this short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # supervisord stops nginx first, then each dashboard process (SIGTERM, then SIGKILL
        # after stopwaitsecs), then itself.
        if supervisor is not None and supervisor.poll() is None:
            supervisor.terminate()
            try:
                supervisor.wait(timeout=60)
            except subprocess.TimeoutExpired:
                supervisor.kill()


if __name__ == "__main__":
    main()
