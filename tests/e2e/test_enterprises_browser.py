"""In a real browser: the occupation picker searches as you type; pages pass axe checks.

The app is served in-process by a threaded Werkzeug server over the test database, so the
test needs no migrations and no second gunicorn; it shares the e2e session's Chromium.
"""
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import CHROMIUM, assert_accessible, login  # noqa: F401


@pytest.fixture
def page(app, world, request):
    """A browser page on the app served over the test database with the small world."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    chromium = request.getfixturevalue("browser")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = chromium.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
    yield context.new_page()
    context.close()
    server.shutdown()
    thread.join(timeout=10)


def test_occupation_picker_searches_in_any_language(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400
            and not r.url.endswith("favicon.ico") else None)
    login(page, "owner_a", lang="en")
    page.goto("/enterprises/lines/new")
    select = page.locator("#occupations-0-code")
    assert select.locator("option").count() > 50  # the no-JavaScript list has every occupation
    search = page.locator("input[type=search]").first
    for term, code in (("sewing", "7533"), ("швей", "8153")):
        search.fill(term)
        for _ in range(50):  # CSP forbids wait_for_function's eval; poll instead
            labels = select.locator("option").all_inner_texts()
            if len(labels) < 10 and any(text.startswith(code) for text in labels):
                break
            page.wait_for_timeout(100)
        assert any(text.startswith(code) for text in labels), labels
    select.select_option("7533")
    assert_accessible(page)
    assert errors == [], errors


@pytest.mark.parametrize("path", ["/facilities/spaces", "/enterprises/leases",
                                  "/enterprises/lines"])
def test_owner_pages_accessible(page, path):
    login(page, "owner_a", lang="kk")
    page.goto(path)
    assert_accessible(page)


def test_registration_page_accessible(page):
    page.goto("/enterprises/register")
    page.fill("#bin", "94014000038A")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#bin-error").count() == 1
    assert_accessible(page)
