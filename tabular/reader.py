"""Reading an XLSX or CSV upload into keyed rows (see the package docstring)."""
import csv
import io
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .errors import TableError, too_many_rows
from .xlsx import _xlsx_rows

CSV_DELIMITERS = (",", ";", "\t")
HEADER_LANGUAGES = ("kk", "ru", "en")


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
        raise too_many_rows(max_rows)
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
        raise too_many_rows(max_rows)
    return rows


def _label(columns, key):
    return next(str(c.label) for c in columns if c.key == key)
