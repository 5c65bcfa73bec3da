"""The roster template speaks the user's language, every language's words import, and the
preview lists the rows it will create or change."""
import io

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from inmates.models import Person
from tests import factories
from tests.inmates.test_import_roster import HEADERS, confirm, row, upload, xlsx


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path)


def template(client, language):
    client.post("/language", data={"lang": language})
    response = client.get("/people/import/template")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_the_kazakh_template_and_codes_sheet_use_kazakh_words(world, client, auth):
    auth.login("inspector_a")
    book = template(client, "kk")
    data, codes = book.worksheets
    example = [cell.value for cell in data[2]]
    assert "Ер" in example and "иә" in example
    assert "Техникалық және кәсіптік" in example
    assert "Кәмелетке толмағандармен жұмысқа тыйым" in example
    assert "7533:Білікті:4:иә; 8153:Шәкірт:0:жоқ" in example
    words = {cell.value for column in codes.iter_cols() for cell in column}
    assert {"Білікті", "иә", "жоқ", "Әйел", "Жоғары"} <= words


@pytest.mark.parametrize("language,skills,restriction", [
    ("kk", "7533:Білікті:4:иә; 8153:Шәкірт:0:жоқ", "Кәмелетке толмағандармен жұмысқа тыйым"),
    ("ru", "7533:", "несовершеннолетн")])
def test_the_import_page_gives_its_example_in_the_users_words(world, client, auth, language,
                                                              skills, restriction):
    auth.login("inspector_a")
    client.post("/language", data={"lang": language})
    page = client.get("/people/import").get_data(as_text=True)
    assert skills in page and restriction in page
    for code in ("qualified", "trainee", "minors", "outside", ":yes", ":no"):
        assert code not in page, code


def test_a_kazakh_template_filled_in_imports_for_a_russian_user(world, client, auth):
    auth.login("inspector_a")
    book = template(client, "kk")
    data = book.worksheets[0]
    data.cell(row=2, column=1, value=world.facility_a.code)
    out = io.BytesIO()
    book.save(out)
    client.post("/language", data={"lang": "ru"})
    page = upload(client, out.getvalue())
    text = page.get_data(as_text=True)
    assert 'id="import-creates"' in text and "12-345678" in text and "Сейтқали Нұрлан Бекұлы" in text
    assert confirm(client, page).status_code == 302
    person = db.session.scalar(select(Person).filter_by(file_number="12-345678"))
    assert person.gender == "M" and person.education_level == "vocational"
    assert person.no_work_with_minors is True and person.able_bodied is True


@pytest.mark.parametrize("words", [
    {"Gender": "Мужской", "Able-bodied": "да", "Education": "Техническое и профессиональное",
     "Restrictions": "Запрет работы с несовершеннолетними",
     "Skills (code:level:years:certified; ...)": "7533:Квалифицированный:4:да"},
    {"Gender": "ер", "Able-bodied": "иә", "Education": "техникалық және кәсіптік",
     "Restrictions": "кәмелетке толмағандармен жұмыс істемейді",
     "Skills (code:level:years:certified; ...)": "7533:білікті:4:иә"},
    {"Gender": "Male", "Able-bodied": "Yes", "Education": "Technical and vocational",
     "Restrictions": "No work with minors", "Skills (code:level:years:certified; ...)":
         "7533:Qualified:4:yes"},
])
def test_every_languages_words_are_accepted(world, client, auth, words):
    auth.login("inspector_a")
    page = upload(client, xlsx([row(**{"Facility code": world.facility_a.code}, **words)]))
    assert 'id="import-creates"' in page.get_data(as_text=True), page.get_data(as_text=True)
    assert confirm(client, page).status_code == 302
    person = db.session.scalar(select(Person).filter_by(file_number="IMP-1"))
    assert person.no_work_with_minors and person.gender == "M"


def test_the_preview_lists_each_change_with_old_and_new_values(world, client, auth):
    factories.person(world.facility_a, file_number="IMP-1", last_name="Старый")
    db.session.commit()
    auth.login("inspector_a")
    client.post("/language", data={"lang": "en"})
    page = upload(client, xlsx([row(**{"Facility code": world.facility_a.code, "IIN": ""})]))
    text = page.get_data(as_text=True)
    assert 'id="import-updates"' in text
    assert "Старый" in text and "Сейтқали" in text
    assert len(HEADERS) == 15
