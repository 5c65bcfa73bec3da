"""Monthly wage records: validation, the per-line grid, and the minimum-wage flag.

A record balances: credited to the personal account + deductions = accrued (the database
has the same CHECK; this module says which row is wrong before the database refuses it).

One home each, as SQL (Python mirrors for a record not saved yet sit beside them):

- a full month: the placement was active every day of the record's month;
- a full-norm month: a full month with the norm met;
- paid below the minimum wage: a full-norm month whose accrued pay (before deductions) is
  under the minimum wage of the month's year. It is flagged wherever it appears, and the
  statistics count it. A part month is never a full-norm month, whatever its hours: it is
  neither flagged nor cleared (reports/definitions.py);
- where a record belongs (``record_facilities``): the facility that held the person on the
  record's reference day, the last day of the month the placement covered.

Wages are entered as the figures arrive: a row of the grid or of an import that is left
blank (nothing but the pre-filled values, and no answer to "norm met") is "not entered yet"
and skipped, so a month is completed over several visits. The grid pre-fills the month's
norm hours (``norm_hours_of``) and, for a full month only, the wage agreed on the month's
first day as accrued; a part month leaves accrued blank, because what it earns depends on the
days actually worked, which only the inspector knows. "Norm met" is never guessed.
"""
from calendar import monthrange
from collections import namedtuple
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, case, cast, extract, func, or_, select, text, true

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from inmates.models import Person, Stay
from reference.models import MinimumWage
from reference.norms import cap_errors
from tabular import parse_bool, parse_int
from timeutil import (EARLIEST_ON, clamp, covers, covers_day_before, month_end, month_start,
                      overlaps, today, utcnow)
from web.errors import InputError

from .models import Placement, WageRecord
from .placements import agreed_wages_on
from .signals import wage_prefill, wage_saved

DEDUCTIONS = ("upkeep", "alimony", "damages", "tax", "other")
NUMBER_FIELDS = ("days_worked", "hours_worked", "norm_hours", "accrued_kzt", "lost_time_kzt",
                 *(f"deduction_{kind}_kzt" for kind in DEDUCTIONS), "credited_kzt")
FIELDS = (*NUMBER_FIELDS[:3], "norm_met", *NUMBER_FIELDS[3:])
MAX_KZT = 100_000_000
RANGES = {"days_worked": (0, 31), "hours_worked": (0, 400), "norm_hours": (1, 400)}
LABELS = {
    "days_worked": _l("Days worked"),
    "hours_worked": _l("Hours worked"),
    "norm_hours": _l("Norm hours"),
    "norm_met": _l("Norm met"),
    "accrued_kzt": _l("Accrued, ₸"),
    "lost_time_kzt": _l("Of which lost-time pay, ₸"),
    "deduction_upkeep_kzt": _l("Upkeep, ₸"),
    "deduction_alimony_kzt": _l("Alimony, ₸"),
    "deduction_damages_kzt": _l("Damages, ₸"),
    "deduction_tax_kzt": _l("Tax, ₸"),
    "deduction_other_kzt": _l("Other deductions, ₸"),
    "credited_kzt": _l("Credited, ₸"),
    "month": _l("Month"),
}
BELOW_MIN_LABEL = _l("Below the minimum wage")

GridRow = namedtuple("GridRow", "placement full_name file_number record full_month prefill")


def parse_month(value, default):
    """Read 'YYYY-MM' into the first day of that month; fall back to ``default``."""
    try:
        year, month = (int(part) for part in str(value).split("-")[:2])
        return date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(default)


def months_open():
    """Return the first and last month wages may be kept for: January 2000 to this month."""
    return month_start(EARLIEST_ON), month_start(today())


def month_problem(month):
    """Return why no wages can be kept for a month (it has not begun, or it lies before
    2000), or None."""
    first, last = months_open()
    if month > last:
        return _l("Wages are entered for a month that has begun; %(month)s is still to come.",
                  month=month.strftime("%Y-%m"))
    if month < first:
        return _l("Wages are kept from %(month)s on.", month=first.strftime("%Y-%m"))
    return None


def shown_month(month):
    """Return the month a page shows when ``month`` was asked for: moved into months_open()."""
    return clamp(month, *months_open())


def within_placement(placement, month):
    """Say whether the placement was active on at least one day of the month (Python mirror
    of ``active_in_month``): a wage record lies within its placement."""
    return days_covered(placement, month) > 0


def record_problem(placement, month):
    """Return why a wage record cannot be kept for this placement and month, or None."""
    problem = month_problem(month)
    if problem is None and not within_placement(placement, month):
        problem = _l("The placement was not active in %(month)s.", month=month.strftime("%Y-%m"))
    return problem


