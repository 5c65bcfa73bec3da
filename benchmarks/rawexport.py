"""The raw export of placements and wages, and its building-block limit.

The reports package has no raw export of placements and wages (as of this benchmark), so
this module writes it as the product would, for the 12 months up to the date (at scale 1
about 140,000 wage records, the issue's 150,000 rows): one XLSX from XlsxWriter in constant_memory
mode, rows streamed from a server-side cursor (``yield_per``), text cells neutralised,
a new sheet every 1,048,575 rows (the XLSX row limit). The limit is XlsxWriter
constant_memory alone writing the same number of rows of similar values, no database.

Each run happens in a fresh process (``python -m benchmarks.rawexport``) so the peak
resident memory it reports (``ru_maxrss``) belongs to that run alone.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHEET_ROWS = 1_048_575  # XLSX allows 1,048,576 rows per sheet, one of them the header
HEADERS = ("placement", "file number", "facility", "enterprise", "employer kind", "line",
           "started on", "ended on", "end reason", "month", "days worked", "hours worked",
           "norm hours", "norm met", "accrued ₸", "upkeep ₸", "alimony ₸", "damages ₸",
           "tax ₸", "other ₸", "credited ₸")


def _query(first, last):
    from sqlalchemy import select

    from enterprises.models import Enterprise, ProductionLine
    from facilities.models import Facility
    from inmates.models import Person
    from marketplace.models import Placement, WageRecord

    return (select(Placement.id, Person.file_number, Facility.code, Enterprise.name,
                   Enterprise.kind, ProductionLine.title, Placement.started_on,
                   Placement.ended_on, Placement.end_reason, WageRecord.month,
                   WageRecord.days_worked, WageRecord.hours_worked, WageRecord.norm_hours,
                   WageRecord.norm_met, WageRecord.accrued_kzt, WageRecord.deduction_upkeep_kzt,
                   WageRecord.deduction_alimony_kzt, WageRecord.deduction_damages_kzt,
                   WageRecord.deduction_tax_kzt, WageRecord.deduction_other_kzt,
                   WageRecord.credited_kzt)
            .select_from(WageRecord)
            .join(Placement, Placement.id == WageRecord.placement_id)
            .join(Person, Person.id == Placement.person_id)
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .join(Facility, Facility.id == Person.facility_id)
            .where(WageRecord.month >= first, WageRecord.month <= last)
            .order_by(WageRecord.id))


class _Sheets:
    """Rows into an XlsxWriter workbook, opening a new sheet when one is full."""

    def __init__(self, path):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(path, {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "default_date_format": "yyyy-mm-dd"})
        self.sheet = None
        self.row = SHEET_ROWS
        self.count = 0

    def _new_sheet(self):
        self.sheet = self.book.add_worksheet(f"data {self.count // SHEET_ROWS + 1}")
        self.sheet.write_row(0, 0, HEADERS)
        self.row = 0

    def write(self, values):
        if self.row >= SHEET_ROWS:
            self._new_sheet()
        self.row += 1
        self.count += 1
        self.sheet.write_row(self.row, 0, values)

    def close(self):
        if self.sheet is None:
            self._new_sheet()
        self.book.close()


def export(path, first, last):
    """Write the wage records of months ``first``..``last`` with their placements to ``path``.

    Return the row count.
    """
    from extensions import db
    from tabular import neutralise

    sheets = _Sheets(path)
    result = db.session.execute(_query(first, last).execution_options(yield_per=5000))
    for row in result:
        sheets.write([neutralise(v) if isinstance(v, str) else v for v in row])
    sheets.close()
    db.session.rollback()
    return sheets.count


def limit(path, rows):
    """Write ``rows`` rows of similar values with XlsxWriter constant_memory alone."""
    sheets = _Sheets(path)
    started, month = date(2020, 5, 1), date(2021, 6, 1)
    for n in range(rows):
        sheets.write((n, f"FN-{n:07d}", "UG-157/7", "ТОО «Тігін Өндіріс» филиалы", "sme",
                      "Швейный цех, линия 2", started, None, None, month, 21, 168, 168, True,
                      95_000 + n % 1000, 9_500, 0, 0, 9_500, 0, 76_000 + n % 1000))
    sheets.close()
    return rows


def peak_bytes():
    """Return this process's peak resident memory (VmHWM).

    ru_maxrss is not used: Linux carries it over from the forking parent across exec.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child(mode, url, rows, first, last):
    """Run one export in this process; print seconds, CPU, rows and peak memory as JSON."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", dir=os.environ.get("TMPDIR"))
    os.close(handle)
    try:
        if mode == "product":
            from app import create_app

            app = create_app({"SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                started, cpu = time.perf_counter(), time.process_time()
                count = export(path, first, last)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        else:
            started, cpu = time.perf_counter(), time.process_time()
            count = limit(path, rows)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = os.path.getsize(path)
    finally:
        os.unlink(path)
    peak = peak_bytes()
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "rows": count, "peak_bytes": peak, "file_bytes": size}))


def run_once(mode, url="", rows=0, first=None, last=None, env=None):
    """Run one export in a fresh process; return its JSON report."""
    months = [(first or date(2000, 1, 1)).isoformat(), (last or date(2000, 1, 1)).isoformat()]
    done = subprocess.run([sys.executable, "-m", "benchmarks.rawexport", mode, url, str(rows),
                           *months],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"raw export ({mode}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]), date.fromisoformat(sys.argv[4]),
           date.fromisoformat(sys.argv[5]))
