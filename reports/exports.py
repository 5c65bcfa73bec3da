"""XLSX and CSV exports of a report; every text cell is neutralised against formulas."""
import csv
import io
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from xlsxwriter.exceptions import XlsxFileError

from tabular import neutralise

from . import definitions
from .statistics import BREAKDOWNS
from .tables import Column, summary, table, table_titles

SHEET_TABLES = BREAKDOWNS + ("wages", "probation")


def _scope_text(report):
    parts = [_("Date: %(day)s", day=report.on.isoformat())]
    if report.region is not None:
        parts.append(f"{report.region.code} {report.region.name}")
    if report.facility is not None:
        parts.append(f"{report.facility.code} {report.facility.name}")
    if report.scope.security_level:
        parts.append(report.scope.security_level)
    if report.scope.employer_kind:
        parts.append(report.scope.employer_kind)
    if report.suppressed:
        parts.append(_("Counts of fewer than 5 people are shown as <5."))
    return " · ".join(parts)


class _Writer:
    """Write typed cells on a sheet; text always as inert text, never as a formula."""

    def __init__(self, workbook):
        self.formats = {
            "int": workbook.add_format({"num_format": "#,##0"}),
            "area": workbook.add_format({"num_format": "#,##0"}),
            "pct": workbook.add_format({"num_format": "0.0%"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "month": workbook.add_format({"num_format": "yyyy-mm"}),
            "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "title": workbook.add_format({"bold": True, "font_size": 13}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        }

    def cell(self, sheet, row, col, value, kind="text"):
        """Write one value by its kind; strings (including "<5") as neutralised text."""
        if value is None:
            sheet.write_blank(row, col, None)
        elif isinstance(value, str):
            sheet.write_string(row, col, neutralise(value), self.formats.get(kind if kind == "wrap" else ""))
        elif kind in ("date", "month"):
            sheet.write_datetime(row, col, _as_datetime(value), self.formats[kind])
        else:
            sheet.write_number(row, col, value, self.formats.get(kind))

    def table(self, sheet, columns, rows, first_row=0):
        """Write a header row and the data rows, with column widths; return the last row."""
        for col, (key, header, kind, _definition) in enumerate(columns):
            width = (10 if key == "code" else 40) if kind == "text" else 16
            sheet.set_column(col, col, width)
            sheet.write_string(first_row, col, neutralise(str(header)), self.formats["header"])
        for index, row in enumerate(rows, start=first_row + 1):
            for col, (key, _header, kind, _definition) in enumerate(columns):
                self.cell(sheet, index, col, row.get(key), kind)
        return first_row + len(rows)


def _as_datetime(value):
    return datetime(value.year, value.month, value.day)


@contextmanager
def _workbook(output):
    """An XlsxWriter workbook in constant memory, with its temporary files in a private folder.

    XlsxWriter keeps one temporary file per worksheet and leaves them behind when closing
    fails (a full disk), so the folder is removed whatever happens. It reports a full disk as
    FileCreateError; that is passed on as the OSError it wraps, which the application answers
    with a 507 page that says so.
    """
    folder = tempfile.mkdtemp(prefix="export-")
    try:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "tmpdir": folder,
                                                "strings_to_formulas": False,
                                                "strings_to_numbers": False,
                                                "strings_to_urls": False})
        yield workbook
        try:
            workbook.close()
        except XlsxFileError as error:
            cause = error.__context__ or (error.args[0] if error.args else None)
            if isinstance(cause, OSError):
                raise cause from error
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_xlsx(report, output, language="ru"):
    """Write the report as a workbook into a binary file object, in constant memory."""
    with force_locale(language), _workbook(output) as workbook:
        writer = _Writer(workbook)
        titles = table_titles()
        sheet = workbook.add_worksheet(_("Summary")[:31])
        sheet.set_column(0, 0, 55)
        sheet.set_column(1, 1, 18)
        sheet.write_string(0, 0, neutralise(_("Employment of convicts")), writer.formats["title"])
        sheet.write_string(1, 0, neutralise(_scope_text(report)))
        row = 3
        for line in summary(report):
            writer.cell(sheet, row, 0, str(line.label))
            writer.cell(sheet, row, 1, line.value, line.kind)
            row += 1
        row += 1
        for lang, header in (("ru", _("Paragraph in Russian")), ("kk", _("Paragraph in Kazakh"))):
            writer.cell(sheet, row, 0, str(header))
            sheet.write_string(row, 1, neutralise(report.paragraphs[lang]), writer.formats["wrap"])
            row += 1
        for name in SHEET_TABLES:
            columns, rows = table(report, name, language)
            writer.table(workbook.add_worksheet(titles[name][:31]), columns, rows)
        _series_sheet(workbook, writer, report, language, titles["series"][:31])
        for section in report.sections:
            _section_sheet(workbook, writer, section)
        _definitions_sheet(workbook, writer)


def _section_sheet(workbook, writer, section):
    """A sheet of figures another package added (reports.signals.report_sections): the
    table, then its definitions, each text in the export's language."""
    sheet = workbook.add_worksheet(str(section["title"])[:31])
    rows = [{key: str(value) if key == "label" else value for key, value in row.items()}
            for row in section["rows"]]
    columns = [Column(key, header, kind, None) for key, header, kind in section["columns"]]
    last = writer.table(sheet, columns, rows)
    for offset, text in enumerate(section["definitions"], start=2):
        sheet.write_string(last + offset, 0, neutralise(str(text)), writer.formats["wrap"])



def _definitions_sheet(workbook, writer):
    """Every figure's definition, one row each: what it counts, when, includes, excludes,
    boundary days (reports/definitions.py)."""
    sheet = workbook.add_worksheet(_("Definitions")[:31])
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, len(definitions.PARTS), 45)
    sheet.write_string(0, 0, neutralise(_("Figure")), writer.formats["header"])
    for col, (_part, label) in enumerate(definitions.PARTS, start=1):
        sheet.write_string(0, col, neutralise(str(label)), writer.formats["header"])
    for row, (_key, title, parts) in enumerate(definitions.rows(), start=1):
        sheet.write_string(row, 0, neutralise(title), writer.formats["wrap"])
        for col, (_label, text) in enumerate(parts, start=1):
            sheet.write_string(row, col, neutralise(text), writer.formats["wrap"])


def _series_sheet(workbook, writer, report, language, title):
    """The monthly series with a native line chart beside it."""
    sheet = workbook.add_worksheet(title)
    columns, rows = table(report, "series", language)
    last = writer.table(sheet, columns, rows)
    chart = workbook.add_chart({"type": "line"})
    for col in (2, 3):
        chart.add_series({"name": [title, 0, col], "categories": [title, 1, 0, last, 0],
                          "values": [title, 1, col, last, col]})
    chart.set_title({"name": str(_("Able-bodied and employed, by month"))})
    chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm"})
    sheet.insert_chart(1, len(columns) + 1, chart, {"x_scale": 1.5, "y_scale": 1.3})


def write_csv(report, name, language="ru"):
    """Return one table as CSV text (UTF-8 with BOM for spreadsheet programs)."""
    with force_locale(language):
        columns, rows = table(report, name, language)
        buffer = io.StringIO()
        out = csv.writer(buffer)
        out.writerow([neutralise(str(column.header)) for column in columns])
        for row in rows:
            out.writerow([_csv_value(row.get(column.key), column.kind) for column in columns])
    return "\ufeff" + buffer.getvalue()


def _csv_value(value, kind):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if kind in ("date", "month"):
        return value.isoformat()[:7] if kind == "month" else value.isoformat()
    if kind == "pct":
        return f"{value:.4f}"
    return value
