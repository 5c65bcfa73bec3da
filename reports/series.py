"""Monthly figures: employment on each month's last day, and wages by month (statistics.py)."""
from calendar import monthrange
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Stay
from marketplace.models import Placement, WageRecord
from reference.models import MinimumWage

from .scope import Scope, as_date, facility_scope, is_active, line_in_scope, with_rate


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

def _days_table(days, name):
    """A CTE with one row per day in ``days`` (column ``d``), portable to SQLite."""
    return union_all(*[select(literal(d, Date).label("d")) for d in days]).cte(name)

def series(days, scope=Scope()):
    """Return in custody, able-bodied, employed and rate for each day, in one query.

    The stays and placements overlapping the whole range are read once (materialised CTEs),
    then joined to the days table; (day, person) pairs are made distinct before counting.
    """
    if not days:
        return []
    first, last = min(days), max(days)
    months = _days_table(days, "series_days")
    stays = (select(Stay.person_id, Stay.started_on, Stay.ended_on,
                    case((Person.able_bodied.is_(True), 1), else_=0).label("able"))
             .join(Person, Person.id == Stay.person_id)
             .join(Facility, Facility.id == Stay.facility_id)
             .where(Stay.started_on <= last, or_(Stay.ended_on.is_(None), Stay.ended_on > first),
                    *facility_scope(scope, Facility))
             .cte("series_stays").prefix_with("MATERIALIZED"))
    placements = (select(Placement.person_id, Placement.started_on, Placement.ended_on)
                  .where(Placement.started_on <= last,
                         or_(Placement.ended_on.is_(None), Placement.ended_on > first)))
    if scope.employer_kind:
        placements = placements.where(Placement.line_id.in_(
            select(ProductionLine.id).join(Enterprise)
            .where(Enterprise.kind == scope.employer_kind)))
    placements = placements.cte("series_placements").prefix_with("MATERIALIZED")
    custody = (select(months.c.d, stays.c.person_id, func.max(stays.c.able).label("able"))
               .join(stays, is_active(stays.c.started_on, stays.c.ended_on, months.c.d))
               .group_by(months.c.d, stays.c.person_id).cte("series_custody"))
    working = (select(months.c.d, placements.c.person_id)
               .join(placements, is_active(placements.c.started_on, placements.c.ended_on,
                                           months.c.d))
               .distinct().cte("series_working"))
    employed = case((and_(custody.c.able == 1, working.c.person_id.isnot(None)), 1), else_=0)
    query = (select(custody.c.d, func.count().label("in_custody"),
                    func.sum(custody.c.able).label("able_bodied"),
                    func.sum(employed).label("employed"))
             .select_from(custody)
             .outerjoin(working, and_(working.c.d == custody.c.d,
                                      working.c.person_id == custody.c.person_id))
             .group_by(custody.c.d))
    found = {as_date(row.d): row for row in db.session.execute(query)}
    empty = {"in_custody": 0, "able_bodied": 0, "employed": 0, "rate": None}
    return [with_rate(found[d], on=d) if d in found else dict(empty, on=d) for d in days]

def wages(first_month, last_month, scope=Scope()):
    """Return the wage figures of each month from ``first_month`` to ``last_month``."""
    months = [date(d.year, d.month, 1) for d in month_ends(first_month, last_month)]
    below = and_(WageRecord.norm_met.is_(True), WageRecord.accrued_kzt < MinimumWage.amount_kzt)
    query = (select(WageRecord.month,
                    func.coalesce(func.sum(WageRecord.accrued_kzt), 0).label("accrued_kzt"),
                    func.count(func.distinct(Placement.person_id)).label("persons"),
                    func.count().label("records"),
                    func.coalesce(func.sum(case((WageRecord.norm_met.is_(True), 1), else_=0)), 0)
                    .label("full_norm"),
                    func.coalesce(func.sum(case((below, 1), else_=0)), 0).label("below_minimum"))
             .join(Placement, Placement.id == WageRecord.placement_id)
             .outerjoin(MinimumWage,
                        MinimumWage.year == func.extract("year", WageRecord.month))
             .where(WageRecord.month >= months[0], WageRecord.month <= months[-1])
             .group_by(WageRecord.month))
    line_scope = line_in_scope(scope)
    if line_scope:  # the line is only read when the scope needs it
        query = query.join(ProductionLine, ProductionLine.id == Placement.line_id).where(*line_scope)
    found = {as_date(row.month): row for row in db.session.execute(query)}
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
