"""The figures of a closed day read from the stored facts; today (and the future) live.

``statistics`` and ``headline`` answer exactly what ``reports.statistics`` answers: every
scope and breakdown is a GROUP BY over ``fact_people`` and ``fact_enterprise`` joined to the
facility (its region and security level as they are now, as the live figures read them).
A day is read from the facts only when it is stored fresh and no logged write reaches it
(``fact_stale``); otherwise it is computed live, and a page has it built in the background
(``refresh``) for the next read; outside a request (commands, benchmarks) a few missing
days are built on the spot, in their own transaction.
"""
import logging
from types import SimpleNamespace

from flask import current_app, has_request_context
from sqlalchemy import String, case, cast, func, literal, or_, select, union_all
from sqlalchemy.exc import SQLAlchemyError

from extensions import db
from facilities.models import Facility
from timeutil import month_end, today

from .. import statistics as st
from ..scope import as_date, facility_scope, with_rate
from . import refresh
from .build import build_day, build_wage_month, lock, take_stale
from ..series import in_scope as wage_scope
from ..series import wage_cells as live_wage_cells
from ..series import wage_figures, wage_sums
from .models import FactDay, FactEnterprise, FactPeople, FactStale, FactWage, FactWageMonth

log = logging.getLogger(__name__)
PERSON_KEYS = {"region": "region_id", "facility": "facility_id",
               "security_level": "security_level", "gender": "gender", "age_band": "age_band"}


def fresh_days(days):
    """Return which of ``days`` have fresh facts that no logged write reaches."""
    if not days:
        return set()
    stale_from = select(func.min(FactStale.day)).scalar_subquery()
    query = select(FactDay.day).where(FactDay.day.in_(list(days)), FactDay.fresh.is_(True),
                                      or_(stale_from.is_(None), FactDay.day < stale_from))
    return {as_date(day) for day in db.session.scalars(query)}


def _build(days=(), months=()):
    """Store the facts of some days and wage months in a transaction of their own.

    Not inside a request: a second connection writing while the request's own transaction is
    open waits on SQLite's lock (and on the rebuild's lock on PostgreSQL), so a page computes
    such days live and has them built in the background (``refresh``).
    """
    try:
        with db.engine.begin() as connection:
            lock(connection)
            take_stale(connection)
            for month in months:
                build_wage_month(connection, month)
            for day in days:
                build_day(connection, day)
    except SQLAlchemyError:  # busy or refused: these figures are computed live instead
        log.warning("facts of %s %s not built on read", days, months, exc_info=True)


def fresh_months(months):
    """Return which of ``months`` (first days) have fresh wage facts no logged write reaches."""
    if not months:
        return set()
    stale_from = as_date(db.session.scalar(select(func.min(FactStale.day))))
    found = db.session.scalars(select(FactWageMonth.month).where(
        FactWageMonth.month.in_(list(months)), FactWageMonth.fresh.is_(True)))
    return {as_date(month) for month in found
            if stale_from is None or month_end(as_date(month)) < stale_from}


def available_months(months):
    """Return the closed wage months among ``months`` whose facts may be read, building the
    missing ones first (a month costs one grouped query over its records)."""
    if not current_app.config.get("FACTS_ENABLED", True):
        return set()
    closed = sorted({month for month in months if month_end(month) < today()})
    fresh = fresh_months(closed)
    missing = [month for month in closed if month not in fresh]
    if missing and has_request_context():
        refresh.request_rebuild()  # every wage month not fresh is rebuilt
    elif missing and not db.session.info.get("figures_changed"):
        _build(months=missing)
        fresh = fresh_months(closed)
    return fresh


