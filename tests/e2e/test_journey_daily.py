"""An inspector's ordinary day on a laptop (1366×900) and a phone (390×844), in kk and ru:
the language picked at login stays to logout, the menu is one bar on the laptop and one row
on the phone, names instead of codes, paged candidates with the rules' counts, and a fill
that asks before placing anyone, naming how many."""
import re

import pytest

from tests.e2e.conftest import DEVICES, assert_accessible, check_page, login_in, logout, on_screen

LINE_A = 1


@pytest.mark.slow
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_inspector_day(page, lang, device):
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
    logout(page, lang, device)
