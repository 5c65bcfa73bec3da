"""Roster import: template, upload checks, preview of every bad row, all-or-nothing save."""
import csv
import io
import re
import zipfile
from datetime import date

import openpyxl
import xlsxwriter
import pytest
from sqlalchemy import func, select

import inmates.import_save
from accounts.models import AuditEvent
from extensions import db
from inmates.models import Person, PersonChange, Skill, Stay
from tests.inmates.test_inmates_people import english  # noqa: F401  (autouse fixture)

HEADERS = ["Facility code", "File number", "Last name", "First name", "Patronymic", "IIN",
           "Birth date", "Gender", "Admitted on", "Expected release", "Able-bodied",
           "Disability group", "Education", "Restrictions",
           "Skills (code:level:years:certified; ...)"]


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Keep previewed uploads in the test's own folder, not the instance folder."""
    app.config["IMPORT_FOLDER"] = str(tmp_path)


def row(**overrides):
    values = {"Facility code": "FA", "File number": "IMP-1", "Last name": "Сейтқали",
              "First name": "Нұрлан", "Patronymic": "Бекұлы", "IIN": "791028302728",
              "Birth date": "1979-10-28", "Gender": "M", "Admitted on": "2021-03-01",
              "Expected release": "2027-09-01", "Able-bodied": "yes", "Disability group": "",
              "Education": "vocational", "Restrictions": "minors",
              "Skills (code:level:years:certified; ...)": "7533:qualified:4:yes; 8153:trainee:0:no"}
    values.update(overrides)
    return [values[h] for h in HEADERS]


def xlsx(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    book.active.append(headers)
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, data, name="roster.xlsx"):
    return client.post("/people/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, preview):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    assert token, preview.get_data(as_text=True)
    return client.post("/people/import/confirm", data={"token": token.group(1)})


def counts():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Person, Skill, Stay, PersonChange))


def test_template_is_in_the_users_language_with_codes(world, client, auth):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "en"})
    response = client.get("/people/import/template")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    headers = [c.value.rstrip(" *") for c in sheet[1]]
    assert headers == HEADERS
    assert sheet["A2"].value == "FA"
    codes = [c.value for c in book.worksheets[1]["D"]]
    assert "7533" in codes


def test_happy_path_xlsx_creates_and_updates(world, client, auth):
    auth.login("inspector_a")
    existing = world.person_a
    skills = "Skills (code:level:years:certified; ...)"
    data = xlsx([row(), row(**{"File number": "IMP-2", "IIN": "", skills: "",
                               "Restrictions": "", "Able-bodied": "no", "Disability group": 2}),
                 row(**{"File number": existing.file_number, "Last name": "Алиев",
                        "First name": "Марат", "Patronymic": "", "IIN": "", "Birth date": "05.05.1985",
                        "Admitted on": "2019-03-01", "Expected release": "2030-01-01",
                        "Education": "general_secondary", "Restrictions": "outside",
                        skills: "7533:qualified:4:no"})])
    preview = upload(client, data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert re.search(r">2</span> to create", page) and re.search(r">1</span> to update", page)
    assert counts()[0] == 2  # nothing written before confirmation
    response = confirm(client, preview)
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalars(select(Person).where(Person.file_number == "IMP-1")).one()
    assert new.facility_id == world.facility_a.id and new.iin == "791028302728"
    assert new.no_work_with_minors and not new.no_outside_work
    assert [(s.occupation_code, s.level, s.years_experience, s.certified) for s in new.skills] == [
        ("7533", "qualified", 4, True), ("8153", "trainee", 0, False)]
    other = db.session.scalars(select(Person).where(Person.file_number == "IMP-2")).one()
    assert not other.able_bodied and other.disability_group == 2 and other.skills == []
    assert db.session.scalar(select(func.count(Stay.id)).where(Stay.person_id == new.id)) == 1
    updated = db.session.get(Person, existing.id)
    assert updated.no_outside_work is True
    changes = {c.field for c in db.session.scalars(select(PersonChange).where(
        PersonChange.person_id == existing.id))}
    assert changes == {"no_outside_work"}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.detail == "created 2, updated 1"


@pytest.mark.parametrize("delimiter,encoding", [(";", "utf-8-sig"), (",", "cp1251"), ("\t", "utf-8")])
def test_happy_path_csv(world, client, auth, delimiter, encoding):
    auth.login("inspector_a")
    # cp1251 has no Kazakh letters: the Windows-1251 file carries Russian names only.
    rows = [row(**{"Last name": "Иванов", "First name": "Пётр", "Patronymic": ""}),
            row(**{"File number": "IMP-2", "IIN": "", "Last name": "Петров", "First name": "Олег",
                   "Patronymic": ""})]
    preview = upload(client, csv_bytes(rows, delimiter, encoding), "roster.csv")
    assert confirm(client, preview).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Person.last_name).where(
        Person.file_number == "IMP-1")).one() == "Иванов"
    assert counts()[0] == 4


