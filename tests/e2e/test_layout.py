"""Every main page of every role fits a phone, a laptop and a wide screen, in kk and ru.

At 390, 1280 and 1920 px: the body never scrolls sideways, the page's main action is on
screen without scrolling sideways, the menu is one bar from 1280 px on (no menu button) and
one row on the phone, and axe-core finds no serious or critical violation. Each page is
loaded once and laid out again at each width. One labelled screenshot of each page per
language (at 1280 px) goes to tests/e2e/artifacts/ for review.
"""
import re

import pytest

from tests.e2e.conftest import ARTIFACTS, assert_accessible, login

WIDTHS = (390, 1280, 1920)
AXE_WIDTHS = WIDTHS  # a wide screen lays out the same elements again: contrast, overlap
SCREENSHOT_WIDTH = 1280  # one screenshot of each page per language
LINE_A = 1
# Pages reached from the menu are found on the page itself; these are the main pages that
# no menu lists (a line's candidates and wages, a person, one's files).
EXTRA = {
    "inspector_a": [f"/market/lines/{LINE_A}/candidates", f"/market/lines/{LINE_A}/wages",
                    f"/market/lines/{LINE_A}/placements", f"/enterprises/lines/{LINE_A}"],
    "owner_a": [f"/market/lines/{LINE_A}/candidates", f"/enterprises/lines/{LINE_A}",
                "/enterprises/lines/new"],
    "analyst": [],
    "admin": ["/enterprises/lines/new"],
}

# Two animation frames: the resize event and its handlers (the scroll hints) have run.
AFTER_RESIZE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const toggler = document.querySelector('.navbar-toggler');
  const brand = document.querySelector('.navbar-brand').getBoundingClientRect();
  const action = document.querySelector('main .btn-primary') || document.querySelector('main button[type=submit]');
  let actionBox = null;
  if (action) {
    const box = action.closest('.table-responsive');
    if (!box) { const r = action.getBoundingClientRect(); actionBox = [r.left, r.right]; }
  }
  const offscreen = [...document.querySelectorAll('main button, main .btn')]
    .filter(b => b.offsetParent !== null && !b.closest('.table-responsive:not(:has(> .table-cards))'))
    .filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
    .map(b => (b.innerText || b.value || b.outerHTML).trim().slice(0, 40));
  // A table box that scrolls sideways (not one shown as cards) says so above it, and only it.
  const hinted = [...document.querySelectorAll('.table-responsive')]
    .every(t => (getComputedStyle(t).overflowX !== 'visible' && t.scrollWidth > t.clientWidth + 1)
                === Boolean(t.previousElementSibling && t.previousElementSibling.classList.contains('scroll-hint')));
  return {scroll: document.documentElement.scrollWidth - width, width,
          toggler: toggler ? getComputedStyle(toggler).display : 'none',
          togglerTop: toggler ? toggler.getBoundingClientRect().top : 0, brandTop: brand.top,
          navHeight: document.querySelector('nav.navbar').getBoundingClientRect().height,
          action: actionBox, offscreen, hinted};
}"""


def _label(text):
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "home"


def _menu(page):
    """Return the paths of the role's main menu, read from the page."""
    return [link.get_attribute("href") for link in page.locator("#mainnav a.nav-link").all()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("role", ["inspector_a", "owner_a", "analyst", "admin"])
def test_every_main_page_fits_every_width(page, role, lang):
    login(page, role, lang=lang)
    assert page.locator("html").get_attribute("lang") == lang
    paths = ["/"] + [p for p in _menu(page) if p != "/"] + EXTRA[role]
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    for path in paths:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(path)
        assert response.ok, (path, response.status)
        assert page.locator("html").get_attribute("lang") == lang, path
        for width in WIDTHS:  # the same page laid out again at each width
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(AFTER_RESIZE)
            seen = page.evaluate(LAYOUT)
            assert seen["width"] <= width, seen  # the page has taken the new width
            where = f"{lang} {role} {width}px {path}"
            problems.extend(f"{where}: {problem}" for problem in _layout_problems(seen, width))
            if width in AXE_WIDTHS:
                try:
                    assert_accessible(page)
                except AssertionError as error:
                    problems.append(f"{where}: {error}")
            if width == SCREENSHOT_WIDTH:
                page.screenshot(path=str(ARTIFACTS / f"layout-{lang}-{role}-{_label(path)}.png"))
    assert not problems, "\n".join(problems)


def _layout_problems(seen, width):
    """What a page laid out at a width does wrong, from what LAYOUT measured."""
    if seen["scroll"] > 0:
        yield f"the body scrolls sideways by {seen['scroll']} px"
    if seen["action"] and (seen["action"][1] > width + 1 or seen["action"][0] < 0):
        yield f"the main action is off screen {seen['action']}"
    if seen["offscreen"]:
        yield f"buttons off screen: {seen['offscreen']}"
    if not seen["hinted"]:
        yield "a wide table has no scroll hint, or a table that does not scroll has one"
    if width >= 1280 and seen["toggler"] != "none":
        yield "the menu hides behind the menu button"
    if width >= 1280 and seen["navHeight"] > 70:
        yield f"the menu wraps ({seen['navHeight']:.0f} px high)"
    if width < 576 and abs(seen["togglerTop"] - seen["brandTop"]) > 20:
        yield "the menu button wraps to a second row"
