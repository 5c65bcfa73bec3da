"""An inspector's ordinary day on a laptop (1366×900) and a phone (390×844), in kk and ru:
the language picked at login stays to logout, the menu is one bar on the laptop and one row
on the phone, names instead of codes, paged candidates with the rules' counts, and a fill
that asks before placing anyone, naming how many."""
import re

import pytest

from tests.e2e.conftest import assert_accessible, login

LINE_A = 1
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def on_screen(page, locator):
    """Say whether an element lies within the window's width (no sideways scroll needed)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1


def check_page(page, lang, device):
    """The checks every page of the journey passes."""
    assert page.locator("html").get_attribute("lang") == lang
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    toggler = page.locator(".navbar-toggler")
    if device == "laptop":
        assert not toggler.is_visible()  # the whole menu is in the bar
    else:
        brand = page.locator(".navbar-brand").bounding_box()
        assert abs(toggler.bounding_box()["y"] - brand["y"]) < 20  # one row
    for button in page.locator("main button:visible, main .btn:visible").all():
        if button.locator("xpath=ancestor::div[contains(@class,'table-responsive')]").count() \
                and not button.locator("xpath=ancestor::table[contains(@class,'table-cards')]").count():
            continue  # inside a hinted data table, which scrolls on its own
        assert on_screen(page, button), button.inner_text()


@pytest.mark.slow
@pytest.mark.parametrize("device", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_inspector_day(page, lang, device):
    page.set_viewport_size(VIEWPORTS[device])
    login(page, "inspector_a", lang=lang)
    check_page(page, lang, device)

    # The roster names skills by their title and level, not by an ISCO code.
    page.goto("/market/roster")
    check_page(page, lang, device)
    skills = page.locator("tbody tr td.small").first.inner_text()
    assert not re.match(r"^\d{4}\b", skills.strip()), skills

    # Candidates: how many in all, which rules left how many out, the Place button on screen.
    page.goto(f"/market/lines/{LINE_A}/candidates")
    check_page(page, lang, device)
    assert page.locator("#exclusions").is_visible()
    if page.locator("#candidates-total").count():
        assert re.search(r"\d", page.locator("#candidates-total").inner_text())
        assert on_screen(page, page.locator("main form button[type=submit]").first)
    assert " — " in page.locator("h1").inner_text()  # the line with its enterprise
    assert_accessible(page)

    # The fill ticks only the first line's proposals and asks, naming the count.
    page.goto("/market/fill")
    check_page(page, lang, device)
    lines = page.locator("fieldset.fill-line")
    if lines.count():
        ticked = lines.first.locator("input[name=accept]:checked").count()
        assert ticked == lines.first.locator("input[name=accept]").count()
        for other in lines.all()[1:]:
            assert other.locator("input[name=accept]:checked").count() == 0
        page.click("#fill-submit")
        page.wait_for_selector("#fill-confirm")
        check_page(page, lang, device)
        assert str(ticked) in page.locator("#fill-confirm").inner_text()
        assert page.locator("form input[name=accept]").count() == ticked
        page.click("main a.btn-outline-secondary")  # back, nobody placed
        page.wait_for_selector("#proposals")

    # Wages: the month is a word, never 2026-12.
    page.goto(f"/market/lines/{LINE_A}/wages")
    check_page(page, lang, device)
    assert not re.search(r"\d{4}-\d{2}", page.locator("h1").inner_text())

    # Logout from the account menu; the login page is still in the language picked.
    if device == "phone":
        page.click(".navbar-toggler")
        # Wait for the menu to finish opening: a click during the slide misses the toggle.
        page.wait_for_selector(".navbar-collapse.show", state="visible")
        page.wait_for_function("!document.querySelector('.collapsing')")
    page.click("#account-menu")
    page.wait_for_selector("#logout", state="visible")
    page.click("#logout")
    page.wait_for_url(re.compile(r"/login"))
    assert page.locator("html").get_attribute("lang") == lang
