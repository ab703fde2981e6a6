"""Benchmark: the web layer under load (issue 17) — gunicorn beside a static copy of the same pages, wrk on loopback.

    python -m bench web [-- --duration 5 --rounds 3 --user town1 --healthz /healthz]

What it does, in order (every server it starts is stopped at the end, also on an error or Ctrl-C):

1. Database: PostgreSQL only, its own: ``--database-url`` when given, else
   ``postgres://postgres@127.0.0.1:5432/jisheng_bench_web`` (never ``DATABASE_URL``, which may name a real
   database); created when missing, then ``jisheng migrate``,
   ``jisheng bootstrap``, ``jisheng demo --if-empty`` (the demo municipality, as ``make run`` builds it) and
   ``jisheng collectstatic`` (production settings keep a manifest of static files), each as a subprocess under the
   same environment as the server, then ``ANALYZE`` (every run, ``--no-prepare`` too: planner statistics as
   autovacuum keeps them on a production server). Files the application writes go to ``var/bench-web/``
   (``JISHENG_VAR_DIR``).
2. The application: gunicorn, ``config.wsgi`` with ``config.settings.production`` (a random ``DJANGO_SECRET_KEY``
   per run, ``DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost``, ``JISHENG_DEMO_ACCOUNTS=1`` so a demo account may sign in),
   2 sync workers on a free loopback port. Production redirects plain HTTP to HTTPS and trusts
   ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``), so every request — the sign-in and wrk's — sends
   ``X-Forwarded-Proto: https``, as the HTTPS reverse proxy of docs/deploy.md does; no setting is weakened.
3. The staff session: the demo account ``--user`` (default ``town2``, the officer of a town that holds demo cases)
   signs in through the real sign-in form (``/accounts/login/``, CSRF token and all); when the account has a
   confirmed authenticator (``admin`` does), the current TOTP code is read with ``jisheng otp_code`` (demo accounts
   only) and posted to the code prompt.
   The cookies that result (session and CSRF, as a browser keeps them) are sent by wrk for the signed-in pages.
4. The pages: portal home, self-check (its first step, and ``?all=1``: the whole questionnaire on one page, 28
   fields), the first published leaflet linked from the leaflet list, the eligibility
   API (POST, the facts of the first eligible case of jisheng/licensing/tests/cases/birth_approval.yaml), the
   workbench, the person list, the first person linked from it, the first case linked from the case list, and the
   trivial endpoint ``--healthz`` (default ``/healthz``; when it answers 404, ``--healthz-fallback``, default
   ``/api/v1/``, is measured instead and the result says so) anonymous and signed in.
5. The static copy: the exact body bytes gunicorn answered for each URL, written to a temporary directory and
   served by nginx (2 worker processes, no access log) when ``nginx`` is installed (``scripts/system-deps bench``),
   else (or with ``--static-server python``) by Python's ``http.server.ThreadingHTTPServer`` (HTTP/1.1) in a
   subprocess; the result's ``baseline`` text says which. The API's static copy is fetched with GET (a file server
   does not take POST).
6. Load: ``wrk -t2 -c8 -d5s --latency`` per URL, with a Lua script that sets the method, body and headers and
   prints req/s, p50, p95 and p99 from its ``done`` hook; ``--rounds`` (3) interleaved rounds (app, static, app,
   static …, page by page), preceded by one unmeasured warm-up run per application URL; each figure is the median
   of the rounds. Answers other than 2xx/3xx, and socket errors, are counted and reported (``errors`` in the result).

Results (``bench/results/web.json``), per page: ``<page>_rps`` (value: application req/s; baseline: static req/s;
ratio application/static), ``<page>_p95_ms`` and ``<page>_p99_ms`` (baseline: the static copy's); plus
``healthz_signed_in_vs_anonymous`` (anonymous req/s ÷ signed-in req/s; baseline: the issue's 1.5× target; ratio
below 1 meets it). Each result also carries the machine's load average at the start (``loadavg``): figures from a
busy machine say so. The person page writes an audit event per view, so its figures depend on how often it was
viewed before (the database is kept between runs).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import yaml

from bench.common import result

NAME = "web"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jisheng_bench_web"
HOST = "127.0.0.1"
CASES_YAML = ROOT / "jisheng" / "licensing" / "tests" / "cases" / "birth_approval.yaml"
#: The issue's targets (issue 17, "Done when"), printed beside the figures.
PUBLIC_RPS_TARGET = 500.0
PUBLIC_P99_TARGET_MS = 100.0
STAFF_P95_TARGET_MS = 100.0
HEALTHZ_SLOWDOWN_TARGET = 1.5


@dataclass
class Page:
    """One URL under load: ``kind`` is public, api, staff or trivial."""

    name: str
    path: str
    kind: str
    method: str = "GET"
    body: bytes = b""
    content_type: str = ""
    signed_in: bool = False
    served: bytes = b""  # the body gunicorn answered (the static copy)
    note: str = ""
    app: list[dict[str, float]] = field(default_factory=list)
    static: list[dict[str, float]] = field(default_factory=list)

    @property
    def static_name(self) -> str:
        return f"{self.name}.json" if self.kind == "api" else f"{self.name}.html"


# --- processes ------------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _process(cmd: list[str], *, env: dict[str, str] | None = None, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` in its own process group (output to ``log``); on leaving, stop the whole group (TERM, then
    KILL after 10 s)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,  # noqa: S603
                                start_new_session=True)
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], port: int, path: str, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the server stopped (exit {proc.returncode}):\n{tail}")
        try:
            status, _, _ = _request(port, "GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not answer within {timeout:.0f} s")


def _jisheng(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "jisheng", *args], env=env, cwd=ROOT, check=False,  # noqa: S603
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"jisheng {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


# --- database -------------------------------------------------------------------------------------------------------

def _database_url(option: str | None) -> str:
    """The benchmark's own database: ``option`` (PostgreSQL only, else ``SystemExit``) or the default bench database.

    ``DATABASE_URL`` is never read: the benchmark migrates, loads demo data and enables the demo accounts, which must
    not happen to whatever database the environment points at.
    """
    if option is None:
        return DEFAULT_DATABASE_URL
    if not option.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"bench web: --database-url must name a PostgreSQL database, not {option.split(':', 1)[0]}")
    return option


def _create_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {"dbname": "postgres", "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None,
              "host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(cfg["NAME"]))))


def _prepare(env: dict[str, str], persons: int) -> None:
    for step in (["migrate", "--no-input"], ["bootstrap"], ["demo", "--if-empty", "--persons", str(persons)],
                 ["collectstatic", "--no-input", "-v", "0"]):
        start = time.perf_counter()
        _jisheng(env, *step)
        print(f"  jisheng {step[0]}: {time.perf_counter() - start:.1f} s", flush=True)


def _analyze(url: str) -> None:
    """``ANALYZE`` the benchmark's database: planner statistics as a server with autovacuum (PostgreSQL's default)
    keeps them. Without them — a server with autovacuum off, or a database filled moments ago — the planner guesses a
    handful of rows per town and scans and sorts a whole town for the person list's first page."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    params = {"dbname": cfg["NAME"], "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None,
              "host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None}
    start = time.perf_counter()
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute("ANALYZE")
    print(f"  ANALYZE: {time.perf_counter() - start:.1f} s", flush=True)


