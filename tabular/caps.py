"""Everything that could make reading an upload expensive or unsafe, checked before parsing.

An ODS (tabular/ods.py) and an XLS (tabular/xls.py) have their own checks, built on the
helpers here; the reader (tabular/reader.py) then checks the opened sheet's extent once more
before converting its cells. An XLSX is a zip of XML parts. Before the reader sees it:

- its first bytes must be a zip's (a renamed program or PDF is refused by its magic bytes);
- the zip directory must declare no part larger than IMPORT_MAX_UNCOMPRESSED, no total
  larger than that, and no part compressed more than IMPORT_MAX_RATIO times (a zip bomb);
- the workbook's parts are read with defusedxml, and no XML part may declare a DTD (so no
  entity can expand and nothing external is fetched);
- the first worksheet is streamed once, decompressing at most its declared size: a cell
  beyond IMPORT_MAX_ROWS rows or IMPORT_MAX_COLUMNS columns (one cell far to the right
  makes a reader allocate the whole rectangle) refuses the file, and so does a cell tag
  whose reference is not in the form every writer gives it; formula cells are found
  and returned, so that their rows are refused with a reason and their values never read.

A CSV must not start like a binary file and must not hold NUL bytes.

The reader opens an ODS or XLS whole, every sheet, so for those the sheets' rectangles
together may hold no more cells than one sheet of the caps (refuse_larger_workbook).
"""
import functools
import io
import posixpath
import re
import string
import zipfile
import zlib
from operator import itemgetter

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from .errors import (TableError, declares_entities, formulas_refused, not_valid, sheets_too_large,
                     too_many_columns, too_many_rows)

ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGICS = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x1f\x8b",
                 b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
CHUNK = 1 << 16
# A window with no '<' after its first byte is read on up to this size; past it the window is
# scanned as it stands, so a cell tag longer than this (no writer's) refuses the file.
LONGEST_TAG = 1 << 20
# A cell's tag as every writer writes it (Excel, LibreOffice, XlsxWriter, openpyxl): its
# attributes double-quoted, and one reference in capitals. calamine places a cell by its
# reference, taking the last of two, a lower-case one, a single-quoted one or, with none,
# the next column; so every cell tag must be of this form, or its column and row could lie
# anywhere (CELL_TAG counts the tags, CELL_REF the ones of this form). A row's own number
# places nothing: calamine's range spans the cells only.
# A sheet whose tags carry no prefix (as a rule) is searched without the prefix's
# optional group, which is twice as fast: a window holding no ":c" holds no prefixed cell.
_OTHER_ATTRIBUTES = rb'(?:\s+(?!r=)[\w:.-]+="[^"]*")*'
_REFERENCE = _OTHER_ATTRIBUTES + rb'\s+r="([A-Z]{1,4})(\d{1,8})"' + _OTHER_ATTRIBUTES + rb'\s*/?>'
CELL_REF = re.compile(rb'<c' + _REFERENCE)
CELL_TAG = re.compile(rb'<c[\s/>]')
PREFIXED_CELL_REF = re.compile(rb'<(?:\w+:)?c' + _REFERENCE)
PREFIXED_CELL_TAG = re.compile(rb'<(?:\w+:)?c[\s/>]')
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,4}\d{1,8}:([A-Z]{1,4})(\d{1,8})"')
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# What every FORMULA match contains, found ten times faster (a literal first): a window
# without it is not searched for FORMULA.
FORMULA_HINT = re.compile(rb"f[\s>/]")
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})(\d{1,8})"[^>]*>\s*<(?:\w+:)?f[\s>/]')
MAX_FORMULAS = 1000  # formula cells reported one by one; more refuse the file
DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# zlib.error: a part's deflate stream damaged (zipfile checks the CRC only at its end).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, OSError,
              NotImplementedError, DefusedXmlException, SyntaxError, zlib.error)


def limits(**overrides):
    """Return the import limits from the configuration, with any given overrides."""
    config = current_app.config
    found = {
        "max_bytes": config.get("IMPORT_MAX_BYTES") or config.get("MAX_CONTENT_LENGTH"),
        "max_rows": config["IMPORT_MAX_ROWS"],
        "max_columns": config.get("IMPORT_MAX_COLUMNS", 60),
        "max_uncompressed": config["IMPORT_MAX_UNCOMPRESSED"],
        "max_ratio": config.get("IMPORT_MAX_RATIO", 200),
    }
    found.update({k: v for k, v in overrides.items() if v is not None})
    return found


