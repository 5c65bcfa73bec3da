"""An inspector's ordinary day on a laptop (1366×900) and a phone (390×844), in kk and ru:
the language picked at login stays to logout, the menu is one bar on the laptop and one row
on the phone, names instead of codes, paged candidates with the rules' counts, and a fill
that asks before placing anyone, naming how many."""
import re
from pathlib import Path

import pytest

from babel.numbers import format_decimal
from babel.support import Translations

from tests.e2e.conftest import (DEVICES, assert_accessible, check_page, login_in, logout,
                                new_context_page, on_screen)
from tests.factories import PASSWORD

LINE_A = 1
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def plural(lang, singular, plural_text, n):
    """Return a count sentence as the catalogue says it for n, with n formatted for the
    locale: the form the page must show."""
    catalogue = Translations.load(str(TRANSLATIONS), [lang])
    return catalogue.ngettext(singular, plural_text, n) % {"count": format_decimal(n, locale=lang)}


@pytest.mark.slow
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_inspector_day(page, browser, live_server, lang, device):
    login_in(page, "inspector_a", lang, device=device)

    # The roster names skills by their title and level, not by an ISCO code.
    page.goto("/market/roster")
    check_page(page, lang, device)
    skills = page.locator("tbody tr td.small").first.inner_text()
    assert not re.match(r"^\d{4}\b", skills.strip()), skills

    # Candidates: how many in all, which rules left how many out, the Place button on screen.
    page.goto(f"/market/lines/{LINE_A}/candidates")
    check_page(page, lang, device)
    assert page.locator("#exclusions").is_visible()
    # The site's pool and, when the rules leave anyone out, how many each rule does: shown
    # while candidates remain, not only when nobody is left.
    assert re.search(r"\d", page.locator("#exclusions p").first.inner_text())
    # The total is a sentence in the form its number takes (ngettext), not "label: N".
    total = page.locator("#candidates-total").inner_text().strip()
    count = int(re.sub(r"\D", "", total.split(".")[0]))
    assert count >= 1
    assert total.startswith(plural(lang, "%(count)s eligible person, best first.",
                                   "%(count)s eligible people, best first.", count)), total
    assert on_screen(page, page.locator("main form button[type=submit]").first)
    assert " — " in page.locator("h1").inner_text()  # the line with its enterprise
    assert_accessible(page)

    # The fill ticks only the first line's proposals and asks, naming the count.
    page.goto("/market/fill")
    check_page(page, lang, device)
    lines = page.locator("fieldset.fill-line")
    assert lines.count() >= 1
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
    logout(page, lang, device)

    # The choice was saved as the user's language: at another computer, whose browser asks
    # for the other language, the same login without choosing one opens the site in it.
    elsewhere = {"kk": "ru-RU", "ru": "kk-KZ"}[lang]
    context, other = new_context_page(browser, live_server, device, locale=elsewhere)
    try:
        other.goto("/login")
        assert other.locator("html").get_attribute("lang") == elsewhere[:2]  # the browser's
        other.fill("#login", "inspector_a")
        other.fill("#password", PASSWORD)
        other.locator("form button[type=submit]").last.click()
        other.wait_for_load_state()
        check_page(other, lang, device)
        logout(other, lang, device)
    finally:
        context.close()
