"""ODS uploads (LibreOffice's own format), checked before parsing.

An ODS is a zip of XML parts, like an XLSX, and passes the same checks first: its magic
bytes, the sizes and compression ratios its directory declares (tabular.caps), its
``mimetype`` part, and no DTD at the head of any XML part. Every sheet is in ``content.xml``,
and the reader builds every sheet when it opens the file, so the whole part is streamed once
through defusedxml's expat reader (a DTD, an entity or an external reference refuses it)
counting each sheet's rows and columns as the reader will build them:

- ``table:number-rows-repeated`` repeats a row and ``table:number-columns-repeated`` a cell;
  a repeated row or cell is counted in full, so one row carrying a value repeated a million
  times is a million rows;
- empty rows and cells cost the reader nothing and are refused only through what comes after
  them: LibreOffice ends every sheet with a million repeated empty rows of 1,024 (or 16,384)
  empty cells, which pass, while a value after them stands a million rows down and is
  refused, like a value beyond IMPORT_MAX_ROWS or IMPORT_MAX_COLUMNS anywhere;
- a cell carries a value when it has a value type, a value, a formula or any content;
- the sheets' rectangles together may hold no more cells than one sheet of the caps;
- the first sheet's formula cells (``table:formula``) are returned as an XLSX's are, so their
  rows are refused with a reason instead of reading the values last computed.

Element and attribute names are compared by their local part, whatever their prefix, so no
spelling of a row escapes the count; a sheet inside a sheet, a row outside one or a cell
outside a row is not a spreadsheet calamine would read the same way, and is refused.
"""
import io
import re
import zipfile
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from .caps import (CHUNK, ZIP_ERRORS, ZIP_MAGIC, check_directory, note_formulas,
                   refuse_dtd_in_parts, refuse_larger_workbook)
from .errors import TableError, declares_entities, not_valid, too_many_columns, too_many_rows

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CONTENT = "content.xml"
CELLS = frozenset({"table-cell", "covered-table-cell"})
STRUCTURE = CELLS | {"table", "table-row"}
VALUES = frozenset({"value-type", "value", "string-value", "date-value", "time-value",
                    "boolean-value", "currency", "formula"})
COUNT = re.compile(r"[0-9]{1,12}")


def check_ods(data, caps):
    """Run every ODS check above; raise TableError on the first one that fails.

    Return the first sheet's formula cells as a set of (row number, zero-based column).
    """
    if not data.startswith(ZIP_MAGIC):
        raise not_valid("ods")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_directory(archive.infolist(), caps)
            with archive.open("mimetype") as part:
                if part.read(len(MIMETYPE)) != MIMETYPE:
                    raise not_valid("ods")
            refuse_dtd_in_parts(archive, CONTENT)
            with archive.open(CONTENT) as source:
                return _scan_content(source, caps)
    except TableError:
        raise
    except DefusedXmlException:
        raise declares_entities() from None
    except (*ZIP_ERRORS, ExpatError):
        raise not_valid("ods") from None


def _scan_content(source, caps):
    """Stream content.xml once through the counting handlers; return the formula cells.

    defusedxml's expat reader sets up the parser (refusing a DTD, entities and external
    references); the counting handlers are then given to expat itself, without the SAX layer,
    which would double the time of a large sheet. Text is not looked at: a cell's value is in
    its attributes or its elements.
    """
    scan = _Scan(caps)
    reader = DefusedExpatParser(forbid_dtd=True)
    reader.reset()
    parser = reader._parser
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    while chunk := source.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return scan.formulas


def _count(value):
    """Return a repetition count (at least 1); refuse one that is not a number."""
    if not COUNT.fullmatch(value):
        raise not_valid("ods")
    return max(int(value), 1)


class _Scan:
    """Count every sheet's rows and cells, repetitions included, as the reader builds them."""

    def __init__(self, caps):
        self.caps = caps
        self.locals = {}         # element name -> its local part
        self.sheets = 0          # sheets begun
        self.rows = None         # rows passed in the open sheet; None outside a sheet
        self.repeat = 0          # how many times the open row stands; 0 outside a row
        self.column = 0          # cells passed in the open row
        self.cell = None         # [repeat, carries a value, is a formula] of the open cell
        self.depth = 0           # elements open inside the cell
        self.extent = (0, 0)     # last row and column holding a value in the open sheet
        self.cells = 0           # cells of the finished sheets' rectangles
        self.formulas = set()

    def local(self, name):
        """Return the local part of an element's name, whatever its prefix."""
        found = self.locals[name] = name[name.find(":") + 1:]
        return found

    def start(self, name, attrs):
        """Open a sheet, a row or a cell; an element inside a cell gives it content."""
        local = self.locals.get(name) or self.local(name)
        cell = self.cell
        if cell is not None:
            if local in STRUCTURE:
                raise not_valid("ods")
            self.depth += 1
            cell[1] = True
        elif local in CELLS:
            if not self.repeat:
                raise not_valid("ods")
            self.cell = cell = [1, False, False]
            for key, value in attrs.items():
                key = key[key.find(":") + 1:]
                if key == "number-columns-repeated":
                    cell[0] = max(cell[0], _count(value))
                elif key in VALUES:
                    cell[1] = True
                    cell[2] = cell[2] or key == "formula"
        elif local == "table-row":
            if self.rows is None or self.repeat:
                raise not_valid("ods")
            self.repeat, self.column = 1, 0
            for key, value in attrs.items():
                if key[key.find(":") + 1:] == "number-rows-repeated":
                    self.repeat = max(self.repeat, _count(value))
        elif local == "table":
            if self.rows is not None or not any(key[key.find(":") + 1:] == "name" for key in attrs):
                raise not_valid("ods")
            self.rows, self.extent = 0, (0, 0)
            self.sheets += 1

    def end(self, name):
        """Close a cell (checking where its value stands), a row or a sheet."""
        if self.cell is not None:
            if self.depth:
                self.depth -= 1
            else:
                self._end_cell()
            return
        local = self.locals.get(name) or self.local(name)
        if local == "table-row" and self.repeat:
            self.rows += self.repeat
            self.repeat = 0
        elif local == "table" and self.rows is not None:
            self.cells += self.extent[0] * self.extent[1]
            refuse_larger_workbook(self.cells, self.caps)
            self.rows = None

    def _end_cell(self):
        """Move past the cell; refuse its value beyond the caps and note it if a formula."""
        repeat, valued, formula = self.cell
        self.cell = None
        first = self.column
        self.column += repeat
        if not valued:
            return
        last_row = self.rows + self.repeat
        if last_row > self.caps["max_rows"] + 1:
            raise too_many_rows(self.caps["max_rows"])
        if self.column > self.caps["max_columns"]:
            raise too_many_columns(self.caps["max_columns"])
        if last_row > self.extent[0] or self.column > self.extent[1]:
            self.extent = (max(self.extent[0], last_row), max(self.extent[1], self.column))
        if formula and self.sheets == 1:
            note_formulas(self.formulas, ((row, column)
                                          for row in range(self.rows + 1, last_row + 1)
                                          for column in range(first, self.column)))
