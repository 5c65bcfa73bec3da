"""The raw export of placements and wages, and its building-block limit.

The product's raw export (reports/raw_export.py, run as a background job) for the 12 months
up to the date (at scale 1 about 140,000 wage records, the issue's 150,000 rows): one XLSX
from XlsxWriter in constant_memory mode, rows streamed from a server-side cursor
(``yield_per``), text cells neutralised, a new sheet every 1,048,575 rows (the XLSX row
limit). The limit is XlsxWriter constant_memory alone writing the same number of rows of
similar values, no database.

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
HEADERS = ("placement", "file number", "facility", "enterprise", "employer kind", "line",
           "started on", "ended on", "end reason", "month", "days worked", "hours worked",
           "norm hours", "norm met", "accrued ₸", "upkeep ₸", "alimony ₸", "damages ₸",
           "tax ₸", "other ₸", "credited ₸")


def export(path, first, last):
    """The product's raw export (reports/raw_export.py) of months ``first``..``last``."""
    from reports.raw_export import export as product_export

    return product_export(path, first, last)


def limit(path, rows):
    """Write ``rows`` rows of similar values with XlsxWriter constant_memory alone."""
    from reports.raw_export import Sheets

    sheets = Sheets(path, HEADERS)
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
