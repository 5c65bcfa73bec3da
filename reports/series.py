"""Monthly figures: employment on each month's last day, and wages by month (statistics.py).

A series for a date D ends on D (``series_days``); the wage table for D ends with the last
complete month on or before D (``wage_months``); wages belong to the facility that held the
person on the record's reference day (``marketplace.wages.record_facilities``). See
reports/definitions.py.
"""
from calendar import monthrange
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import BigInteger, Integer, case, cast, func, literal, select, union_all

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Stay
from marketplace.models import Placement, WageRecord
from marketplace.wages import (below_minimum_clause, full_norm_month, record_facilities,
                               wage_year)
from reference.models import MinimumWage
from timeutil import overlaps

from .scope import Scope, as_date, facility_scope, with_rate


def month_ends(first, last):
    """Return the last day of each month from ``first``'s month to ``last``'s month."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months

def last_months(on, count=12):
    """Return the last days of the ``count`` months ending with ``on``'s month."""
    start = date(on.year, on.month, 1)
    for _ in range(count - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return month_ends(start, on)

def series_days(on, count=12):
    """Return the days of the series for ``on``: the last days of the ``count - 1`` months
    before ``on``'s month, then ``on`` itself, so the series ends on the date."""
    return last_months(on, count)[:-1] + [on]


def wage_months(on, count=12):
    """Return the first days of the ``count`` months ending with the last complete month on
    or before ``on`` (the month whose last day is ``on`` or earlier)."""
    last = date(on.year, on.month, 1)
    if month_ends(on, on)[0] != on:
        last = (last - timedelta(days=1)).replace(day=1)
    return [date(d.year, d.month, 1) for d in last_months(last, count)]


def _month_number(column):
    """SQL: the month of a date as one integer (year * 12 + month)."""
    return (cast(func.extract("year", column), Integer) * 12
            + cast(func.extract("month", column), Integer))

def _month_mask(started, ended, first, count):
    """SQL: the months of a period as bits (bit i = active on the i-th month end from ``first``).

    A period [started, ended) is active on the last day of month m exactly when started's month
    <= m < ended's month, so its month ends form one run of bits, [a, b).
    """
    base = first.year * 12 + first.month
    a = _month_number(started) - base
    b = _month_number(ended) - base
    low = case((a > 0, a), else_=0)
    high = case((ended.is_(None), count), (b < count, b), else_=count)
    one = literal(1, BigInteger)
    return one.op("<<")(high) - one.op("<<")(low)

def series(days, scope=Scope()):
    """Return in custody, able-bodied, employed and rate on each of ``days``, in one query.

    ``days`` are consecutive month ends. Each stay and placement overlapping them becomes one
    row with a bit mask of the month ends it covers; grouping by person takes the union of a
    person's bits (so a person counts once a month, however many stays or placements), and
    the outer sums count the persons per month. One pass over the spells, no rows per month.
    """
    if not days:
        return []
    if list(days) != month_ends(days[0], days[-1]):
        raise ValueError("series() takes consecutive month ends")
    first, last, count = days[0], days[-1], len(days)
    stays = (select(Stay.person_id.label("person_id"),
                    case((Person.able_bodied.is_(True), 1), else_=0).label("able"),
                    _month_mask(Stay.started_on, Stay.ended_on, first, count).label("custody"),
                    literal(0, BigInteger).label("working"))
             .join(Person, Person.id == Stay.person_id)
             .join(Facility, Facility.id == Stay.facility_id)
             .where(overlaps(Stay.started_on, Stay.ended_on, first, last),
                    *facility_scope(scope, Facility)))
    placements = (select(Placement.person_id, literal(0), literal(0, BigInteger),
                         _month_mask(Placement.started_on, Placement.ended_on, first, count))
                  .where(overlaps(Placement.started_on, Placement.ended_on, first, last)))
    if scope.employer_kind:
        placements = placements.where(Placement.line_id.in_(
            select(ProductionLine.id).join(Enterprise)
            .where(Enterprise.kind == scope.employer_kind)))
    spells = union_all(stays, placements).cte("series_spells").prefix_with("MATERIALIZED")
    bit = lambda mask, i: func.max(mask.op(">>")(literal(i, Integer)).op("&")(1))  # noqa: E731
    per_person = (select(func.max(spells.c.able).label("able"),
                         *[bit(spells.c.custody, i).label(f"c{i}") for i in range(count)],
                         *[bit(spells.c.working, i).label(f"w{i}") for i in range(count)])
                  .group_by(spells.c.person_id).subquery("series_persons"))
    p = per_person.c
    sums = []
    for i in range(count):
        sums += [func.coalesce(func.sum(p[f"c{i}"]), 0),
                 func.coalesce(func.sum(p[f"c{i}"] * p.able), 0),
                 func.coalesce(func.sum(p[f"c{i}"] * p.able * p[f"w{i}"]), 0)]
    row = db.session.execute(select(*sums)).one()
    return [with_rate(SimpleNamespace(in_custody=row[3 * i], able_bodied=row[3 * i + 1],
                                      employed=row[3 * i + 2]), on=day)
            for i, day in enumerate(days)]

def wage_records(first_month, last_month):
    """SQL: one row per wage record of the months that lies in a facility: its month, the
    facility (``record_facilities``: the person's on the record's reference day), its line's
    employer kind, pay accrued, whether it counts its person among the persons paid, and
    whether it is a full-norm month and, of those, below the year's minimum wage (0 or 1).

    The live wage figures (``wages``) and the stored ones (reports/facts/build.py) are sums of
    these rows, so the two cannot differ in what they count."""
    located = record_facilities(first_month, last_month)
    return (select(WageRecord.month, located.c.facility_id, Enterprise.kind,
                   WageRecord.accrued_kzt, located.c.counts_person,
                   case((full_norm_month(), 1), else_=0).label("full_norm"),
                   case((below_minimum_clause(), 1), else_=0).label("below_minimum"))
            .join(Placement, Placement.id == WageRecord.placement_id)
            .join(located, located.c.record_id == WageRecord.id)
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .outerjoin(MinimumWage, MinimumWage.year == wage_year())
            .where(WageRecord.month >= first_month, WageRecord.month <= last_month,
                   located.c.facility_id.isnot(None)))


def wage_sums(rows, persons, records):
    """The sums of wage rows (``wage_records``, or the stored facts, a table with the same
    columns): accrued_kzt, persons, records, full_norm, below_minimum; ``persons`` and
    ``records`` are given as aggregates, since the facts store them as counts already."""
    return (func.coalesce(func.sum(rows.c.accrued_kzt), 0).label("accrued_kzt"),
            func.coalesce(persons, 0).label("persons"),
            func.coalesce(records, 0).label("records"),
            func.coalesce(func.sum(rows.c.full_norm), 0).label("full_norm"),
            func.coalesce(func.sum(rows.c.below_minimum), 0).label("below_minimum"))


def in_scope(rows, scope):
    """Conditions placing wage rows (``wage_records`` or the stored facts) in a scope by
    their facility and employer kind; the rows are joined to ``Facility`` on the facility."""
    conditions = facility_scope(scope, Facility)
    if scope.employer_kind:
        conditions.append(rows.c.kind == scope.employer_kind)
    return conditions


def wage_cells(first_month, last_month):
    """Return the wage figures of each month in the finest cells every scope adds up from, in
    one grouped query: one row per month, facility and employer kind, with the facility's
    region and security level, and the sums of ``wage_sums``. Disclosure control
    (reports/disclosure.py, ``wage_lattice``) sums them into the wage counts of every scope."""
    rows = wage_records(first_month, last_month).subquery("records")
    keys = (rows.c.month, rows.c.facility_id, Facility.region_id, Facility.security_level,
            rows.c.kind)
    return db.session.execute(
        select(*keys, *wage_sums(rows, func.sum(rows.c.counts_person), func.count()))
        .join(Facility, Facility.id == rows.c.facility_id).group_by(*keys)).all()


def wage_figures(months, found):
    """The rows of the wage table: one per month, from ``found`` (month -> sums)."""
    result = []
    for month in months:
        row = found.get(month)
        accrued = int(row.accrued_kzt) if row else 0
        persons = int(row.persons) if row else 0
        full_norm = int(row.full_norm) if row else 0
        below_minimum = int(row.below_minimum) if row else 0
        result.append({"month": month, "accrued_kzt": accrued, "persons": persons,
                       "mean_kzt": round(accrued / persons) if persons else None,
                       "full_norm": full_norm, "below_minimum": below_minimum,
                       "below_share": below_minimum / full_norm if full_norm else None})
    return result


def wages(first_month, last_month, scope=Scope()):
    """Return the wage figures of each month from ``first_month`` to ``last_month``.

    A record is in scope when the facility that held its person on its reference day is
    (``record_facilities``), and, with an employer-kind scope, when its line's enterprise is of
    that kind. Mean = total accrued / persons paid; below the minimum wage is held against
    pay accrued, on full-norm months only (reports/definitions.py).
    """
    months = [date(d.year, d.month, 1) for d in month_ends(first_month, last_month)]
    rows = wage_records(months[0], months[-1]).subquery("records")
    query = (select(rows.c.month, *wage_sums(rows, func.sum(rows.c.counts_person), func.count()))
             .join(Facility, Facility.id == rows.c.facility_id)
             .where(*in_scope(rows, scope)).group_by(rows.c.month))
    found = {as_date(row.month): row for row in db.session.execute(query)}
    return wage_figures(months, found)