def _blank_as_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def validate(raw, placement=None, month=None):
    """Check one row of raw values; return (clean values, {field: message}).

    Empty deductions count as 0; an empty "credited" is accrued minus deductions; "norm met"
    must be answered. With ``placement`` and ``month``, the month must lie within the
    placement and the days worked within the days it covers.
    """
    clean, errors = {}, {}
    for field in NUMBER_FIELDS:
        if field == "credited_kzt" and _blank(raw.get(field)):
            continue
        try:
            value = parse_int(_blank_as_none(raw.get(field))) or 0
        except ValueError:
            errors[field] = _l("Enter a whole number.")
            continue
        low, high = RANGES.get(field, (0, MAX_KZT))
        if not low <= value <= high:
            errors[field] = _l("Must be between %(low)s and %(high)s.", low=low, high=high)
            continue
        clean[field] = value
    try:
        norm_met = parse_bool(_blank_as_none(raw.get("norm_met")))
    except ValueError:
        errors["norm_met"] = _l("Enter yes or no.")
    else:
        if norm_met is None:
            errors["norm_met"] = _l("Say whether the norm was met.")
        else:
            clean["norm_met"] = norm_met
    if placement is not None and month is not None:
        covered = days_covered(placement, month)
        if not covered:
            errors["month"] = _l("The placement does not cover this month.")
        elif clean.get("days_worked", 0) > covered:
            errors["days_worked"] = _l("The placement covers %(days)s days of this month.",
                                       days=covered)
    money_ok = not any(f in errors for f in NUMBER_FIELDS)
    if money_ok and clean["lost_time_kzt"] > clean["accrued_kzt"]:
        errors["lost_time_kzt"] = _l("Lost-time pay is part of accrued pay: it cannot be more.")
    if money_ok and month is not None:
        broken = cap_errors({kind: clean[f"deduction_{kind}_kzt"] for kind in DEDUCTIONS},
                            clean["accrued_kzt"], month)
        errors.update({("credited_kzt" if kind == "total" else f"deduction_{kind}_kzt"): message
                       for kind, message in broken.items()})
        money_ok = not broken
    if money_ok:
        deductions = sum(clean[f"deduction_{kind}_kzt"] for kind in DEDUCTIONS)
        if "credited_kzt" not in clean:
            clean["credited_kzt"] = clean["accrued_kzt"] - deductions
            if clean["credited_kzt"] < 0:
                errors["credited_kzt"] = _l(
                    "Deductions (%(deductions)s) are more than accrued (%(accrued)s).",
                    deductions=deductions, accrued=clean["accrued_kzt"])
        elif clean["credited_kzt"] + deductions != clean["accrued_kzt"]:
            errors["credited_kzt"] = _l(
                "Credited (%(credited)s) plus deductions (%(deductions)s) must equal accrued "
                "(%(accrued)s).", credited=clean["credited_kzt"], deductions=deductions,
                accrued=clean["accrued_kzt"])
    return clean, errors


def days_covered(placement, month):
    """Return how many days of the month the placement covers (0: none)."""
    first = max(placement.started_on, month)
    last = month_end(month)
    if placement.ended_on is not None:
        last = min(last, placement.ended_on - timedelta(days=1))
    return max((last - first).days + 1, 0)


def norm_hours_of(month, hours_per_week):
    """Return the norm hours of a month for a line's working week: its weekdays (Monday to
    Friday) times the hours of a working day.

    Public holidays are not deducted: the reference data has no production calendar yet, so
    the inspector corrects the pre-filled figure in a month with holidays.
    """
    days = monthrange(month.year, month.month)[1]
    weekdays = sum(1 for n in range(days) if (month + timedelta(days=n)).weekday() < 5)
    return max(1, min(400, round(weekdays * hours_per_week / 5)))


def prefill(placement, month, hours_per_week, agreed_kzt, extra=None):
    """Return the values the grid and the template pre-fill for a month not entered yet;
    ``extra`` holds what other packages pre-fill (``prefill_extras``)."""
    values = {"norm_hours": norm_hours_of(month, hours_per_week)}
    if full_month(placement, month):
        values["accrued_kzt"] = agreed_kzt
    values.update(extra or {})
    return values


def prefill_extras(placements, month, agreed):
    """Return {placement_id: {field: value}} other packages pre-fill for the month (e.g.
    lost-time pay for days lost to an injury, compliance/ledger.py)."""
    extras = {}
    for _receiver, values in wage_prefill.send(month, placements=placements, agreed=agreed):
        for placement_id, fields in (values or {}).items():
            extras.setdefault(placement_id, {}).update(fields)
    return extras


def _blank_or_prefilled(value, expected):
    if _blank(value):
        return True
    if expected is None:
        return False
    try:
        return parse_int(_blank_as_none(value)) == expected
    except ValueError:
        return False


def not_entered(raw, prefilled):
    """Say whether a row is left blank: no "norm met" answer, and every other cell empty or
    still holding its pre-filled value. Such a row is not entered yet and is skipped."""
    if not _blank(raw.get("norm_met")):
        return False
    return all(_blank_or_prefilled(raw.get(field), prefilled.get(field))
               for field in NUMBER_FIELDS)


def unchanged(raw, record):
    """Say whether a row repeats a saved record exactly (saving it again would only reset
    the record's review)."""
    clean, errors = validate(raw)
    return not errors and all(clean[f] == getattr(record, f) for f in FIELDS)


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
    """Return a subquery: record_id, facility_id for each wage record of the months, the
    facility being the one that held the person on the reference day
    (``held_on_reference_day``); NULL for a person not in custody then (on probation).

    This is the one rule that places wages in a scope: an outside line's pay goes with its
    workers' facilities, so facilities add up to regions and regions to the country.
    """
    # A join on the person (not a subquery per record), so both databases hash it.
    return (select(WageRecord.id.label("record_id"),
                   func.max(Stay.facility_id).label("facility_id"))
            .join(Placement, Placement.id == WageRecord.placement_id)
            .outerjoin(Stay, held_on_reference_day())
            .where(WageRecord.month >= first_month, WageRecord.month <= last_month)
            .group_by(WageRecord.id)
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
    return [GridRow(p, " ".join(x for x in (last, first, patr) if x), number, record,
                    full_month(p, month), prefill(p, month, hours, agreed[p.id], extras.get(p.id)))
            for p, last, first, patr, number, record, hours in rows]


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
