"""Wage months have begun and lie within the placement: the grid's month chooser moves any
?month= into the months wages are kept for, and every write (grid, review, import) for a
month still to come or before 2000 is refused and writes nothing; no month is a 500."""
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import tabular
from accounts.models import User
from extensions import db
from marketplace import wage_entry, wage_import
from marketplace.models import WageRecord
from tests import factories
from timeutil import add_months, month_start, today

THIS_MONTH = month_start(today())
NEXT_MONTH = add_months(THIS_MONTH, 1)
GOOD = {"days_worked": "20", "hours_worked": "160", "norm_hours": "160", "norm_met": "1",
        "accrued_kzt": "100000", "credited_kzt": "100000"}


@pytest.fixture
def placed(world):
    """person_a working on line_a since 2024 with no end: active in every month to come."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    return placement


def records():
    db.session.expire_all()
    return db.session.scalar(select(func.count(WageRecord.id)))


def grid_data(placement):
    return {f"{field}-{placement.id}": value for field, value in GOOD.items()}


@pytest.mark.parametrize("asked,shown", [
    ("9999-12", THIS_MONTH), ("0001-01", date(2000, 1, 1)), ("1999-12", date(2000, 1, 1)),
    (f"{NEXT_MONTH:%Y-%m}", THIS_MONTH), ("99999-01", THIS_MONTH), ("2024-13", THIS_MONTH),
])
def test_the_month_shown_is_one_wages_are_kept_for(world, client, auth, placed, asked, shown):
    auth.login("inspector_a")
    for url in (f"/market/lines/{world.line_a.id}/wages?month={asked}",
                f"/market/wages?month={asked}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'value="{shown:%Y-%m}"' in response.get_data(as_text=True), url
    template = client.get(f"/market/lines/{world.line_a.id}/wages/template.xlsx?month={asked}")
    assert template.status_code == 200
    assert f"{shown:%Y-%m}" in template.headers["Content-Disposition"]


def test_a_month_moved_says_why(world, client, auth, placed):
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{world.line_a.id}/wages?month={NEXT_MONTH:%Y-%m}").get_data(
        as_text=True)
    assert "still to come" in page


@pytest.mark.parametrize("month", [f"{NEXT_MONTH:%Y-%m}", "9999-12", "1999-12", "0001-01"])
def test_wages_for_a_month_that_cannot_be_are_not_saved(world, client, auth, placed, month):
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/wages?month={month}",
                           data=grid_data(placed), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "still to come" in page or "kept from" in page
    assert records() == 0
    review = client.post(f"/market/lines/{world.line_a.id}/wages/review?month={month}")
    assert review.status_code == 302 and records() == 0


def test_this_month_can_be_entered(world, client, auth, placed):
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/wages?month={THIS_MONTH:%Y-%m}",
                           data=grid_data(placed))
    assert response.status_code == 302 and records() == 1


def _sheet(placement):
    book = Workbook()
    book.active.append([str(column.label) for column in wage_import.COLUMNS])
    book.active.append([placement.person.file_number, "",
                        *(GOOD.get(f, "0") for f in wage_entry.FIELDS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("month", [f"{NEXT_MONTH:%Y-%m}", "9999-12"])
def test_a_wage_sheet_for_a_month_to_come_is_refused(app, world, client, auth, placed, month):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        sheet = _sheet(placed)
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/wages/import?month={month}",
                           data={"file": (io.BytesIO(sheet), "wages.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and "still to come" in response.get_data(as_text=True)
    # Rows kept on the server for such a month (only the server could have kept them)
    # are refused too.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        table = tabular.Table([tabular.Row(2, {"file_number": placed.person.file_number, **GOOD})])
        user = db.session.scalar(select(User).filter_by(login="inspector_a"))
        payload = wage_import.keep_upload(wage_import.ImportResult(True, [], [], [], table),
                                          world.line_a, NEXT_MONTH, user, "w.xlsx")
    response = client.post(f"/market/lines/{world.line_a.id}/wages/import/confirm"
                           f"?month={NEXT_MONTH:%Y-%m}", data={"payload": payload})
    assert response.status_code == 302 and records() == 0


def test_the_import_checks_refuse_a_month_to_come(app, world, placed):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        result = wage_import.check_rows([], world.line_a, NEXT_MONTH)
        assert not result.ok and "still to come" in str(result.errors[0][1])
        assert wage_import.save_all([{"placement_id": placed.id}], world.line_a, NEXT_MONTH,
                                    world.users.admin) != []


def test_a_record_lies_within_its_placement(app, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 15),
                                    ended_on=date(2024, 6, 1), end_reason="completed")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert wage_entry.record_problem(placement, date(2024, 3, 1)) is None
        assert wage_entry.record_problem(placement, date(2024, 5, 1)) is None
        assert "not active" in str(wage_entry.record_problem(placement, date(2024, 2, 1)))
        assert "not active" in str(wage_entry.record_problem(placement, date(2024, 6, 1)))
        assert "still to come" in str(wage_entry.record_problem(placement, NEXT_MONTH))
        assert "kept from" in str(wage_entry.record_problem(placement, date(1999, 12, 1)))
