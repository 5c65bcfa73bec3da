"""Every list exports as XLSX and CSV, scoped exactly like its page, neutralised, audited,
never cached, under a name the server chooses."""
import csv
import zipfile
import io
import re

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from tests import factories

from .office import opens


@pytest.fixture
def placed(world):
    """person_a on line_a, and a person whose name could run as a formula."""
    factories.placement(world.person_a, world.line_a)
    factories.person(world.facility_a, last_name="=HYPERLINK(\"http://x\")", first_name="Злой")
    db.session.commit()


def lists(world):
    """(login, URL, a text that must be there, a text the user's scope excludes)."""
    return [
        ("inspector_a", "/market/roster?status=all", "Алиев", "Борисов"),
        ("inspector_a", f"/market/lines/{world.line_a.id}/placements", "Алиев", None),
        ("inspector_a", f"/market/people/{world.person_a.id}/placements", "Швейный цех", None),
        ("owner_a", "/market/workers", "Алиев", "Борисов"),
        ("owner_a", "/enterprises/lines", "Швейный цех", "ЖБИ"),
        ("owner_a", "/enterprises/leases", "ТОО Тігін", "ТОО Бетон"),
        ("analyst", "/enterprises/", "ТОО Тігін", None),
        ("admin", "/users", "inspector_a", None),
        ("inspector_a", "/market/wages?month=2021-03", "Швейный цех", "ЖБИ"),
    ]


def download(client, url, fmt):
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}format={fmt}")
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Cache-Control"] == "no-store"
    name = re.search(r'filename="?([^";]+)', response.headers["Content-Disposition"]).group(1)
    assert re.fullmatch(r"[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.(xlsx|csv)", name), name
    return response.data


def xlsx_cells(data):
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return [cell for row in sheet.to_python() for cell in row]


def test_every_list_exports_in_both_formats_within_its_scope(world, placed, client, auth):
    for login, url, present, absent in lists(world):
        auth.login(login)
        client.post("/language", data={"lang": "ru"})
        before = db.session.scalar(select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "export"))
        cells = [str(c) for c in xlsx_cells(download(client, url, "xlsx"))]
        text = download(client, url, "csv").decode("utf-8")
        assert text.startswith("\ufeff") and ";" in text.splitlines()[0], url
        for content in ("\n".join(cells), text):
            assert present in content, (url, content[:300])
            if absent:
                assert absent not in content, url
        db.session.expire_all()
        after = db.session.scalar(select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "export"))
        assert after == before + 2, url
        auth.logout()


def test_the_roster_export_follows_the_filter_and_neutralises_formulas(world, placed, client,
                                                                       auth):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "kk"})
    cells = xlsx_cells(download(client, "/market/roster?q=HYPERLINK", "xlsx"))
    assert "'=HYPERLINK(\"http://x\") Злой" in cells and not any("Алиев" in str(c) for c in cells)
    text = download(client, "/market/roster?q=HYPERLINK", "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][1].startswith("'="), rows


def test_russian_csv_writes_a_decimal_comma_and_day_first_dates(world, placed, client, auth):
    auth.login("owner_a")
    client.post("/language", data={"lang": "ru"})
    text = download(client, "/enterprises/leases", "csv").decode("utf-8")
    assert "300,00" in text and "01.01.2020" in text
    client.post("/language", data={"lang": "en"})
    text = download(client, "/enterprises/leases", "csv").decode("utf-8")
    assert "300.00" in text and "2020-01-01" in text


def test_an_export_link_stands_beside_the_list_with_its_filters(world, placed, client, auth):
    auth.login("inspector_a")
    page = client.get("/market/roster?q=Али&page=1").get_data(as_text=True)
    assert re.search(r'href="/market/roster\?[^"]*format=xlsx', page)
    assert "page=1" not in re.search(r'href="(/market/roster\?[^"]*format=csv[^"]*)"', page).group(1)


def test_all_statistics_tables_come_in_one_download(world, placed, client, auth):
    auth.login("analyst")
    response = client.get("/reports/export-all.zip?lang=ru")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) >= 8 and all(name.endswith(".csv") for name in names)
    first = zipfile.ZipFile(io.BytesIO(response.data)).read(names[0]).decode("utf-8")
    assert first.startswith("\ufeff") and ";" in first.splitlines()[0]


@pytest.mark.slow
def test_each_export_opens_in_libreoffice(world, placed, client, auth):
    for index, (login, url, _present, _absent) in enumerate(lists(world)):
        auth.login(login)
        assert opens(download(client, url, "xlsx"), "list.xlsx", "csv"), url
        if index == 0:  # every CSV is written by the same code
            assert opens(download(client, url, "csv"), "list.csv", "pdf"), url
        auth.logout()
