"""Computing and storing the facts of closed days.

Every stored figure is an INSERT ... SELECT ... GROUP BY over the same selects the live
statistics count (``reports.statistics.population``, ``marketplace.employment``,
``Lease.active_on``), so a change of definition there changes the facts too (after a
``facts rebuild``).

Which days are stored: every month end from the first placement's month to yesterday (the
monthly series read them), and any other closed day once it is first read. Each write of
a back-dated change appends to ``fact_stale``; ``take_stale`` turns that log into stale days.
"""
from datetime import timedelta

from sqlalchemy import delete, func, insert, literal, select, union_all, update

from enterprises.models import Enterprise
from facilities.models import Lease, ProductionSpace
from marketplace import employment
from marketplace.models import Placement, WageRecord
from timeutil import month_end, month_start, today, utcnow

from .. import statistics as st
from ..scope import as_date
from ..series import wage_records, wage_sums
from .models import FactDay, FactEnterprise, FactPeople, FactStale, FactWage, FactWageMonth

REBUILD_LOCK = 160014  # the PostgreSQL advisory lock a rebuild holds


def _people(day):
    """The breakdown cells of every facility on ``day``, from the live population."""
    # Materialized, as the live figures' CTE: SQLite would otherwise flatten it and scan the
    # employment subquery once per person.
    pop = st.population(day, st.Scope()).cte("population").prefix_with("MATERIALIZED")
    return select(literal(day).label("day"), pop.c.facility_id, pop.c.gender, pop.c.age_band,
                  pop.c.kind, func.count(), func.sum(pop.c.able), func.sum(pop.c.employed)
                  ).group_by(pop.c.facility_id, pop.c.gender, pop.c.age_band, pop.c.kind)


def _enterprises(day):
    """Per facility and enterprise on ``day``: persons placed (able-bodied or not), of them
    employed, active leases and their area (the inputs of the enterprise figures)."""
    # As the live enterprise figures: persons in custody on a placement engage its employer;
    # the employed are the live population's, by the enterprise of their placement.
    custody, working = employment.custody_on(day), employment.employment_on(day)
    placed = (select(custody.c.facility_id.label("facility_id"),
                     working.c.enterprise_id.label("enterprise_id"),
                     literal(1).label("placed"), literal(0).label("employed"),
                     literal(0).label("leases"), literal(0).label("leased_m2"))
              .join(custody, custody.c.person_id == working.c.person_id))
    pop = employment.population(day).cte("population_employed").prefix_with("MATERIALIZED")
    employed = (select(pop.c.facility_id, pop.c.enterprise_id, literal(0), pop.c.employed,
                       literal(0), literal(0))
                .where(pop.c.employed == 1))
    leased = (select(ProductionSpace.facility_id, Lease.enterprise_id, literal(0), literal(0),
                     literal(1), Lease.area_m2)
              .join(ProductionSpace, ProductionSpace.id == Lease.space_id)
              .where(Lease.active_on(day)))
    rows = union_all(placed, employed, leased).subquery("inputs")
    return (select(literal(day).label("day"), rows.c.facility_id, rows.c.enterprise_id,
                   Enterprise.kind, func.sum(rows.c.placed), func.sum(rows.c.employed),
                   func.sum(rows.c.leases), func.sum(rows.c.leased_m2))
            .join(Enterprise, Enterprise.id == rows.c.enterprise_id)
            .group_by(rows.c.facility_id, rows.c.enterprise_id, Enterprise.kind))


def build_day(executor, day):
    """Compute and store the facts of one closed day (replacing any), marked fresh.

    ``executor`` is a connection or session inside the caller's transaction.
    """
    for model in (FactPeople, FactEnterprise, FactDay):
        executor.execute(delete(model).where(model.day == day))
    people = FactPeople.__table__.c
    executor.execute(insert(FactPeople).from_select(
        [people.day, people.facility_id, people.gender, people.age_band, people.kind,
         people.in_custody, people.able_bodied, people.employed], _people(day)))
    ent = FactEnterprise.__table__.c
    executor.execute(insert(FactEnterprise).from_select(
        [ent.day, ent.facility_id, ent.enterprise_id, ent.kind, ent.placed, ent.employed,
         ent.leases, ent.leased_m2], _enterprises(day)))
    executor.execute(insert(FactDay).values(day=day, fresh=True, built_at=utcnow()))


def take_stale(executor):
    """Move the log of back-dated writes into stale days; return the earliest day or None.

    The rows are taken by the DELETE itself (RETURNING), so a write committed meanwhile
    keeps its row for the next time.
    """
    days = executor.execute(delete(FactStale).returning(FactStale.day)).scalars().all()
    if not days:
        return None
    earliest = min(as_date(day) for day in days)
    executor.execute(update(FactDay).where(FactDay.day >= earliest).values(fresh=False))
    executor.execute(update(FactWageMonth).where(FactWageMonth.month >= month_start(earliest))
                     .values(fresh=False))
    return earliest


