"""Spreadsheet benchmarks: hostile uploads' peak memory, the roster export of the 1,500-person
facility, and the XLSX writers compared on 150,000 placement rows.

Peak memory is measured in a fresh process per file (``python -m benchmarks.spreadsheets
memory KIND``), from /proc/self/status VmHWM, which counts the Rust reader's allocations that
tracemalloc cannot see.
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import xlsxwriter

from extensions import db

from .rawexport import peak_bytes
from .timing import Row, Timing, measure_turns

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ("far_right", "far_down", "zip_bomb", "entities", "wide_csv", "roster_30000")
PLACEMENT_ROWS = 150_000


def _book(write):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    write(book.add_worksheet())
    book.close()
    return out.getvalue()


def _header(sheet):
    sheet.write_row(0, 0, ["Табельный номер", "Фамилия", "Имя"])


def hostile_file(kind, path, ctx=None):
    """Write a hostile (or, for roster_30000, a legitimate big) upload to ``path``."""
    if kind == "far_right":
        path.write_bytes(_book(lambda s: (_header(s), s.write_string(1, 16383, "x"))))
        return
    if kind == "far_down":
        path.write_bytes(_book(lambda s: (_header(s), s.write_string(1_048_575, 0, "x"))))
        return
    if kind == "wide_csv":  # one line of 2.7 million two-letter fields, under the size cap
        from inmates.imports import COLUMNS

        with ctx.app.test_request_context(headers={"Accept-Language": "en"}):
            header = ",".join(str(c.label) for c in COLUMNS)
        path.write_bytes(header.encode() + b"\n" + b",".join([b"ab"] * 2_700_000) + b"\n")
        return
    if kind == "roster_30000":
        from . import roster

        with ctx.app.test_request_context():
            roster.write_file(path, 30_000, ctx.synthetic["import_facility_id"])
        return
    base = _book(lambda s: (_header(s), s.write_row(1, 0, ["1", "Әлі", "Ұлан"])))
    source = zipfile.ZipFile(io.BytesIO(base))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                if kind == "zip_bomb":
                    body = b"<!-- " + b"a" * (900 * 1024 * 1024) + b" -->"
                else:
                    body = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol">'
                            + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]),
                                                               (b"&%s;" % bytes([97 + i])) * 10)
                                       for i in range(8))
                            + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                              b'2006/main"><si><t>&i;</t></si></sst>')
            target.writestr(info.filename, body)


def _reset_peak():
    """Reset this process's VmHWM to its current size (Linux), so the next peak is the read's."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _memory_child(path):
    from app import create_app
    from inmates.imports import COLUMNS
    from tabular import TableError, read_table

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        data = Path(path).read_bytes()
        _reset_peak()
        before = peak_bytes()
        started = time.perf_counter()
        try:
            outcome = f"{len(read_table(data, Path(path).name, COLUMNS))} rows read"
        except TableError as error:
            outcome = "refused: " + error.message[:48]
        seconds = time.perf_counter() - started
        peak = peak_bytes()
    print(json.dumps({"outcome": outcome, "seconds": seconds, "file_bytes": len(data),
                      "peak_bytes": peak, "before_bytes": before}))


def _import_child(path, url, facility_id):
    """Import a roster file through the product's two steps; print the peak it added."""
    from app import create_app

    from . import roster

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        importer = roster.importer()
        mark = roster.stale_mark()
        Path(path).read_bytes()  # the file's pages, as the upload's bytes would be
        _reset_peak()
        before = peak_bytes()
        started = time.perf_counter()
        created = importer(Path(path), facility_id)
        seconds = time.perf_counter() - started
        peak = peak_bytes()
        roster.remove_imported(facility_id, stale_after=mark)
    print(json.dumps({"outcome": f"{created} created", "seconds": seconds,
                      "peak_bytes": peak, "before_bytes": before}))


def import_peak(ctx, rows):
    """Peak memory a roster import of ``rows`` rows adds (preview and confirmation, in a fresh
    process against the benchmark database); return (MB added, process MB, seconds)."""
    from . import roster

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cap.xlsx"
        with ctx.app.test_request_context():
            roster.write_file(path, rows, ctx.synthetic["import_facility_id"])
        db.session.rollback()
        done = subprocess.run([sys.executable, "-m", "benchmarks.spreadsheets", "import",
                               str(path), ctx.meta["url"], str(ctx.synthetic["import_facility_id"])],
                              cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"import memory run failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return ((report["peak_bytes"] - report["before_bytes"]) / 2 ** 20,
            report["peak_bytes"] / 2 ** 20, report["seconds"])


