"""A person's dates are bounded by what can have happened: in the form, the roster import and
the release and transfer forms, each bad date gets a message beside its field and nothing is
written; year 0001 or 9999 never makes a 500."""
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from extensions import db
from inmates.models import Person, PersonChange, Stay
from inmates.services import date_errors
from timeutil import add_years, today

TODAY = today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def form_data(**overrides):
    """A valid new person (no IIN, so only the dates decide)."""
    data = {"file_number": "N-200", "last_name": "Сейтқали", "first_name": "Нұрлан",
            "birth_on": "1979-10-28", "gender": "M", "admitted_on": "2021-03-01",
            "expected_release_on": "2028-03-01", "able_bodied": "y",
            "education_level": "vocational"}
    data.update(overrides)
    return data


def people():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Person.id)))


BAD_DATES = [
    ({"birth_on": TOMORROW}, "birth_on", "cannot be in the future"),
    ({"birth_on": "0001-01-01"}, "birth_on", "cannot be before"),
    ({"birth_on": "9999-12-31"}, "birth_on", "cannot be in the future"),
    ({"birth_on": "1899-12-31"}, "birth_on", "cannot be before"),
    ({"birth_on": "2008-03-02"}, "birth_on", "was 12 at admission"),
    ({"birth_on": "1920-01-01", "admitted_on": "2021-03-01"}, "birth_on", "was 101 at admission"),
    ({"admitted_on": TOMORROW}, "admitted_on", "cannot be in the future"),
    ({"admitted_on": "9999-12-31", "expected_release_on": "9999-12-31"}, "admitted_on",
     "cannot be in the future"),
    ({"admitted_on": "0001-01-01"}, "admitted_on", "cannot be before"),
    ({"admitted_on": "1989-12-31"}, "admitted_on", "cannot be before"),
    ({"expected_release_on": "9999-12-31"}, "expected_release_on", "within 30 years"),
    ({"expected_release_on": "2051-03-02"}, "expected_release_on", "within 30 years"),
    ({"expected_release_on": "0001-01-01"}, "expected_release_on", "before admission"),
]


@pytest.mark.parametrize("overrides,field,text", BAD_DATES)
def test_the_person_form_refuses_each_impossible_date_beside_its_field(
        world, client, auth, overrides, field, text):
    auth.login("inspector_a")
    before = people()
    response = client.post("/people/new", data=form_data(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and text in error.group(1), page[page.find("invalid-feedback") - 200:][:600]
    assert people() == before


def test_the_boundaries_are_accepted(app, world, client, auth):
    auth.login("inspector_a")
    response = client.post("/people/new", data=form_data(
        birth_on="2007-03-01", admitted_on="2021-03-01", expected_release_on="2051-03-01"))
    assert response.status_code == 302
    with app.test_request_context():
        _assert_boundaries()


def _assert_boundaries():
    assert date_errors(date(1921, 3, 2), date(2021, 3, 1), date(2022, 1, 1)) == {}
    assert "birth_on" in date_errors(date(1920, 3, 1), date(2021, 3, 1), date(2022, 1, 1))
    assert "birth_on" in date_errors(date(2007, 3, 2), date(2021, 3, 1), date(2022, 1, 1))
    assert date_errors(date(1980, 1, 1), TODAY, add_years(TODAY, 30)) == {}


def test_a_date_the_form_cannot_read_is_a_message_not_a_500(world, client, auth):
    auth.login("inspector_a")
    before = people()
    response = client.post("/people/new", data=form_data(birth_on="10000-01-01"))
    assert response.status_code == 200 and 'id="birth_on-error"' in response.get_data(as_text=True)
    assert people() == before


def test_a_correction_cannot_move_admission_after_the_release(world, client, auth):
    client_person = world.person_a
    client_person.custody_status, client_person.released_on = "released", date(2022, 5, 1)
    stay = db.session.scalars(select(Stay).where(Stay.person_id == client_person.id)).one()
    stay.ended_on, stay.end_reason = date(2022, 5, 1), "released"
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/people/{client_person.id}/edit", data=form_data(
        file_number=client_person.file_number, last_name=client_person.last_name,
        first_name=client_person.first_name, birth_on="1985-05-05",
        admitted_on="2022-06-01", expected_release_on="2030-01-01"))
    page = response.get_data(as_text=True)
    assert 'id="admitted_on-error"' in page and "after the release" in page
    db.session.expire_all()
    assert db.session.get(Person, client_person.id).admitted_on == date(2019, 3, 1)
    assert db.session.scalar(select(func.count(PersonChange.id))) == 0


@pytest.mark.parametrize("on", [TOMORROW, "9999-12-31", "0001-01-01", "2010-01-01"])
@pytest.mark.parametrize("action", ["release", "transfer"])
def test_release_and_transfer_dates_that_cannot_be_are_refused(world, client, auth, on, action):
    auth.login("inspector_a")
    data = {"on": on, "facility_id": world.facility_b.id}
    response = client.post(f"/people/{world.person_a.id}/{action}", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="on-error"' in page
    db.session.expire_all()
    person = db.session.get(Person, world.person_a.id)
    assert (person.custody_status, person.facility_id, person.released_on) == (
        "in_custody", world.facility_a.id, None)
    assert db.session.scalar(select(func.count(Stay.id)).where(
        Stay.person_id == person.id, Stay.ended_on.is_not(None))) == 0


# --- the roster import --------------------------------------------------------------------

HEADERS = ["Facility code", "File number", "Last name", "First name", "Birth date", "Gender",
           "Admitted on", "Expected release"]


@pytest.fixture
def import_folder(app, tmp_path):
    """Keep previewed uploads in the test's own folder."""
    app.config["IMPORT_FOLDER"] = str(tmp_path)


def _sheet(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(number, birth="1979-10-28", admitted="2021-03-01", release="2028-03-01"):
    return ["FA", number, "Сейтқали", "Нұрлан", birth, "M", admitted, release]


@pytest.mark.parametrize("overrides,field,text", BAD_DATES)
def test_the_roster_import_refuses_each_impossible_date_and_stores_nothing(
        world, client, auth, import_folder, overrides, field, text):
    values = {"birth_on": "1979-10-28", "admitted_on": "2021-03-01",
              "expected_release_on": "2028-03-01", **overrides}
    columns = {"birth_on": "Birth date", "admitted_on": "Admitted on",
               "expected_release_on": "Expected release"}
    auth.login("inspector_a")
    before = people()
    data = _sheet([_row("IMP-OK"), _row("IMP-BAD", values["birth_on"], values["admitted_on"],
                                        values["expected_release_on"])])
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "roster.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert f"{columns[field]}: " in page and text in page
    assert 'name="token"' not in page  # nothing to confirm: all rows or none
    assert people() == before


def test_a_date_in_the_import_that_is_not_a_date_is_reported(world, client, auth, import_folder):
    auth.login("inspector_a")
    data = _sheet([_row("IMP-X", birth="10000-01-01")])
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "roster.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code < 500 and "Birth date" in response.get_data(as_text=True)
    assert people() == 2


def test_messages_name_the_date_in_the_users_language(world, client, auth):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "ru"})
    page = client.post("/people/new", data=form_data(admitted_on="1989-12-31"),
                       headers={"Accept-Language": "ru"}).get_data(as_text=True)
    message = re.search(r'id="admitted_on-error">([^<]*)<', page).group(1)
    # The date is formatted for the locale, not written in ISO form.
    assert "Дата прибытия не может быть раньше" in message
    assert "1990" in message and "1990-01-01" not in message