def available(days, build_limit=None):
    """Return the closed days among ``days`` whose facts may be read, building up to
    ``build_limit`` missing ones first (FACTS_BUILD_ON_READ, by default)."""
    if not current_app.config.get("FACTS_ENABLED", True):
        return set()
    closed = sorted({day for day in days if day < today()})
    fresh = fresh_days(closed)
    missing = [day for day in closed if day not in fresh]
    limit = current_app.config.get("FACTS_BUILD_ON_READ", 3) if build_limit is None \
        else build_limit
    if missing and has_request_context():
        # A page computes them live now, and has them built for the next read.
        refresh.request_rebuild(missing)
    # A session holding its own unwritten changes would see figures the facts cannot.
    elif missing and len(missing) <= limit and not db.session.info.get("figures_changed"):
        _build(days=missing)
        fresh = fresh_days(closed)
    return fresh


def _cells(day_condition, scope):
    """fact_people in scope, with the employed of the scope's employer kind only."""
    fp = FactPeople
    works = fp.kind == scope.employer_kind if scope.employer_kind else fp.kind.isnot(None)
    return (select(fp.day, fp.facility_id, Facility.region_id, Facility.security_level,
                   fp.gender, fp.age_band, case((works, fp.kind)).label("kind"),
                   fp.in_custody, fp.able_bodied,
                   case((works, fp.employed), else_=0).label("employed"))
            .join(Facility, Facility.id == fp.facility_id)
            .where(day_condition(fp.day), *facility_scope(scope, Facility)))


def _enterprise_rows(on, scope):
    fe = FactEnterprise
    return (select(fe).join(Facility, Facility.id == fe.facility_id)
            .where(fe.day == on, *facility_scope(scope, Facility)))


def _sums(cells):
    return (func.coalesce(func.sum(cells.c.in_custody), 0).label("in_custody"),
            func.coalesce(func.sum(cells.c.able_bodied), 0).label("able_bodied"),
            func.coalesce(func.sum(cells.c.employed), 0).label("employed"))


def _grouped(on, scope, dimensions):
    """The rows ``reports.statistics._grouped`` returns, from the facts of ``on``."""
    cells = _cells(lambda day: day == on, scope).cte("cells")
    branches = []
    for dimension in dimensions:
        if dimension == "total":
            branches.append(select(literal("total").label("dimension"),
                                   cast(literal(""), String).label("key"), *_sums(cells),
                                   literal(0).label("enterprises")))
        elif dimension in PERSON_KEYS:
            key = cells.c[PERSON_KEYS[dimension]]
            branches.append(select(literal(dimension), cast(key, String), *_sums(cells),
                                   literal(0)).group_by(key))
    result = {dimension: [] for dimension in dimensions}
    if branches:
        for row in db.session.execute(union_all(*branches)):
            result[row.dimension].append(row)
    if "employer_kind" in dimensions:
        result["employer_kind"] = _by_kind(on, scope, cells)
    if "new" in dimensions:
        result["new"] = [SimpleNamespace(employed=_new_employed(on, scope))]
    return result


def _by_kind(on, scope, cells):
    employed = dict(db.session.execute(
        select(cells.c.kind, func.sum(cells.c.employed)).where(cells.c.employed > 0)
        .group_by(cells.c.kind)).all())
    ent = _enterprise_rows(on, scope).where(FactEnterprise.employed > 0)
    if scope.employer_kind:
        ent = ent.where(FactEnterprise.kind == scope.employer_kind)
    ent = ent.subquery("ent")
    enterprises = dict(db.session.execute(
        select(ent.c.kind, func.count(func.distinct(ent.c.enterprise_id)))
        .group_by(ent.c.kind)).all())
    return [SimpleNamespace(key=kind, employed=int(count), in_custody=int(count),
                            able_bodied=int(count), enterprises=int(enterprises.get(kind, 0)))
            for kind, count in employed.items()]


def _new_employed(on, scope):
    ent = _enterprise_rows(on, scope).where(
        FactEnterprise.enterprise_id.in_(st._new_enterprise_ids(on, scope))).subquery("ent")
    return int(db.session.scalar(select(func.coalesce(func.sum(ent.c.employed), 0))))


