"""Wages: validation, the grid, review, the minimum-wage flag, and imports all-or-nothing."""
import csv
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from extensions import db
from marketplace import wage_entry, wages
from marketplace.models import WageRecord
from reference.services import minimum_wage
from tests import factories

MONTH = "2024-05"
GOOD = {"days_worked": "22", "hours_worked": "176", "norm_hours": "176", "norm_met": "1",
        "accrued_kzt": "100000", "deduction_upkeep_kzt": "30000", "deduction_alimony_kzt": "0",
        "deduction_damages_kzt": "5000", "deduction_tax_kzt": "10000",
        "deduction_other_kzt": "", "credited_kzt": "55000"}


@pytest.fixture
def app(app):
    """The app with an English request context, so messages render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


@pytest.fixture
def placed(world):
    """person_a working on line_a since before May 2024."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    return placement


def grid_data(placement, **changes):
    values = dict(GOOD, **changes)
    return {f"{field}-{placement.id}": value for field, value in values.items()}


def records():
    db.session.expire_all()
    return db.session.scalars(select(WageRecord)).all()


def test_validate_accepts_a_balanced_row_and_counts_blanks_as_zero():
    clean, errors = wage_entry.validate(GOOD)
    assert errors == {} and clean["deduction_other_kzt"] == 0 and clean["norm_met"] is True


@pytest.mark.parametrize("field,value,fragment", [
    ("credited_kzt", "50000", "must equal accrued"),
    ("days_worked", "32", "between 0 and 31"),
    ("hours_worked", "-1", "between 0 and 400"),
    ("norm_hours", "0", "between 1 and 400"),
    ("accrued_kzt", "12.5", "whole number"),
    ("norm_met", "maybe", "yes or no"),
    ("deduction_tax_kzt", "abc", "whole number"),
])
def test_validate_names_the_wrong_field(field, value, fragment):
    _, errors = wage_entry.validate(dict(GOOD, **{field: value}))
    assert field in errors and fragment in str(errors[field])


def test_owner_enters_the_grid_and_inspector_reviews(client, auth, world, placed):
    auth.login("owner_a")
    page = client.get(f"/market/lines/{world.line_a.id}/wages?month={MONTH}")
    assert page.status_code == 200 and "Алиев" in page.get_data(as_text=True)
    response = client.post(f"/market/lines/{world.line_a.id}/wages?month={MONTH}",
                           data=grid_data(placed))
    assert response.status_code == 302
    [record] = records()
    assert (record.month, record.accrued_kzt, record.credited_kzt) == (date(2024, 5, 1), 100000, 55000)
    assert record.reviewed_at is None
    assert client.post(f"/market/lines/{world.line_a.id}/wages/review?month={MONTH}").status_code == 404
    auth.logout()
    auth.login("inspector_a")
    client.post(f"/market/lines/{world.line_a.id}/wages/review?month={MONTH}")
    assert records()[0].reviewed_at is not None


def test_second_entry_edits_the_same_record(client, auth, world, placed):
    auth.login("owner_a")
    url = f"/market/lines/{world.line_a.id}/wages?month={MONTH}"
    client.post(url, data=grid_data(placed))
    client.post(url, data=grid_data(placed, accrued_kzt="110000", credited_kzt="65000"))
    [record] = records()
    assert record.accrued_kzt == 110000 and record.version_id == 2


