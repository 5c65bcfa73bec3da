"""A worker killed inside a placement or an import transaction leaves nothing half-written.

``python -m benchmarks.faults.killed_request [--db sqlite|postgresql]``. gunicorn serves
benchmarks.faults.hooked_app, which pauses the chosen POST just before its COMMIT, with
every row of the request already sent to the database. The drill kill -9s that worker,
then checks the database: no placement, no imported person, no audit event of the killed
request; and the same action succeeds afterwards (no lock or half state left behind).
"""
import argparse
import os
import re
import signal
import sys
import tempfile
import threading
import time

from sqlalchemy import func, select

import timeutil
from benchmarks import databases
from benchmarks.client import Browser
from benchmarks.faults.common import (PASSWORD, exit_code, form_fields, fresh_database, scalar,
                                      verdict)
from benchmarks.server import Server
from marketplace.models import Placement

PERSON = re.compile(r'name="person_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="person_id"')


def open_transaction(url):
    """Describe the write transaction the paused worker holds open, seen from outside."""
    import sqlite3

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(parsed.database, timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            return "no open write transaction seen"
        except sqlite3.OperationalError as error:
            return f"a second writer is refused: {error} (the paused transaction holds the lock)"
        finally:
            connection.close()
    count = scalar(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = :d "
                   "AND state = 'idle in transaction'", d=parsed.database)
    return f"{count} connection(s) idle in transaction in pg_stat_activity"


def kill_when_paused(server, marker, url, deadline=30):
    """Wait for the paused worker to write its pid, kill -9 it; return (pid, evidence)."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if os.path.exists(marker):
            pid = int(open(marker).read() or 0)
            if pid:
                seen = open_transaction(url)
                os.kill(pid, signal.SIGKILL)
                return pid, seen
        time.sleep(0.05)
    return None, "the request never reached its commit"


def send_and_kill(server, marker, url, send):
    """Send a request in a thread, kill its worker mid-transaction; return (pid, outcome)."""
    outcome = {}

    def run():
        try:
            outcome["status"] = send()[0]
        except OSError as error:
            outcome["status"] = f"{type(error).__name__} (connection lost, as expected)"

    thread = threading.Thread(target=run)
    thread.start()
    pid, seen = kill_when_paused(server, marker, url)
    thread.join(timeout=60)
    return pid, f"{outcome.get('status')}; before the kill: {seen}"


def placement_drill(url, synthetic, engine):
    marker = tempfile.mktemp(prefix="fault_marker_")
    line_id = synthetic["line_ids"][1]
    place_path = f"/market/lines/{line_id}/place"
    env = {"FAULT_PAUSE_PATH": place_path, "FAULT_MARKER": marker}
    server = Server(url, log_path=databases.OUT / f"fault_kill_{engine}.log", extra_env=env)
    server.command[-1] = "benchmarks.faults.hooked_app:app"
    with server:
        inspector = Browser(server.base)
        assert inspector.login("inspector", PASSWORD)
        _s, page, _h, _t = inspector.get(f"/market/lines/{line_id}/candidates")
        found = PERSON.search(page)
        person_id = int(found.group(1) or found.group(2))
        before = scalar(url, "SELECT count(*) FROM placement")
        audits = scalar(url, "SELECT count(*) FROM audit_event WHERE entity = 'placement'")
        data = {"person_id": person_id, "started_on": timeutil.today().isoformat(), "mode": ""}
        pid, status = send_and_kill(server, marker, url, lambda: inspector.post(place_path, data))
        after = scalar(url, "SELECT count(*) FROM placement")
        after_audits = scalar(url, "SELECT count(*) FROM audit_event WHERE entity = 'placement'")
        again = inspector.post(place_path, data)[0]
        final = scalar(url, select(func.count()).select_from(Placement).where(
            Placement.person_id == person_id, Placement.holds_place()))
        verdict(f"placement killed before COMMIT leaves nothing ({engine})",
                pid is not None and after == before and after_audits == audits
                and again in (302, 303) and final == 1,
                [f"worker {pid} killed with SIGKILL inside POST {place_path}; client saw {status}",
                 f"placements before {before}, after the kill {after}; placement audit events "
                 f"{audits} -> {after_audits}",
                 f"the same placement again -> {again}; active placements of the person: {final}"])
    os.path.exists(marker) and os.unlink(marker)


def import_drill(url, synthetic, engine):
    from app import create_app
    from benchmarks import roster

    marker = tempfile.mktemp(prefix="fault_marker_")
    env = {"FAULT_PAUSE_PATH": "/people/import/confirm", "FAULT_MARKER": marker}
    server = Server(url, log_path=databases.OUT / f"fault_kill_import_{engine}.log", extra_env=env)
    server.command[-1] = "benchmarks.faults.hooked_app:app"
    path = tempfile.mktemp(suffix=".xlsx")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.test_request_context():
        roster.write_file(path, 500, synthetic["import_facility_id"])
    content = open(path, "rb").read()
    os.unlink(path)
    facility = synthetic["import_facility_id"]
    count = lambda: scalar(url, "SELECT count(*) FROM person WHERE facility_id = :f", f=facility)  # noqa: E731
    with server:
        admin = Browser(server.base)
        assert admin.login("admin", PASSWORD)
        admin.get("/people/import")

        def upload_and_confirm():
            status, page, _h, _t = admin.upload("/people/import", {}, "file", "roster.xlsx",
                                                content)
            fields = form_fields(page, "token")
            if status != 200 or not fields:
                return status, page
            return admin.post("/people/import/confirm", fields)[:2]

        before = count()
        stays = scalar(url, "SELECT count(*) FROM stay")
        pid, status = send_and_kill(server, marker, url, upload_and_confirm)
        after, after_stays = count(), scalar(url, "SELECT count(*) FROM stay")
        skills = scalar(url, "SELECT count(*) FROM skill s JOIN person p ON p.id = s.person_id "
                        "WHERE p.facility_id = :f", f=facility)
        again = upload_and_confirm()[0]
        final = count()
        verdict(f"roster import of 500 rows killed before COMMIT leaves nothing ({engine})",
                pid is not None and before == after == 0 and after_stays == stays
                and skills == 0 and again in (302, 303) and final == 500,
                [f"worker {pid} killed with SIGKILL inside POST /people/import/confirm; "
                 f"client saw {status}",
                 f"people in the import facility before {before}, after the kill {after}; "
                 f"stays {stays} -> {after_stays}; skills of those people {skills}",
                 f"the same import again -> {again}; people now {final}"])
    os.path.exists(marker) and os.unlink(marker)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    url, synthetic = fresh_database(args.db, "kill")
    try:
        placement_drill(url, synthetic, args.db)
        import_drill(url, synthetic, args.db)
    finally:
        databases.drop(url)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
