"""A new inspector's round trip: the downloaded template, filled in and saved by LibreOffice
with 1,500 people and 2 bad rows, previews the 2 bad rows; after the fix it imports, and the
people are on the roster."""
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from extensions import db
from inmates.models import Person

from .office import convert

PEOPLE = 1500


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path)


def filled(template, facility_code, bad):
    """Fill the template's data sheet below its header (the example row replaced) and let
    LibreOffice save it as XLSX."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    example = None
    for n in range(PEOPLE + 2):
        born = date(1970, 1, 1) + timedelta(days=n * 7)
        values = [facility_code, f"LO-{n:05d}", "Құдайбергенов", f"Әділет{n}", "Ұланұлы", None,
                  born, "Ер", date(2022, 5, 1), date(2029, 5, 1), "иә", None,
                  "Техникалық және кәсіптік", None, "7533:Білікті:2:иә"]
        if bad and n == 10:
            values[6] = "31.02.1990"  # no such day
        if bad and n == 700:
            values[7] = "белгісіз"  # not a gender
        sheet.append(values)
        example = example or values
    out = io.BytesIO()
    book.save(out)
    return convert((out.getvalue(), "roster.xlsx"), "xlsx:Calc MS Excel 2007 XML")


def upload(client, data):
    return client.post("/people/import", data={"file": (io.BytesIO(data), "roster.xlsx")},
                       content_type="multipart/form-data")


@pytest.mark.slow
def test_a_libreoffice_workbook_of_1500_people_previews_bad_rows_then_imports(world, client,
                                                                             auth):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "kk"})
    template = client.get("/people/import/template").data

    page = upload(client, filled(template, world.facility_a.code, bad=True))
    text = page.get_data(as_text=True)
    errors = re.search(r'<table[^>]*id="import-errors".*?</table>', text, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', errors) == ["12", "702"]
    assert db.session.scalar(select(func.count(Person.id))) == 2  # the world's two people

    page = upload(client, filled(template, world.facility_a.code, bad=False))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert token, page.get_data(as_text=True)[:2000]
    saved = client.post("/people/import/confirm", data={"token": token.group(1)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Person.id)).where(
        Person.file_number.like("LO-%"))) == PEOPLE + 2
    roster = client.get("/market/roster?q=Әділет1499").get_data(as_text=True)
    assert "LO-01499" in roster and "Құдайбергенов" in roster
