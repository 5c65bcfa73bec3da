"""Compliance figures for analysts (exact definitions; set-based SQL, GROUP BY).

For a period [first, last] the analyst chooses and a scope (the country, or one region), by
facility and by the enterprise of the placement's line. A person counts at the facility of
their stay active on the day the figure is about (``Stay.active_on``, the one facility of
``marketplace.employment.custody_on``: the highest facility id should two stays overlap),
never at their current facility, so a person transferred since counts where they were:

- **workers** = distinct persons with a placement active on at least one day of the period,
  at the facility of their stay on the placement's first day in the period;
- **placements without a briefing** = placements active on ``last`` whose person has no
  safety briefing for the line dated on or before the placement's first day, at the facility
  of the person's stay on ``last``;
- **overtime months** = wage records of months in the period whose hours worked exceed the
  statutory hours of the days the placement covers (``WageCheck.overtime``), at the facility
  of the stay on the first day the placement covers in the month;
- **months without a weekly rest day** = wage records of the period whose days worked leave
  fewer than one rest day in seven covered days (``WageCheck.no_rest_day``), counted as
  overtime months are;
- **injuries per 100 workers** = injuries dated in the period (at the facility of the stay on
  the day of the injury) × 100 / workers of the same facility or enterprise;
- **reasons for not working** (on ``last``) = able-bodied persons in custody on ``last``
  without a placement active that day (``marketplace.employment.population``), by their
  latest reason dated on or before ``last`` ("none recorded" when they have none), at the
  facility of their stay on ``last``. The dashboard and the statistics export show them
  (``reports.signals.report_sections``).

Analysts see counts of 1 to 4 people as "<5", and the rate of such a row blank
(``reports.services.suppress_rows``: small counts and the cells that would give them away).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, select

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Stay
from marketplace.employment import population
from marketplace.models import Placement, WageRecord
from reports import facts
from reports.scope import Scope
from reports.services import suppress_rows
from timeutil import overlaps

from .models import Injury, NotWorkingReason, WageCheck
from .services import briefed

COUNTS = ("workers", "without_briefing", "overtime", "no_rest", "injuries")
REASON_CODES = ("no_vacancy", "education", "sick", "refused", "awaiting_transfer", "none")

# The definitions as users read them (the figures page and the statistics export), in the
# words of the docstring above.
DEFINITIONS = {
    "workers": _l("Workers: persons with a placement active on at least one day of the "
                  "period, at the facility of their stay on the placement's first day in the "
                  "period."),
    "without_briefing": _l("Placements without a briefing: placements active on the last day "
                           "of the period whose person has no safety briefing for the line "
                           "dated on or before the placement's first day, at the facility of "
                           "the person's stay on that last day."),
    "overtime": _l("Overtime months: wage records of months in the period whose hours worked "
                   "exceed the statutory hours of the days the placement covers in the month, "
                   "at the facility of the stay on the first day the placement covers in the "
                   "month."),
    "no_rest": _l("Months without a weekly rest day: wage records of months in the period "
                  "whose days worked leave fewer than one rest day in every seven days "
                  "covered, counted as overtime months are."),
    "injuries": _l("Injuries: injuries at work dated in the period, at the facility of the "
                   "person's stay on the day of the injury."),
    "per_100": _l("Injuries per 100 workers: injuries × 100 / workers of the same facility "
                  "or enterprise."),
    "reasons": _l("Reasons for not working: able-bodied persons in custody on the last day of "
                  "the period without a placement active that day, by their latest reason "
                  "dated on or before that day (\"none recorded\" when they have none), at "
                  "the facility of their stay on that day."),
    "reasons_on_date": _l("Reasons for not working: able-bodied persons in custody on the date "
                          "without a placement active that day, by their latest reason dated "
                          "on or before it (\"none recorded\" when they have none), at the "
                          "facility of their stay on that day."),
    "suppression": _l("Counts of 1 to 4 people are shown as <5 to analysts."),
}


def _later(one, other):
    """SQL: the later of two dates (SQLite has no GREATEST)."""
    return case((one > other, one), else_=other)


def facility_on(day):
    """SQL: the facility of the placement's person's stay active on ``day`` (a date or a
    per-row date expression): the highest facility id should two stays overlap, as
    ``custody_on`` takes it."""
    return (select(func.max(Stay.facility_id))
            .where(Stay.person_id == Placement.person_id, Stay.active_on(day))
            .scalar_subquery())


def _grouping(by):
    if by == "enterprise":
        return Enterprise.id, Enterprise.name
    return Facility.id, Facility.code


def _base(by, region_id, day, *columns, joins=()):
    """The placements of the scope (joined first to ``joins``, (table, on) pairs ``day`` may
    read) with the facility of their person's stay on ``day`` and the enterprise of their
    line; the select starts with the group key."""
    key, _name = _grouping(by)
    query = select(key.label("key"), *columns).select_from(Placement)
    for table, on in joins:
        query = query.join(table, on)
    query = (query
             .join(Facility, Facility.id == facility_on(day))
             .join(ProductionLine, ProductionLine.id == Placement.line_id)
             .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id))
    if region_id is not None:
        query = query.where(Facility.region_id == region_id)
    return query


def table(by, first, last, region_id=None):
    """Return rows (key, name, workers, without briefing, overtime, no rest, injuries,
    injuries per 100) by facility or enterprise, in five grouped queries."""
    key, name = _grouping(by)
    active = overlaps(Placement.started_on, Placement.ended_on, first, last)
    first_day = _later(Placement.started_on, literal(first))
    workers = dict(db.session.execute(
        _base(by, region_id, first_day, func.count(func.distinct(Placement.person_id)))
        .where(active).group_by(key)).all())
    unbriefed = dict(db.session.execute(
        _base(by, region_id, last, func.count(Placement.id))
        .where(Placement.active_on(last), ~briefed()).group_by(key)).all())
    months = {row[0]: row[1:] for row in db.session.execute(
        _base(by, region_id, _later(Placement.started_on, WageRecord.month),
              func.coalesce(func.sum(case((WageCheck.overtime, 1), else_=0)), 0),
              func.coalesce(func.sum(case((WageCheck.no_rest_day, 1), else_=0)), 0),
              joins=((WageRecord, WageRecord.placement_id == Placement.id),
                     (WageCheck, WageCheck.wage_record_id == WageRecord.id)))
        .where(WageRecord.month.between(first.replace(day=1), last)).group_by(key)).all()}
    injuries = dict(db.session.execute(
        _base(by, region_id, Injury.occurred_on, func.count(Injury.id),
              joins=((Injury, Injury.placement_id == Placement.id),))
        .where(Injury.occurred_on.between(first, last)).group_by(key)).all())
    names = dict(db.session.execute(
        _base(by, region_id, first_day, name).where(active).distinct()).all())
    rows = []
    for ident in sorted(names, key=lambda k: str(names[k])):
        count = workers.get(ident, 0)
        hurt = injuries.get(ident, 0)
        overtime, no_rest = months.get(ident, (0, 0))
        rows.append({"key": ident, "name": names[ident], "workers": count,
                     "without_briefing": unbriefed.get(ident, 0), "overtime": int(overtime),
                     "no_rest": int(no_rest), "injuries": hurt,
                     "per_100": round(hurt * 100 / count, 1) if count else None})
    return rows


def totals(rows):
    """Return the column sums of a figures table, with injuries per 100 of the total."""
    total = {f: sum(r[f] for r in rows) for f in COUNTS}
    total["per_100"] = (round(total["injuries"] * 100 / total["workers"], 1)
                        if total["workers"] else None)
    return total


def shown(rows, suppress):
    """Return figure rows as the user may see them: for analysts, counts of 1 to 4 people
    as "<5" and the row's rate blank (the reports package's suppression)."""
    return suppress_rows(rows, keys=COUNTS, derived=("per_100",)) if suppress else rows


def reasons_on(day, region_id=None, facility_id=None, security_level=None):
    """Return {reason or "none": persons} of the able-bodied in custody without work on a
    day, at the facility of their stay that day, for the country, a region or a facility.

    Only the people with a reason dated on or before the day are read one by one (through
    ``population`` narrowed to them); everyone else able-bodied without work has none, so
    "none" is the headline's able-bodied less its employed (``reports.facts.headline``: the
    stored facts of a closed day, today live) less the reasons counted.
    """
    latest = (select(NotWorkingReason.person_id,
                     func.max(NotWorkingReason.since_on).label("since_on"))
              .where(NotWorkingReason.since_on <= day)
              .group_by(NotWorkingReason.person_id).subquery("latest"))
    reason = (select(NotWorkingReason.person_id, func.max(NotWorkingReason.reason).label("reason"))
              .join(latest, and_(latest.c.person_id == NotWorkingReason.person_id,
                                 latest.c.since_on == NotWorkingReason.since_on))
              .group_by(NotWorkingReason.person_id)
              .cte("reason").prefix_with("MATERIALIZED"))
    people = (population(day, among=select(reason.c.person_id))
              .cte("population").prefix_with("MATERIALIZED"))
    query = (select(reason.c.reason, func.count())
             .select_from(people)
             .join(reason, reason.c.person_id == people.c.person_id)
             .where(people.c.able == 1, people.c.employed == 0))
    for column, value in (("region_id", region_id), ("facility_id", facility_id),
                          ("security_level", security_level)):
        if value:
            query = query.where(people.c[column] == value)
    counts = dict(db.session.execute(query.group_by(reason.c.reason)).all())
    idle = facts.headline(day, Scope(region_id=region_id or None, facility_id=facility_id or None,
                                     security_level=security_level or None))
    none = idle["able_bodied"] - idle["employed"] - sum(counts.values())
    if none:
        counts["none"] = none
    return counts


def reason_rows(day, suppress, **scope):
    """Return one row per reason (key, persons, share of the able-bodied without work), every
    reason listed, counts of 1 to 4 shown as "<5" when ``suppress``."""
    counts = reasons_on(day, **scope)
    total = sum(counts.values())
    rows = [{"key": code, "persons": counts.get(code, 0),
             "share": counts.get(code, 0) / total if total else None} for code in REASON_CODES]
    return suppress_rows(rows, keys=("persons",), derived=("share",)) if suppress else rows
