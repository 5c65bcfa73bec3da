"""PostgreSQL stops mid-run: pages answer 503 without a traceback, and come back by themselves.

Run through ``benchmarks/faults/postgres_outage.sh``, which restarts PostgreSQL on exit
whatever happens. This script restarts it too (finally), and keeps the outage short:
stop, a few requests, start, at most about 20 seconds. gunicorn is never restarted.
"""
import os
import subprocess
import sys
import time

from benchmarks import databases
from benchmarks.client import Browser
from benchmarks.faults.common import PASSWORD, exit_code, fresh_database, verdict
from benchmarks.server import Server


def cluster(action):
    """Run pg_ctlcluster for the local cluster; return (exit code, output)."""
    version = sorted(os.listdir("/etc/postgresql"))[0]
    done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, (done.stdout + done.stderr).strip()


def ready():
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def pages(browser):
    """Request a few pages that need the database; return [(path, status, traceback?)]."""
    seen = []
    for path in ("/", "/reports/", "/market/roster", "/healthz"):
        try:
            status, page, _h, seconds = browser.request("GET", path)
            seen.append((path, status, "Traceback" in page or "OperationalError" in page,
                         round(seconds, 2)))
        except OSError as error:
            seen.append((path, type(error).__name__, False, None))
    return seen


def main():
    url, _synthetic = fresh_database("postgresql", "outage")
    outage = None
    try:
        with Server(url, log_path=databases.OUT / "fault_outage.log") as server:
            admin = Browser(server.base, timeout=15)
            assert admin.login("admin", PASSWORD)
            before = pages(admin)
            stopped_at = time.monotonic()
            code, output = cluster("stop")
            during = pages(admin)
            code_start, output_start = cluster("start")
            for _ in range(60):
                if ready():
                    break
                time.sleep(0.25)
            outage = time.monotonic() - stopped_at
            after = pages(admin)
            # The pool may hold dead connections from before the outage: a few more rounds.
            after_more = [pages(admin) for _ in range(3)]
            tracebacks_in_log = server.log().count("Traceback")
        ok_before = all(s == 200 for _p, s, _t, _s in before)
        during_ok = all(s == 503 and not traceback for _p, s, traceback, _s in during)
        after_ok = all(s == 200 for rounds in [after, *after_more] for _p, s, _t, _s in rounds)
        verdict("PostgreSQL stopped: pages answer 503, no traceback",
                ok_before and during_ok and code == 0,
                [f"before: {before}", f"pg_ctlcluster stop -> {code} {output[:80]}",
                 f"during: {during}"])
        verdict("PostgreSQL started again: service resumes without restarting gunicorn",
                after_ok and code_start == 0 and outage is not None and outage < 20,
                [f"pg_ctlcluster start -> {code_start} {output_start[:80]}; outage "
                 f"{outage:.1f} s", f"after: {after}",
                 f"three more rounds all 200: {after_ok}",
                 f"tracebacks in the server log (logged, not shown): {tracebacks_in_log}"])
    finally:
        if not ready():
            cluster("start")
            for _ in range(60):
                if ready():
                    break
                time.sleep(0.5)
        databases.drop(url)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
