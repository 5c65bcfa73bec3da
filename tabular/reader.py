"""Reading an XLSX, XLS or ODS (with python-calamine) or CSV upload into keyed rows (see the
package docstring)."""
import csv
import io
import itertools
import re
import tempfile
from dataclasses import dataclass, field
from operator import methodcaller

from flask_babel import force_locale
from flask_babel import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from .caps import check_csv, check_extent, check_size, check_xlsx, limits
from .errors import TableError, not_valid, too_many_columns, too_many_rows
from .ods import check_ods
from .xls import check_xls

CSV_DELIMITERS = (",", ";", "\t")
CSV_DELIMITERS_PER_COLUMN = 4  # a line's delimiters, quoted ones included, per column allowed
HEADER_LANGUAGES = ("kk", "ru", "en")
HEADER_SEARCH_ROWS = 10  # a title or merged cells may stand above the header row
DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(?:[ \u00a0]\d{3})*,\d+$|^-?\d+,\d+$")
Formula = object()  # a CSV cell written as a formula
WORKBOOK_CHECKS = {"xlsx": check_xlsx, "xls": check_xls, "ods": check_ods}
UPLOAD_KINDS = ("xlsx", "xls", "ods", "csv")
UPLOAD_ACCEPT = ",".join("." + kind for kind in UPLOAD_KINDS)  # a file input's accept=


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


def file_kind(filename):
    """Return the upload's kind, one of UPLOAD_KINDS, from its name; None for anything else."""
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    return extension if extension in UPLOAD_KINDS else None


def read_table(data, filename, columns, max_bytes=None, max_rows=None, max_uncompressed=None):
    """Read an XLSX, XLS, ODS or CSV upload into rows keyed by column; raise TableError if
    unreadable.

    Limits default to the configuration (tabular.caps.limits); every cap is checked before
    the file is parsed.
    """
    rows = open_table(data, filename, columns, max_bytes, max_rows, max_uncompressed)
    table = Table(rows)
    table.present = rows.present
    return table


def open_table(data, filename, columns, max_bytes=None, max_rows=None, max_uncompressed=None):
    """Check and open an upload as read_table does, but return its rows as a one-pass
    iterable (``present`` as on a Table): each row becomes Python values only when its turn
    comes, so a caller that keeps a narrower form of each row never holds them all.

    The caps, the header and the missing columns are checked here (TableError); the row cap
    is checked again while iterating (TableError then)."""
    caps = limits(max_bytes=max_bytes, max_rows=max_rows, max_uncompressed=max_uncompressed)
    check_size(data, caps)
    kind = file_kind(filename)
    if kind in WORKBOOK_CHECKS:
        raw = _workbook_rows(data, kind, WORKBOOK_CHECKS[kind](data, caps), caps)
    elif kind == "csv":
        check_csv(data)
        raw = _csv_rows(data, caps)
    else:
        raise TableError(_("Upload an XLSX, XLS, ODS or CSV file."))
    return _keyed_rows(raw, columns, caps["max_rows"])


def _is_panic(error):
    """Say whether ``error`` is a panic of calamine's Rust code: pyo3 raises those as a
    PanicException, a BaseException so that ``except Exception`` lets it through."""
    return type(error).__name__ == "PanicException"


def _workbook_rows(data, kind, formulas, caps):
    """Yield (row number, [value, ...]) from the first sheet, read by calamine; the cells
    found to hold formulas read as Formula.

    calamine is given a file named like the upload, because it picks its reader from the
    name: given bytes it would guess, and a zip that is both an ODS and an XLSX would be read
    as the XLSX the ODS checks never saw. The opened sheet's extent is checked once more
    before its cells become Python values.
    """
    try:
        with tempfile.NamedTemporaryFile(suffix="." + kind) as copy:
            copy.write(data)
            copy.flush()
            with CalamineWorkbook.from_path(copy.name) as workbook:
                sheet = workbook.get_sheet_by_index(0)
                check_extent(sheet.end, caps)
                top, left = sheet.start or (0, 0)
                rows = sheet.iter_rows()
                first = next(rows, None)
    except (CalamineError, ValueError, OSError, IndexError):
        raise not_valid(kind) from None
    except BaseException as error:
        if not _is_panic(error):
            raise
        raise not_valid(kind) from None
    return _sheet_rows(first, rows, top, left, formulas)


def _sheet_rows(first, rows, top, left, formulas):
    """Yield (row number, cells) from calamine's row iterator, formula cells as Formula.

    The iterator starts at the sheet's first column but, below an empty top, at its first
    row or at row 1 padded with empty rows (python-calamine 0.9 pads): the range's own first
    row holds a cell, so an empty first row means padding."""
    if first is None:
        return
    if top and not any(cell != "" for cell in first):
        top = 0
    by_row = {}
    for row, column in formulas:
        by_row.setdefault(row, []).append(column - left)
    for index, cells in enumerate(itertools.chain([first], rows)):
        number = top + index + 1
        for column in by_row.get(number, ()):
            if 0 <= column < len(cells):
                cells[column] = Formula
        yield number, cells


