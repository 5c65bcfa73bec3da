"""Monthly wage records: the rules that flag and place them, the per-line grid, saving,
review and the month's summary.

One home each, as SQL (Python mirrors for a record not saved yet sit beside them; the
mirror of ``active_in_month`` for one placement, ``within_placement``, is in
marketplace/wage_entry.py with the rest of entering a row):

- a full month: the placement was active every day of the record's month;
- a full-norm month: a full month with the norm met;
- paid below the minimum wage: a full-norm month whose accrued pay (before deductions) is
  under the minimum wage of the month's year. It is flagged wherever it appears, and the
  statistics count it. A part month is never a full-norm month, whatever its hours: it is
  neither flagged nor cleared (reports/definitions.py);
- where a record belongs (``record_facilities``): the facility that held the person on the
  record's reference day, the last day of the month the placement covered.

Reading and checking a row typed by a user, the months wages may be kept for and what a row
not entered yet is pre-filled with are in marketplace/wage_entry.py; this module imports it
(never the reverse).
"""
from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, case, cast, extract, func, or_, select, text, true

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from inmates.models import Person, Stay
from reference.models import MinimumWage
from timeutil import covers, covers_day_before, month_end, overlaps, today, utcnow
from web.errors import InputError

from .models import Placement, WageRecord
from .placements import agreed_wages_on
from .signals import wage_saved
from .wage_entry import prefill, prefill_extras, record_problem

BELOW_MIN_LABEL = _l("Below the minimum wage")

GridRow = namedtuple("GridRow", "placement full_name file_number record full_month prefill")


def active_in_month(month):
    """SQL condition: the placement was active on at least one day of the month."""
    return overlaps(Placement.started_on, Placement.ended_on, month, month_end(month))


def full_month(placement, month):
    """Say whether a placement was active every day of the month (``covers_month`` in SQL)."""
    return placement.started_on <= month and placement.active_on(month_end(month))


def below_minimum(values, placement, month, minimum):
    """Say whether a record is a full-norm month paid below the minimum wage (Python mirror
    of ``below_minimum_clause``, for a record not saved yet)."""
    return bool(minimum and values.get("norm_met") and full_month(placement, month)
                and values.get("accrued_kzt", 0) < minimum)


