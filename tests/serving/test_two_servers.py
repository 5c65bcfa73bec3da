"""Two app servers behind nginx on one PostgreSQL and one Redis, as the README's production.

Each server is gunicorn with the project's gunicorn.conf.py; nginx spreads requests over
both. Whatever one server does, the other must see at once: sessions, login throttling,
writes and the figures built from them.
"""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis

from tests.databases import _drop_postgres, _postgres_url
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    upstream marketplace {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 12m;
        location / {{
            proxy_pass http://marketplace;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url, process=None, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)  # polling for a condition (the port answers), bounded by deadline
    raise RuntimeError(f"{url} did not answer")


def _requirements():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("the two-server test runs in the PostgreSQL pass")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    missing = [] if os.path.exists(nginx) else ["nginx"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        missing.append("Redis")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} required under CI")
        pytest.skip(f"{', '.join(missing)} not available")
    return base, nginx, redis_url


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Seed a PostgreSQL database, start two gunicorn servers and nginx in front of them."""
    base, nginx, redis_url = _requirements()
    folder = tmp_path_factory.mktemp("serving")
    run = f"serving-{uuid.uuid4().hex[:8]}"  # keys of its own: other runs may share the Redis
    database = _postgres_url(base)
    env = dict(os.environ, DATABASE_URL=database, REDIS_URL=redis_url,
               SECRET_KEY="serving-" + "s" * 40, MARKETPLACE_ENV="development",
               TRUSTED_PROXIES="1", STATISTICS_CACHE_SECONDS="600",
               CACHE_KEY_PREFIX=f"{run}:", JOB_QUEUE=f"{run}-jobs", PYTHONPATH=str(ROOT),
               WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    subprocess.run([sys.executable, "-m", "tests.e2e.seed"], cwd=ROOT, env=env, check=True)
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = [subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{p}"],
                                cwd=ROOT, env=env, stdout=open(folder / f"app-{p}.log", "w"),
                                stderr=subprocess.STDOUT) for p in ports]
    flask = str(Path(sys.executable).parent / "flask")
    worker = subprocess.Popen([flask, "--app", "app", "jobs", "worker"], cwd=ROOT, env=env,
                              stdout=open(folder / "worker.log", "w"), stderr=subprocess.STDOUT)
    port = _free_port()
    (folder / "nginx.conf").write_text(NGINX_CONF.format(folder=folder, a=ports[0], b=ports[1],
                                                         port=port))
    proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                              "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                             stderr=open(folder / "nginx.log", "w"))
    try:
        for p, server in zip(ports, servers):
            _wait(f"http://127.0.0.1:{p}/healthz", server)
        _wait(f"http://127.0.0.1:{port}/healthz", proxy)
        yield {"a": f"http://127.0.0.1:{ports[0]}", "b": f"http://127.0.0.1:{ports[1]}",
               "proxy": f"http://127.0.0.1:{port}", "folder": folder}
    finally:
        for process in (proxy, worker, *servers):
            process.terminate()
        for process in (proxy, worker, *servers):
            process.wait(timeout=15)
        connection = redis.Redis.from_url(redis_url)
        for key in connection.scan_iter(f"*{run}*"):
            connection.delete(key)
        _drop_postgres(database)


class Browser:
    """A cookie-keeping HTTP client that fills in the page's CSRF token."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, base=None):
        """Return (status, body) of a GET."""
        try:
            with self.opener.open((base or self.base) + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path, data, form_page=None, base=None):
        """POST a form with the CSRF token of ``form_page`` (default: the same path)."""
        _status, page = self.get(form_page or path, base)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        try:
            with self.opener.open((base or self.base) + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, login, password=PASSWORD, base=None):
        """Log in through the login form."""
        return self.post("/login", {"login": login, "password": password}, base=base)


def test_a_session_started_on_one_server_is_valid_on_the_other(stack):
    browser = Browser(stack["a"])
    status, _page = browser.login("inspector_a")
    assert status == 200
    status, page = browser.get("/", base=stack["b"])
    assert status == 200 and 'action="/logout"' in page
    status, page = browser.get("/market/roster", base=stack["b"])
    assert status == 200 and "Сейткали0" in page


def test_login_throttling_counts_across_both_servers(stack):
    browser = Browser(stack["a"])
    for attempt in range(10):
        status, _page = browser.login("inspector_b", "wrong password",
                                      base=stack["a" if attempt % 2 else "b"])
        assert status == 200
    status, page = browser.login("inspector_b", base=stack["a"])  # the right password
    assert status == 429


def test_a_write_through_one_server_shows_at_once_through_the_other(stack):
    browser = Browser(stack["proxy"])
    browser.login("inspector_a")
    _status, roster = browser.get("/market/roster", base=stack["a"])
    before = int(re.search(r'id="roster-employed">([^<]+)<', roster).group(1).replace(" ", ""))
    _status, dashboard = browser.get("/reports/", base=stack["b"])  # cached on server b
    _status, page = browser.get("/market/roster?employed=no&able=yes&q="
                                + urllib.parse.quote("Сейткали3"), base=stack["a"])
    person_id = re.search(r'href="/people/(\d+)"', page).group(1)
    _status, lines = browser.get("/enterprises/lines", base=stack["a"])
    line_id = re.search(r'href="/enterprises/lines/(\d+)"', lines).group(1)
    # The line is a business's: the person's consent to its work comes first.
    status, _page = browser.post(f"/compliance/people/{person_id}/consents",
                                 {"line_id": line_id, "taken_on": time.strftime("%Y-%m-%d"),
                                  "taken_by": "Inspector"},
                                 form_page=f"/compliance/people/{person_id}", base=stack["a"])
    assert status == 200
    status, _page = browser.post(f"/market/lines/{line_id}/place",
                                 {"person_id": person_id, "mode": "", "started_on":
                                  time.strftime("%Y-%m-%d")},
                                 form_page=f"/market/lines/{line_id}/candidates",
                                 base=stack["a"])
    assert status == 200
    _status, roster = browser.get("/market/roster", base=stack["b"])
    after = int(re.search(r'id="roster-employed">([^<]+)<', roster).group(1).replace(" ", ""))
    assert after == before + 1
    _status, fresh = browser.get("/reports/", base=stack["b"])
    employed = re.search(r'id="headline-employed">([^<]+)<', fresh).group(1)
    assert employed != re.search(r'id="headline-employed">([^<]+)<', dashboard).group(1)


def test_a_job_started_through_one_server_is_downloaded_through_the_other(stack):
    browser = Browser(stack["a"])
    browser.login("admin")
    status, page = browser.post("/reports/raw", {"on": time.strftime("%Y-%m-%d"), "lang": "ru"},
                                form_page="/reports/")
    assert status == 200 and 'id="job-bar"' in page
    job_id = re.search(r'data-state-url="/jobs/([0-9a-f]{32})\.json"', page).group(1)
    deadline = time.monotonic() + 60
    while True:  # the page's script polls like this, here through the other server
        _status, body = browser.get(f"/jobs/{job_id}.json", base=stack["b"])
        state = json.loads(body)
        if state["status"] in ("finished", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert state["status"] == "finished"
    with browser.opener.open(stack["b"] + state["download"], timeout=30) as response:
        assert response.status == 200 and response.read(2) == b"PK"  # an XLSX (zip) file
