"""Benchmarks of the figures read from the stored daily facts (reports/facts).

- "dashboard": the national dashboard of a past date, not cached (``build_report``: the
  figures of the date, the 12 month ends and 12 months of wages), against "reading the stored
  facts alone" (the fact rows of the date and of the 12 month ends, fetched). The same
  dashboard computed live (facts off) is timed beside it: the figure before the facts.
- "series_facts": a 12-month series (employment at 12 month ends and 12 months of wages) of
  the country and of one facility, against the fact rows of those month ends alone.

A database built before the facts existed gets the tables (``db.create_all``) and the facts
of the days read, once, before timing.
"""
from sqlalchemy import select

from extensions import db

from .timing import Row, measure


def _prepare(days):
    from reports import facts

    db.create_all()  # a benchmark database built before the facts: add their tables
    db.session.commit()
    return facts.available(days, build_limit=len(days))


def _facts_alone(days, facility_id=None):
    from reports.facts.models import FactEnterprise, FactPeople, FactWage

    months = sorted({day.replace(day=1) for day in days})

    def read():
        for model in (FactPeople, FactEnterprise):
            query = select(model.__table__).where(model.day.in_(days))
            if facility_id:
                query = query.where(model.facility_id == facility_id)
            db.session.execute(query).all()
        db.session.execute(select(FactWage.__table__).where(FactWage.month.in_(months))).all()
    return read


def _reset():
    db.session.rollback()
    db.session.expire_all()


def dashboard(ctx):
    """The national dashboard of a past date, not cached, from the facts and live."""
    from reports import statistics as st
    from reports.services import build_report

    on = ctx.on
    days = sorted({on, *[day for day in st.last_months(on) if day < on]})
    stored = _prepare(days)
    rows = [Row("national dashboard, past date, from the facts", ctx.engine, ctx.scale,
                measure(lambda: build_report(on, st.Scope()), ctx.runs, warmup=ctx.warmup,
                        teardown=_reset),
                measure(_facts_alone(days), ctx.runs, warmup=ctx.warmup), 0.150,
                f"build_report, uncached: the date, 12 month ends, 12 months of wages; "
                f"{len(stored)} of {len(days)} days stored; limit = reading the "
                f"stored facts alone")]
    ctx.app.config["FACTS_ENABLED"] = False
    try:
        rows.append(Row("national dashboard, past date, live", ctx.engine, ctx.scale,
                        measure(lambda: build_report(on, st.Scope()), ctx.runs,
                                warmup=ctx.warmup, teardown=_reset), None, None,
                        "the same, facts off: the figure before the facts"))
    finally:
        ctx.app.config["FACTS_ENABLED"] = True
    return rows


def series(ctx):
    """A 12-month series (employment and wages) of the country and of one facility."""
    from facilities.models import Facility
    from reports import facts
    from reports import statistics as st

    days = st.last_months(ctx.on)
    _prepare([day for day in days if day < ctx.on])
    facility_id = (ctx.synthetic or {}).get("facility_id") or db.session.scalar(
        select(Facility.id).order_by(Facility.code).limit(1))
    rows = []
    for label, scope in (("national", st.Scope()), ("one facility", st.Scope(
            facility_id=facility_id))):
        def product(scope=scope):
            facts.series(days, scope)
            facts.wages(days[0], days[-1], scope)

        def employment(scope=scope):
            facts.series(days, scope)

        rows.append(Row(f"12-month series, {label}, from the facts", ctx.engine, ctx.scale,
                        measure(product, ctx.runs, warmup=ctx.warmup, teardown=_reset),
                        measure(_facts_alone(days, scope.facility_id), ctx.runs,
                                warmup=ctx.warmup), 0.100,
                        "employment at 12 month ends + 12 months of wages, from the facts; "
                        "limit = reading the stored facts alone"))
        rows.append(Row(f"12-month series, {label}, employment part", ctx.engine, ctx.scale,
                        measure(employment, ctx.runs, warmup=ctx.warmup, teardown=_reset),
                        None, None, "the employment at 12 month ends alone (facts)"))
    return rows

