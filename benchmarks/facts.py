"""Benchmarks of the figures read from the stored daily facts (reports/facts).

- "dashboard": the national dashboard of a past date, not cached (``build_report``: the
  figures of the date, the 12 month ends and 12 months of wages), against "reading the stored
  facts alone" (the grouped sums of the fact rows of the date, the 12 month ends and the 12
  wage months, one statement per fact table). The same
  dashboard computed live (facts off) is timed beside it: the figure before the facts.
- "series_facts": a 12-month series (employment at 12 month ends and 12 months of wages) of
  the country and of one facility, against the same grouped sums in that scope.

A database built before the facts existed gets the tables (``db.create_all``) and the facts
of the days read, once, before timing.
"""
from sqlalchemy import func, select

from extensions import db

from .timing import Row, measure


def _prepare(days):
    from reports import facts

    db.create_all()  # a benchmark database built before the facts: add their tables
    db.session.commit()
    return facts.available(days, build_limit=len(days))


def _facts_alone(days, facility_id=None):
    """The grouped sums of the stored facts the figures read, one statement per table."""
    from reports.facts.models import FactEnterprise, FactPeople, FactWage

    months = sorted({day.replace(day=1) for day in days})
    people, ent = FactPeople, FactEnterprise
    statements = [
        select(people.day, people.gender, people.age_band, people.kind,
               func.sum(people.in_custody), func.sum(people.able_bodied),
               func.sum(people.employed)).where(people.day.in_(days))
        .group_by(people.day, people.gender, people.age_band, people.kind),
        select(ent.day, ent.kind, func.count(func.distinct(ent.enterprise_id)),
               func.sum(ent.leased_m2)).where(ent.day.in_(days)).group_by(ent.day, ent.kind),
        select(FactWage.month, func.sum(FactWage.accrued_kzt), func.sum(FactWage.persons))
        .where(FactWage.month.in_(months)).group_by(FactWage.month),
    ]
    if facility_id:
        statements[0] = statements[0].where(people.facility_id == facility_id)
        statements[1] = statements[1].where(ent.facility_id == facility_id)

    def read():
        for statement in statements:
            db.session.execute(statement).all()
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
                f"{len(stored)} of {len(days)} days stored; limit = the grouped "
                f"sums of the stored facts alone")]
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
                        "limit = the grouped sums of the stored facts alone"))
        rows.append(Row(f"12-month series, {label}, employment part", ctx.engine, ctx.scale,
                        measure(employment, ctx.runs, warmup=ctx.warmup, teardown=_reset),
                        None, None, "the employment at 12 month ends alone (facts)"))
    return rows

