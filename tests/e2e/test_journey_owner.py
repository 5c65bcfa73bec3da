"""A business owner registers, is approved, finds a site, leases space, posts a line and asks
for pseudonymous candidates; the facility's inspector sees the requests. In Kazakh and Russian,
on a laptop and on a phone (the administrator and the inspector at the same kind of device):
every page passes check_page, and the journey ends with logout.
"""
import csv
import random
import re
from pathlib import Path

import pytest

from reference.identifiers import make_number
from tests.e2e.conftest import (DEVICES, assert_accessible, check_page, choose_language, click_menu,
                                login_in, logout, new_context_page)

DATA = Path(__file__).resolve().parents[2] / "reference" / "data"
# Strings that identify the seeded people: surnames, first names and file numbers.
IDENTIFYING = ("Сейткали", "Алиев", "Борисов", "Ерлан", "Марат", "FN-")


def reference_row(name, code):
    """Return one row of a reference CSV by its code."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["code"] == code)


def fresh_bin():
    """Return a valid BIN no other test uses."""
    while True:
        number = make_number(f"{random.randrange(10**10, 10**11):011d}")
        if number:
            return number


class Other:
    """Another user at another computer: their own browser context, logged in on first use."""

    def __init__(self, browser, live_server, login_name, lang, device):
        self.args, self.login_name, self.lang = (browser, live_server, device), login_name, lang
        self.device = device
        self.context = self.page = None

    def __call__(self, action):
        if self.page is None:
            self.context, self.page = new_context_page(*self.args)
            login_in(self.page, self.login_name, self.lang, device=self.device)
        action(self.page)

    def check(self, page):
        """Check one of their pages at their device's size."""
        check_page(page, self.lang, self.device)

    def logout(self):
        """Log out (their login page still in their language), then close their browser."""
        logout(self.page, self.lang, self.device)
        self.close()

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = self.page = None


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_owner_journey(page, browser, live_server, lang, device, request):
    page.set_default_timeout(10_000)
    suffix = f"{lang}{random.randrange(10**5):05d}"
    owner_login, password = f"owner.{suffix}", f"Quiet-harbour-{lang}-7351"
    company, bin_ = f"ТОО Өрнек {suffix}", fresh_bin()
    region = reference_row("regions.csv", "KZ-71")[f"name_{lang}"]

    # Registration, reached from the login page in the chosen language.
    page.goto("/login")
    choose_language(page, lang)
    check_page(page, lang, device)
    with page.expect_navigation():
        page.click("a[href$='/enterprises/register']")
    check_page(page, lang, device)
    assert_accessible(page)
    page.fill("#name", company)
    page.fill("#bin", bin_)
    page.select_option("#region_id", label=region)
    page.fill("#contact_phone", "+7 701 123 45 67")
    page.fill("#login", owner_login)
    page.fill("#full_name", f"Иса Нұрланов {suffix}")
    page.fill("#password", password)
    page.fill("#password2", password)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login"))
    check_page(page, lang, device)

    # The owner logs in and sees the pending status.
    login_in(page, owner_login, lang, password, device=device)
    assert page.locator("#enterprise-status").get_attribute("data-status") == "pending"

    # An administrator approves the enterprise, in another browser.
    def approve(admin):
        admin.goto(f"/enterprises/?q={bin_}")
        administrator.check(admin)
        with admin.expect_navigation():
            admin.locator("tbody a[href*='/enterprises/']").first.click()
        administrator.check(admin)
        assert admin.locator(".registrant").inner_text().count(owner_login) == 1  # who registered
        admin.once("dialog", lambda dialog: dialog.accept())  # the one confirmation
        with admin.expect_navigation():
            admin.locator("form[action$='/decide'] button[value=approve]").click()
        administrator.check(admin)
        assert company in admin.locator(".alert-success").inner_text()
    administrator = Other(browser, live_server, "admin", lang, device)
    try:
        administrator(approve)
        administrator.logout()
    finally:
        administrator.close()
    page.goto("/")
    check_page(page, lang, device)
    assert page.locator("#enterprise-status").get_attribute("data-status") == "approved"

    # The owner finds a site for a planned sewing line in Astana, from the menu.
    click_menu(page, device, "a[href$='/market/sites']")
    check_page(page, lang, device)
    page.fill("#occupations", "7533")
    page.fill("#headcount", "2")
    page.fill("#area_m2", "50")
    page.select_option("#kind", "workshop")
    page.select_option("#region_id", label=region)
    with page.expect_navigation():
        page.locator("main form[method=get] button[type=submit]").click()
    check_page(page, lang, device)
    assert "region_id=" in page.url and "occupations=7533" in page.url
    rows = page.locator("tr.site-row")
    assert rows.first.get_attribute("data-facility") == "FA"  # ranked first
    site = page.locator("tr.site-row[data-facility=FA]")
    assert int(site.get_attribute("data-spaces")) >= 1
    assert int(site.get_attribute("data-people")) >= 2
    assert_accessible(page)

    # From the result to the lease request, for part of the space.
    with page.expect_navigation():
        site.locator("a[href*='/lease']").first.click()
    check_page(page, lang, device)
    assert re.search(r"/enterprises/spaces/\d+/lease\?area=50$", page.url)
    assert page.input_value("#area_m2") in ("50", "50.0")  # the area searched for
    page.fill("#area_m2", "40")
    page.fill("#purpose", f"Пошив спецодежды {suffix}")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enterprises/leases"))
    check_page(page, lang, device)
    mine = page.locator("tr.lease-row", has_text=company)
    assert mine.get_attribute("data-status") == "requested"

    # The facility's inspector approves the lease request.
    def approve_lease(inspector):
        click_menu(inspector, device, "a[href$='/enterprises/leases']")
        facility.check(inspector)
        row = inspector.locator("tr.lease-row[data-status=requested]", has_text=company)
        inspector.once("dialog", lambda dialog: dialog.accept())
        with inspector.expect_navigation():
            row.locator("button[value=approve]").click()
        facility.check(inspector)
        assert inspector.locator("tr.lease-row[data-status=active]", has_text=company).count() == 1
    facility = Other(browser, live_server, "inspector_a", lang, device)
    request.addfinalizer(facility.close)
    facility(approve_lease)

    # The owner posts a line on that lease, choosing the occupation with the picker.
    title = f"Швейный участок {suffix}"
    page.goto("/enterprises/lines/new")
    check_page(page, lang, device)
    page.fill("#title", title)
    page.select_option("#facility_id", index=1)
    page.select_option("#lease_id", index=1)
    assert page.locator("#lease_id option:checked").inner_text().startswith("FA ·")
    search = page.locator("#occupations-0-code").locator("xpath=preceding-sibling::input[@type='search']")
    occupation = reference_row("occupations.csv", "7533")[f"title_{lang}"]
    search.fill(occupation.split(",")[0][:6])
    page.wait_for_function(
        "() => { const s = document.getElementById('occupations-0-code');"
        " return s.options.length < 30 && [...s.options].some(o => o.value === '7533'); }")
    page.select_option("#occupations-0-code", "7533")
    page.select_option("#occupations-0-min_level", "trainee")
    page.fill("#headcount", "3")
    page.fill("#wage_kzt", "90000")
    page.check("#publish")
    assert_accessible(page)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enterprises/lines/\d+$"))
    check_page(page, lang, device)
    line_id = int(page.url.rsplit("/", 1)[1])

    # Its candidates are shown without names; the owner asks for two of them.
    page.goto(f"/market/lines/{line_id}/candidates")
    check_page(page, lang, device)
    asks = page.locator(f"form[action$='/lines/{line_id}/request'] button[type=submit]")
    assert asks.count() >= 2
    html = page.content()
    for word in IDENTIFYING:
        assert word not in html, word
    assert_accessible(page)
    for _ in range(2):
        before = asks.count()
        with page.expect_navigation():
            asks.first.click()
        check_page(page, lang, device)
        assert asks.count() == before - 1
    for word in IDENTIFYING:
        assert word not in page.content(), word

    # The inspector sees both requests in the queue.
    def see_requests(inspector):
        inspector.goto("/market/requests?status=requested")
        facility.check(inspector)
        assert inspector.locator("tbody tr", has_text=title).count() == 2
    facility(see_requests)
    facility.logout()

    logout(page, lang, device)