def _decode(data):
    """Decode UTF-8 (with or without a BOM), else the cp1251 Russian Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def sniff_delimiter(first_line):
    """Return the delimiter among comma, semicolon and tab that splits the header most."""
    best, fields = ",", 0
    for delimiter in CSV_DELIMITERS:
        try:
            count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:  # a lone carriage return: the rows' reader reads it as a line break
            count = 0
        if count > fields:
            best, fields = delimiter, count
    return best


def _csv_value(value):
    """A CSV cell: numbers written with a decimal comma become numbers, formulas are marked."""
    if value.lstrip(" ").startswith("="):
        return Formula
    if DECIMAL_COMMA.match(value):
        return float(value.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    return value


def _csv_rows(data, caps):
    """Yield (row number, [value, ...]) from a CSV upload, one row at a time.

    As for a workbook, a value beyond IMPORT_MAX_COLUMNS refuses the file (empty fields
    after the last column are left alone: Excel writes them for formatted columns). Before
    the first row is parsed, a line with more than CSV_DELIMITERS_PER_COLUMN times as many
    delimiters as the column cap refuses it too: the csv module builds a whole row before
    its width can be checked, and an 8 MB line of one-letter fields is millions of them. A
    delimiter inside a quoted value counts on that line, hence the slack."""
    max_rows, max_columns = caps["max_rows"], caps["max_columns"]
    if data.count(b"\n") > max_rows + 1:
        raise too_many_rows(max_rows)
    text = _decode(data)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    if max(map(methodcaller("count", delimiter), io.StringIO(text, newline="")), default=0) \
            >= max_columns * CSV_DELIMITERS_PER_COLUMN:
        raise too_many_columns(max_columns)
    return _csv_lines(text, delimiter, max_columns)


def _csv_lines(text, delimiter, max_columns):
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                  delimiter=delimiter), start=1):
            if len(cells) > max_columns and any(cells[max_columns:]):
                raise too_many_columns(max_columns)
            yield number, [_csv_value(value) for value in cells[:max_columns]]
    except csv.Error:
        raise TableError(_("The file is not a valid CSV file.")) from None


def _header(raw, names):
    """Return the header row: of the first rows, the one naming the most known columns."""
    best, best_count, before = None, 0, []
    for _number in range(HEADER_SEARCH_ROWS):
        row = next(raw, None)
        if row is None:
            break
        before.append(row)
        count = len({names[n] for n in map(normalise_header, row[1]) if n in names})
        if count > best_count:
            best, best_count = row, count
    if best is None:
        if not before:
            raise TableError(_("The file has no header row."))
        best = before[0]
    after = before[before.index(best) + 1:]
    return best, itertools.chain(after, raw)


class Rows:
    """An upload's data rows, read once as they are iterated; ``present`` holds the keys of
    the columns the file has."""

    def __init__(self, rows, present):
        self._rows, self.present = rows, present

    def __iter__(self):
        return self._rows


def _keyed_rows(raw, columns, max_rows):
    """Find the header row and match it to columns (TableError), then return the Rows that
    key every non-empty data row by column."""
    names = {}
    for column in columns:
        for name in header_names(column):
            names[name] = column.key
    header, raw = _header(iter(raw), names)
    positions, seen = {}, set()
    for index, value in enumerate(header[1]):
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
    return Rows(_data_rows(raw, columns, positions, max_rows), frozenset(seen))


def _data_rows(raw, columns, positions, max_rows):
    empty = dict.fromkeys(c.key for c in columns)
    places = list(positions.items())
    count = 0
    for number, cells in raw:
        values = empty.copy()
        errors = []
        width = len(cells)
        for index, key in places:
            if index >= width:
                continue
            value = cells[index]
            if value is Formula:
                errors.append(_("%(column)s: formulas are not accepted, enter the value itself.",
                                column=_label(columns, key)))
                continue
            # A cell as its row keeps it: text stripped (empty: None), a float that is a
            # whole number as an int (an IIN or a year typed as a number), anything else
            # (a date, a whole number, a yes/no) as it is.
            if value.__class__ is str:
                values[key] = value.strip() or None
            elif isinstance(value, float):
                values[key] = int(value) if value.is_integer() else value
            elif value is not None:
                values[key] = value
        if errors or any(v is not None for v in values.values()):
            count += 1
            if count > max_rows:
                raise too_many_rows(max_rows)
            yield Row(number, values, errors)


def _label(columns, key):
    return next(str(c.label) for c in columns if c.key == key)
