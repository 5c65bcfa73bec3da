"""Drive gunicorn with concurrent users of every role; report requests/s and p50/p99 per page.

Nineteen users browse without pause (closed loop: each sends its next request as soon as
the last one answered) while one inspector places people on a line and ends placements
through the marketplace's real forms. Afterwards SQL checks that no person has two active
placements and no line is over its headcount, and that the placements the run created and
ended match what the server answered.
"""
import argparse
import os
import re
import sys
import threading
import time
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import and_, create_engine, func, select, text

import timeutil
from benchmarks import databases
from benchmarks.client import Browser
from benchmarks.server import Server
from demo.users import DEMO_USERS as _DEMO  # noqa: E402  (one list of demo passwords)
from enterprises.models import ProductionLine
from marketplace.models import Placement

DEMO_USERS = {u["login"]: u["password"] for u in _DEMO
              if u["login"] in ("inspector", "analyst", "admin", "owner")}
# Who browses which pages; 19 browsers plus one placing inspector make 20 users.
MIX = ["inspector"] * 7 + ["analyst"] * 6 + ["admin"] * 4 + ["owner"] * 2
PAGES = {"inspector": ("roster", "candidates", "dashboard"),
         "admin": ("roster", "candidates", "dashboard"),
         "analyst": ("dashboard",), "owner": ("owner candidates",)}
GOALS = {"roster": 0.150, "dashboard": 0.300}  # p99, issue 16
THROUGHPUT_GOAL = 150  # requests per second
MAX_REQUESTS = 100_000  # a hard bound besides the time limit
CLIENT_TIMEOUT = 90  # seconds a user waits for one page; gunicorn's own timeout is 60


def urls(database_url):
    """Find the pages' addresses and the lines to use, from the app and the database."""
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    engine = create_engine(database_url)
    with engine.connect() as c:
        inspector_facility = c.scalar(text(
            "SELECT facility_id FROM app_user WHERE login = 'inspector'"))
        owner_enterprise = c.scalar(text(
            "SELECT enterprise_id FROM app_user WHERE login = 'owner'"))
        # The inspector's open line with the most free places: the placing user's line.
        line_id = c.scalar(
            select(ProductionLine.id)
            .outerjoin(Placement, and_(Placement.line_id == ProductionLine.id,
                                       Placement.holds_place()))
            .where(ProductionLine.facility_id == inspector_facility,
                   ProductionLine.status == "open")
            .group_by(ProductionLine.id, ProductionLine.headcount)
            .order_by((ProductionLine.headcount - func.count(Placement.id)).desc(),
                      ProductionLine.id)
            .limit(1))
        owner_line = c.scalar(text(
            "SELECT id FROM production_line WHERE enterprise_id = :e AND status = 'open' "
            "ORDER BY id LIMIT 1"), {"e": owner_enterprise})
        # The facility's people consented to that line's work (an SME's needs it first).
        c.execute(text(
            "INSERT INTO consent (person_id, line_id, taken_on, taken_by, late, entered_at) "
            "SELECT p.id, :l, :on, 'Начальник отряда', :late, :at FROM person p "
            "WHERE p.facility_id = :f AND NOT EXISTS (SELECT 1 FROM consent c "
            "WHERE c.person_id = p.id AND c.line_id = :l)"),
            {"l": line_id, "f": inspector_facility, "on": date(2000, 1, 1), "late": False,
             "at": datetime(2000, 1, 1)})
        c.commit()
    engine.dispose()
    with app.test_request_context():
        from flask import url_for

        found = {"roster": url_for("marketplace.roster"),
                 "dashboard": url_for("reports.dashboard"),
                 "candidates": url_for("marketplace.candidates", line_id=line_id),
                 "owner candidates": (url_for("marketplace.candidates", line_id=owner_line)
                                      if owner_line else None),
                 "place": url_for("marketplace.place", line_id=line_id),
                 "history": url_for("marketplace.line_history", line_id=line_id)}
    return found, line_id


