"""Disclosure control attacked from the outside: read the exported workbook back, solve every
sum of a table and its margins by subtraction, chained, and compare one-facility scopes with
that facility's own export (reports/disclosure.py). Nothing hidden may be recovered."""
import io
from datetime import date

import openpyxl
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reference.codes import SECURITY_LEVELS
from reference.models import Region
from tests import factories, statistics_world

HIDDEN = ("<5", "x")
PEOPLE = {"In custody": 0, "Able-bodied": 1, "Employed": 2}
DAYS = (date(2021, 3, 31), date(2021, 5, 17), date(2021, 7, 1))


def _book(client, query):
    response = client.get(f"/reports/export.xlsx?lang=en&{query}")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _summary(book):
    return {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=4, max_col=2,
                                                               values_only=True) if row[0]}


def _rows(book, sheet):
    rows = list(book[sheet].iter_rows(values_only=True))
    header = list(rows[0])
    return [dict(zip(header, row)) for row in rows[1:]]


def _equations(book, places):
    """Every sum the workbook states: (margin cell, [part cells]), cells as (name, value)."""
    total = _summary(book)
    equations = []
    for column in PEOPLE:
        margin = (("total", column), total[column])
        for sheet, label in (("By region", "Code"), ("By facility", "Code"),
                             ("By security level", "Security level"), ("By gender", "Gender"),
                             ("By age band", "Age band")):
            parts = [((sheet, row[label], column), row[column]) for row in _rows(book, sheet)]
            equations.append((margin, parts))
        facilities = _rows(book, "By facility")
        for region in _rows(book, "By region"):
            members = [f for f in facilities if places[f["Code"]][0] == region["Code"]]
            equations.append(((("By region", region["Code"], column), region[column]),
                              [(("By facility", f["Code"], column), f[column]) for f in members]))
        for level in _rows(book, "By security level"):
            members = [f for f in facilities if places[f["Code"]][1] == level["Security level"]]
            equations.append(((("By security level", level["Security level"], column),
                               level[column]),
                              [(("By facility", f["Code"], column), f[column])
                               for f in members]))
    kinds = [(("kind", row["Employer kind"]), row["Employed"])
             for row in _rows(book, "By employer kind")]
    equations.append(((("total", "Employed"), total["Employed"]), kinds))
    return equations


def _attack(equations):
    """Solve by subtraction, chained, until nothing moves; return the cells recovered."""
    known = {}
    recovered = {}
    moved = True
    while moved:
        moved = False
        for (margin, margin_value), parts in equations:
            cells = [(margin, margin_value)] + parts
            unknown = [name for name, value in cells
                       if value in HIDDEN and name not in known]
            if len(unknown) != 1:
                continue
            value_of = lambda name, value: known.get(name, value)  # noqa: E731
            parts_sum = sum(value_of(n, v) for n, v in parts if n != unknown[0])
            recovered[unknown[0]] = (value_of(margin, margin_value) - parts_sum
                                     if unknown[0] != margin else parts_sum)
            known[unknown[0]] = recovered[unknown[0]]
            moved = True
    return recovered


def _places():
    rows = db.session.execute(select(Facility.code, Region.code, Facility.security_level)
                              .join(Region, Region.id == Facility.region_id))
    with force_locale("en"):  # the workbook names the level in English
        return {code: (region, str(SECURITY_LEVELS[level])) for code, region, level in rows}


def test_no_hidden_cell_is_recovered_by_subtraction(app, client, auth):
    statistics_world.build()
    places = _places()
    region_71 = db.session.scalar(select(Region.id).where(Region.code == "KZ-71"))
    factories.user("admin", login="admin")
    db.session.commit()
    auth.login("admin")
    hidden_seen = 0
    for day in DAYS:
        for query in ("", f"region={region_71}", "employer_kind=sme",
                      "security_level=medium"):
            book = _book(client, f"on={day}&{query}")
            equations = _equations(book, places)
            assert _attack(equations) == {}, (day, query)
            hidden_seen += sum(1 for _m, parts in equations for _n, v in parts if v in HIDDEN)
            for sheet in ("By region", "By facility", "By gender", "By age band"):
                for row in _rows(book, sheet):
                    if row["Employed"] in HIDDEN or row["Able-bodied"] in HIDDEN:
                        assert row["Employment rate"] is None
    assert hidden_seen  # the world has small cells to protect


def test_a_scope_of_one_facility_is_that_facility(app, client, auth):
    facilities = statistics_world.build()
    alone = facilities[-1]  # alone in KZ-11 and alone at the extreme level
    factories.user("admin", login="admin")
    db.session.commit()
    auth.login("admin")
    for day in DAYS:
        own = _book(client, f"on={day}&facility={alone.id}")
        for query in (f"region={alone.region_id}", "security_level=extreme"):
            other = _book(client, f"on={day}&{query}")
            assert {k: v for k, v in _summary(other).items() if "Paragraph" not in k} == {
                k: v for k, v in _summary(own).items() if "Paragraph" not in k} or \
                _people_summary(other) == _people_summary(own), (day, query)
            for sheet in ("By facility", "By gender", "By age band", "By employer kind",
                          "Wages by month", "Monthly series"):
                assert _rows(other, sheet) == _rows(own, sheet), (day, query, sheet)


def _people_summary(book):
    figures = _summary(book)
    return {key: figures[key] for key in ("In custody", "Able-bodied", "Employed",
                                          "Employment rate", "Employed in SMEs",
                                          "Employed in new productions")}
