"""Errors raised while reading an upload; messages are in the user's language.

The refusals every kind of workbook shares live here, so an XLSX, an XLS and an ODS over the
same cap are refused with the same words.
"""
from flask_babel import gettext as _


class TableError(Exception):
    """An upload that cannot be read at all; ``message`` is already in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A cell whose value cannot be understood; the message is in the user's language."""


def too_many_rows(max_rows):
    """Refuse a sheet with more data rows than the cap."""
    return TableError(_("The file has more than %(rows)s rows.", rows=max_rows))


def too_many_columns(max_columns):
    """Refuse a sheet with a cell to the right of the column cap."""
    return TableError(_("The sheet has cells beyond column %(columns)s; delete the columns to "
                        "the right of the data.", columns=max_columns))


def formulas_refused():
    """Refuse a sheet whose formulas are too many (or too costly) to refuse row by row."""
    return TableError(_("The sheet has formulas; paste the values instead (Paste special, "
                        "Values) and upload it again."))


def declares_entities():
    """Refuse a workbook whose XML declares a DTD or entities."""
    return TableError(_("The workbook declares XML entities; save it again as a plain XLSX "
                        "workbook."))


def sheets_too_large():
    """Refuse a workbook whose sheets, all read when it is opened, are too large together."""
    return TableError(_("The workbook's sheets are too large together; keep only the sheet to "
                        "import and upload it again."))


def not_valid(kind):
    """Refuse an upload that is not the kind of workbook its name says ("xlsx", "xls", "ods")."""
    if kind == "ods":
        return TableError(_("The file is not a valid ODS spreadsheet."))
    if kind == "xls":
        return TableError(_("The file is not a valid XLS workbook."))
    return TableError(_("The file is not a valid XLSX workbook."))