def _enterprise_figures(on, scope, new_employed):
    """The figures of ``reports.statistics.enterprise_figures`` from the facts of ``on``."""
    ent = _enterprise_rows(on, scope).subquery("ent")
    leases = ent.c.leases > 0
    if scope.employer_kind:
        leases = leases & (ent.c.kind == scope.employer_kind)
    engaged = or_(ent.c.placed > 0, leases)
    if scope.employer_kind:  # as live: an employer-kind scope keeps only that kind
        engaged = engaged & (ent.c.kind == scope.employer_kind)
    engaged_of = lambda kind: func.count(func.distinct(  # noqa: E731
        case((engaged & (ent.c.kind == kind), ent.c.enterprise_id))))
    area = case((leases, ent.c.leased_m2), else_=0)
    row = db.session.execute(select(
        engaged_of("sme").label("smes"), engaged_of("state_branch").label("branches"),
        engaged_of("facility_service").label("services"),
        func.coalesce(func.sum(area), 0).label("area"))).one()
    new_enterprises = db.session.scalar(
        select(func.count()).select_from(st._new_enterprise_ids(on, scope).subquery()))
    return {
        "smes_engaged": int(row.smes) if scope.employer_kind in (None, "sme") else 0,
        "branches_engaged": int(row.branches),
        "services_engaged": int(row.services),
        "area_leased_m2": float(row.area or 0),
        "new_enterprises": int(new_enterprises or 0),
        "new_employed": new_employed,
    }


def facility_cells(on):
    """Return ``reports.statistics.facility_cells(on)`` (persons in custody by facility,
    gender, age band and employer kind): the stored facts' own rows when ``on`` is closed."""
    return facility_cells_of([on])[on]


def facility_cells_of(days):
    """Return {day: ``reports.statistics.facility_cells(day)``} for each of ``days``: the
    closed days with stored facts in one grouped read of them, the others live."""
    fresh = available(days)
    found = {day: [] for day in days if day in fresh}
    if found:
        fp = FactPeople
        keys = (fp.facility_id, Facility.region_id, Facility.security_level, fp.gender,
                fp.age_band, fp.kind)
        for row in db.session.execute(
                select(fp.day, *keys, func.sum(fp.in_custody).label("in_custody"),
                       func.sum(fp.able_bodied).label("able_bodied"),
                       func.sum(fp.employed).label("employed"))
                .join(Facility, Facility.id == fp.facility_id).where(fp.day.in_(list(found)))
                .group_by(fp.day, *keys)):
            found[as_date(row.day)].append(row)
    return {day: found[day] if day in found else st.facility_cells(day) for day in days}


def built_at(days):
    """Return {day: when its facts were built} for the days among ``days`` whose stored facts
    may be read (``available``): what is read from them stays the same until that changes."""
    fresh = available(days)
    if not fresh:
        return {}
    return {as_date(day): built for day, built in db.session.execute(
        select(FactDay.day, FactDay.built_at).where(FactDay.day.in_(sorted(fresh))))}


def months_built_at(months):
    """Return {month: when its wage facts were built} for the months among ``months`` whose
    stored wage facts may be read (``available_months``)."""
    fresh = available_months(months)
    if not fresh:
        return {}
    return {as_date(month): built for month, built in db.session.execute(
        select(FactWageMonth.month, FactWageMonth.built_at)
        .where(FactWageMonth.month.in_(sorted(fresh))))}


