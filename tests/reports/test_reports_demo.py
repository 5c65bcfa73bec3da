"""The national demo data at scale 1: the letter's figures for 2021-07-01, read from the XLSX."""
import io
from datetime import date

import openpyxl

from reports.exports import write_xlsx
from reports.services import build_report
from reports.statistics import Scope, headline, last_months, series

D = date(2021, 7, 1)


def _summary(book):
    sheet = book.worksheets[0]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True)
            if row[0]}


def test_letter_figures_from_the_export(demo_app):
    report = build_report(D, Scope(), suppress=True)
    output = io.BytesIO()
    with demo_app.test_request_context():
        write_xlsx(report, output, "en")
    figures = _summary(openpyxl.load_workbook(io.BytesIO(output.getvalue())))
    assert figures["In custody"] == 29_061
    assert figures["Able-bodied"] == 22_474
    assert figures["Employed"] == 11_012
    assert round(figures["Employment rate"] * 100, 1) == 49.0
    assert figures["Employed in state enterprise branches"] == 3_970
    assert figures["Employed in SMEs"] == 3_548
    assert figures["SMEs engaged"] == 243
    assert figures["Floor space leased, m²"] == 75_874
    assert figures["New productions this year"] == 89
    assert figures["Employed in new productions"] == 851
    assert figures["Employed in facility services"] == 3_494
    assert "свыше 11 тыс. осужденных или 49%" in figures["Paragraph in Russian"]
    assert "11 мыңнан астам сотталған" in figures["Paragraph in Kazakh"]


def test_series_agrees_with_single_days(demo_app):
    days = last_months(D, 3)
    for row in series(days):
        figures = headline(row["on"])
        assert (row["in_custody"], row["able_bodied"], row["employed"]) == (
            figures["in_custody"], figures["able_bodied"], figures["employed"])