def test_bad_row_saves_nothing_and_says_why(client, auth, world, placed):
    other = factories.person(world.facility_a)
    second = factories.placement(other, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    auth.login("owner_a")
    data = {**grid_data(placed), **grid_data(second, credited_kzt="1")}
    response = client.post(f"/market/lines/{world.line_a.id}/wages?month={MONTH}", data=data)
    assert response.status_code == 422
    # The amounts as every page writes money (with the locale's group separator, a no-break
    # space in English too): 1 ₸ credited against the grid's 100 000 ₸ accrued.
    assert re.search(r"Credited \(1 ₸\) plus deductions \(\d+\W\d{3} ₸\) must equal accrued "
                     r"\(100\W000 ₸\)", response.get_data(as_text=True))
    assert records() == []


def test_owner_b_cannot_touch_line_a_wages(client, auth, world, placed):
    auth.login("owner_b")
    assert client.get(f"/market/lines/{world.line_a.id}/wages").status_code == 404
    assert client.post(f"/market/lines/{world.line_a.id}/wages?month={MONTH}",
                       data=grid_data(placed)).status_code == 404
    assert records() == []


def test_full_month_with_norm_met_below_minimum_is_flagged_everywhere(client, auth, world, placed):
    auth.login("owner_a")
    client.post(f"/market/lines/{world.line_a.id}/wages?month={MONTH}",
                data=grid_data(placed, accrued_kzt="80000", credited_kzt="35000"))
    grid = client.get(f"/market/lines/{world.line_a.id}/wages?month={MONTH}").get_data(as_text=True)
    listing = client.get(f"/market/wages?month={MONTH}").get_data(as_text=True)
    workers = client.get("/market/workers").get_data(as_text=True)
    for page in (grid, listing, workers):
        assert "flag-below-min" in page and "Below the minimum wage" in page
    auth.logout()
    auth.login("inspector_a")
    history = client.get(f"/market/people/{world.person_a.id}/placements").get_data(as_text=True)
    assert "flag-below-min" in history


def test_no_flag_for_part_month_norm_not_met_or_enough_pay(world):
    late = factories.placement(factories.person(world.facility_a), world.line_a,
                               started_on=date(2024, 5, 15))
    full = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    db.session.commit()
    low = {"norm_met": True, "accrued_kzt": 80000}
    minimum = minimum_wage(2024)
    assert minimum == 85000
    month = date(2024, 5, 1)
    assert wages.below_minimum(low, full, month, minimum)
    assert not wages.below_minimum(low, late, month, minimum)
    assert not wages.below_minimum(dict(low, norm_met=False), full, month, minimum)
    assert not wages.below_minimum(dict(low, accrued_kzt=85000), full, month, minimum)


def xlsx(rows, headers=None):
    book = Workbook()
    sheet = book.active
    from marketplace.wage_import import COLUMNS

    sheet.append(headers or [str(c.label) for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_row(person, **changes):
    values = dict(GOOD, **changes)
    return [person.file_number, person.full_name,
            *[values.get(f, "") if f != "norm_met" else "да" for f in wage_entry.FIELDS]]


def upload(client, line, data, name="wages.xlsx"):
    return client.post(f"/market/lines/{line.id}/wages/import?month={MONTH}",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_template_has_headers_in_the_users_language_and_the_workers(client, auth, world, placed):
    auth.login("owner_a")
    client.post("/language", data={"lang": "ru", "next": "/"})
    response = client.get(f"/market/lines/{world.line_a.id}/wages/template.xlsx?month={MONTH}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[1][0] == world.person_a.file_number
    assert len(rows[0]) == 2 + len(wage_entry.FIELDS)


def test_import_preview_then_confirm_saves_all_rows(client, auth, world, placed):
    auth.login("inspector_a")
    response = upload(client, world.line_a, xlsx([sheet_row(world.person_a)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 row is ready" in page
    preview = page.split('id="wage-import-rows"')[1].split("</table>")[0]
    assert world.person_a.file_number in preview and "100" in preview  # the row it will create
    assert records() == []
    payload = page.split('name="payload" value="')[1].split('"')[0]
    response = client.post(f"/market/lines/{world.line_a.id}/wages/import/confirm?month={MONTH}",
                           data={"payload": payload})
    assert response.status_code == 302
    [record] = records()
    assert record.accrued_kzt == 100000 and record.norm_met is True


def test_import_with_one_bad_row_lists_every_bad_row_and_saves_nothing(client, auth, world, placed):
    other = factories.person(world.facility_a)
    factories.placement(other, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    auth.login("inspector_a")
    rows = [sheet_row(world.person_a), sheet_row(other, credited_kzt="1"),
            ["NO-SUCH", "x", *["1"] * len(wage_entry.FIELDS)],
            sheet_row(world.person_a)]
    page = upload(client, world.line_a, xlsx(rows)).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "must equal accrued" in page and "No worker with this file number" in page
    assert "appears twice" in page
    assert records() == []


def test_import_refuses_formulas_wrong_headers_and_other_files(client, auth, world, placed):
    auth.login("inspector_a")
    formula = sheet_row(world.person_a)
    formula[4] = "=1+1"
    assert "formulas are not accepted" in upload(client, world.line_a, xlsx([formula])).get_data(as_text=True)
    assert "Missing columns" in upload(client, world.line_a, xlsx([], headers=["a", "b"])).get_data(as_text=True)
    assert upload(client, world.line_a, b"MZ\x90", name="x.exe").status_code == 302
    assert records() == []


def test_csv_import_with_russian_headers(client, auth, world, placed):
    from flask_babel import force_locale

    from marketplace.wage_import import COLUMNS

    with force_locale("ru"):
        headers = [str(c.label) for c in COLUMNS]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(headers)
    writer.writerow(sheet_row(world.person_a))
    auth.login("owner_a")
    page = upload(client, world.line_a, text.getvalue().encode(), "w.csv").get_data(as_text=True)
    assert "1 row is ready" in page


def test_tampered_payload_is_refused(client, auth, world, placed):
    auth.login("owner_a")
    response = client.post(f"/market/lines/{world.line_a.id}/wages/import/confirm?month={MONTH}",
                           data={"payload": "forged"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(WageRecord.id))) == 0


def test_inspector_sees_only_own_people_on_an_outside_line(client, auth, world):
    outside = factories.line(world.sme_a, None, region_code="KZ-71", title="Астана швейный")
    other_minimum = factories.facility(region_code="KZ-71", security_level="minimum")
    stranger = factories.person(other_minimum, last_name="Чужой")
    factories.placement(stranger, outside, started_on=date(2024, 1, 1))
    factories.placement(world.person_a, outside, started_on=date(2024, 1, 1))
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{outside.id}/wages?month={MONTH}").get_data(as_text=True)
    assert "Алиев" in page and "Чужой" not in page
    history = client.get(f"/market/lines/{outside.id}/placements").get_data(as_text=True)
    assert "Алиев" in history and "Чужой" not in history


def test_a_concurrent_first_entry_of_the_same_month_is_a_409(client, auth, world, placed,
                                                              monkeypatch):
    """Two people save the same new month at once: the second insert answers 409, not 500."""
    auth.login("owner_a")
    url = f"/market/lines/{world.line_a.id}/wages?month={MONTH}"
    client.post(url, data=grid_data(placed))

    def insert_as_if_unseen(placement, month, clean, user, record=None):
        # What the second request does when it read the grid before the first one committed.
        fresh = WageRecord(placement_id=placement.id, month=month, **clean)
        db.session.add(fresh)
        db.session.flush()
        return fresh, True

    monkeypatch.setattr(wages, "save_record", insert_as_if_unseen)
    response = client.post(url, data=grid_data(placed, accrued_kzt="110000", credited_kzt="65000"))
    assert response.status_code == 409
    assert "changed these wages meanwhile" in response.get_data(as_text=True)
    assert [r.accrued_kzt for r in records()] == [100000]