def memory_once(path):
    done = subprocess.run([sys.executable, "-m", "benchmarks.spreadsheets", "memory", str(path)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"memory run ({path}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def hostile_memory(ctx):
    """Peak memory of reading hostile uploads (and a 30,000-row roster), each in a fresh
    process: the process's peak while reading, and how much the read added to it."""
    operation = "import peak memory"
    reports = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in (HOSTILE[:-1] if ctx.tiny else HOSTILE):
            path = Path(folder) / f"{kind}.{'csv' if kind.endswith('_csv') else 'xlsx'}"
            hostile_file(kind, path, ctx)
            reports.append({"kind": kind, **memory_once(path)})
            path.unlink()
    worst = max(r["peak_bytes"] - r["before_bytes"] for r in reports) / 2 ** 20
    timing = Timing(seconds=[max(r["seconds"] for r in reports)], note="slowest file")
    extra = "; ".join(f"{r['kind']} {r['file_bytes'] // 1024} KB: {r['outcome']}, +"
                      f"{(r['peak_bytes'] - r['before_bytes']) / 2 ** 20:.0f} MB (process "
                      f"{r['peak_bytes'] / 2 ** 20:.0f} MB)" for r in reports)
    extra += (f"; worst added by a read {worst:.0f} MB (budget 150 MB)"
              + ("; OVER memory" if worst > 150 else ""))
    return Row(operation, ctx.engine, ctx.scale, timing, None, 5.0, extra)


def roster_export(ctx):
    """The roster export (tabular.export) of the 1,500-person facility; limit: the query alone."""
    from marketplace import list_exports, roster
    from inmates.models import Person
    from tabular import export

    operation = "roster export (1,500 people)"
    facility_id = ctx.synthetic["facility_id"]
    wanted = roster.RosterFilter(facility_id=facility_id, term="", able_bodied=None,
                                 employed=None, occupation=None, level=None, min_months=None,
                                 restriction=None, status=None)
    query = roster.roster_query(Person.facility_id == facility_id, wanted, ctx.on)
    counted = {}

    def product():
        with ctx.app.test_request_context(), tempfile.TemporaryFile() as out:
            with export.workbook(out) as book:
                counted["rows"] = export.write_sheet(book, "roster", list_exports.ROSTER,
                                                     export._rows(query))
        db.session.rollback()

    def limit():
        db.session.execute(query).all()
        db.session.rollback()

    timing, limit_timing = measure_turns([(product, None, None), (limit, None, None)], ctx.runs,
                                         ctx.warmup)
    return Row(operation, ctx.engine, ctx.scale, timing, limit_timing, 1.0,
               f"{counted.get('rows', 0):,} rows to XLSX (constant memory); limit = the query alone")


def _placement_rows(rows):
    started = date(2020, 5, 1)
    for n in range(rows):
        yield (f"FN-{n:07d}", f"Ахметов Ерлан {n % 97}", "Швейный цех, линия 2", started, None,
               None, 95_000 + n % 1000)


class _Placement:
    __slots__ = ("file", "name", "line", "started_on", "ended_on", "end_reason", "wage_kzt")

    def __init__(self, values):
        (self.file, self.name, self.line, self.started_on, self.ended_on, self.end_reason,
         self.wage_kzt) = values


def placements_writers(ctx):
    """150,000 placement rows: the product's export writer against XlsxWriter constant_memory
    alone and openpyxl write-only, same rows, same run; the limit is the faster of the two."""
    from openpyxl import Workbook

    from tabular import export

    operation = "national placements export, 150,000 rows"
    rows = 2_000 if ctx.tiny else PLACEMENT_ROWS
    columns = [("File number", "file", "text"), ("Full name", "name", "text"),
               ("Line", "line", "text"), ("Start", "started_on", "date"),
               ("End", "ended_on", "date"), ("End reason", "end_reason", "text"),
               ("Wage", "wage_kzt", "int")]

    def product():
        with ctx.app.test_request_context(), tempfile.TemporaryFile() as out:
            with export.workbook(out) as book:
                export.write_sheet(book, "placements", columns,
                                   (_Placement(v) for v in _placement_rows(rows)))

    def bare_xlsxwriter():
        with tempfile.TemporaryDirectory() as folder:
            book = xlsxwriter.Workbook(os.path.join(folder, "a.xlsx"),
                                       {"constant_memory": True, "tmpdir": folder})
            sheet, day = book.add_worksheet(), book.add_format({"num_format": "dd.mm.yyyy"})
            sheet.write_row(0, 0, [c[0] for c in columns])
            for index, values in enumerate(_placement_rows(rows), start=1):
                sheet.write_string(index, 0, values[0])
                sheet.write_string(index, 1, values[1])
                sheet.write_string(index, 2, values[2])
                sheet.write_datetime(index, 3, values[3], day)
                sheet.write_number(index, 6, values[6])
            book.close()

    def openpyxl_write_only():
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append([c[0] for c in columns])
        for values in _placement_rows(rows):
            sheet.append(values)
        with tempfile.TemporaryFile() as out:
            book.save(out)

    timing, fast, other = measure_turns([(product, None, None), (bare_xlsxwriter, None, None),
                                         (openpyxl_write_only, None, None)], ctx.runs, ctx.warmup)
    limit = fast if fast.median <= other.median else other
    return Row(operation, ctx.engine, ctx.scale, timing, limit, None,
               f"{rows:,} rows; XlsxWriter constant_memory alone {fast.median:.2f} s, openpyxl "
               f"write-only {other.median:.2f} s; limit = the faster (goal: within 1.3x)")


if __name__ == "__main__":
    if sys.argv[1] == "memory":
        _memory_child(sys.argv[2])
    elif sys.argv[1] == "import":
        _import_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
