"""Wage sheets: the downloadable template, checking an upload, and saving all rows or none.

Same rules as the roster import (DESIGN.md section 9): headers in the user's language,
size and row caps checked before parsing, formulas refused, a preview listing every bad row
with its reason, then all rows or none. Checked rows travel to the confirmation signed, so
the second request saves exactly what the preview showed.
"""
import io
from collections import namedtuple

from flask import current_app, send_file
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tabular import neutralise

from . import wages

COLUMNS = ("file_number", "full_name", *wages.FIELDS)
HEADERS = {"file_number": _l("File number"), "full_name": _l("Full name"), **wages.LABELS}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
PAYLOAD_MAX_AGE = 3600  # seconds between preview and confirmation

ImportResult = namedtuple("ImportResult", "ok rows errors")


def headers():
    """Return the sheet's headers in the current language."""
    return [str(HEADERS[c]) for c in COLUMNS]


def _accepted_headers():
    accepted = []
    for language in ("kk", "ru", "en"):
        with force_locale(language):
            accepted.append([h.strip().casefold() for h in headers()])
    return accepted


def template_response(line, month):
    """Return an XLSX with the headers and one prefilled row per placement of the month."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    sheet.append(headers())
    for row in wages.grid(line.id, month):
        record = row.record
        values = [getattr(record, f) if record else None for f in wages.FIELDS]
        if record is not None:
            values[wages.FIELDS.index("norm_met")] = 1 if record.norm_met else 0
        sheet.append([neutralise(row.file_number), neutralise(row.full_name), *values])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    response = send_file(buffer, as_attachment=True,
                         download_name=f"wages-line{line.id}-{month:%Y-%m}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument"
                                  ".spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response


def _size(storage):
    stream = storage.stream
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_upload(storage, line, month):
    """Read and check an uploaded sheet; return ImportResult(ok, rows, [(row, reason)])."""
    if _size(storage) > MAX_BYTES:
        return ImportResult(False, [], [(None, _l("The file is larger than 2 MB."))])
    try:
        table = read_table(storage, MAX_ROWS + 1)
    except ValueError as error:
        return ImportResult(False, [], [(None, str(error))])
    if not table:
        return ImportResult(False, [], [(None, _l("The file is empty."))])
    if len(table) > MAX_ROWS + 1:
        return ImportResult(False, [], [(None, _l("The file has more than %(max)s rows.",
                                                   max=MAX_ROWS))])
    head = [str(v or "").strip().casefold() for v in table[0]][:len(COLUMNS)]
    if head not in _accepted_headers():
        return ImportResult(False, [], [(1, _l("The headers do not match the template. "
                                               "Download the template and fill it in."))])
    return check_rows(table[1:], line, month)


def check_rows(rows, line, month):
    """Check data rows against the line's placements of the month and the wage rules."""
    placements = {row.file_number.casefold(): row.placement for row in wages.grid(line.id, month)}
    good, errors, seen = [], [], set()
    for number, cells in enumerate(rows, start=2):
        cells = list(cells) + [None] * (len(COLUMNS) - len(cells))
        values = dict(zip(COLUMNS, cells))
        if not any(str(v or "").strip() for v in cells):
            continue
        if any(isinstance(v, str) and v.startswith("=") for v in cells):
            errors.append((number, _l("Formulas are not accepted; enter values.")))
            continue
        key = str(values["file_number"] or "").strip().casefold()
        placement = placements.get(key)
        if placement is None:
            errors.append((number, _l("No worker with this file number on this line in this "
                                      "month.")))
            continue
        if key in seen:
            errors.append((number, _l("This file number appears twice.")))
            continue
        seen.add(key)
        clean, problems = wages.validate(values)
        if problems:
            errors.extend((number, f"{wages.LABELS[f]}: {m}") for f, m in problems.items())
            continue
        good.append({"placement_id": placement.id, **clean})
    if not good and not errors:
        errors.append((None, _l("The file has no data rows.")))
    return ImportResult(not errors, good, errors)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="wage-import")


def sign(result, line, month):
    """Return the checked rows, with their line and month, as a signed token."""
    return _serializer().dumps({"line": line.id, "month": f"{month:%Y-%m}", "rows": result.rows})


def unsign(payload, line_id, month):
    """Return the rows of a signed token, or None if expired, altered or for another line."""
    try:
        data = _serializer().loads(payload, max_age=PAYLOAD_MAX_AGE)
    except BadSignature:
        return None
    if data.get("line") != line_id or data.get("month") != f"{month:%Y-%m}":
        return None
    return data.get("rows")


def save_all(rows, line, month, user):
    """Save every row; return a list of problems (then the caller rolls everything back)."""
    placements = {row.placement.id: row for row in wages.grid(line.id, month)}
    problems = []
    for values in rows:
        row = placements.get(values.get("placement_id"))
        clean, errors = wages.validate(values)
        if row is None or errors:
            problems.append(_l("The line's workers changed since the check. Upload the file "
                               "again."))
            break
        wages.save_record(row.placement, month, clean, user, row.record)
    return [str(p) for p in problems]


def read_table(storage, limit):
    """Read the first sheet of an XLSX or a CSV into lists of cell values."""
    from tabular import read_rows

    return read_rows(storage, limit)
