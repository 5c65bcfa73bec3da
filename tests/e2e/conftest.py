"""Browser journeys: gunicorn serving a fresh database, driven by Debian's Chromium.

The browser tests of one worker share one server. A failing test leaves a screenshot
and the page's HTML in tests/e2e/artifacts/.
"""
import os
import re
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
# The two devices of the journeys: a laptop (the whole menu in one bar) and a phone.
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
DEVICES = tuple(VIEWPORTS)
DEFAULT_VIEWPORT = {"width": 1280, "height": 900}
# The pages are used with the motion a user's system may ask to reduce: Bootstrap then opens
# the phone's menu and the dropdowns at once, and a test waits for nothing but the page.
REDUCED_MOTION = "reduce"
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


def device_of(request):
    """Return the test's device parameter ("laptop", "phone"), or None."""
    callspec = getattr(request.node, "callspec", None)
    return callspec.params.get("device") if callspec is not None else None


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context and page; saves a screenshot and HTML when the test fails.

    A test parametrized by ``device`` gets that device's window from the start.
    """
    context = browser.new_context(base_url=live_server, accept_downloads=True,
                                  viewport=VIEWPORTS.get(device_of(request), DEFAULT_VIEWPORT),
                                  reduced_motion=REDUCED_MOTION)
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


def new_context_page(browser, live_server, device=None, locale=None):
    """Open another browser context, as another person at another computer of a device
    (whose browser asks for ``locale``'s language, when given)."""
    options = {"locale": locale} if locale else {}
    context = browser.new_context(base_url=live_server, reduced_motion=REDUCED_MOTION,
                                  viewport=VIEWPORTS.get(device, DEFAULT_VIEWPORT), **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def choose_language(page, lang):
    """Pick a language in the menu bar and wait for the page to come back in it."""
    with page.expect_navigation():  # the choice submits itself
        page.select_option("#language-switch", lang)
    page.wait_for_load_state()


def login(page, login_name, password=None, lang="ru", device=None):
    """Choose the language, then log in through the form.

    With a device, the login page in the chosen language passes check_page first.
    """
    from tests.factories import PASSWORD

    page.goto("/login")
    choose_language(page, lang)
    if device is not None:
        check_page(page, lang, device)
    page.fill("#login", login_name)
    page.fill("#password", password or PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def login_in(page, login_name, lang, password=None, device=None):
    """Log in with the language picked on the login page, and check the site kept it.

    With a device, the login page and the first page after it pass check_page.
    """
    login(page, login_name, password, lang=lang, device=device)
    assert page.locator("html").get_attribute("lang") == lang
    if device is not None:
        check_page(page, lang, device)


def on_screen(page, locator):
    """Say whether an element lies within the window's width (no sideways scroll needed)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


# One look at the laid-out page: its language, the sideways scroll, the menu button and the
# brand, the visible buttons of main that lie off the window (a data table that scrolls on its
# own, unless it is laid out as cards, keeps its buttons), and wide tables without their hint.
_LAYOUT = """() => {
  const doc = document.documentElement, width = doc.clientWidth;
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const toggler = document.querySelector('.navbar-toggler');
  const brand = document.querySelector('.navbar-brand');
  const offscreen = [...document.querySelectorAll('main button, main .btn')]
    .filter(shown)
    .filter(b => !(b.closest('.table-responsive') && !b.closest('table.table-cards')))
    .filter(b => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > width + 1; })
    .map(b => (b.innerText || b.value || b.outerHTML).trim().slice(0, 60));
  // A table box that scrolls sideways (not one shown as cards) says so above it, and only it.
  const scrolling = t => getComputedStyle(t).overflowX !== 'visible' && t.scrollWidth > t.clientWidth + 1;
  const hinted = t => t.previousElementSibling && t.previousElementSibling.classList.contains('scroll-hint');
  const boxes = [...document.querySelectorAll('main .table-responsive')];
  const unhinted = boxes.filter(t => scrolling(t) && !hinted(t)).map(t => t.outerHTML.slice(0, 80));
  const overhinted = boxes.filter(t => hinted(t) && !scrolling(t)).map(t => t.outerHTML.slice(0, 80));
  // When the page scrolls sideways, name the innermost elements that stick out (or whose text does).
  const out = e => !e.closest('.table-responsive') && (e.getBoundingClientRect().right > width + 1
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'));
  const wide = doc.scrollWidth <= width ? [] : [...document.body.querySelectorAll('*')]
    .filter(e => out(e) && ![...e.children].some(out))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ': ' + (e.innerText || '').trim().slice(0, 60));
  return {lang: doc.lang, scroll: doc.scrollWidth - width, offscreen, unhinted, overhinted, wide,
          toggler: toggler !== null && shown(toggler),
          togglerTop: toggler ? toggler.getBoundingClientRect().top : null,
          brandTop: brand ? brand.getBoundingClientRect().top : null};
}"""


def check_page(page, lang, device):
    """The checks every page of a journey passes, at a device's size.

    The page is in the language picked at login; the body never scrolls sideways; on the
    laptop the whole menu is in the bar (no menu button), on the phone the menu button is on
    one row with the brand; every visible button of the page lies within the window, but for
    those of a data table that scrolls on its own, which says so above it.
    """
    page.wait_for_load_state()
    seen = page.evaluate(_LAYOUT)
    where = f"{page.url} at {device}"
    assert seen["lang"] == lang, where
    assert seen["scroll"] <= 0, (
        f"{where}: the page scrolls sideways by {seen['scroll']} px: {seen['wide']}")
    if device == "laptop":
        assert not seen["toggler"], f"{where}: a menu button on the laptop"
    else:
        assert seen["toggler"], f"{where}: no menu button on the phone"
        assert abs(seen["togglerTop"] - seen["brandTop"]) < 20, f"{where}: the menu takes two rows"
    assert not seen["offscreen"], f"{where}: buttons off the screen: {seen['offscreen']}"
    assert not seen["unhinted"], f"{where}: a wide table without its hint: {seen['unhinted']}"
    assert not seen["overhinted"], (
        f"{where}: a scroll hint above a table that does not scroll: {seen['overhinted']}")


def assert_cards(page, device):
    """On the phone, the page's data table is laid out as cards: each row a block with its
    cells under their labels, so its actions need no sideways scroll. On the laptop it is a
    table."""
    layout = page.evaluate("""() => {
      const row = document.querySelector('main table.table-cards tbody tr');
      return row ? getComputedStyle(row).display : null; }""")
    assert layout is not None, f"{page.url}: no table laid out as cards"
    assert layout == ("block" if device == "phone" else "table-row"), (page.url, device, layout)


def open_menu(page, device):
    """On the phone, open the collapsed menu and wait until it has opened; on the laptop the
    menu is always in the bar. Call it before clicking anything in the menu."""
    if device != "phone" or page.locator("#mainnav.show").count():
        return
    page.click(".navbar-toggler")
    # A click during the slide misses its target: wait until the menu has finished opening.
    page.wait_for_selector("#mainnav.show", state="visible")
    page.wait_for_function("!document.querySelector('.navbar .collapsing')")


def click_menu(page, device, selector):
    """Click an entry of the main menu (opened first on the phone) and wait for its page."""
    open_menu(page, device)
    with page.expect_navigation():
        page.locator(f"#mainnav {selector}").first.click()


def logout(page, lang, device):
    """Log out from the account menu; the login page is still in the language picked."""
    open_menu(page, device)
    page.click("#account-menu")
    page.wait_for_selector("#logout", state="visible")
    page.click("#logout")
    page.wait_for_url(re.compile(r"/login"))
    check_page(page, lang, device)


def assert_accessible(page):
    """Fail on serious or critical axe-core violations of the current page.

    axe-core (the 570 KB script axe_playwright_python ships) is put into a page once: a page
    checked again at another width, or after a click that changed no address, runs the axe
    already there instead of sending and compiling the script again."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    response = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']}: {v['help']}: " + "; ".join(str(n.get("target")) for n in v["nodes"][:5])
        for v in bad)

