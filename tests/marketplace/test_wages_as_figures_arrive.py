"""Wages are entered as the figures arrive: blank rows are not entered yet, the grid pre-fills
what it knows, and a record is only kept for a month inside its placement."""
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from extensions import db
from marketplace import wage_entry, wage_import, wages
from marketplace.models import PlacementWageChange, WageRecord
from tests import factories
from web.errors import InputError

MONTH = "2024-05"
MAY = date(2024, 5, 1)
NORM_MAY = 23 * 8  # May 2024 has 23 weekdays; the line works 40 hours a week


@pytest.fixture
def app(app):
    """The app with an English request context, so messages render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


@pytest.fixture
def ten(world):
    """Ten people working on line_a all through May 2024, at the line's 90 000 ₸."""
    world.line_a.headcount = 15
    people = [world.person_a] + [factories.person(world.facility_a) for _ in range(9)]
    placed = [factories.placement(p, world.line_a, started_on=date(2024, 1, 10))
              for p in people]
    db.session.commit()
    return placed


def grid_url(world):
    return f"/market/lines/{world.line_a.id}/wages?month={MONTH}"


def rendered_form(page):
    """Return what a browser would post back from the grid page as it was rendered."""
    form = page.split('<form method="post" action="/market/lines/')[1].split("</form>")[0]
    data = {name: value for name, value in re.findall(
        r'<input class="form-control[^"]*"[^>]* name="([^"]+)" value="([^"]*)"', form)}
    for name, options in re.findall(r'<select[^>]* name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def fill_row(data, placement, **values):
    figures = {"days_worked": "23", "hours_worked": "184", "norm_met": "1",
               "deduction_upkeep_kzt": "22500", "deduction_tax_kzt": "9000"}
    figures.update(values)
    data.update({f"{field}-{placement.id}": value for field, value in figures.items()})
    return data


def records():
    db.session.expire_all()
    return {r.placement_id: r for r in db.session.scalars(select(WageRecord))}


def test_the_grid_prefills_norm_hours_and_the_agreed_wage_and_leaves_norm_met_blank(
        client, auth, world, ten):
    late = factories.placement(factories.person(world.facility_a), world.line_a,
                               started_on=date(2024, 5, 20))
    db.session.commit()
    auth.login("owner_a")
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    first = ten[0].id
    assert data[f"norm_hours-{first}"] == str(NORM_MAY)
    assert data[f"accrued_kzt-{first}"] == "90000"
    assert data[f"norm_met-{first}"] == ""
    assert data[f"days_worked-{first}"] == "" and data[f"credited_kzt-{first}"] == ""
    # Part of the month: what it earns depends on the days worked, so accrued stays blank.
    assert data[f"norm_hours-{late.id}"] == str(NORM_MAY) and data[f"accrued_kzt-{late.id}"] == ""


def test_the_prefilled_wage_is_the_one_agreed_in_that_month(world, ten):
    placement = ten[0]
    placement.wage_kzt = 95_000
    db.session.add(PlacementWageChange(placement_id=placement.id, old_wage_kzt=90_000,
                                       new_wage_kzt=95_000, effective_on=date(2024, 6, 1)))
    db.session.commit()
    may = {row.placement.id: row.prefill for row in wages.grid(world.line_a.id, MAY)}
    june = {row.placement.id: row.prefill for row in wages.grid(world.line_a.id,
                                                                date(2024, 6, 1))}
    assert may[placement.id] == {"norm_hours": NORM_MAY, "accrued_kzt": 90_000}
    assert june[placement.id] == {"norm_hours": 20 * 8, "accrued_kzt": 95_000}
    assert wage_entry.norm_hours_of(MAY, 36) == round(23 * 36 / 5)


def test_saving_two_of_ten_rows_keeps_them_and_leaves_eight_not_entered(client, auth, world,
                                                                        ten):
    auth.login("owner_a")
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    fill_row(data, ten[0])
    fill_row(data, ten[1], norm_met="0", hours_worked="150", deduction_tax_kzt="")
    response = client.post(grid_url(world), data=data)
    assert response.status_code == 302
    saved = records()
    assert set(saved) == {ten[0].id, ten[1].id}
    assert (saved[ten[0].id].accrued_kzt, saved[ten[0].id].credited_kzt) == (90_000, 58_500)
    assert saved[ten[1].id].norm_met is False and saved[ten[1].id].credited_kzt == 67_500
    listing = client.get(f"/market/wages?month={MONTH}").get_data(as_text=True)
    assert "2 of 10" in listing
    page = client.get(grid_url(world)).get_data(as_text=True)
    assert "Entered: 2 of 10." in page and page.count("Not entered yet") == 8
    # The inspector reviews what is there; a later visit adds a row and keeps the others.
    auth.logout()
    auth.login("inspector_a")
    client.post(f"/market/lines/{world.line_a.id}/wages/review?month={MONTH}")
    reviewed = records()[ten[0].id]
    assert reviewed.reviewed_at is not None
    auth.logout()
    auth.login("owner_a")
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    fill_row(data, ten[2])
    assert client.post(grid_url(world), data=data).status_code == 302
    saved = records()
    assert set(saved) == {ten[0].id, ten[1].id, ten[2].id}
    assert saved[ten[0].id].version_id == reviewed.version_id
    assert saved[ten[0].id].reviewed_at == reviewed.reviewed_at
    assert saved[ten[2].id].reviewed_at is None


def test_figures_without_a_norm_met_answer_are_refused_next_to_that_cell(client, auth, world,
                                                                         ten):
    auth.login("owner_a")
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    fill_row(data, ten[0])
    fill_row(data, ten[1], norm_met="")
    response = client.post(grid_url(world), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="norm_met-{ten[1].id}-error">([^<]+)<', page)
    assert error and "Say whether the norm was met" in error.group(1)
    assert f'aria-describedby="norm_met-{ten[1].id}-error"' in page
    assert records() == {}


def test_a_saved_month_cannot_be_emptied(client, auth, world, ten):
    auth.login("owner_a")
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    client.post(grid_url(world), data=fill_row(data, ten[0]))
    data = rendered_form(client.get(grid_url(world)).get_data(as_text=True))
    data.update({f"{field}-{ten[0].id}": "" for field in wage_entry.FIELDS})
    response = client.post(grid_url(world), data=data)
    assert response.status_code == 422
    assert "correct its figures rather than empty them" in response.get_data(as_text=True)
    assert records()[ten[0].id].accrued_kzt == 90_000


def test_the_service_skips_blank_rows_and_refuses_a_month_outside_the_placement(world, ten):
    row = wages.grid(world.line_a.id, MAY)[0]
    assert wage_entry.not_entered({"norm_hours": str(NORM_MAY), "accrued_kzt": "90000",
                                   "days_worked": " "}, row.prefill)
    assert not wage_entry.not_entered({"norm_hours": str(NORM_MAY), "accrued_kzt": "80000"},
                                      row.prefill)
    assert not wage_entry.not_entered({"norm_met": "0"}, row.prefill)
    good = {"days_worked": "20", "hours_worked": "160", "norm_hours": "184", "norm_met": "1",
            "accrued_kzt": "90000"}
    clean, errors = wage_entry.validate(good, ten[0], MAY)
    assert errors == {} and clean["credited_kzt"] == 90_000
    _, errors = wage_entry.validate(good, ten[0], date(2023, 12, 1))
    assert "does not cover this month" in str(errors["month"])
    ended = factories.placement(factories.person(world.facility_a), world.line_a,
                                started_on=date(2024, 4, 1), ended_on=date(2024, 5, 11))
    _, errors = wage_entry.validate(good, ended, MAY)
    assert "covers 10 days" in str(errors["days_worked"])
    with pytest.raises(InputError):
        wages.save_record(ten[0], date(2023, 12, 1), clean, world.users.owner_a)


def test_the_grid_ignores_figures_posted_for_a_placement_outside_the_month(client, auth, world,
                                                                           ten):
    later = factories.placement(factories.person(world.facility_a, last_name="Позднов"),
                                world.line_a, started_on=date(2024, 7, 1))
    db.session.commit()
    auth.login("owner_a")
    page = client.get(grid_url(world)).get_data(as_text=True)
    assert "Позднов" not in page
    data = fill_row(rendered_form(page), later)
    assert client.post(grid_url(world), data=data).status_code == 302
    assert later.id not in records()


def sheet(rows):
    book = Workbook()
    book.active.append([str(c.label) for c in wage_import.COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, world, data):
    return client.post(f"/market/lines/{world.line_a.id}/wages/import?month={MONTH}",
                       data={"file": (io.BytesIO(data), "wages.xlsx")},
                       content_type="multipart/form-data")


def test_the_template_prefills_and_blank_import_rows_are_skipped_and_reported(client, auth,
                                                                             world, ten):
    auth.login("inspector_a")
    template = client.get(f"/market/lines/{world.line_a.id}/wages/template.xlsx?month={MONTH}")
    rows = [list(r) for r in load_workbook(io.BytesIO(template.data)).active.values][1:]
    keys = [c.key for c in wage_import.COLUMNS]
    assert len(rows) == 10
    first = dict(zip(keys, rows[0]))
    assert (first["norm_hours"], first["accrued_kzt"], first["norm_met"]) == (NORM_MAY, 90_000,
                                                                            None)
    # One row filled in; one left as the template had it; one with nothing but the person.
    rows[0][keys.index("days_worked")] = 23
    rows[0][keys.index("hours_worked")] = 184
    rows[0][keys.index("norm_met")] = "да"
    untouched = rows[1]
    bare = [rows[2][0], rows[2][1]] + [None] * len(wage_entry.FIELDS)
    page = upload(client, world, sheet([rows[0], untouched, bare])).get_data(as_text=True)
    assert "1 row is ready" in page and 'id="skipped-rows"' in page
    skipped = page.split('id="skipped-rows"')[1]
    assert "Skipped rows: 2" in page and skipped.count("not entered yet") == 2
    assert untouched[0] in skipped and bare[0] in skipped
    payload = page.split('name="payload" value="')[1].split('"')[0]
    client.post(f"/market/lines/{world.line_a.id}/wages/import/confirm?month={MONTH}",
                data={"payload": payload})
    saved = records()
    assert list(saved) == [ten[0].id] and saved[ten[0].id].credited_kzt == 90_000


def test_an_import_of_blank_rows_only_imports_nothing(client, auth, world, ten):
    auth.login("inspector_a")
    response = upload(client, world, sheet([[ten[0].person.file_number, "x"]]))
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and "No row has figures to import" in page
    assert "Skipped rows: 1" in page
    assert records() == {}