BAD_ROWS = [
    ({"Skills (code:level:years:certified; ...)": "9999:qualified:1:no"}, "unknown occupation code"),
    ({"IIN": "791028302729"}, "check digit"),
    ({"Birth date": "1979-10-29"}, "encodes the birth date"),
    ({"Gender": "F"}, "encodes the other gender"),
    ({"Expected release": "2020-01-01"}, "cannot be before admission"),
    ({"Facility code": "NOPE"}, "Unknown facility"),
    ({"Facility code": "FB"}, "outside your scope"),
    ({"Admitted on": "31.02.2021"}, "is not a date"),
    ({"Gender": "X"}, "unknown gender"),
    ({"Last name": ""}, "Missing value: Last name"),
    ({"Last name": "Ә" * 81}, "Last name: longer than 80 characters"),
    ({"File number": "F" * 31}, "File number: longer than 30 characters"),
    ({"Expected release": "=TODAY()+100"}, "formulas are not accepted"),
    ({"Able-bodied": "maybe"}, "not yes or no"),
    ({"Education": "phd"}, "unknown education level"),
    ({"Restrictions": "nights"}, "unknown restriction"),
    ({"Skills (code:level:years:certified; ...)": "7533:guru:1:no"}, "unknown level"),
]


@pytest.mark.parametrize("overrides,reason", BAD_ROWS)
def test_each_bad_row_reason_is_listed_with_its_row(world, client, auth, overrides, reason):
    auth.login("inspector_a")
    before = counts()
    data = xlsx([row(**{"File number": "OK-1", "IIN": ""}), row(**overrides)])
    page = upload(client, data).get_data(as_text=True)
    assert reason in page
    assert re.search(r'<td class="num">3</td><td><ul class="mb-0"><li>[^<]*' + re.escape(reason), page)
    assert 'name="token"' not in page  # nothing to confirm while a row is bad
    assert counts() == before


def test_duplicate_file_number_within_the_file(world, client, auth):
    auth.login("inspector_a")
    page = upload(client, xlsx([row(**{"IIN": ""}), row(**{"IIN": ""})])).get_data(as_text=True)
    assert "also on row 2" in page


def test_every_bad_row_is_listed(world, client, auth):
    auth.login("inspector_a")
    iin_rows = {"IIN", "Birth date", "Gender"}
    rows = [row(**{"File number": f"B-{i}", **({} if iin_rows & set(overrides) else {"IIN": ""}),
                   **overrides})
            for i, (overrides, _reason) in enumerate(BAD_ROWS)]
    page = upload(client, xlsx(rows)).get_data(as_text=True)
    for number, (_overrides, reason) in enumerate(BAD_ROWS, start=2):
        assert re.search(f'<td class="num">{number}</td><td><ul class="mb-0">.*?'
                         + re.escape(reason), page, re.S)


def test_iin_of_another_person_is_refused(world, client, auth):
    world.person_b.iin = "791028302728"
    db.session.commit()
    auth.login("inspector_a")
    page = upload(client, xlsx([row()])).get_data(as_text=True)
    assert "another person already has this IIN" in page


def test_existing_person_of_another_facility_cannot_be_updated(world, client, auth):
    auth.login("admin")
    page = upload(client, xlsx([row(**{"File number": world.person_b.file_number, "IIN": ""})])
                  ).get_data(as_text=True)
    assert "use a transfer" in page


def _must_not_load(*args, **kwargs):
    raise AssertionError("the workbook must not be loaded")


def test_file_over_the_cap_is_rejected_before_loading(world, client, auth, app, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", _must_not_load)
    app.config["IMPORT_MAX_BYTES"] = 2000
    client.application.config["IMPORT_MAX_BYTES"] = 2000
    auth.login("inspector_a")
    page = upload(client, xlsx([row()] * 50)).get_data(as_text=True)
    assert "larger than" in page


def test_zip_bomb_is_rejected_before_loading(world, client, auth, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", _must_not_load)
    client.application.config["IMPORT_MAX_UNCOMPRESSED"] = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>")
    assert len(out.getvalue()) < 50_000
    auth.login("inspector_a")
    page = upload(client, out.getvalue()).get_data(as_text=True)
    assert "expands to more than" in page


def test_row_cap(world, client, auth):
    client.application.config["IMPORT_MAX_ROWS"] = 5
    auth.login("inspector_a")
    rows = [row(**{"File number": f"R-{i}", "IIN": ""}) for i in range(10)]
    assert "more than 5 rows" in upload(client, xlsx(rows)).get_data(as_text=True)


def test_a_failure_while_saving_writes_nothing(world, client, auth, monkeypatch):
    auth.login("inspector_a")
    before = counts()
    preview = upload(client, xlsx([row(), row(**{"File number": "IMP-2", "IIN": ""})]))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(inmates.import_save, "_insert_skills", broken)
    with pytest.raises(RuntimeError):
        confirm(client, preview)
    assert counts() == before


def test_importing_the_same_file_twice_changes_nothing(world, client, auth):
    auth.login("inspector_a")
    data = xlsx([row(), row(**{"File number": "IMP-2", "IIN": "", "Birth date": date(1990, 1, 1)})])
    confirm(client, upload(client, data))
    after_first = counts()
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action != "view"))
    preview = upload(client, data)
    page = preview.get_data(as_text=True)
    assert re.search(r">0</span> to create", page) and re.search(r">0</span> to update", page)
    assert re.search(r">2</span> unchanged", page)
    confirm(client, preview)
    assert counts() == after_first
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action != "view")) == events


