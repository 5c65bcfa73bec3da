"""A probation officer registers a client, finds the sewing workshop open to people on
probation, places the client and sees them among the workshop's workers; the workshop's owner
then sees them among its workers. In Kazakh and Russian, on a laptop and on a phone (the owner at
the same kind of device): every page passes check_page, and the journey ends with logout.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

import timeutil
from tests.e2e.conftest import (DEVICES, assert_cards, check_page, click_menu, login_in, logout,
                                new_context_page)
from tests.e2e.test_journey_inspector import row_of

WORKSHOP = "Тігін шеберханасы"  # the seed's outside line in Astana, open to probation
COMPANY = "ТОО Шебер тігін"     # and the SME running it


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_probation_officer_journey(page, browser, live_server, lang, device):
    page.set_default_timeout(10_000)
    file_number, surname = f"ПР-E2E-{lang}-{device}", f"Қалиев{lang.upper()}"
    login_in(page, "probation_a", lang, device=device)

    # Register a client sentenced without custody, with a sewing skill.
    click_menu(page, device, "a[href$='/people/probation']")
    check_page(page, lang, device)
    page.click("main a[href$='/people/probation/new']")
    page.wait_for_url(re.compile(r"/people/probation/new$"))
    check_page(page, lang, device)
    today = timeutil.today()
    page.fill("#file_number", file_number)
    page.fill("#last_name", surname)
    page.fill("#first_name", "Нұрлан")
    page.fill("#birth_on", "1991-05-17")
    page.select_option("#gender", "M")
    page.fill("#started_on", (today - timedelta(days=30)).isoformat())
    page.fill("#ends_on", (today + timedelta(days=730)).isoformat())
    page.select_option("#occupation_code", "7533")
    page.select_option("#level", "qualified")
    page.fill("#years_experience", "3")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/probation/\d+$"))
    check_page(page, lang, device)
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(surname)
    client_id = re.search(r"/people/probation/(\d+)$", page.url).group(1)

    # The workshop is outside the facilities: the client's consent to its work comes first.
    page.click(f"main a[href$='/compliance/people/{client_id}']")
    page.wait_for_url(re.compile(rf"/compliance/people/{client_id}$"))
    check_page(page, lang, device)
    page.select_option("#consent-form select[name=line_id]", label=f"{WORKSHOP} — {COMPANY}")
    page.fill("#consent-form input[name=taken_by]", "Пробация қызметі / служба пробации")
    page.locator("#consent-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    check_page(page, lang, device)
    expect(page.locator("#consents")).to_contain_text(WORKSHOP)

    # Find the workshop among the open lines of the region, open to the service's clients.
    page.goto("/people/probation")
    check_page(page, lang, device)
    page.click("main a[href*='/enterprises/lines']")
    page.wait_for_url(re.compile(r"/enterprises/lines\?status=open$"))
    check_page(page, lang, device)
    page.locator("tbody tr td a", has_text=WORKSHOP).click()
    page.wait_for_url(re.compile(r"/enterprises/lines/\d+$"))
    check_page(page, lang, device)
    line_id = re.search(r"/lines/(\d+)$", page.url).group(1)
    expect(page.locator("#open-to-probation")).to_be_visible()

    # Place the client from the line's candidates; they leave the list of idle people.
    page.click(f"main a[href$='/market/lines/{line_id}/candidates']")
    page.wait_for_url(re.compile(rf"/market/lines/{line_id}/candidates$"))
    check_page(page, lang, device)
    row = row_of(page, file_number)
    expect(row).to_have_count(1)
    expect(row.locator(".badge.text-bg-info")).to_have_count(1)  # shown as on probation
    row.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator(".alert-success")).to_contain_text(surname)  # the flash names them
    check_page(page, lang, device)
    expect(row_of(page, file_number)).to_have_count(0)

    # The workshop's workers list shows the client holding a place from today.
    page.goto(f"/enterprises/lines/{line_id}")
    check_page(page, lang, device)
    page.click(f"main a[href$='/market/lines/{line_id}/placements']")
    page.wait_for_url(re.compile(rf"/market/lines/{line_id}/placements$"))
    check_page(page, lang, device)
    assert_cards(page, device)
    worker = row_of(page, file_number)
    expect(worker).to_have_count(1)
    expect(worker).to_contain_text(surname)
    expect(worker.locator("form[action*='/end']")).to_have_count(1)

    # The workshop's owner, at another computer, sees the client among its workers.
    context, owner = new_context_page(browser, live_server, device)
    try:
        login_in(owner, "owner_ws", lang, device=device)
        click_menu(owner, device, "a[href$='/market/workers']")
        check_page(owner, lang, device)
        assert_cards(owner, device)
        mine = row_of(owner, file_number)
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text(surname)
        expect(mine).to_contain_text(WORKSHOP)
        logout(owner, lang, device)
    finally:
        context.close()

    logout(page, lang, device)
