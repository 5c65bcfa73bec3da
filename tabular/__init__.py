"""Spreadsheet helpers shared by imports and exports (DESIGN.md section 9).

Reading an upload::

    columns = [Column("file_number", _l("File number"), required=True),
               Column("month", _l("Month"), required=True), Column("accrued", _l("Accrued"))]
    try:
        rows = read_table(upload.read(), upload.filename, columns)
    except TableError as error:
        form.file.errors.append(error.message)
    for row in rows:            # row.number is the spreadsheet row (the header is row 1)
        row.errors              # per-row problems found while reading (formula cells)
        row.values["month"]     # str, int, float, bool, datetime or None; see parse_* below
    rows.present                # keys of the columns the file has (absent ones read as None)

Everything that could make reading expensive is checked before a parser sees the file:
its size, for XLSX the total uncompressed size the zip directory declares (a zip bomb
is refused before openpyxl opens it; Python's zipfile never inflates a member past its
declared size), and the row count. openpyxl reads in read-only mode and parses XML
through defusedxml, which is installed. Formulas are never returned: a formula cell
becomes an error on its row and its value None.

Writing a template: ``template_xlsx(columns, example_row, codes=...)`` returns XLSX bytes
with headers in the current language.

Messages are translated when raised, so call these inside a request (or
``app.test_request_context()``): the language comes from the request's locale.
"""
from .cells import FORMULA_TRIGGERS, neutralise, parse_bool, parse_date, parse_int, parse_text
from .errors import CellError, TableError
from .reader import Column, Row, Table, header_names, normalise_header, read_table, sniff_delimiter
from .template import template_xlsx
from .xlsx import SheetReader

__all__ = ["FORMULA_TRIGGERS", "CellError", "Column", "Row", "SheetReader", "Table", "TableError",
           "header_names", "neutralise", "normalise_header", "parse_bool", "parse_date",
           "parse_int", "parse_text", "read_table", "sniff_delimiter", "template_xlsx"]
