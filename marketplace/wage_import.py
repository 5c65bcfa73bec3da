"""Wage sheets: the downloadable template, checking an upload, and saving all rows or none.

The same pipeline and limits as the roster import (DESIGN.md section 9): tabular.read_table
checks the configured caps before parsing, formulas are refused, the preview lists every bad
row with its reason, the read rows wait on the server (tabular.pending) bound to the user,
the line and the month, and the confirmation checks them again and saves all rows or none.

As in the grid, a row left blank (nothing but the template's pre-filled values, and no
answer to "norm met") is not entered yet: it is skipped and the preview lists it as skipped;
so is a row repeating a record already saved.
"""
import io
from collections import namedtuple

from flask import send_file
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from tabular import Column, TableError, neutralise, read_table, template_xlsx
from tabular.pending import forget, keep, take

from . import wage_entry, wages

OPTIONAL = {"lost_time_kzt"}  # added later: sheets without the column still import
COLUMNS = [Column("file_number", _l("File number"), required=True),
           Column("full_name", _l("Full name"), width=30),
           *(Column(f, wage_entry.LABELS[f], required=f not in OPTIONAL)
             for f in wage_entry.FIELDS)]

ImportResult = namedtuple("ImportResult", "ok rows errors skipped table")
ImportResult.__new__.__defaults__ = (None,)
Skipped = namedtuple("Skipped", "number file_number reason")
NOT_ENTERED = _l("not entered yet")
UNCHANGED = _l("same as the saved record")


def _sheet_row(row):
    values = {"file_number": row.file_number, "full_name": row.full_name}
    if row.record is not None:
        values.update({f: getattr(row.record, f) for f in wage_entry.FIELDS})
        values["norm_met"] = 1 if row.record.norm_met else 0
    else:
        values.update(row.prefill)
    return values


def template_response(line, month, scope=None):
    """Return the XLSX template, headers in the user's language, one row per worker of the month."""
    rows = [_sheet_row(row) for row in wages.grid(line.id, month, scope)]
    book = load_workbook(io.BytesIO(template_xlsx(COLUMNS, rows[0] if rows else {})))
    sheet = book.worksheets[0]
    for values in rows[1:]:
        sheet.append([neutralise(values.get(c.key)) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    response = send_file(buffer, as_attachment=True,
                         download_name=f"wages-line{line.id}-{month:%Y-%m}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument"
                                  ".spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response


def check_upload(storage, line, month, scope=None):
    """Read and check an uploaded sheet; return ImportResult(ok, rows, [(row, reason)], ...)."""
    try:
        table = read_table(storage.read(), storage.filename, COLUMNS)
    except TableError as error:
        return ImportResult(False, [], [(None, error.message)], [])
    return check_rows(table, line, month, scope)._replace(table=table)


def check_rows(rows, line, month, scope=None):
    """Check tabular rows against the line's placements of the month and the wage rules;
    rows left blank or repeating a saved record are skipped."""
    problem = wage_entry.month_problem(month)
    if problem is not None:
        return ImportResult(False, [], [(None, problem)], [])
    placements = {row.file_number.casefold(): row for row in wages.grid(line.id, month, scope)}
    good, errors, seen, skipped = [], [], set(), []
    for row in rows:
        if row.errors:
            errors.extend((row.number, message) for message in row.errors)
            continue
        key = str(row.values["file_number"] or "").strip().casefold()
        worker = placements.get(key)
        if worker is None:
            errors.append((row.number, _l("No worker with this file number on this line in "
                                          "this month.")))
            continue
        if key in seen:
            errors.append((row.number, _l("This file number appears twice.")))
            continue
        seen.add(key)
        if worker.record is None and wage_entry.not_entered(row.values, worker.prefill):
            skipped.append(Skipped(row.number, worker.file_number, NOT_ENTERED))
            continue
        if worker.record is not None and wage_entry.unchanged(row.values, worker.record):
            skipped.append(Skipped(row.number, worker.file_number, UNCHANGED))
            continue
        clean, problems = wage_entry.validate(row.values, worker.placement, month)
        if problems:
            errors.extend((row.number, f"{wage_entry.LABELS[f]}: {m}") for f, m in problems.items())
            continue
        good.append({"placement_id": worker.placement.id, "file_number": worker.file_number,
                     "full_name": worker.full_name, "replaces": worker.record is not None,
                     **clean})
    if not good and not errors:
        errors.append((None, _l("No row has figures to import.") if skipped
                       else _l("The file has no data rows.")))
    return ImportResult(not errors, good, errors, skipped)


def _context(line, month):
    return {"line": line.id, "month": f"{month:%Y-%m}"}


def keep_upload(result, line, month, user, filename):
    """Keep a checked sheet's rows on the server until confirmed; return the token."""
    return keep(result.table, result.table.present, user.id, filename, _context(line, month))


def take_upload(token, line, month, user):
    """Return the rows kept under a token for this user, line and month, or None."""
    kept = take(token, user.id, _context(line, month))
    return kept[0] if kept is not None else None


def forget_upload(token):
    """Forget a kept sheet once saved."""
    forget(token)


def save_all(rows, line, month, user, scope=None):
    """Save every row; return a list of problems (then the caller rolls everything back)."""
    placements = {row.placement.id: row for row in wages.grid(line.id, month, scope)}
    problems = []
    for values in rows:
        row = placements.get(values.get("placement_id"))
        clean, errors = (wage_entry.validate(values, row.placement, month) if row is not None
                         else ({}, {"placement_id": True}))
        if errors or wage_entry.record_problem(row.placement, month):
            problems.append(_l("The line's workers changed since the check. Upload the file "
                               "again."))
            break
        wages.save_record(row.placement, month, clean, user, row.record)
    return [str(p) for p in problems]