def _megabytes(size):
    return size // (1024 * 1024) or 1


def check_size(data, caps):
    """Refuse an empty upload or one over the size cap."""
    if not data:
        raise TableError(_("The file is empty."))
    if len(data) > caps["max_bytes"]:
        raise TableError(_("The file is larger than %(size)s MB.", size=_megabytes(caps["max_bytes"])))


def check_csv(data):
    """Refuse a CSV that is a binary file under another name."""
    if data.startswith(BINARY_MAGICS) or b"\x00" in data:
        raise TableError(_("The file is not a valid CSV file."))


def check_xlsx(data, caps):
    """Run every XLSX check above; raise TableError on the first one that fails.

    Return the formula cells as a set of (row number, zero-based column).
    """
    if not data.startswith(ZIP_MAGIC):
        raise not_valid("xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_directory(archive.infolist(), caps)
            sheet = _first_sheet(archive)
            refuse_dtd_in_parts(archive, sheet)
            with archive.open(sheet) as source:
                return _scan_sheet(source, caps)
    except TableError:
        raise
    except ZIP_ERRORS:
        raise not_valid("xlsx") from None


def check_directory(infos, caps):
    """Refuse a zip whose directory declares more than IMPORT_MAX_UNCOMPRESSED, or a part
    compressed more than IMPORT_MAX_RATIO times (a zip bomb)."""
    limit = caps["max_uncompressed"]
    too_big = TableError(_("The workbook expands to more than %(size)s MB when opened.",
                           size=_megabytes(limit)))
    if sum(info.file_size for info in infos) > limit:
        raise too_big
    for info in infos:
        if info.file_size > CHUNK and info.file_size > caps["max_ratio"] * max(info.compress_size, 1):
            raise too_big


def _part(archive, name):
    with archive.open(name) as part:
        data = part.read()
    refuse_dtd(data[:CHUNK])
    return fromstring(data, forbid_dtd=True)


def _first_sheet(archive):
    """Return the zip path of the workbook's first worksheet, read through defusedxml."""
    workbook = _part(archive, "xl/workbook.xml")
    sheet = next(element for element in workbook.iter() if element.tag.endswith("}sheet"))
    relation = sheet.get(OFFICE_REL)
    for link in _part(archive, "xl/_rels/workbook.xml.rels").iter(RELS):
        if link.get("Id") == relation:
            target = link.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    raise KeyError(relation)


def refuse_dtd(head):
    """Refuse an XML part whose head declares a DTD or an entity."""
    if DTD.search(head):
        raise declares_entities()


def refuse_dtd_in_parts(archive, scanned):
    """Refuse a DTD at the head of any XML part of a zip but ``scanned`` (streamed whole)."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")) and info.filename != scanned:
            with archive.open(info) as part:
                refuse_dtd(part.read(CHUNK))


def note_formulas(formulas, cells):
    """Add formula cells (row number, zero-based column) to ``formulas``; past MAX_FORMULAS
    the file is refused, since each is refused on its row."""
    for cell in cells:
        formulas.add(cell)
        if len(formulas) > MAX_FORMULAS:
            raise formulas_refused()


def refuse_larger_workbook(cells, caps):
    """Refuse a workbook whose sheets together span more cells than one sheet of the caps:
    the reader builds every sheet of an ODS or XLS as it opens the file."""
    if cells > (caps["max_rows"] + 1) * caps["max_columns"]:
        raise sheets_too_large()


def check_extent(end, caps):
    """Refuse an opened sheet whose last cell (zero-based row, column) is beyond the caps."""
    if end is None:
        return
    if end[0] + 1 > caps["max_rows"] + 1:
        raise too_many_rows(caps["max_rows"])
    if end[1] + 1 > caps["max_columns"]:
        raise too_many_columns(caps["max_columns"])


def column_number(letters):
    """Return the one-based column of letters such as "AB"."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_sheet(source, caps):
    """Stream the worksheet once: refuse a DTD, a cell tag not in the writers' form, or a
    cell beyond the caps; find formulas.

    Each window ends before its last ``<``, which starts the next one, so no tag is cut
    between two windows and none is seen twice."""
    max_row, max_column = caps["max_rows"] + 1, caps["max_columns"]
    plain = plain_cells(max_row, max_column)
    tail, first, formulas = b"", True, set()
    while True:
        chunk = source.read(CHUNK)
        window = tail + chunk
        cut = window.rfind(b"<") if chunk else len(window)
        if cut <= 0:
            if chunk and len(window) <= LONGEST_TAG:
                tail = window  # no tag ends here yet: read on
                continue
            cut = len(window)
        window, tail = window[:cut], window[cut:]
        if not window:
            break
        if first:
            refuse_dtd(window)
            first = False
        if FORMULA_HINT.search(window) and FORMULA.search(window):
            found = FORMULA_CELL.findall(window)
            if not found:
                raise formulas_refused()
            note_formulas(formulas, ((int(row), column_number(letters) - 1)
                                     for letters, row in found))
        if not plainly_within(window, plain):
            check_cells(window, max_row, max_column)
        if not chunk:
            break
    return formulas


def plainly_within(window, plain):
    """Say whether every cell tag of a window is in the writers' plain form with a reference
    within the caps (``plain``: plain_cells(max_row, max_column)): then check_cells has
    nothing to find, and a window of the writers' cells is passed with one search, not a
    match object per cell. False sends the window to check_cells, which names what is
    wrong, if anything. A window with a prefixed tag or the sheet's dimension is always
    checked in full."""
    return not (b":c" in window or b"dimension" in window or plain.search(window))


def check_cells(window, max_row, max_column):
    """Refuse a window holding a cell tag not in the writers' form or a cell (or a declared
    dimension) beyond max_row rows or max_column columns."""
    prefixed = b":c" in window
    references = (PREFIXED_CELL_REF if prefixed else CELL_REF).findall(window)
    if len(references) != len((PREFIXED_CELL_TAG if prefixed else CELL_TAG).findall(window)):
        raise not_valid("xlsx")
    if b"dimension" in window:  # DIMENSION's literal: the sheet's head, as a rule
        references += DIMENSION.findall(window)
    # A window's few distinct columns and rows first; only a window with a cell beyond
    # the caps is walked cell by cell, so the first such cell names the refusal.
    if references and (
            max(map(column_number, set(map(itemgetter(0), references)))) > max_column
            or max(map(int, set(map(itemgetter(1), references)))) > max_row):
        for letters, row in references:
            if column_number(letters) > max_column:
                raise too_many_columns(max_column)
            if int(row) > max_row:
                raise too_many_rows(max_row - 1)


@functools.lru_cache(maxsize=8)
def plain_cells(max_row, max_column):
    """Compile the search for a cell tag that is not plain or not within the caps. A plain
    one is written as every writer writes it: ``<c r="`` and a reference of capitals for a
    column up to max_column and digits (no leading zero) for a row up to max_row, then
    attributes other than r, each after one space, and the tag's end."""
    reference = (not_above(get_column_letter(max_column), string.ascii_uppercase,
                           string.ascii_uppercase)
                 + not_above(str(max_row), string.digits, string.digits[1:]))
    return re.compile(rb'<c(?=[\s/>])(?! r="' + reference.encode()
                      + rb'"(?: (?!r=)[\w:.-]+="[^"]*")*/?>)')


def not_above(text, alphabet, leading):
    """Return a pattern for the strings over ``alphabet`` (in ascending order), the first
    symbol among ``leading``, that stand for no more than ``text`` does: every shorter one,
    then those of its length that are not greater. So it is for a column's letters and for
    a row's digits without leading zeros."""
    last = len(text) - 1
    options = [f"[{leading}][{alphabet}]{{0,{last - 1}}}"] if last else []
    for place, symbol in enumerate(text):
        symbols = leading if place == 0 else alphabet
        smaller = symbols[:symbols.index(symbol)]
        if smaller:
            options.append(f"{text[:place]}[{smaller}]" + (f"[{alphabet}]{{{last - place}}}"
                                                           if place < last else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"