class Recorder:
    """Thread-safe latencies and outcomes per page."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.status = defaultdict(lambda: defaultdict(int))
        self.socket_errors = defaultdict(int)
        self.count = 0

    def add(self, page, status, seconds):
        with self.lock:
            self.latency[page].append(seconds)
            self.status[page][status] += 1
            self.count += 1

    def error(self, page, error):
        with self.lock:
            self.socket_errors[page] += 1
            self.status[page][type(error).__name__] += 1
            self.count += 1


def browse(base, role, pages, paths, deadline, recorder, think):
    """One user: log in, then request the role's pages in turn until the deadline."""
    browser = Browser(base, timeout=CLIENT_TIMEOUT)
    if not browser.login(role, DEMO_USERS[role]):
        recorder.error("login", RuntimeError(f"login as {role} failed"))
        return
    pages = [page for page in pages if paths.get(page)]
    index = 0
    while pages and time.monotonic() < deadline and recorder.count < MAX_REQUESTS:
        page = pages[index % len(pages)]
        index += 1
        try:
            status, _text, _headers, seconds = browser.request("GET", paths[page])
            recorder.add(page, status, seconds)
        except OSError as error:
            recorder.error(page, error)
        if think:
            time.sleep(think)


PERSON = re.compile(r'name="person_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="person_id"')
END_FORM = re.compile(r'action="([^"]*/placements/(\d+)/end)"')


def place_and_end(base, paths, deadline, recorder, outcome):
    """The placing inspector: place the best candidate, then end that placement, in turn."""
    browser = Browser(base, timeout=CLIENT_TIMEOUT)
    if not browser.login("inspector", DEMO_USERS["inspector"]):
        recorder.error("login", RuntimeError("placing inspector could not log in"))
        return
    today = timeutil.today().isoformat()
    while time.monotonic() < deadline and recorder.count < MAX_REQUESTS:
        try:
            status, page, _h, seconds = browser.get(paths["candidates"])
            recorder.add("candidates (placer)", status, seconds)
            match = PERSON.search(page)
            if match:
                status, _t, _h, seconds = browser.post(paths["place"], {
                    "person_id": match.group(1) or match.group(2), "started_on": today,
                    "mode": ""})
                recorder.add("place (POST)", status, seconds)
                outcome["placed" if status in (302, 303) else f"place {status}"] += 1
            status, page, _h, seconds = browser.get(paths["history"])
            recorder.add("line history", status, seconds)
            ends = END_FORM.findall(page)
            if ends:
                action = max(ends, key=lambda found: int(found[1]))[0]
                status, _t, _h, seconds = browser.post(action, {"reason": "completed",
                                                                "ended_on": today})
                recorder.add("end (POST)", status, seconds)
                outcome["ended" if status in (302, 303) else f"end {status}"] += 1
        except OSError as error:
            recorder.error("placer", error)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def consistency(database_url, before):
    """Check the placement invariants and count the placements the run created and ended."""
    engine = create_engine(database_url)
    with engine.connect() as c:
        # "Holds its place" is Placement.holds_place(), as everywhere.
        doubled = c.scalar(select(func.count()).select_from(
            select(Placement.person_id).where(Placement.holds_place())
            .group_by(Placement.person_id).having(func.count() > 1).subquery()))
        over = c.scalar(select(func.count()).select_from(
            select(ProductionLine.id)
            .join(Placement, and_(Placement.line_id == ProductionLine.id,
                                  Placement.holds_place()))
            .group_by(ProductionLine.id, ProductionLine.headcount)
            .having(func.count() > ProductionLine.headcount).subquery()))
        created = c.scalar(text("SELECT count(*) FROM placement WHERE id > :m"), {"m": before})
        ended = c.scalar(text(
            "SELECT count(*) FROM placement WHERE id > :m AND ended_on IS NOT NULL"),
            {"m": before})
        ended_old = c.scalar(text(
            "SELECT count(*) FROM audit_event WHERE action = 'end' AND entity = 'placement' "
            "AND CAST(entity_id AS INTEGER) <= :m AND at >= :since"),
            {"m": before, "since": _started_at})
    engine.dispose()
    return {"persons with two active placements": doubled, "lines over headcount": over,
            "placements created": created, "of which ended": ended,
            "older placements ended": ended_old}


_started_at = None


