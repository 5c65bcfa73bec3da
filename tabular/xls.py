"""XLS uploads (Excel 97-2003 workbooks), checked before parsing.

An XLS is an OLE2 compound file whose "Workbook" stream holds BIFF records. The format caps
a sheet at 65,536 rows of 256 columns, but that is no safety: the reader (calamine) builds
every sheet of the workbook as a dense rectangle as soon as it opens the file, sized by each
sheet's DIMENSIONS record and furthest cell, so a 6 KB file with one cell at IV65536 costs a
gigabyte. Before the reader sees the file:

- its first bytes must be OLE2's, and the compound file's tables (sector allocation table,
  directory, mini stream) must stay inside it: no count or stream size larger than the
  upload, no sector listed twice, no chain that loops or points outside its table;
- the Workbook stream is read as calamine reads it (the first directory entry named
  "Workbook", else "Book"), and its records are walked as calamine walks them: the globals up
  to their EOF record, then each sheet from where its BOUNDSHEET record says it starts up to
  its own EOF record; sheets that overlap (calamine would read one sheet's cells into
  another) are refused, so the walk reads each byte once;
- a shared-string table may not declare more strings than its bytes can hold;
- in every sheet, a DIMENSIONS record or a cell beyond IMPORT_MAX_ROWS rows or
  IMPORT_MAX_COLUMNS columns refuses the file, and the sheets' rectangles together may hold no
  more cells than one sheet of the caps;
- formulas: calamine reads the value Excel last computed and stored with each formula cell
  (possibly stale, and not what the person typed), and rebuilds every formula's text when it
  opens the file, at a cost that grows with the square of the formula's length (and
  255-fold with its space tokens). The first sheet's FORMULA records give its formula cells,
  returned as an XLSX's are, so their rows are refused with a reason like any formula cell;
  formulas too costly to rebuild, on any sheet, refuse the file.
"""
import re
from collections import namedtuple
from struct import error as StructError
from struct import unpack_from

from .caps import note_formulas, refuse_larger_workbook
from .errors import TableError, formulas_refused, not_valid, too_many_columns, too_many_rows

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN, FREE = 0xFFFFFFFE, 0xFFFFFFFF
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # calamine reads a stream under 4,096 bytes out of the mini stream
EOF, CONTINUE, BOUNDSHEET, SST = 0x000A, 0x003C, 0x0085, 0x00FC
DIMENSIONS, FORMULA, MULRK = 0x0200, 0x0006, 0x00BD
CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, FORMULA, MULRK})  # as calamine reads
SPACES = re.compile(rb"\x19[\x40\x41][\x00-\x06](.)", re.DOTALL)  # PtgAttrSpace and its count
FORMULA_WORK = 10 ** 9  # a few tenths of a second of rebuilding formula text

Entry = namedtuple("Entry", "name start size")


def check_xls(data, caps):
    """Run every XLS check above; raise TableError on the first one that fails.

    Return the first sheet's formula cells as a set of (row number, zero-based column).
    """
    try:
        stream = _workbook_stream(data)
        end, starts = _globals(stream)
        order = sorted(starts)
        if len(set(order)) != len(order) or (order and order[0] < end):
            raise not_valid("xls")
        formulas, budget = set(), {"cells": 0, "work": 0}
        ends = dict(zip(order, [*order[1:], len(stream)]))
        for index, start in enumerate(starts):
            _sheet(stream, start, ends[start], caps, formulas if index == 0 else None, budget)
        return formulas
    except TableError:
        raise
    except (StructError, IndexError, ValueError):
        raise not_valid("xls") from None


def _workbook_stream(data):
    """Return the Workbook stream as calamine reads it out of the compound file."""
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        raise not_valid("xls")
    shift, mini_shift = unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise not_valid("xls")
    size = 1 << shift
    count = len(data) // size - 1  # whole sectors after the header
    (dir_sectors, fat_sectors, dir_start, _signature, _cutoff, minifat_start, minifat_sectors,
     difat_start, difat_sectors) = unpack_from("<9I", data, 40)
    if max(dir_sectors, fat_sectors, minifat_sectors, difat_sectors) > count:
        raise not_valid("xls")

    def sector(sid):
        """Return a sector of the file; refuse one past its end."""
        if sid >= count:
            raise not_valid("xls")
        return data[(sid + 1) * size:(sid + 2) * size]

    fat = []
    for sid in _fat_sectors(data, difat_start, sector, size):
        fat.extend(unpack_from(f"<{size // 4}I", sector(sid)))
    entries = _directory(_chain(dir_start, fat, sector), size)
    if not entries or entries[0].size > len(data):
        raise not_valid("xls")
    mini_stream = _chain(entries[0].start, fat, sector)[:entries[0].size]
    minifat_bytes = _chain(minifat_start, fat, sector)
    minifat = unpack_from(f"<{len(minifat_bytes) // 4}I", minifat_bytes)

    def mini_sector(sid):
        """Return a sector of the mini stream; refuse one past its end."""
        if (sid + 1) * MINI_SECTOR > len(mini_stream):
            raise not_valid("xls")
        return mini_stream[sid * MINI_SECTOR:(sid + 1) * MINI_SECTOR]

    found = (next((e for e in entries if e.name == "Workbook"), None)
             or next((e for e in entries if e.name == "Book"), None))
    if found is None or found.size > len(data):
        raise not_valid("xls")
    if found.size < MINI_CUTOFF:
        return _chain(found.start, minifat, mini_sector)[:found.size]
    return _chain(found.start, fat, sector)[:found.size]


