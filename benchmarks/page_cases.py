"""The pages an inspector opens many times a day, served whole through the app (issue
budget: 60 ms median, 120 ms p95), each beside the page's own SQL alone.

The inspector is a user of the synthetic 1,500-person facility (benchmarks/synthetic.py),
created once in the benchmark database. Each page is a GET through Flask's test client: the
view, its queries, the template and the audit record it writes, as a browser would get it,
without the network. The limit replays the SELECTs the page sent, on a raw cursor.
"""
import statistics

from sqlalchemy import select

from accounts.models import User
from accounts.services import create_user
from extensions import db
from inmates.models import Person

from . import sqlcapture
from .context import _reset
from .timing import Row, measure

LOGIN, PASSWORD = "bench.inspector", "Bench-inspector-pages-2026"
MEDIAN_BUDGET, P95_BUDGET = 0.060, 0.120
PAGE_RUNS = 20  # enough runs for a 95th percentile


def _inspector(facility_id):
    """Return the synthetic facility's inspector, creating them the first time."""
    user = db.session.scalars(select(User).where(User.login == LOGIN)).first()
    if user is None:
        user = create_user(LOGIN, PASSWORD, "inspector", facility_id=facility_id, language="ru")
        db.session.commit()
    return user


def p95(seconds):
    """Return the 95th percentile of the runs (the highest but one of 20)."""
    return statistics.quantiles(seconds, n=20, method="inclusive")[-1] if len(seconds) > 1 \
        else seconds[0]


def pages(ctx):
    """Time the inspector's roster, a line's candidates, a person's page and the home page."""
    facility_id = ctx.synthetic["facility_id"]
    _inspector(facility_id)
    person_id = db.session.scalars(select(Person.id).where(Person.facility_id == facility_id)
                                   .order_by(Person.id)).first()
    paths = {
        "inspector's roster page": "/market/roster",
        "candidates page": f"/market/lines/{ctx.synthetic['line_ids'][0]}/candidates",
        "person page": f"/people/{person_id}",
        "home page": "/",
    }
    csrf = ctx.app.config.get("WTF_CSRF_ENABLED", True)
    ctx.app.config["WTF_CSRF_ENABLED"] = False
    rows = []
    try:
        client = ctx.app.test_client()
        answer = client.post("/login", data={"login": LOGIN, "password": PASSWORD})
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"the benchmark inspector could not log in: {answer.status_code}")
        runs = max(ctx.runs, PAGE_RUNS)
        for operation, path in paths.items():
            def get(path=path):
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
                return response
            _reset()
            with sqlcapture.captured() as statements:
                size = len(get().data)
            _reset()
            selects = sqlcapture.main_statements(statements)
            timing = measure(get, runs, warmup=ctx.warmup, teardown=_reset)
            limit = measure(sqlcapture.replay(selects), runs, warmup=ctx.warmup)
            high = p95(timing.seconds)
            verdict = ("p95 within" if high <= P95_BUDGET else "p95 OVER")
            rows.append(Row(operation, ctx.engine, ctx.scale, timing, limit, MEDIAN_BUDGET,
                            f"GET {path.split('/')[1] or '/'}…, {size / 1024:,.0f} KB, "
                            f"{len(selects)} SELECTs; p95 {high * 1000:,.0f} ms "
                            f"(budget 120 ms: {verdict}); limit = the page's SELECTs alone"))
    finally:
        ctx.app.config["WTF_CSRF_ENABLED"] = csrf
    return rows
