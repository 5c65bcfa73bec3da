"""Reading the first worksheet of an XLSX upload, with its caps checked first."""
import io
import re
import zipfile
from datetime import datetime

from flask_babel import gettext as _

from .errors import TableError, too_many_rows

DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')


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
            raise too_many_rows(max_rows)
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
            raise too_many_rows(max_rows)
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
                raise too_many_rows(self.max_rows)
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