def test_a_kept_upload_belongs_to_its_user(world, client, auth):
    auth.login("inspector_a")
    preview = upload(client, xlsx([row()]))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    auth.logout()
    auth.login("admin")
    response = client.post("/people/import/confirm", data={"token": token.group(1)})
    assert response.status_code == 302
    assert counts()[0] == 2
    response = client.post("/people/import/confirm", data={"token": "../../etc/passwd"})
    assert response.status_code == 302 and counts()[0] == 2


def test_admin_imports_into_any_facility_with_a_code(world, client, auth):
    auth.login("admin")
    preview = upload(client, xlsx([row(**{"Facility code": "FB"}), row(**{
        "File number": "IMP-2", "IIN": "", "Facility code": ""})]))
    page = preview.get_data(as_text=True)
    assert "Missing value: Facility code" in page


def test_a_file_without_data_rows_is_refused(world, client, auth):
    auth.login("inspector_a")
    page = upload(client, xlsx([])).get_data(as_text=True)
    assert "no data rows" in page and 'name="token"' not in page


def test_duplicate_iin_within_the_file(world, client, auth):
    auth.login("inspector_a")
    preview = upload(client, xlsx([row(), row(**{"File number": "IMP-2"})]))
    page = preview.get_data(as_text=True)
    assert "This IIN is also on row 2" in page
    assert 'name="token"' not in page  # nothing to confirm


def test_rows_saved_in_several_statements_keep_their_own_values(world, client, auth,
                                                                 monkeypatch):
    monkeypatch.setattr(inmates.import_save, "CHUNK", 2)  # 5 people: 3 statements each
    auth.login("inspector_a")
    skills = "Skills (code:level:years:certified; ...)"
    written = {f"C-{i}": (f"Фамилия{i}", date(1980 + i, 1, 1 + i), f"7533:qualified:{i}:no")
               for i in range(5)}
    data = xlsx([row(**{"File number": number, "IIN": "", "Last name": name, "Birth date": born,
                        skills: skill})
                 for number, (name, born, skill) in written.items()])
    assert confirm(client, upload(client, data)).status_code == 302
    db.session.expire_all()
    for number, (name, born, _skill) in written.items():
        person = db.session.scalars(select(Person).where(Person.file_number == number)).one()
        years = int(number[-1])
        assert (person.last_name, person.birth_on) == (name, born)
        assert [(s.occupation_code, s.years_experience) for s in person.skills] == [("7533", years)]
        stays = db.session.scalars(select(Stay).where(Stay.person_id == person.id)).all()
        assert [(s.facility_id, s.started_on) for s in stays] == [(world.facility_a.id,
                                                                    date(2021, 3, 1))]


def test_a_large_import_saves_every_row_with_its_own_values(world, client, auth, monkeypatch):
    monkeypatch.setattr(inmates.import_save, "CHUNK", 1000)  # 2,500 rows: 3 chunks
    auth.login("inspector_a")
    skills = "Skills (code:level:years:certified; ...)"
    count = 2500
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for n in range(count):
        sheet.write_row(n + 1, 0, row(**{
            "File number": f"L-{n:05d}", "IIN": "", "Last name": f"Фамилия{n}",
            "Birth date": date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
            skills: f"7533:qualified:{n % 30}:no" + ("; 8153:trainee:0:no" if n % 2 else ""),
            "Restrictions": "minors" if n % 3 == 0 else ""}))
    book.close()
    before = counts()
    preview = upload(client, out.getvalue())
    assert re.search(r">2,500</span> to create", preview.get_data(as_text=True))
    assert confirm(client, preview).status_code == 302
    after = counts()
    assert after[0] - before[0] == count and after[2] - before[2] == count
    assert after[1] - before[1] == count + count // 2
    saved = {p.file_number: p for p in db.session.scalars(
        select(Person).where(Person.file_number.like("L-%")))}
    assert len(saved) == count
    for n in range(count):
        person = saved[f"L-{n:05d}"]
        assert (person.last_name, person.birth_on, person.no_work_with_minors) == (
            f"Фамилия{n}", date(1960 + n % 40, 1 + n % 12, 1 + n % 28), n % 3 == 0)
        assert sorted((s.occupation_code, s.years_experience) for s in person.skills) == (
            [("7533", n % 30), ("8153", 0)] if n % 2 else [("7533", n % 30)])
