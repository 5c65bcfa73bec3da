"""A facility's labour inspector imports people from a spreadsheet, places the best candidates
on a line, enters their month of wages and releases one of them. In Kazakh and Russian, on a
laptop and on a phone: every page passes check_page, and the journey ends with logout.
"""
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

import timeutil
from reference.identifiers import make_number
from tests.e2e.conftest import (DEVICES, assert_accessible, assert_cards, check_page, click_menu,
                                login_in, logout)

LINE_A = 1  # small_world's first line: «Швейный цех» at facility_a, open, needs 7533
# Keeps each run's IINs apart in the shared database.
SERIAL = {"kk": 100, "ru": 200}
SERIAL_OF_DEVICE = {"laptop": 0, "phone": 50}


def iin(born, serial):
    """Return a valid IIN of a man born in the 1900s, from a serial number."""
    while True:
        number = make_number(f"{born:%y%m%d}3{serial:04d}")
        if number:
            return number
        serial += 1


def people(lang, device):
    """Return the new people of one run: (file number, surname, IIN, birth date)."""
    rows = []
    for n in range(3):
        born = date(1985 + n, 3, 10 + n)
        rows.append((f"{lang}-{device}-E2E-{n + 1:03d}", f"Жұмабеков{lang.upper()}{n}",
                     iin(born, SERIAL[lang] + SERIAL_OF_DEVICE[device] + 10 * n), born))
    return rows


KEYS = ["facility", "file_number", "last_name", "first_name", "patronymic", "iin",
        "birth_on", "gender", "admitted_on", "expected_release_on", "able_bodied",
        "disability_group", "education_level", "restrictions", "skills"]


def template_words(template_bytes):
    """Read the words the template's example row uses for coded values, in the user's
    language: gender, yes/no, education, a restriction and the skill levels."""
    source = load_workbook(io.BytesIO(template_bytes)).worksheets[0]
    example = dict(zip(KEYS, [cell.value for cell in source[2]]))
    (_, qualified, _, yes), (_, trainee, _, no) = (
        part.strip().split(":") for part in example["skills"].split(";"))
    return {"gender": example["gender"], "yes": yes, "no": no, "qualified": qualified,
            "trainee": trainee, "education_level": example["education_level"],
            "restriction": example["restrictions"]}


def filled_template(template_bytes, rows, broken=None):
    """Keep the template's header row, drop its example, write one row per person with the
    template's own words for coded values.

    broken: the index of a row whose IIN gets a wrong check digit.
    """
    source = load_workbook(io.BytesIO(template_bytes)).worksheets[0]
    header = [cell.value for cell in source[1]]
    words = template_words(template_bytes)
    out = Workbook()
    sheet = out.active
    sheet.append(header)
    keys = KEYS
    assert len(header) == len(keys)
    for index, (number, surname, code, born) in enumerate(rows):
        if index == broken:
            code = code[:-1] + str((int(code[-1]) + 1) % 10)
        values = {"facility": "FA", "file_number": number, "last_name": surname,
                  "first_name": "Дәурен", "patronymic": "", "iin": code,
                  "birth_on": born.isoformat(), "gender": words["gender"],
                  "admitted_on": "2024-02-01", "expected_release_on": "2029-06-01",
                  "able_bodied": words["yes"], "disability_group": "",
                  "education_level": words["education_level"], "restrictions": "",
                  "skills": f"7533:{words['qualified']}:12:{words['yes']}; "
                            f"8153:{words['trainee']}:3:{words['no']}"}
        sheet.append([values[k] for k in keys])
    data = io.BytesIO()
    out.save(data)
    return data.getvalue()