def _last_day_of_month():
    """SQL: the last day of the record's month."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(WageRecord.month, "+1 month", "-1 day")
    return cast(WageRecord.month + text("interval '1 month - 1 day'"), Date)


def covers_month():
    """SQL: the record's placement was active every day of the record's month.

    The query must join Placement to the WageRecord.
    """
    return and_(Placement.started_on <= WageRecord.month,
                covers(Placement.started_on, Placement.ended_on, _last_day_of_month()))


def full_norm_month():
    """SQL: a full month with the norm met (the months the minimum wage is held against)."""
    return and_(WageRecord.norm_met.is_(True), covers_month())


def below_minimum_clause():
    """SQL condition flagging a full-norm month whose accrued pay is below the minimum wage.

    The query must join Placement and outer-join MinimumWage on ``wage_year()``.
    """
    return and_(full_norm_month(), WageRecord.accrued_kzt < MinimumWage.amount_kzt)


def held_on_reference_day():
    """SQL: the Stay (in the query) held the record's person on the record's reference day,
    the last day of the record's month on which its placement was active: the month's last
    day, or the day before the placement ended if it ended within the month.

    The query must join Placement to the WageRecord.
    """
    last = _last_day_of_month()
    return and_(Stay.person_id == Placement.person_id,
                or_(and_(Placement.active_on(last), Stay.active_on(last)),
                    and_(Placement.ended_on <= last,
                         covers_day_before(Stay.started_on, Stay.ended_on, Placement.ended_on))))


def record_facilities(first_month, last_month):
    """Return a subquery: record_id, facility_id and counts_person for each wage record of
    the months, the facility being the one that held the person on the reference day
    (``held_on_reference_day``); NULL for a person not in custody then (on probation).

    This is the one rule that places wages in a scope: an outside line's pay goes with its
    workers' facilities, so facilities add up to regions and regions to the country.

    ``counts_person`` is 1 on the one record of each person and month that counts the person
    among the persons paid: their last record of the month (the placement active at the
    month's end, else the one that ended last). A person paid at two facilities in one month
    (a transfer) counts once, at the later, so persons paid add up across scopes too.
    """
    at_end = case((Placement.active_on(_last_day_of_month()), 1), else_=0)
    last_of_month = func.row_number().over(
        partition_by=(Placement.person_id, WageRecord.month),
        order_by=(at_end.desc(), Placement.ended_on.desc(), WageRecord.id.desc()))
    # A join on the person (not a subquery per record), so both databases hash it.
    return (select(WageRecord.id.label("record_id"),
                   func.max(Stay.facility_id).label("facility_id"),
                   case((last_of_month == 1, 1), else_=0).label("counts_person"))
            .join(Placement, Placement.id == WageRecord.placement_id)
            .outerjoin(Stay, held_on_reference_day())
            .where(WageRecord.month >= first_month, WageRecord.month <= last_month)
            .group_by(WageRecord.id, Placement.id)
            .subquery("record_facility"))


def wage_year():
    """SQL: the year of a wage record's month."""
    return extract("year", WageRecord.month)


def flagged(query):
    """Add the below-minimum flag as a column to a select that joins WageRecord and Placement."""
    return (query.outerjoin(MinimumWage, MinimumWage.year == wage_year())
            .add_columns(case((below_minimum_clause(), True), else_=False).label("below_min")))


def grid(line_id, month, scope=None):
    """Return one GridRow per placement of the line active in the month, in two queries.

    ``scope`` limits the placements to those the user may see (an inspector sees only the
    people of their facility on an outside line). Each row carries what the grid pre-fills
    when the month is not entered yet (``prefill``).
    """
    rows = db.session.execute(
        select(Placement, Person.last_name, Person.first_name, Person.patronymic,
               Person.file_number, WageRecord, ProductionLine.hours_per_week)
        .join(Person, Person.id == Placement.person_id)
        .join(ProductionLine, ProductionLine.id == Placement.line_id)
        .outerjoin(WageRecord, and_(WageRecord.placement_id == Placement.id,
                                    WageRecord.month == month))
        .where(Placement.line_id == line_id, active_in_month(month),
               true() if scope is None else scope)
        .order_by(Person.last_name, Person.first_name, Placement.id)).all()
    agreed = agreed_wages_on([row[0] for row in rows], month)
    extras = prefill_extras([row[0] for row in rows], month, agreed)
    shown = []
    for p, last, first, patr, number, record, hours in rows:
        full = full_month(p, month)
        shown.append(GridRow(p, " ".join(x for x in (last, first, patr) if x), number, record,
                             full, prefill(month, hours, agreed[p.id], full, extras.get(p.id))))
    return shown


def save_record(placement, month, clean, user, record=None):
    """Create the month's record of a placement, or correct the existing one; return it.

    Refuses (InputError) a month that has not begun or that the placement does not cover.
    """
    problem = record_problem(placement, month)
    if problem:
        raise InputError({"month": str(problem)})
    if record is None:
        record = db.session.scalars(select(WageRecord).where(
            WageRecord.placement_id == placement.id, WageRecord.month == month)).first()
    created = record is None
    if created:
        record = WageRecord(placement_id=placement.id, month=month)
        db.session.add(record)
    for field, value in clean.items():
        setattr(record, field, value)
    record.entered_by_id, record.entered_at = user.id, utcnow()
    # A corrected record needs a fresh review.
    record.reviewed_by_id = record.reviewed_at = None
    db.session.flush()
    wage_saved.send(record, placement=placement, month=month)
    return record, created


def mark_reviewed(line_id, month, user, scope=None):
    """Mark every record of a line and month (within ``scope``) reviewed; return how many."""
    records = db.session.scalars(
        select(WageRecord).join(Placement, Placement.id == WageRecord.placement_id)
        .where(Placement.line_id == line_id, WageRecord.month == month,
               WageRecord.reviewed_at.is_(None), true() if scope is None else scope)).all()
    for record in records:
        record.reviewed_by_id, record.reviewed_at = user.id, utcnow()
    db.session.flush()
    return len(records)


def records_with_flags(placement_ids):
    """Return [(record, below minimum?)] of some placements, newest month first, in one query."""
    if not placement_ids:
        return []
    query = flagged(select(WageRecord).join(Placement, Placement.id == WageRecord.placement_id)
                    .where(WageRecord.placement_id.in_(placement_ids))
                    .order_by(WageRecord.month.desc(), WageRecord.id))
    return [(record, bool(below)) for record, below in db.session.execute(query)]


def month_summary(line_scope, placement_scope, month, year=None):
    """Return a select, per line in scope with placements in the month: placements, records
    entered, records reviewed, records below the minimum wage, and the tenge the line's wage
    lacks to reach the minimum wage of ``year`` (this year by default; one grouped query)."""
    below = case((below_minimum_clause(), 1), else_=0)
    year = year or today().year
    return (select(ProductionLine.id, ProductionLine.label_sql().label("title"),
                   func.count(func.distinct(Placement.id)).label("placements"),
                   func.count(WageRecord.id).label("entered"),
                   func.count(WageRecord.reviewed_at).label("reviewed"),
                   func.coalesce(func.sum(below), 0).label("below_min"),
                   func.max(ProductionLine.wage_shortfall(year)).label("line_missing_kzt"))
            .join(Placement, Placement.line_id == ProductionLine.id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .outerjoin(WageRecord, and_(WageRecord.placement_id == Placement.id,
                                        WageRecord.month == month))
            .outerjoin(MinimumWage, MinimumWage.year == wage_year())
            .where(line_scope, placement_scope, active_in_month(month))
            .group_by(ProductionLine.id, ProductionLine.title, Enterprise.name)
            .order_by(ProductionLine.title, ProductionLine.id))
