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
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, gettext as _

# A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_DELIMITERS = (",", ";", "\t")
HEADER_LANGUAGES = ("kk", "ru", "en")
TRUE_WORDS = {"1", "yes", "y", "true", "да", "д", "иә", "ия", "и", "+"}
FALSE_WORDS = {"0", "no", "n", "false", "нет", "н", "жоқ", "ж", "-"}
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")


def neutralise(value):
    """Make a text cell inert for spreadsheets: prefix a quote when it could start a formula.

    Leading spaces do not protect a cell (Excel and LibreOffice skip them), so the check
    looks past them.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(FORMULA_TRIGGERS) or value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class TableError(Exception):
    """An upload that cannot be read at all; ``message`` is already in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A cell whose value cannot be understood; the message is in the user's language."""


@dataclass(frozen=True)
class Column:
    """One column of an import: its key in the returned rows and its translatable header."""

    key: str
    label: object  # a lazy_gettext string, so the header can be rendered in any language
    required: bool = False
    width: int = 16


@dataclass
class Row:
    """One data row: its spreadsheet row number, values by column key, and reading errors."""

    number: int
    values: dict
    errors: list = field(default_factory=list)


class Table(list):
    """The rows of an upload; ``present`` holds the keys of the columns the file has."""

    present = frozenset()


def normalise_header(text):
    """Return a header as compared: case-folded, spaces collapsed, no required-marker star."""
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip("*").strip().casefold()


def header_names(column):
    """Return every header accepted for a column: its key and its label in kk, ru and en."""
    names = {normalise_header(column.key)}
    for language in HEADER_LANGUAGES:
        with force_locale(language):
            names.add(normalise_header(str(column.label)))
    return names


def _limit(name, override):
    if override is not None:
        return override
    config = current_app.config
    if name == "IMPORT_MAX_BYTES":
        return config.get(name) or config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    return config[name]