# --- HTTP (sign-in and page discovery) ------------------------------------------------------------------------------

def _request(port: int, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
             ) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers={"X-Forwarded-Proto": "https", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


class Browser:
    """A minimal cookie-keeping client for the sign-in (HTTPS as the reverse proxy reports it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method: str, path: str, *, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        headers = {"Cookie": self.cookie_header} if self.cookies else {}
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            origin = f"https://{HOST}:{self.port}"
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                            "Referer": origin + path})
        status, msg, data = _request(self.port, method, path, body=body, headers=headers)
        for raw in msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return status, msg.get("Location", ""), data

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        status, _, page = self.send("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path} answered {status} without a sign-in form")
        status, location, _ = self.send("POST", path, form={"csrfmiddlewaretoken": match.group(1).decode(), **fields})
        return status, location


def _sign_in(port: int, env: dict[str, str], username: str, password: str) -> tuple[str, str]:
    """Sign ``username`` in through the sign-in form (and the TOTP prompt when asked); return (cookie header,
    how)."""
    browser = Browser(port)
    status, location = browser.post_form("/accounts/login/", {"username": username, "password": password})
    if status != 302 or "/accounts/login/" in location:
        raise RuntimeError(f"signing in as {username} failed (answer {status}); is it a demo account?")
    how = f"demo account {username} signed in through /accounts/login/ (password)"
    status, location, _ = browser.send("GET", "/")
    if status == 302 and "/accounts/otp/verify/" in location:
        code = _jisheng(env, "otp_code", username).strip()
        status, location = browser.post_form("/accounts/otp/verify/", {"token": code})
        if status != 302:
            raise RuntimeError(f"the TOTP code for {username} was refused (answer {status})")
        how += " and /accounts/otp/verify/ (TOTP code from the device's key, `jisheng otp_code`)"
        status, location, _ = browser.send("GET", "/")
    if status != 200:
        raise RuntimeError(f"the workbench answered {status} {location} to the signed-in {username}")
    return browser.cookie_header, how  # all its cookies, as a browser sends them (the CSRF cookie too)


def _first_link(port: int, path: str, pattern: str, cookie: str = "", exclude: tuple[str, ...] = ()) -> str:
    status, _, page = _request(port, "GET", path, headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    for match in re.finditer(pattern, page.decode("utf-8", "replace")):
        link = match.group(1)
        if link not in exclude and not any(link.endswith(e) for e in exclude):
            return link
    raise RuntimeError(f"no link matching {pattern} on {path} (is the demo data loaded? does --user see any?)")


def _eligibility_case() -> tuple[str, bytes]:
    cases = yaml.safe_load(CASES_YAML.read_text(encoding="utf-8"))["cases"]
    case = next((c for c in cases if c.get("expect", {}).get("eligible") is True), cases[0])
    query = f"?as_of={case['as_of']}" if case.get("as_of") else ""
    return query, json.dumps(case["facts"], ensure_ascii=False, default=str).encode()


def _pages(port: int, cookie: str, healthz: str, fallback: str) -> list[Page]:
    """The pages of the benchmark, their URLs found the way a visitor finds them (links on list pages)."""
    leaflet = _first_link(port, "/portal/leaflets/", r'href="(/portal/leaflets/[\w-]+/[\w-]+/)"')
    person = _first_link(port, "/registry/", r'href="(/registry/persons/\d+/)"', cookie)
    case = _first_link(port, "/cases/", r'href="(/cases/[^"/?#]+/)"', cookie,
                       exclude=("/cases/export/", "/cases/review-report/"))
    query, facts = _eligibility_case()
    note = ""
    status, _, _ = _request(port, "GET", healthz)
    if status == 404:
        note = f"{healthz} answered 404; measured {fallback} instead"
        healthz = fallback
    return [
        Page("portal_home", "/portal/", "public"),
        Page("self_check", "/portal/self-check/", "public"),
        Page("self_check_all", "/portal/self-check/?all=1", "public"),
        Page("leaflet", leaflet, "public"),
        Page("eligibility_api", "/api/v1/eligibility/birth-approval" + query, "api", method="POST", body=facts,
             content_type="application/json"),
        Page("workbench", "/", "staff", signed_in=True),
        Page("person_list", "/registry/", "staff", signed_in=True),
        Page("person_page", person, "staff", signed_in=True),
        Page("case_page", case, "staff", signed_in=True),
        Page("healthz_anonymous", healthz, "trivial", note=note),
        Page("healthz_signed_in", healthz, "trivial", signed_in=True, note=note),
    ]


# --- static copy ----------------------------------------------------------------------------------------------------

_NGINX_CONF = """worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-temp/body;
    proxy_temp_path {tmp}/nginx-temp/proxy;
    fastcgi_temp_path {tmp}/nginx-temp/fastcgi;
    uwsgi_temp_path {tmp}/nginx-temp/uwsgi;
    scgi_temp_path {tmp}/nginx-temp/scgi;
    types {{ text/html html; application/json json; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 1000000;
    server {{
        listen {host}:{port};
        root {site};
    }}
}}
"""

_PY_SERVER = """
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""


def _static_server(tmp: Path, site: Path, port: int, choice: str) -> tuple[list[str], str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if choice == "nginx" and nginx is None:
        raise SystemExit("bench web: nginx is not installed (scripts/system-deps bench)")
    if nginx and choice != "python":
        (tmp / "nginx-temp").mkdir()
        conf = tmp / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(tmp=tmp, site=site, host=HOST, port=port))
        return [nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(conf)], \
            "nginx (2 worker processes)"
    why = "nginx is not installed: scripts/system-deps bench" if nginx is None else "--static-server python"
    return [sys.executable, "-c", _PY_SERVER, str(port), str(site)], \
        f"Python http.server.ThreadingHTTPServer, HTTP/1.1 ({why})"


# --- load -----------------------------------------------------------------------------------------------------------

_LUA_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


def _lua_string(data: bytes) -> str:
    return '"' + "".join(f"\\{b}" for b in data) + '"'  # decimal escapes: any byte, no quoting questions


def _lua_script(tmp: Path, name: str, *, method: str, body: bytes, headers: dict[str, str]) -> Path:
    lines = [f"wrk.method = {_lua_string(method.encode())}"]
    if body:
        lines.append(f"wrk.body = {_lua_string(body)}")
    lines += [f"wrk.headers[{_lua_string(k.encode())}] = {_lua_string(v.encode())}" for k, v in headers.items()]
    path = tmp / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n" + _LUA_DONE)
    return path


def _wrk(url: str, script: Path, args: argparse.Namespace, duration: int, *, warmup: bool = False
         ) -> dict[str, float]:
    """Load ``url`` for ``duration`` seconds; return req/s, latency percentiles (ms) and error counts. A measured
    run that completed no request is an error (a warm-up run may complete none)."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(script), url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)  # noqa: S603
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None or (line.split()[1] == "0" and not warmup):
        raise RuntimeError(f"wrk failed for {url} (exit {done.returncode}):\n{done.stdout[-1500:]}"
                           f"{done.stderr[-1500:]}")
    requests, duration_us, status_errors, socket_errors, p50, p95, p99 = (int(x) for x in line.split()[1:])
    return {"rps": requests / (duration_us / 1e6) if duration_us else 0.0, "requests": requests,
            "errors": status_errors + socket_errors, "p50_ms": p50 / 1000, "p95_ms": p95 / 1000, "p99_ms": p99 / 1000}


def _drain(port: int, path: str, workers: int) -> None:
    """Wait until the application has worked off what the last wrk run left queued (wrk closes its connections
    at the end, but sync workers still answer the requests already sent): one request per worker, at once."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: _request(port, "GET", path), range(workers)))


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return float(statistics.median(r[key] for r in rounds))


# --- results --------------------------------------------------------------------------------------------------------

def _target(page: Page) -> str:
    if page.kind == "public":
        return f">= {PUBLIC_RPS_TARGET:g} req/s, p99 < {PUBLIC_P99_TARGET_MS:g} ms"
    if page.kind == "staff":
        return f"p95 < {STAFF_P95_TARGET_MS:g} ms"
    return ""


def _results(pages: list[Page], *, server: str, baseline_server: str, how: str, extra: dict[str, Any]
             ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in pages:
        rps, base_rps = _median(page.app, "rps"), _median(page.static, "rps")
        common = {
            "name": NAME, "n": len(page.app), "path": page.path, "method": page.method,
            "signed_in": page.signed_in, "bytes": len(page.served), "server": server,
            "requests": int(sum(r["requests"] for r in page.app)),
            "errors": int(sum(r["errors"] for r in page.app)),
            "static_errors": int(sum(r["errors"] for r in page.static)),
            "target": _target(page), **extra,
        }
        if page.signed_in:
            common["session"] = how
        if page.note:
            common["note"] = page.note
        if page.kind == "api":
            common["static_method"] = "GET"
        text = f"static copy, {baseline_server}, median of {len(page.static)} rounds"
        out.append(result(metric=f"{page.name}_rps", value=rps, unit="req/s", baseline=text,
                          baseline_value=base_rps, ratio=rps / base_rps if base_rps else None, **common))
        for q in ("p95", "p99"):
            value, base = _median(page.app, f"{q}_ms"), _median(page.static, f"{q}_ms")
            out.append(result(metric=f"{page.name}_{q}_ms", value=value, unit="ms", baseline=text,
                              baseline_value=base, ratio=value / base if base else None, **common))
    by_name = {p.name: p for p in pages}
    anonymous, signed_in = by_name["healthz_anonymous"], by_name["healthz_signed_in"]
    slowdown = _median(anonymous.app, "rps") / _median(signed_in.app, "rps")
    out.append(result(
        name=NAME, metric="healthz_signed_in_vs_anonymous", value=slowdown, unit="x",
        baseline=f"issue target: signed-in within {HEALTHZ_SLOWDOWN_TARGET:g}x of anonymous (anonymous req/s / "
                 "signed-in req/s)",
        baseline_value=HEALTHZ_SLOWDOWN_TARGET, ratio=slowdown / HEALTHZ_SLOWDOWN_TARGET, n=len(signed_in.app),
        path=signed_in.path, server=server, session=how, **({"note": signed_in.note} if signed_in.note else {}),
        **extra))
    return out


# --- run ------------------------------------------------------------------------------------------------------------

def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="bench web")
    parser.add_argument("--database-url", help=f"the benchmark's own PostgreSQL database (default: "
                                               f"{DEFAULT_DATABASE_URL}; DATABASE_URL is not read)")
    parser.add_argument("--persons", type=int, default=20000, help="demo population when the database is empty")
    parser.add_argument("--user", default="town2",
                        help="demo staff account for the signed-in pages (town2: a town officer whose town holds "
                             "demo cases)")
    parser.add_argument("--password", default=None, help="its password (default: the demo password)")
    parser.add_argument("--healthz", default="/healthz", help="the trivial endpoint (default /healthz)")
    parser.add_argument("--healthz-fallback", default="/api/v1/", help="measured when --healthz answers 404")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL and round (wrk takes whole seconds)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load per URL first (0: none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-prepare", action="store_true",
                        help="skip migrate/bootstrap/demo/collectstatic (an earlier run prepared the database)")
    parser.add_argument("--static-server", choices=("auto", "nginx", "python"), default="auto",
                        help="file server of the static copy (auto: nginx when installed)")
    parser.add_argument("--only", default="", help="comma-separated page names (healthz pages are always run)")
    parser.add_argument("--note", default="", help="a remark stored with every result (e.g. 'noisy machine')")
    args = parser.parse_args(argv)

    def _stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # so that the servers started below are stopped on the way out

    signal.signal(signal.SIGTERM, _stop)
    if shutil.which("wrk") is None:
        raise SystemExit("bench web needs wrk: scripts/system-deps bench (make bench runs it)")
    from jisheng.accounts.demo import DEMO_PASSWORD

    url = _database_url(args.database_url)
    _create_database(url)
    var_dir = ROOT / "var" / "bench-web"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": url,
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
           "JISHENG_VAR_DIR": str(var_dir), "JISHENG_DEMO_ACCOUNTS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if not args.no_prepare:
        print(f"bench web: preparing {url.rsplit('/', 1)[-1]} (migrate, bootstrap, demo, collectstatic)", flush=True)
        _prepare(env, args.persons)
    _analyze(url)

    loadavg = os.getloadavg()[0]
    extra: dict[str, Any] = {"database": "postgresql", "loadavg": round(loadavg, 2), "cpus": os.cpu_count(),
                             "workers": args.workers, "wrk": f"-t{args.threads} -c{args.connections} "
                                                             f"-d{args.duration}s"}
    if args.note:
        extra["note_run"] = args.note

    with tempfile.TemporaryDirectory(prefix="jisheng-bench-web-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)  # nginx's workers (nobody when started as root) read the static copy
        site = tmp / "site"
        site.mkdir(mode=0o755)
        app_port, static_port = _free_port(), _free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        app_cmd = [str(gunicorn), "config.wsgi:application", "--workers", str(args.workers), "--worker-class", "sync",
                   "--bind", f"{HOST}:{app_port}", "--timeout", "60", "--log-level", "warning"]
        app_log = tmp / "gunicorn.log"
        with _process(app_cmd, env=env, log=app_log) as app:
            _wait_ready(app, app_port, "/portal/", app_log)
            cookie, how = _sign_in(app_port, env, args.user, args.password or DEMO_PASSWORD)
            pages = _pages(app_port, cookie, args.healthz, args.healthz_fallback)
            if args.only:
                wanted = set(args.only.split(",")) | {"healthz_anonymous", "healthz_signed_in"}
                pages = [p for p in pages if p.name in wanted]
            scripts: dict[str, tuple[Path, Path]] = {}
            for page in pages:
                headers = {"X-Forwarded-Proto": "https"}
                if page.signed_in:
                    headers["Cookie"] = cookie
                if page.content_type:
                    headers["Content-Type"] = page.content_type
                status, _, body = _request(app_port, page.method, page.path, body=page.body, headers=headers)
                if status != 200:
                    raise RuntimeError(f"{page.name}: {page.method} {page.path} answered {status}")
                page.served = body
                (site / page.static_name).write_bytes(body)
                (site / page.static_name).chmod(0o644)
                scripts[page.name] = (
                    _lua_script(tmp, f"app-{page.name}", method=page.method, body=page.body, headers=headers),
                    _lua_script(tmp, f"static-{page.name}", method="GET", body=b"", headers={}),
                )
            static_cmd, baseline_server = _static_server(tmp, site, static_port, args.static_server)
            static_log = tmp / "static.log"
            with _process(static_cmd, log=static_log) as static:
                _wait_ready(static, static_port, f"/{pages[0].static_name}", static_log)
                app_url = f"http://{HOST}:{app_port}"
                static_url = f"http://{HOST}:{static_port}"
                probe = next(p.path for p in pages if p.name == "healthz_anonymous")
                if args.warmup > 0:
                    for page in pages:
                        _wrk(app_url + page.path, scripts[page.name][0], args, args.warmup, warmup=True)
                        _drain(app_port, probe, args.workers)
                for i in range(args.rounds):
                    for page in pages:
                        page.app.append(_wrk(app_url + page.path, scripts[page.name][0], args, args.duration))
                        _drain(app_port, probe, args.workers)
                        page.static.append(_wrk(f"{static_url}/{page.static_name}", scripts[page.name][1], args,
                                                args.duration))
                        print(f"  round {i + 1}/{args.rounds} {page.name:<20} app {page.app[-1]['rps']:9.1f} req/s "
                              f"p95 {page.app[-1]['p95_ms']:7.1f} ms   static {page.static[-1]['rps']:9.0f} req/s"
                              + (f"   ({page.app[-1]['errors']:.0f} errors)" if page.app[-1]["errors"] else ""),
                              flush=True)
            errors = app_log.read_text(errors="replace").strip()
            if errors:
                print(f"gunicorn's log:\n{errors[-2000:]}", file=sys.stderr)
    server = f"gunicorn, {args.workers} sync workers, config.settings.production, PostgreSQL, demo data"
    return _results(pages, server=server, baseline_server=baseline_server, how=how, extra=extra)