def wage_cells(months):
    """Return {month: its rows of ``reports.series.wage_cells``} for each of ``months``
    (first days): the closed months with stored wage facts in one grouped read, the rest live."""
    fresh = available_months(months)
    found = {month: [] for month in months}
    stored = [month for month in months if month in fresh]
    live = [month for month in months if month not in fresh]
    if stored:
        rows = FactWage.__table__
        keys = (rows.c.month, rows.c.facility_id, Facility.region_id, Facility.security_level,
                rows.c.kind)
        for row in db.session.execute(
                select(*keys, *wage_sums(rows, func.sum(rows.c.persons), func.sum(rows.c.records)))
                .join(Facility, Facility.id == rows.c.facility_id)
                .where(rows.c.month.in_(stored)).group_by(*keys)):
            found[as_date(row.month)].append(row)
    if live:
        for row in live_wage_cells(min(live), max(live)):
            if as_date(row.month) in live:
                found[as_date(row.month)].append(row)
    return found


def headline(on, scope=st.Scope()):
    """Return the headline of ``reports.statistics.headline``, from the facts if closed."""
    if on not in available([on]):
        return st.headline(on, scope)
    return st._total(_grouped(on, scope, ["total"])["total"])


def series(days, scope=st.Scope()):
    """Return ``reports.statistics.series(days, scope)``: the closed month ends from the
    facts, the rest (today's month, or days not stored) live."""
    if not days:
        return []
    fresh = available(days)
    closed = [day for day in days if day in fresh]
    if closed != [day for day in days if day < today()]:
        return st.series(days, scope)
    cells = _cells(lambda day: day.in_(closed), scope).subquery("cells")
    found = {as_date(row.day): row for row in db.session.execute(
        select(cells.c.day, *_sums(cells)).group_by(cells.c.day))} if closed else {}
    zero = SimpleNamespace(in_custody=0, able_bodied=0, employed=0)
    rows = [with_rate(found.get(day, zero), on=day) for day in closed]
    tail = days[len(closed):]
    return rows + (st.series(tail, scope) if tail else [])


def wages(first_month, last_month, scope=st.Scope()):
    """Return ``reports.statistics.wages(first_month, last_month, scope)``: the closed months
    summed from the wage facts of the facilities in scope, the rest live."""
    months = [day.replace(day=1) for day in st.month_ends(first_month, last_month)]
    fresh = available_months(months)
    closed = [month for month in months if month in fresh]
    if closed != [month for month in months if month_end(month) < today()] or not closed:
        return st.wages(first_month, last_month, scope)
    rows = FactWage.__table__
    found = {as_date(row.month): row for row in db.session.execute(
        select(rows.c.month, *wage_sums(rows, func.sum(rows.c.persons), func.sum(rows.c.records)))
        .join(Facility, Facility.id == rows.c.facility_id)
        .where(rows.c.month.in_(closed), *wage_scope(rows, scope)).group_by(rows.c.month))}
    tail = months[len(closed):]
    return wage_figures(closed, found) + (st.wages(tail[0], tail[-1], scope) if tail else [])


def statistics(on, scope=st.Scope(), months=12, monthly=True):
    """Return ``reports.statistics.statistics(on, scope, ...)``: the figures of ``on`` read
    from the facts when it is a closed day, live otherwise (today); its series' month ends
    and its wage months read from the facts where they are closed either way."""
    if on not in available([on]):
        stats = st.statistics(on, scope, months=months, monthly=False)
    else:
        grouped = _grouped(on, scope, ["total", "new", *st.BREAKDOWNS])
        stats = st.Statistics(on=on, scope=scope, headline=st._total(grouped["total"]))
        stats.enterprises = _enterprise_figures(on, scope, grouped["new"][0].employed)
        # The employer-kind table's enterprises are the enterprises engaged, as live.
        engaged = SimpleNamespace(branches=stats.enterprises["branches_engaged"],
                                  smes=stats.enterprises["smes_engaged"],
                                  services=stats.enterprises["services_engaged"])
        for by in st.BREAKDOWNS:
            stats.breakdowns[by] = st._breakdown_rows(by, grouped[by], engaged)
    if monthly:
        months_paid = st.wage_months(on, months)
        stats.wages = wages(months_paid[0], months_paid[-1], scope)
        stats.series = st.series_to(on, scope, months, last=stats.headline, read=series)
    return stats