def report(recorder, seconds, outcome, checks, think, database, serving):
    """Return the Markdown report of the run."""
    lines = [f"Load run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {database}, "
             f"{serving}, 20 users ({', '.join(f'{MIX.count(r)} {r}' for r in PAGES)},"
             f" 1 placing inspector), {seconds:.0f} s, think time {think:g} s.", "",
             "| page | requests | req/s | p50 | p99 | max | statuses | goal p99 |",
             "|---|---|---|---|---|---|---|---|"]
    fives = socket_errors = 0
    for page in sorted(recorder.status):
        values = recorder.latency.get(page) or [0]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(recorder.status[page].items(),
                                                              key=lambda kv: str(kv[0])))
        fives += sum(v for k, v in recorder.status[page].items() if isinstance(k, int) and k >= 500)
        socket_errors += recorder.socket_errors.get(page, 0)
        goal = GOALS.get(page)
        p99 = percentile(values, 0.99)
        verdict = "" if goal is None else (f"{goal * 1000:.0f} ms: "
                                           + ("met" if p99 <= goal else "MISSED"))
        lines.append(f"| {page} | {len(recorder.latency.get(page, []))} | "
                     f"{len(recorder.latency.get(page, [])) / seconds:.1f} | "
                     f"{percentile(values, 0.5) * 1000:.0f} ms | {p99 * 1000:.0f} ms | "
                     f"{max(values) * 1000:.0f} ms | {statuses} | {verdict} |")
    total = sum(len(v) for v in recorder.latency.values())
    rate = total / seconds
    lines += ["", f"Total {total} requests, {rate:.1f} req/s (goal {THROUGHPUT_GOAL}: "
                  f"{'met' if rate >= THROUGHPUT_GOAL else 'MISSED'}); 5xx: {fives}; "
                  f"socket errors: {socket_errors}.",
              "Placing inspector: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())),
              "Afterwards: " + ", ".join(f"{k}: {v}" for k, v in checks.items())]
    consistent = (checks["persons with two active placements"] == 0
                  and checks["lines over headcount"] == 0
                  and checks["placements created"] == outcome.get("placed", 0)
                  and checks["of which ended"] + checks["older placements ended"]
                  == outcome.get("ended", 0))
    lines.append(f"Verdict: 5xx {'PASS' if not fives else 'FAIL'}, socket errors "
                 f"{'PASS' if not socket_errors else 'FAIL'}, placements consistent "
                 f"{'PASS' if consistent else 'FAIL'}.")
    return "\n".join(lines), (not fives and not socket_errors and consistent)


def main(argv=None):
    global _started_at
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20, help="browsing users + 1 placing")
    parser.add_argument("--think", type=float, default=0.0, help="pause between requests, s")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--without", default="", help="pages left out, e.g. dashboard")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker (gthread, as gunicorn.conf.py); 0: sync workers")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""),
                        help="the shared cache and rate limits (REDIS_URL); empty: in-process")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    args.seconds = min(args.seconds, 600)  # bounded whatever is asked
    meta = databases.prepare(args.scale, args.db, log=lambda m: print(m, file=sys.stderr))
    database_url = databases.copy(meta["url"], databases.name("load"))
    paths, _line_id = urls(database_url)
    left_out = {p.strip() for p in args.without.split(",") if p.strip()}
    for page in left_out:
        paths[page] = None
    engine = create_engine(database_url)
    with engine.connect() as c:
        before = c.scalar(text("SELECT coalesce(max(id), 0) FROM placement"))
    engine.dispose()
    recorder, outcome = Recorder(), defaultdict(int)
    mix = (MIX * (args.users // len(MIX) + 1))[:max(args.users - 1, 0)]
    from timeutil import utcnow

    _started_at = utcnow()
    serving = (f"gunicorn {args.workers} workers × {args.threads} threads (gthread)"
               if args.threads else f"gunicorn {args.workers} sync workers")
    serving += ", cache in Redis" if args.redis else ", cache in each worker"
    extra_env = {"REDIS_URL": args.redis} if args.redis else {}
    with Server(database_url, workers=args.workers, threads=args.threads or None,
                extra_env=extra_env) as server:
        deadline = time.monotonic() + args.seconds + 5  # logins happen in the first seconds
        threads = [threading.Thread(target=browse, args=(server.base, role, PAGES[role], paths,
                                                         deadline, recorder, args.think))
                   for role in mix]
        threads.append(threading.Thread(target=place_and_end,
                                        args=(server.base, paths, deadline, recorder, outcome)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        tracebacks = server.log().count("Traceback")
    checks = consistency(database_url, before)
    text_report, ok = report(recorder, elapsed, outcome, checks, args.think,
                             f"{args.db} scale {args.scale}"
                             + (f", without {', '.join(sorted(left_out))}" if left_out else ""),
                             serving)
    text_report += f"\nTracebacks in the server log: {tracebacks}."
    print(text_report)
    if args.record:
        with open(databases.ROOT / "benchmarks" / "RESULTS.md", "a") as results:
            results.write("\n" + text_report + "\n")
    databases.drop(database_url)
    return 0 if ok and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