def upload(page, data, name, lang, device):
    """Upload a roster file from the import page and wait for the preview."""
    page.goto("/people/import")
    check_page(page, lang, device)
    page.set_input_files("input[type=file][name=file]", files=[{
        "name": name, "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    with page.expect_navigation():
        page.click("main form[enctype='multipart/form-data'] button[type=submit]")
    check_page(page, lang, device)


def row_of(page, file_number):
    """Return the table row that shows a file number."""
    return page.locator("tbody tr", has=page.locator("td", has_text=re.compile(
        "^" + re.escape(file_number) + "$")))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_inspector_journey(page, lang, device):
    login_in(page, "inspector_a", lang, device=device)
    new = people(lang, device)

    # The template, downloaded from the import page, with headers in the user's language.
    page.goto("/people/import")
    check_page(page, lang, device)
    with page.expect_download() as info:
        page.click("a[href$='/people/import/template']")
    template = open(info.value.path(), "rb").read()
    # Its coded values are words of the user's language, not codes (M, yes, qualified).
    words = template_words(template)
    codes = {"M", "F", "yes", "no", "qualified", "trainee", "expert", "vocational", "minors"}
    assert not codes & set(words.values()), words
    assert all(not word.isascii() for word in words.values()), words
    # The instructions on the import page say them in the same words.
    instructions = page.locator("main").inner_text()
    assert words["qualified"] in instructions and words["restriction"] in instructions

    # One bad row (the second person, spreadsheet row 3): nothing saved, the row and a reason.
    upload(page, filled_template(template, new, broken=1), f"roster-{lang}.xlsx", lang, device)
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text().strip() == "3"
    assert errors.first.locator("li").first.inner_text().strip()  # the reason
    assert page.locator("form[action$='/people/import/confirm']").count() == 0

    # The corrected file previews clean; saving it brings the people into the roster.
    upload(page, filled_template(template, new), f"roster-{lang}.xlsx", lang, device)
    assert page.locator("#import-errors").count() == 0
    page.click("form[action$='/people/import/confirm'] button[type=submit]")
    page.wait_for_url(re.compile(r"/market/roster(\?.*)?$"))
    check_page(page, lang, device)
    assert_cards(page, device)  # the roster on a phone: a card per person, no sideways table
    assert page.locator(".alert-success").count() == 1

    page.fill("#q", f"{lang}-{device}-E2E-")
    page.select_option("#occupation", "7533")
    with page.expect_navigation():
        page.click("main form[role=search] button[type=submit]")
    check_page(page, lang, device)
    assert "occupation=7533" in page.url
    for number, surname, *_ in new:
        assert row_of(page, number).count() == 1, number
    assert page.locator("tbody tr").count() == len(new)
    assert_accessible(page)
    page.select_option("#occupation", "7114")
    with page.expect_navigation():
        page.click("main form[role=search] button[type=submit]")
    check_page(page, lang, device)
    assert row_of(page, new[0][0]).count() == 0

    # Candidates for line_a: ranked with scores and reasons; place two of the new people.
    page.goto(f"/market/lines/{LINE_A}/candidates")
    check_page(page, lang, device)
    assert "Швейный цех" in page.locator("h1").inner_text()
    assert_cards(page, device)
    ranked = page.locator("tbody tr")
    assert ranked.count() >= len(new)
    first = ranked.first
    assert re.search(r"\d", first.locator(".badge").first.inner_text())
    assert first.locator(".small.text-muted").first.inner_text().strip()
    assert_accessible(page)
    placed = new[:2]
    # The sewing shop is a business's: without the person's consent the place is refused,
    # and the reason shows beside the row.
    row = row_of(page, placed[0][0])
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    check_page(page, lang, device)
    assert page.locator(".alert-success").count() == 0
    assert row_of(page, placed[0][0]).locator(".invalid-feedback").inner_text().strip()
    # The inspector records each person's consent to the line on their compliance page.
    for number, surname, *_ in placed:
        href = row_of(page, number).locator("a[href*='/people/']").first.get_attribute("href")
        person_id = re.search(r"/(\d+)$", href).group(1)
        page.goto(f"/compliance/people/{person_id}")
        check_page(page, lang, device)
        option = page.locator("#consent-form select[name=line_id] option", has_text="Швейный цех")
        page.select_option("#consent-form select[name=line_id]", option.first.get_attribute("value"))
        page.fill("#consent-form input[name=taken_by]", "Еңбек инспекторы / инспектор")
        with page.expect_navigation():
            page.locator("#consent-form button[type=submit]").click()
        check_page(page, lang, device)
        assert page.locator(".alert-success").count() == 1
        page.goto(f"/market/lines/{LINE_A}/candidates")
        check_page(page, lang, device)
    for number, surname, *_ in placed:
        row = row_of(page, number)
        assert row.count() == 1, number
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        check_page(page, lang, device)
        assert page.locator(".alert-success").count() == 1
        assert surname in page.locator(".alert-success").inner_text()  # the flash names them
        assert row_of(page, number).count() == 0  # placed people leave the idle list

    # The month's wages of the two placed people, balanced, saved and shown again.
    month = timeutil.today().strftime("%Y-%m")
    page.goto(f"/market/lines/{LINE_A}/wages?month={month}")
    check_page(page, lang, device)
    grid = {}
    for number, surname, *_ in placed:
        header = page.locator("tbody tr th[scope=row]", has_text=number)
        assert header.count() == 1, number
        name = header.locator("xpath=..").locator("input[name^='accrued_kzt-']").get_attribute("name")
        grid[number] = name.split("-", 1)[1]
    assert_cards(page, device)
    amounts = {"days_worked": "20", "accrued_kzt": "100000", "deduction_upkeep_kzt": "30000",
               "deduction_tax_kzt": "10000", "credited_kzt": "60000"}
    for pid in grid.values():
        # The month's norm is pre-filled from the line's hours; "norm met" is not answered
        # until the hours are in, and then follows them.
        norm = page.input_value(f"#norm_hours-{pid}")
        assert norm.isdigit() and int(norm) > 0, norm
        assert page.input_value(f"#norm_met-{pid}") == ""
        page.fill(f"#hours_worked-{pid}", str(int(norm) - 1))
        assert page.input_value(f"#norm_met-{pid}") == "0"
        page.fill(f"#hours_worked-{pid}", norm)
        assert page.input_value(f"#norm_met-{pid}") == "1"
        for field, value in amounts.items():
            page.fill(f"#{field}-{pid}", value)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(f"main form[method=post][action*='/lines/{LINE_A}/wages?'] "
                     "button[type=submit]").click()
    check_page(page, lang, device)
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    for pid in grid.values():
        assert page.input_value(f"#accrued_kzt-{pid}") == "100000"
        assert page.input_value(f"#credited_kzt-{pid}") == "60000"
        assert page.locator(f"#accrued_kzt-{pid}").locator(
            "xpath=ancestor::tr").locator(".badge.text-bg-secondary").count() == 1

    # Release the first placed person from their person page; the placement ends that day.
    leaver = placed[0][0]
    # The roster from the menu, then the leaver's row among everyone.
    click_menu(page, device, "a[href$='/market/roster']")
    check_page(page, lang, device)
    page.goto("/market/roster?status=all&q=" + leaver)
    check_page(page, lang, device)
    with page.expect_navigation():
        page.locator("tbody tr td a[href^='/people/']").first.click()
    check_page(page, lang, device)
    person_url = page.url
    person_id = re.search(r"/people/(\d+)$", person_url).group(1)
    assert_accessible(page)
    with page.expect_navigation():
        page.click(f"a[href$='/people/{person_id}/release']")
    check_page(page, lang, device)
    today = timeutil.today().isoformat()
    page.fill("input[name=on]", today)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(rf"/people/{person_id}$"))
    check_page(page, lang, device)
    assert page.locator(".alert-success").count() == 1
    assert page.locator(f"a[href$='/people/{person_id}/release']").count() == 0

    # Person → placements and wages → the month's wage grid → back to the person's work.
    with page.expect_navigation():
        page.click(f"main a[href$='/market/people/{person_id}/placements']")
    check_page(page, lang, device)
    assert page.locator(f"main a[href$='/people/{person_id}']").count() >= 1  # back
    with page.expect_navigation():
        page.locator(f"main a[href*='/lines/{LINE_A}/wages?month=']").first.click()
    check_page(page, lang, device)
    assert page.locator(f"main a[href*='/market/people/{person_id}/placements']").count() == 1

    # The grid → the line's placements (its workers) → back to the grid.
    with page.expect_navigation():
        page.click(f"main a[href$='/market/lines/{LINE_A}/placements']")
    check_page(page, lang, device)
    assert_cards(page, device)
    assert page.locator(f"main a[href*='/market/lines/{LINE_A}/wages']").count() >= 1
    ended = row_of(page, leaver)
    assert ended.count() == 1
    cells = ended.locator("td")
    assert cells.nth(4).inner_text().strip()  # the end date is shown
    assert cells.nth(5).inner_text().strip()  # and the reason
    assert ended.locator("form[action*='/end']").count() == 0
    still = row_of(page, placed[1][0])
    assert still.locator("form[action*='/end']").count() == 1

    logout(page, lang, device)
