"""A probation officer registers a client, finds the sewing workshop open to people on
probation, places the client and sees them among the workshop's workers; the workshop's owner
then sees them among its workers. In Kazakh and Russian.
"""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey_inspector import login_in, row_of
from tests.e2e.test_journey_owner import new_context_page

WORKSHOP = "Тігін шеберханасы"  # the seed's outside line in Astana, open to probation
COMPANY = "ТОО Шебер тігін"     # and the SME running it


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_probation_officer_journey(page, browser, live_server, lang):
    page.set_default_timeout(10_000)
    file_number, surname = f"ПР-E2E-{lang}", f"Қалиев{lang.upper()}"
    login_in(page, "probation_a", lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)

    # Register a client sentenced without custody, with a sewing skill.
    page.goto("/people/probation")
    page.click("main a[href$='/people/probation/new']")
    page.wait_for_url(re.compile(r"/people/probation/new$"))
    today = date.today()
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
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(surname)
    client_id = re.search(r"/people/probation/(\d+)$", page.url).group(1)

    # The workshop is outside the facilities: the client's consent to its work comes first.
    page.click(f"main a[href$='/compliance/people/{client_id}']")
    page.wait_for_url(re.compile(rf"/compliance/people/{client_id}$"))
    page.select_option("#consent-form select[name=line_id]", label=f"{WORKSHOP} — {COMPANY}")
    page.fill("#consent-form input[name=taken_by]", "Пробация қызметі / служба пробации")
    page.locator("#consent-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("#consents")).to_contain_text(WORKSHOP)

    # Find the workshop among the open lines of the region, open to the service's clients.
    page.goto("/people/probation")
    page.click("main a[href*='/enterprises/lines']")
    page.wait_for_url(re.compile(r"/enterprises/lines\?status=open$"))
    page.locator("tbody tr td a", has_text=WORKSHOP).click()
    page.wait_for_url(re.compile(r"/enterprises/lines/\d+$"))
    line_id = re.search(r"/lines/(\d+)$", page.url).group(1)
    expect(page.locator("#open-to-probation")).to_be_visible()

    # Place the client from the line's candidates; they leave the list of idle people.
    page.click(f"main a[href$='/market/lines/{line_id}/candidates']")
    page.wait_for_url(re.compile(rf"/market/lines/{line_id}/candidates$"))
    row = row_of(page, file_number)
    expect(row).to_have_count(1)
    expect(row.locator(".badge.text-bg-info")).to_have_count(1)  # shown as on probation
    row.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(row_of(page, file_number)).to_have_count(0)

    # The workshop's workers list shows the client holding a place from today.
    page.goto(f"/enterprises/lines/{line_id}")
    page.click(f"main a[href$='/market/lines/{line_id}/placements']")
    page.wait_for_url(re.compile(rf"/market/lines/{line_id}/placements$"))
    worker = row_of(page, file_number)
    expect(worker).to_have_count(1)
    expect(worker).to_contain_text(surname)
    expect(worker.locator("form[action*='/end']")).to_have_count(1)

    # The workshop's owner, at another computer, sees the client among its workers.
    context, owner = new_context_page(browser, live_server)
    try:
        login_in(owner, "owner_ws", lang)
        owner.goto("/market/workers")
        expect(owner.locator("html")).to_have_attribute("lang", lang)
        mine = row_of(owner, file_number)
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text(surname)
        expect(mine).to_contain_text(WORKSHOP)
    finally:
        context.close()
