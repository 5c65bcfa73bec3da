"""The site serves pages in Kazakh and Russian to a real browser, accessibly."""
import pytest

from tests.e2e.conftest import assert_accessible, login


@pytest.mark.parametrize("lang,word", [("kk", "Шығу"), ("ru", "Выйти")])
def test_login_and_home_in_language(page, lang, word):
    login(page, "admin", lang=lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert word in page.content()
    assert_accessible(page)


def test_login_page_accessible_and_no_console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/login")
    assert_accessible(page)
    assert errors == [], errors
