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
from tests.e2e.conftest import (DEVICES, assert_accessible, assert_cards, check_page,
                                choose_language, click_menu, login_in, logout, new_context_page)

DATA = Path(__file__).resolve().parents[2] / "reference" / "data"
# Strings that identify the seeded people: surnames, first names and file numbers.
IDENTIFYING = ("Сейткали", "Алиев", "Борисов", "Ерлан", "Марат", "FN-")


def reference_row(name, code):
    """Return one row of a reference CSV by its code."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["code"] == code)


def pick_occupation(page, select_id, code, lang):
    """Choose an occupation with the search picker: type the start of its title in the
    user's language and pick it from the options the search leaves."""
    search = page.locator(f"#{select_id}").locator("xpath=preceding-sibling::input[@type='search']")
    title = reference_row("occupations.csv", code)[f"title_{lang}"]
    search.fill(title.split(",")[0][:6])
    page.wait_for_function(
        "([id, code]) => { const s = document.getElementById(id);"
        " return s.options.length < 30 && [...s.options].some(o => o.value === code); }",
        arg=[select_id, code])
    page.select_option(f"#{select_id}", code)


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
    # A mistyped BIN is refused beside its field, and nothing typed is lost, passwords included.
    page.fill("#bin", bin_[:-1] + str((int(bin_[-1]) + 1) % 10))
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    check_page(page, lang, device)
    assert page.locator("#bin-error").inner_text().strip()
    assert page.locator("#bin").get_attribute("aria-describedby") == "bin-error"
    for field, typed in (("#name", company), ("#login", owner_login), ("#password", password),
                         ("#password2", password), ("#contact_phone", "+7 701 123 45 67")):
        assert page.input_value(field) == typed, field
    page.fill("#bin", bin_)
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
    # The occupation is picked by a word in the user's language, with the same search picker
    # as the line form, not typed as a code.
    pick_occupation(page, "occupation-0", "7533", lang)
    page.fill("#headcount", "2")
    page.fill("#area_m2", "50")
    page.select_option("#kind", "workshop")
    page.select_option("#region_id", label=region)
    with page.expect_navigation():
        page.locator("main form[method=get] button[type=submit]").click()
    check_page(page, lang, device)
    assert "region_id=" in page.url and "occupation-0=7533" in page.url
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
    # The area as the locale writes it: 40, not 40.0.
    assert mine.locator("td.num").first.inner_text().strip() == "40"
    # Lease → its space, and the space lists the lease back.
    with page.expect_navigation():
        mine.locator("a[href*='/spaces/']").first.click()
    check_page(page, lang, device)
    assert page.locator("tr.lease-row", has_text=company).count() == 1

    # The facility's inspector approves the lease request from the home page's panel, which
    # carries its actions; the one question names the area, the space and the enterprise.
    def approve_lease(inspector):
        inspector.goto("/")
        facility.check(inspector)
        row = inspector.locator("section[aria-labelledby=enterprise-panel-title] "
                                "tr.lease-row[data-status=requested]", has_text=company)
        asked = []
        inspector.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        with inspector.expect_navigation():
            row.locator("button[value=approve]").click()
        facility.check(inspector)
        assert len(asked) == 1 and company in asked[0], asked
        assert company in inspector.locator(".alert-success").inner_text()  # names the object
        click_menu(inspector, device, "a[href$='/enterprises/leases']")
        facility.check(inspector)
        assert_cards(inspector, device)
        assert inspector.locator("tr.lease-row[data-status=active]", has_text=company).count() == 1
    facility = Other(browser, live_server, "inspector_a", lang, device)
    request.addfinalizer(facility.close)
    facility(approve_lease)

    # The owner posts a line on that lease, choosing the occupation with the picker.
    title = f"Швейный участок {suffix}"
    page.goto("/enterprises/lines/new")
    check_page(page, lang, device)
    page.fill("#title", title)
    # The site and the lease are pre-filled from the one active lease: facilities as
    # "code · name".
    assert page.locator("#facility_id option:checked").inner_text().startswith("FA ·")
    assert page.locator("#lease_id option:checked").inner_text().startswith("FA ·")
    pick_occupation(page, "occupations-0-code", "7533", lang)
    page.select_option("#occupations-0-min_level", "trainee")
    page.fill("#headcount", "3")
    page.fill("#wage_kzt", "90000")
    page.check("#publish")
    assert_accessible(page)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enterprises/lines/\d+$"))
    check_page(page, lang, device)
    line_id = int(page.url.rsplit("/", 1)[1])
    # Money in the locale's numbers: 90 000 ₸ with a no-break space, not 90,000.
    assert "90\xa0000 ₸" in page.locator("main").inner_text()

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

    # The inspector sees both requests in the queue, and declines one: the reason is asked
    # for first, then one confirmation, and the flash names the line.
    def see_requests(inspector):
        inspector.goto("/market/requests?status=requested")
        facility.check(inspector)
        waiting = inspector.locator("tbody tr", has_text=title)
        assert waiting.count() == 2
        row = waiting.first
        asked = []
        inspector.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        row.locator("button[value=decline]").click()
        assert asked == [] and inspector.url.endswith("status=requested")  # no reason yet
        row.locator("textarea, input[name=reason]").first.fill("Жұмыс орны жоқ / нет места")
        with inspector.expect_navigation():
            row.locator("button[value=decline]").click()
        facility.check(inspector)
        assert len(asked) == 1 and title in asked[0], asked
        assert title in inspector.locator(".alert-success").inner_text()
        assert inspector.locator("tbody tr", has_text=title).count() == 1
    facility(see_requests)
    facility.logout()

    logout(page, lang, device)
