"""An owner reaching for an inspector's pages about people, or another owner's line, gets a
404 in their own language that gives nothing away. In Kazakh and Russian.
"""
import pytest

from tests.e2e.conftest import login_in

PERSON_A = 1  # small_world creates person_a (Алиев Марат, facility_a) first
LINE_B = 2    # and line_b («ЖБИ» of sme_b at facility_b) second
PERSON_A_NAMES = ("Алиев", "Марат")


def as_other(browser, live_server, login_name, lang, path):
    """Open a page as another user in their own browser context; return (status, text)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1600, "height": 900})
    try:
        page = context.new_page()
        login_in(page, login_name, lang)
        response = page.goto(path)
        return response.status, page.content()
    finally:
        context.close()


def assert_not_found(page, response, lang):
    """The page is a 404 in the user's language."""
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main h1").inner_text().strip() == "404"
    assert "Page not found" not in page.content()  # the message is translated


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_owner_gets_404_for_a_person(page, browser, live_server, lang):
    # The same address shows person_a to facility_a's inspector: the id is right.
    status, text = as_other(browser, live_server, "inspector_a", lang, f"/people/{PERSON_A}")
    assert status == 200 and all(name in text for name in PERSON_A_NAMES)

    login_in(page, "owner_a", lang)
    for path in (f"/people/{PERSON_A}", f"/people/{PERSON_A}/edit",
                 f"/market/people/{PERSON_A}/placements"):
        response = page.goto(path)
        assert response.status in (403, 404), path
        assert page.locator("html").get_attribute("lang") == lang
        assert not any(name in page.content() for name in PERSON_A_NAMES), path
    response = page.goto(f"/people/{PERSON_A}")
    assert_not_found(page, response, lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_owner_gets_404_for_another_owners_line(page, browser, live_server, lang):
    status, text = as_other(browser, live_server, "owner_b", lang,
                            f"/market/lines/{LINE_B}/candidates")
    assert status == 200 and "ЖБИ" in text

    login_in(page, "owner_a", lang)
    response = page.goto(f"/market/lines/{LINE_B}/candidates")
    assert_not_found(page, response, lang)
    assert "ЖБИ" not in page.content()
