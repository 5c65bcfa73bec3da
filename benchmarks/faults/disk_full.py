"""An export on a full disk gives a clear error, writes nothing half-done, and recovers.

``python -m benchmarks.faults.disk_full [--db sqlite|postgresql]`` (needs root to mount a
tmpfs). XlsxWriter's constant_memory mode writes each worksheet to a temporary file, so
the statistics export needs free space in TMPDIR. gunicorn runs with TMPDIR on a 1 MB
tmpfs, which the drill fills to the last byte before asking for /reports/export.xlsx.
The database itself stays on the normal disk.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from benchmarks import databases
from benchmarks.client import Browser
from benchmarks.faults.common import PASSWORD, exit_code, fresh_database, scalar, verdict
from benchmarks.server import Server

CLEAR = re.compile(r"disk|space|storage|диск|мест|орын", re.IGNORECASE)


def fill(folder, spare=8192):
    """Fill the file system, then free ``spare`` bytes; return the filler's path.

    A few bytes stay free because Python's tempfile.gettempdir() skips a directory where it
    cannot write its probe file and would quietly fall back to /tmp.
    """
    path = os.path.join(folder, "filler")
    handle = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for block in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(handle, b"\0" * block)
            except OSError:
                pass
    finally:
        os.close(handle)
    os.truncate(path, max(os.path.getsize(path) - spare, 0))
    return path


def title(page):
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    text = re.sub(r"<[^>]+>", " ", found.group(1) if found else page[:200])
    lead = re.search(r'<p class="lead[^"]*">(.*?)</p>', page, re.S)
    return " ".join((text + " " + (lead.group(1) if lead else "")).split())


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    url, _synthetic = fresh_database(args.db, "disk")
    folder = tempfile.mkdtemp(prefix="fault_full_tmp_")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder], check=True)
    try:
        server = Server(url, log_path=databases.OUT / f"fault_disk_{args.db}.log",
                        extra_env={"TMPDIR": folder})
        server.command[1:1] = ["--worker-tmp-dir", "/dev/shm"]
        with server:
            analyst = Browser(server.base)
            assert analyst.login("analyst", PASSWORD)
            exports = lambda: scalar(url, "SELECT count(*) FROM audit_event WHERE action = 'export'")  # noqa: E731
            before = exports()
            filler = fill(folder)
            free = os.statvfs(folder)
            status, page, headers, _t = analyst.request("GET", "/reports/export.xlsx")
            logged = exports()
            leftovers = [n for n in os.listdir(folder) if n != "filler"]
            os.unlink(filler)
            again, body, again_headers, _t = analyst.request("GET", "/reports/export.xlsx")
            kind = headers.get("Content-Type", "")
            shown = title(page) if "html" in kind else kind
            log = server.log()
            no_trace = "Traceback" not in page and "Errno" not in page
            verdict(f"full disk during the XLSX export: an error page, no traceback, no half file, "
                    f"recovers ({args.db})",
                    status >= 500 and no_trace and "spreadsheetml" not in kind
                    and logged == before and again == 200
                    and "spreadsheetml" in again_headers.get("Content-Type", ""),
                    [f"GET /reports/export.xlsx with {free.f_bavail * free.f_frsize} bytes free in "
                     f"TMPDIR -> {status} {shown[:150]!r}",
                     f"traceback or errno in the page: {not no_trace}; export audit events "
                     f"{before} -> {logged}; temporary files left in TMPDIR: {leftovers}",
                     f"after freeing the space -> {again} "
                     f"{again_headers.get('Content-Type', '')[:60]}",
                     "server log: " + ("; ".join(l.strip() for l in log.splitlines()
                                                 if "No space" in l or "Errno" in l)[:200]
                                       or "no errno line")])
            verdict(f"full disk during the XLSX export: the message says what is wrong ({args.db})",
                    status in (503, 507) and bool(CLEAR.search(shown)),
                    [f"status {status}, page says {shown[:150]!r}",
                     "expected: 507 or 503 with a message naming the lack of disk space "
                     "(an error handler for OSError ENOSPC in app.py)"])
    finally:
        subprocess.run(["umount", "-l", folder], check=False)
        os.rmdir(folder)
        databases.drop(url)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