def build_wage_month(executor, month):
    """Compute and store the wage facts of one month (its first day), marked fresh: the
    sums of ``reports.series.wage_records`` by facility and employer kind."""
    for model in (FactWage, FactWageMonth):
        executor.execute(delete(model).where(model.month == month))
    rows = wage_records(month, month).subquery("records")
    wage = FactWage.__table__.c
    executor.execute(insert(FactWage).from_select(
        [wage.month, wage.facility_id, wage.kind, wage.accrued_kzt, wage.persons, wage.records,
         wage.full_norm, wage.below_minimum],
        select(literal(month), rows.c.facility_id, rows.c.kind,
               *wage_sums(rows, func.sum(rows.c.counts_person), func.count()))
        .group_by(rows.c.facility_id, rows.c.kind)))
    executor.execute(insert(FactWageMonth).values(month=month, fresh=True, built_at=utcnow()))


def wage_months_to_store(executor, until=None):
    """Return the first days of every month with wage records whose last day is before
    ``until`` (default: today)."""
    until = until or today()
    first = as_date(executor.execute(select(func.min(WageRecord.month))).scalar())
    months, month = [], first
    while month is not None and month_end(month) < until:
        months.append(month)
        month = month_end(month) + timedelta(days=1)
    return months


def lock(executor):
    """Let one rebuild run at a time (PostgreSQL; SQLite has one writer anyway)."""
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor
    if bind.dialect.name == "postgresql":
        executor.execute(select(func.pg_advisory_xact_lock(REBUILD_LOCK)))


def month_ends_to_store(executor, first=None, until=None):
    """Return the month ends from ``first`` (default: the first placement's month) to the
    day before ``until`` (default: today)."""
    until = until or today()
    if first is None:
        first = as_date(executor.execute(select(func.min(Placement.started_on))).scalar())
        if first is None:
            return []
    days, day = [], month_end(first)
    while day < until:
        days.append(day)
        day = month_end(day + timedelta(days=1))
    return days


def plan(executor, first=None, days=None, also=()):
    """Take the log of back-dated writes (``take_stale``) and return (wage months, days) a
    rebuild builds: the month ends from ``first`` on and every stored day from ``first`` on
    that is stale (or every stored day, with ``first``), with the closed days of ``also``
    not stored fresh; or exactly ``days``."""
    take_stale(executor)
    until = today()
    if days is not None:
        ordered = sorted({day for day in days if day < until})
    else:
        wanted = _days_to_rebuild(executor, first, until)
        if also:
            stored_fresh = {as_date(day) for day in executor.execute(
                select(FactDay.day).where(FactDay.day.in_(list(also)),
                                          FactDay.fresh.is_(True))).scalars()}
            wanted |= {day for day in also if day < until and day not in stored_fresh}
        ordered = sorted(wanted)
    fresh = {as_date(month) for month in executor.execute(
        select(FactWageMonth.month).where(FactWageMonth.fresh.is_(True))).scalars()}
    months = [month for month in wage_months_to_store(executor, until)
              if month not in fresh or (first is not None and month_end(month) >= first)]
    return months, ordered


def rebuild(executor, first=None, progress=None, days=None):
    """Rebuild, in the caller's transaction, what ``plan`` names. Return the days built."""
    lock(executor)
    months, ordered = plan(executor, first, days)
    for month in months:
        build_wage_month(executor, month)
    for index, day in enumerate(ordered):
        build_day(executor, day)
        if progress:
            progress(index + 1, len(ordered))
    return ordered


def _days_to_rebuild(executor, first, until):
    stored = select(FactDay.day).where(FactDay.day < until)
    if first is not None:
        stored = stored.where(FactDay.day >= first)
    else:
        stored = stored.where(FactDay.fresh.is_(False))
    days = {as_date(day) for day in executor.execute(stored).scalars()}
    fresh = {as_date(day) for day in executor.execute(
        select(FactDay.day).where(FactDay.fresh.is_(True))).scalars()}
    for day in month_ends_to_store(executor, first):
        if first is not None or day not in fresh:
            days.add(day)
    return days


def people_in(executor, day):
    """Return (rows in fact_people, rows in fact_enterprise) of one day (for measurements)."""
    count = lambda model: executor.execute(  # noqa: E731
        select(func.count()).select_from(model).where(model.day == day)).scalar()
    return count(FactPeople), count(FactEnterprise)

