"""Browser journeys: gunicorn serving a fresh database, driven by Debian's Chromium.

The browser tests of one worker share one server. A failing test leaves a screenshot
and the page's HTML in tests/e2e/artifacts/.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def pytest_configure(config):
    """Name the marker of the long browser runs (select them with -m slow)."""
    config.addinivalue_line("markers", "slow: a long browser run (layout of every page)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the app with gunicorn on 127.0.0.1 over a freshly seeded SQLite database."""
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("browser journeys run in the SQLite pass only")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required for the browser journeys under CI")
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    folder = tmp_path_factory.mktemp("e2e")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'e2e.db'}",
               SECRET_KEY="e2e-" + "k" * 40, MARKETPLACE_ENV="development",
               STATISTICS_CACHE_SECONDS="0",  # journeys compare pages with fresh exports
               PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "tests.e2e.seed"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = open(folder / "gunicorn.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text())
    yield base
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a loaded machine: gunicorn's graceful stop is slow
        server.kill()
        server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context and page; saves a screenshot and HTML when the test fails."""
    context = browser.new_context(base_url=live_server, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_"
                       for c in request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # the page may be gone; the test's own failure matters
            (ARTIFACTS / f"{name}.txt").write_text(str(error), encoding="utf-8")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, for the failure artifacts."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def login(page, login_name, password=None, lang="ru"):
    """Choose the language, then log in through the form."""
    from tests.factories import PASSWORD

    page.goto("/login")
    page.select_option("#lang", lang)
    page.wait_for_load_state()
    page.fill("#login", login_name)
    page.fill("#password", password or PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def login_in(page, login_name, lang, password=None):
    """Log in with the language picked on the login page, and check the site kept it."""
    login(page, login_name, password, lang=lang)
    assert page.locator("html").get_attribute("lang") == lang


def assert_accessible(page):
    """Fail on serious or critical axe-core violations of the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']}: {v['help']}: " + "; ".join(str(n.get("target")) for n in v["nodes"][:5])
        for v in bad)
