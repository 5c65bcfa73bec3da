"""The same figures through every interface: for several dates and scopes, the dashboard
(its data-figure cells), the XLSX, the CSV of each table and the CLI's workbook agree cell for
cell, hidden cells included."""
import csv
import io
import re
from datetime import date
from html import unescape

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reference.models import Region
from tests import factories, statistics_world

TABLES = {"region": "By region", "facility": "By facility", "security_level": "By security level",
          "employer_kind": "By employer kind", "gender": "By gender", "age_band": "By age band",
          "wages": "Wages by month", "series": "Monthly series"}
DAYS = (date(2021, 4, 1), date(2021, 6, 30))


def _value(text):
    """A cell's text as a comparable value: numbers as floats to 4 places, blanks as None."""
    if text in (None, ""):
        return None
    if hasattr(text, "isoformat"):
        return text.isoformat()[:10]
    try:
        return round(float(text), 4)
    except (TypeError, ValueError):
        return str(text)


def _xlsx(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    tables = {name: [[_value(v) for v in row] for row in book[title].iter_rows(
        min_row=2, values_only=True)] for name, title in TABLES.items()}
    return tables


def _dashboard(html):
    tables = {}
    for name in TABLES:
        body = html[html.index(f'data-table="{name}"'):]
        body = body[:body.index("</table>")]
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        tables[name] = [[_value(unescape(v)) for v in re.findall(r'data-figure="([^"]*)"', row)]
                        for row in rows if "data-figure" in row]
    return tables


def _months(rows, name):
    """The wage months: a month in XLSX is a date, on the page and in CSV 'YYYY-MM'."""
    if name != "wages":
        return rows
    return [[str(row[0])[:7]] + row[1:] for row in rows]


def _csv(client, query, name):
    text = client.get(f"/reports/export.csv?lang=en&table={name}&{query}").data.decode("utf-8-sig")
    return [[_value(v) for v in row] for row in list(csv.reader(io.StringIO(text)))[1:]]


@pytest.fixture
def analysed(app, client, auth):
    statistics_world.build()
    factories.user("analyst", login="analyst")
    db.session.commit()
    auth.login("analyst")
    return client


def test_every_interface_gives_the_same_cells(analysed, runner, tmp_path):
    client = analysed
    region = db.session.scalar(select(Region).where(Region.code == "KZ-71"))
    facility = db.session.scalar(select(Facility).where(Facility.code == "F5"))
    scopes = {"": [], f"region={region.id}": ["--region", "KZ-71"],
              f"facility={facility.id}": ["--facility", "F5"],
              "employer_kind=sme": ["--employer-kind", "sme"]}
    for day in DAYS:
        for query, options in scopes.items():
            query = f"on={day}&{query}"
            page = _dashboard(client.get(f"/reports/?{query}").get_data(as_text=True))
            book = _xlsx(client.get(f"/reports/export.xlsx?lang=en&{query}").data)
            out = tmp_path / "cli.xlsx"
            result = runner.invoke(args=["export-stats", "--on", day.isoformat(), "--out",
                                         str(out), "--lang", "en", *options])
            assert result.exit_code == 0, result.output
            cli = _xlsx(out.read_bytes())
            for name in TABLES:
                shown = _months(page[name], name)
                assert _months(book[name], name) == shown, (query, name)
                assert _months(cli[name], name) == shown, (query, name)
                assert _months(_csv(client, query, name), name) == shown, (query, name)
