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

An upload is an XLSX, an XLS (Excel 97-2003), an ODS (LibreOffice) or a CSV, told by its
name (``UPLOAD_KINDS``; ``UPLOAD_ACCEPT`` for a file input's ``accept``). Everything that
could make reading expensive is checked before a parser sees the file: its size and magic
bytes; for XLSX and ODS the sizes and compression ratios the zip directory declares (a zip
bomb), a DTD in any XML part (entity expansion), and, in one streamed pass, formula cells
and cells beyond the row and column caps, an ODS's repeated rows and cells counted in full
(tabular/caps.py, tabular/ods.py); for XLS the compound file's tables and, in one walk of
its records, every sheet's extent and the first sheet's formula cells (tabular/xls.py);
for CSV, binary content. python-calamine then reads the workbook. The header row may have
a title or merged cells above it. CSV may be UTF-8 (with or without a BOM) or cp1251,
separated by commas, semicolons or tabs, with decimal commas.

Writing a template: ``template_xlsx(columns, example_row, codes=...)`` returns XLSX bytes
with headers in the current language.

Messages are translated when raised, so call these inside a request (or
``app.test_request_context()``): the language comes from the request's locale.
"""
from .cells import FORMULA_TRIGGERS, neutralise, parse_bool, parse_date, parse_int, parse_text
from .errors import CellError, TableError
from .reader import (UPLOAD_ACCEPT, UPLOAD_KINDS, Column, Row, Rows, Table, header_names,
                     normalise_header, open_table, read_table, sniff_delimiter)
from .template import template_xlsx

__all__ = ["FORMULA_TRIGGERS", "UPLOAD_ACCEPT", "UPLOAD_KINDS", "CellError", "Column", "Row",
           "Rows", "Table", "TableError",
           "header_names", "neutralise", "normalise_header", "open_table", "parse_bool", "parse_date",
           "parse_int", "parse_text", "read_table", "sniff_delimiter", "template_xlsx"]