def _fat_sectors(data, difat_start, sector, size):
    """Return the sectors of the allocation table: the header's list, then the DIFAT chain's."""
    listed = list(unpack_from("<109I", data, 76))
    sid, seen = difat_start, set()
    while sid not in (FREE, END_OF_CHAIN):
        if sid in seen:
            raise not_valid("xls")
        seen.add(sid)
        entries = unpack_from(f"<{size // 4}I", sector(sid))
        listed.extend(entries[:-1])
        sid = entries[-1]
    used = [sid for sid in listed if sid != FREE]
    if len(set(used)) != len(used):  # a sector listed twice would multiply the table
        raise not_valid("xls")
    return used


def _chain(start, table, read):
    """Return the bytes of a sector chain; refuse one that loops or leaves its table."""
    parts, seen, sid = [], set(), start
    while sid != END_OF_CHAIN:
        if sid >= len(table) or sid in seen:
            raise not_valid("xls")
        seen.add(sid)
        parts.append(read(sid))
        sid = table[sid]
    return b"".join(parts)


def _directory(raw, size):
    """Return the directory's entries (name, first sector, stream size), root first."""
    entries = []
    for offset in range(0, len(raw) - 127, 128):
        name = raw[offset:offset + 64].decode("utf-16-le", "ignore").split("\x00", 1)[0]
        (start,) = unpack_from("<I", raw, offset + 116)
        (length,) = unpack_from("<I" if size == 512 else "<Q", raw, offset + 120)
        entries.append(Entry(name, start, length))
    return entries


def _records(stream, start, end):
    """Yield (type, data offset, data length) from ``start`` up to an EOF record, as calamine
    reads them (a CONTINUE record belongs to the record before it); refuse a record that runs
    past ``end``, where the next part of the workbook begins."""
    position = start
    while position < end:
        if position + 4 > end:
            raise not_valid("xls")
        kind, length = unpack_from("<HH", stream, position)
        data, position = position + 4, position + 4 + length
        if position > end:
            raise not_valid("xls")
        if kind != CONTINUE:
            yield kind, data, length
            if kind == EOF:
                return
    if end < len(stream):  # no EOF: calamine would read on into the next sheet
        raise not_valid("xls")


def _globals(stream):
    """Walk the workbook globals; return where they end and where each sheet starts."""
    starts, end = [], 0
    for kind, data, length in _records(stream, 0, len(stream)):
        end = data + length
        if kind == BOUNDSHEET:
            if length < 6:
                raise not_valid("xls")
            starts.append(unpack_from("<I", stream, data)[0])
        elif kind == SST:
            if length >= 8 and not 0 <= unpack_from("<i", stream, data + 4)[0] <= len(stream) // 3:
                raise not_valid("xls")  # calamine reserves room for every declared string
    if any(start >= len(stream) for start in starts):
        raise not_valid("xls")
    return end, starts


def _sheet(stream, start, end, caps, formulas, budget):
    """Walk one sheet: refuse it beyond the caps; note its formulas when ``formulas`` is a set."""
    rows = columns = 0
    for kind, data, length in _records(stream, start, end):
        if kind in CELLS and length >= 6:
            row, column = unpack_from("<HH", stream, data)
            last = unpack_from("<H", stream, data + length - 2)[0] if kind == MULRK else column
            rows, columns = max(rows, row + 1), max(columns, last + 1)
            if kind == FORMULA:
                _formula(stream, data, length, budget)
                if formulas is not None:
                    note_formulas(formulas, [(row + 1, column)])
        elif kind == DIMENSIONS and length in (10, 14):
            first_row, last_row, first_column, last_column = unpack_from(
                "<HHHH" if length == 10 else "<IIHH", stream, data)
            if last_row and last_column:  # one past the last row and column
                if first_row >= last_row or first_column >= last_column:
                    raise not_valid("xls")
                rows, columns = max(rows, last_row), max(columns, last_column)
    if rows > caps["max_rows"] + 1:
        raise too_many_rows(caps["max_rows"])
    if columns > caps["max_columns"]:
        raise too_many_columns(caps["max_columns"])
    budget["cells"] += rows * columns
    refuse_larger_workbook(budget["cells"], caps)


def _formula(stream, data, length, budget):
    """Count what rebuilding a FORMULA record's text costs calamine; refuse past FORMULA_WORK."""
    tokens = stream[data + 22:data + length]
    spaces = sum(match[0] for match in SPACES.findall(tokens))
    budget["work"] += (len(tokens) + spaces) ** 2
    if budget["work"] > FORMULA_WORK:
        raise formulas_refused()
