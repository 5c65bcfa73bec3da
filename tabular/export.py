"""Every list as XLSX or CSV: ``?format=xlsx|csv`` on the list's own URL.

A view hands its own select (the one its page shows, before paginating) and its columns::

    if export.wanted():
        return export.respond("roster", ROSTER_COLUMNS, query)

so an export is scoped and filtered exactly like the page. Each column is
``(header, value, kind)``: a translatable header, an attribute path on the row
("person.file_number", "title") or a function of the row, and one of text, int, money, date,
bool. Every text cell goes through ``neutralise`` (formula injection); XLSX is written by
XlsxWriter in constant memory into a temporary file, CSV is streamed row by row: for ru and
kk with ``;``, a decimal comma, dd.mm.yyyy dates and a BOM, as a Russian-locale Excel opens
it. The answer carries ``Cache-Control: no-store`` and a name the server chooses; each
export is audited.
"""
import csv
import io
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import xlsxwriter
from flask import Response, request, send_file, stream_with_context
from flask_babel import get_locale
from flask_babel import gettext as _

from accounts import audit
from extensions import db
from timeutil import today

from .cells import neutralise

FORMATS = ("xlsx", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 1000  # rows fetched from the database at a time


def wanted():
    """Return the export format asked for in the query string, or None for the page."""
    fmt = request.args.get("format", "")
    return fmt if fmt in FORMATS else None


def export_url(**extra):
    """Return the current list's URL asking for an export, keeping its filters."""
    args = request.args.to_dict()
    args.pop("page", None)
    args.update(extra)
    return request.path + "?" + urlencode(args)


def value_of(row, path):
    """Return a column's value from a row: follow an attribute path, or call a function."""
    if callable(path):
        return path(row)
    value = row
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _rows(query_or_rows):
    """Yield the rows of a select in batches (so memory stays flat), or of a list."""
    if isinstance(query_or_rows, (list, tuple)):
        yield from query_or_rows
        return
    result = db.session.execute(query_or_rows.execution_options(yield_per=BATCH))
    single = len(result.keys()) == 1
    for row in result:
        yield row[0] if single else row


def csv_style(language=None):
    """Return (delimiter, decimal mark, date format, (no, yes)) for the user's language."""
    language = language or str(get_locale() or "ru")
    words = (_("no"), _("yes"))
    if language in ("ru", "kk"):
        return ";", ",", "%d.%m.%Y", words
    return ",", ".", "%Y-%m-%d", words


def csv_cell(value, kind, style):
    """Return one CSV cell as text: neutralised text, localised numbers and dates."""
    _delimiter, decimal, day, words = style
    if value is None:
        return ""
    if isinstance(value, bool):
        return words[value]
    if isinstance(value, (datetime, date)):
        return value.strftime(day)
    if isinstance(value, (float, Decimal)):
        return f"{value:.2f}".replace(".", decimal) if kind == "money" or value % 1 else str(int(value))
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_lines(columns, rows, style=None):
    """Yield the CSV text of a header and rows, a line at a time, BOM first."""
    style = style or csv_style()
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=style[0], lineterminator="\r\n")

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    out.writerow([neutralise(str(header)) for header, _value, _kind in columns])
    yield "\ufeff" + flush()
    for row in rows:
        out.writerow([csv_cell(value_of(row, path), kind, style) for _h, path, kind in columns])
        yield flush()


@contextmanager
def workbook(output):
    """An XlsxWriter workbook in constant memory; its temporary files are always removed."""
    folder = tempfile.mkdtemp(prefix="export-")
    try:
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "tmpdir": folder,
                                            "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
        yield book
        book.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class SheetWriter:
    """Write typed rows on a sheet; text always as inert text, never as a formula."""

    def __init__(self, book):
        self.formats = {"date": book.add_format({"num_format": "dd.mm.yyyy"}),
                        "money": book.add_format({"num_format": "#,##0.00"}),
                        "int": book.add_format({"num_format": "0"}),
                        "header": book.add_format({"bold": True})}
        self.words = (_("no"), _("yes"))

    def header(self, sheet, columns):
        for col, (header, _path, kind) in enumerate(columns):
            sheet.set_column(col, col, 12 if kind in ("int", "date", "bool") else 22)
            sheet.write_string(0, col, neutralise(str(header)), self.formats["header"])

    def cell(self, sheet, row, col, value, kind):
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, self.words[value])
        elif isinstance(value, (datetime, date)):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day),
                                 self.formats["date"])
        elif isinstance(value, (int, float, Decimal)):
            sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value,
                               self.formats.get(kind))
        else:
            sheet.write_string(row, col, neutralise(str(value)))


def write_sheet(book, title, columns, rows):
    """Add a sheet with a header and the rows; return the number of rows written."""
    sheet = book.add_worksheet(title[:31])
    writer = SheetWriter(book)
    writer.header(sheet, columns)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (_header, path, kind) in enumerate(columns):
            writer.cell(sheet, count, col, value_of(row, path), kind)
    sheet.freeze_panes(1, 0)
    return count


def file_name(name, fmt):
    """Return the server-chosen download name: the list's name and today's date."""
    return f"{name}-{today():%Y-%m-%d}.{fmt}"


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def respond(name, columns, query_or_rows, fmt=None, title=None):
    """Answer the list as a download in the asked format, audited, never cached."""
    fmt = fmt or wanted() or "xlsx"
    audit.record("export", entity=name, detail=fmt)
    db.session.commit()
    if fmt == "csv":
        lines = csv_lines(columns, _rows(query_or_rows))
        response = Response(stream_with_context(text.encode("utf-8") for text in lines),
                            mimetype="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{file_name(name, "csv")}"')
        return _no_store(response)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with workbook(output) as book:
        write_sheet(book, str(title or name), columns, _rows(query_or_rows))
    output.seek(0)
    return _no_store(send_file(output, mimetype=XLSX, as_attachment=True,
                               download_name=file_name(name, "xlsx")))