def read_table(data, filename, columns, max_bytes=None, max_rows=None, max_uncompressed=None):
    """Read an XLSX or CSV upload into rows keyed by column; raise TableError if unreadable.

    Limits default to the configuration: IMPORT_MAX_BYTES (else MAX_CONTENT_LENGTH),
    IMPORT_MAX_ROWS (data rows) and IMPORT_MAX_UNCOMPRESSED (XLSX only).
    """
    max_bytes = _limit("IMPORT_MAX_BYTES", max_bytes)
    max_rows = _limit("IMPORT_MAX_ROWS", max_rows)
    if not data:
        raise TableError(_("The file is empty."))
    if len(data) > max_bytes:
        raise TableError(_("The file is larger than %(size)s MB.", size=max_bytes // (1024 * 1024) or 1))
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension == "xlsx":
        raw = _xlsx_rows(data, max_rows, _limit("IMPORT_MAX_UNCOMPRESSED", max_uncompressed))
    elif extension == "csv":
        raw = _csv_rows(data, max_rows)
    else:
        raise TableError(_("Upload an XLSX or CSV file."))
    return _keyed_rows(raw, columns, max_rows)


def _too_many_rows(max_rows):
    return TableError(_("The file has more than %(rows)s rows.", rows=max_rows))


def _xlsx_rows(data, max_rows, max_uncompressed):
    """Yield (row number, [(value, is_formula), ...]) from the first sheet of an XLSX."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise TableError(_("The file is not a valid XLSX workbook.")) from None
    if declared > max_uncompressed:
        raise TableError(_("The workbook expands to more than %(size)s MB when opened.",
                           size=max_uncompressed // (1024 * 1024) or 1))
    import openpyxl  # imported here so tests can see that a refused file never reaches it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on malformed parts; all mean "unreadable"
        raise TableError(_("The file is not a valid XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "_get_source"):  # an openpyxl without the streaming internals
            return _openpyxl_rows(sheet, max_rows)
        with sheet._get_source() as source:
            # The sheet's declared extent, read from its first bytes, refuses a long sheet
            # before any row is parsed; the reader counts rows as well, for sheets without it.
            declared = DIMENSION.search(source.read(4096))
        if declared and int(declared.group(1)) > max_rows + 1:
            raise _too_many_rows(max_rows)
        reader = SheetReader(workbook.shared_strings, workbook._date_formats, workbook.epoch,
                             max_rows)
        with sheet._get_source() as source:
            return reader.read(source)
    except TableError:
        raise
    except Exception:
        raise TableError(_("The file is not a valid XLSX workbook.")) from None
    finally:
        workbook.close()


def _openpyxl_rows(sheet, max_rows):
    rows = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > max_rows + 1:
            raise _too_many_rows(max_rows)
        rows.append((number, [(c.value, getattr(c, "data_type", None) == "f"
                               or (isinstance(c.value, str) and c.value.startswith("=")))
                              for c in cells]))
    return rows


def _forbid(*_args):
    raise ValueError("DTDs and entities are not accepted in a worksheet")


class SheetReader:
    """Stream one worksheet's XML with expat: (row number, [(value, is_formula), ...]).

    openpyxl opens the workbook (through defusedxml) and supplies the shared strings and
    date styles; its per-cell reader is too slow for tens of thousands of rows, so the sheet
    itself is read here by a bare expat parser that refuses any DTD, so no entity can
    expand and nothing external is fetched.
    """

    def __init__(self, strings, date_styles, epoch, max_rows):
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.max_rows = max_rows
        self.rows, self.cells, self.text = [], None, None
        self.cell = {}
        self.tags, self.columns = {}, {}

    def _tag(self, name):
        tag = self.tags.get(name)
        if tag is None:
            tag = self.tags[name] = name.rpartition(":")[2]  # x:c and c are the same element
        return tag

    def read(self, source):
        """Parse the sheet from a binary stream and return its rows."""
        from xml.parsers import expat

        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _forbid
        parser.EntityDeclHandler = _forbid
        parser.ExternalEntityRefHandler = _forbid
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        parser.buffer_text = True
        while chunk := source.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return self.rows

    def _start(self, name, attrs):
        tag = self._tag(name)
        if tag == "c":
            self.cell = {"r": attrs.get("r"), "t": attrs.get("t", "n"), "s": attrs.get("s"),
                         "v": None, "f": False}
        elif tag == "v" or (tag == "t" and self.cell.get("t") == "inlineStr"):
            self.text = []
        elif tag == "f":
            self.cell["f"] = True
        elif tag == "row":
            number = int(attrs.get("r") or (self.rows[-1][0] + 1 if self.rows else 1))
            if number > self.max_rows + 1:
                raise _too_many_rows(self.max_rows)
            self.cells = (number, [])

    def _chars(self, data):
        if self.text is not None:
            self.text.append(data)

    def _end(self, name):
        tag = self._tag(name)
        if tag in ("v", "t") and self.text is not None:
            self.cell["v"] = (self.cell["v"] or "") + "".join(self.text)
            self.text = None
        elif tag == "c" and self.cells is not None:
            cells = self.cells[1]
            index = self._column(self.cell["r"]) if self.cell["r"] else len(cells)
            cells.extend([(None, False)] * (index - len(cells)))
            cells.append(self._value(self.cell))
        elif tag == "row" and self.cells is not None:
            self.rows.append(self.cells)
            self.cells = None

    def _column(self, reference):
        letters = reference.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = self.columns[letters] = _column_index(letters)
        return index

    def _value(self, cell):
        value, kind = cell["v"], cell["t"]
        if cell["f"]:
            return None, True
        if value is None:
            return None, False
        if kind == "s":
            value = self.strings[int(value)]
        elif kind == "b":
            value = value.strip() == "1"
        elif kind == "n":
            number = float(value) if any(ch in value for ch in ".eE") else int(value)
            value = number
            if cell["s"] and int(cell["s"]) in self.date_styles:
                from openpyxl.utils.datetime import from_excel

                value = from_excel(number, self.epoch)
        elif kind == "d":
            value = datetime.fromisoformat(value)
        return value, isinstance(value, str) and value.startswith("=")


def _column_index(reference):
    """Return the zero-based column of a cell reference such as "AB12"."""
    index = 0
    for character in reference:
        if character.isdigit():
            break
        index = index * 26 + ord(character.upper()) - 64
    return index - 1


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")  # cp1251 maps nearly every byte, so this always succeeds


def sniff_delimiter(first_line):
    """Return the delimiter among comma, semicolon and tab that splits the header most."""
    best, fields = ",", 0
    for delimiter in CSV_DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        if count > fields:
            best, fields = delimiter, count
    return best


def _csv_rows(data, max_rows):
    """Yield (row number, [(value, is_formula), ...]) from a CSV upload."""
    if data.count(b"\n") > max_rows + 1:
        raise _too_many_rows(max_rows)
    text = _decode(data)
    if "\x00" in text:
        raise TableError(_("The file is not a valid CSV file."))
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        return [(number, [(value, value.lstrip(" ").startswith("=")) for value in cells])
                for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                          delimiter=delimiter), start=1)]
    except csv.Error:
        raise TableError(_("The file is not a valid CSV file.")) from None


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _keyed_rows(raw, columns, max_rows):
    """Match the header row to columns, then key every non-empty data row by column."""
    raw = iter(raw)
    header = next(raw, None)
    if header is None:
        raise TableError(_("The file has no header row."))
    names = {}
    for column in columns:
        for name in header_names(column):
            names[name] = column.key
    positions, seen = {}, set()
    for index, (value, _formula) in enumerate(header[1]):
        key = names.get(normalise_header(value))
        if key is None:
            continue
        if key in seen:
            raise TableError(_("The column \"%(column)s\" appears twice.", column=value))
        seen.add(key)
        positions[index] = key
    missing = [str(c.label) for c in columns if c.required and c.key not in seen]
    if missing:
        raise TableError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))
    rows = Table()
    rows.present = frozenset(seen)
    for number, cells in raw:
        values = {c.key: None for c in columns}
        errors = []
        for index, (value, formula) in enumerate(cells):
            key = positions.get(index)
            if key is None:
                continue
            if formula:
                errors.append(_("%(column)s: formulas are not accepted, enter the value itself.",
                                column=_label(columns, key)))
                continue
            values[key] = _clean(value)
        if any(v is not None for v in values.values()) or errors:
            rows.append(Row(number, values, errors))
    if len(rows) > max_rows:
        raise _too_many_rows(max_rows)
    return rows


def _label(columns, key):
    return next(str(c.label) for c in columns if c.key == key)


def parse_text(value):
    """Return a cell as stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip() or None


def parse_date(value):
    """Return a cell as a date (XLSX date, YYYY-MM-DD or DD.MM.YYYY); raise CellError if not."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the common case, without strptime's cost
        except ValueError:
            pass
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise CellError(_("\"%(value)s\" is not a date; write it as YYYY-MM-DD or DD.MM.YYYY.",
                      value=text[:40]))


def parse_int(value):
    """Return a cell as a whole number; raise CellError if it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("\"%(value)s\" is not a whole number.", value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(_("\"%(value)s\" is not a whole number.", value=str(value)[:40]))


def parse_bool(value):
    """Return a cell as yes/no (yes, да, иә, 1, true / no, нет, жоқ, 0, false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("\"%(value)s\" is not yes or no.", value=str(value)[:40]))


def template_xlsx(columns, example_row, codes=None):
    """Return an XLSX import template: headers in the current language and one example row.

    ``example_row`` maps column keys to example values. ``codes``, if given, maps a section
    title to a list of (code, label) pairs, written side by side on a second sheet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")
    sheet.append([str(c.label) + (" *" if c.required else "") for c in columns])
    sheet.append([neutralise(example_row.get(c.key)) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            column.width, len(str(column.label)) + 4)
    sheet.freeze_panes = "A2"
    if codes:
        listing = workbook.create_sheet(_("Codes"))
        for section, (title, pairs) in enumerate(codes.items()):
            first = section * 3 + 1
            listing.cell(row=1, column=first, value=str(title)).font = Font(bold=True)
            for offset, (code, text) in enumerate(pairs, start=2):
                listing.cell(row=offset, column=first, value=neutralise(str(code)))
                listing.cell(row=offset, column=first + 1, value=neutralise(str(text)))
            listing.column_dimensions[get_column_letter(first)].width = 14
            listing.column_dimensions[get_column_letter(first + 1)].width = 48
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
