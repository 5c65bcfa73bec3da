"""Starting and ending placements, safe under concurrent requests.

Release, transfer and line closing end placements through signals (``subscribers.py``), in
the same transaction as the change that causes them; the view commits once.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from enterprises.lines import lock_line
from extensions import db
from inmates.models import Stay
from reference.codes import END_REASONS
from reference.services import minimum_wage
from timeutil import not_yet, today, utcnow
from web.errors import InputError
from web.formatting import day as format_day
from web.formatting import money

from . import matching
from .models import Placement, PlacementWageChange, WageRecord
from .signals import placement_starting


def first_month_recorded_from(placement_id, day):
    """Return the earliest month recorded on a placement that starts on or after ``day``
    (the months an end on ``day`` would leave outside the placement), or None."""
    return db.session.scalar(select(func.min(WageRecord.month)).where(
        WageRecord.placement_id == placement_id, WageRecord.month >= day))


def end_date_errors(placement, ended_on):
    """Return {"ended_on": message} for an end the placement cannot have, else {}.

    A placement ends on or after its start, on a day that has come, and not before a month
    whose wages are recorded on it (the record would fall outside the placement).
    """
    if ended_on < placement.started_on:
        return {"ended_on": gettext("The end date cannot be before the start date (%(date)s).",
                                    date=format_day(placement.started_on))}
    if not_yet(ended_on):
        return {"ended_on": gettext("The end date cannot be in the future.")}
    recorded = first_month_recorded_from(placement.id, ended_on)
    if recorded is not None:
        return {"ended_on": gettext(
            "Wages are recorded for %(month)s, which this end date would leave outside the "
            "placement; choose a later date or correct those wages first.",
            month=recorded.strftime("%Y-%m"))}
    return {}


def end_placement(placement, ended_on, reason):
    """End one active placement on a date with a reason from reference.codes.END_REASONS;
    raise InputError (by form field) for a date or reason it cannot have."""
    if not placement.holds_place():
        return placement
    errors = end_date_errors(placement, ended_on)
    if reason not in END_REASONS:
        errors["reason"] = gettext("Choose a reason.")
    if errors:
        raise InputError(errors)
    return _close(placement, ended_on, reason)


def _close(placement, ended_on, reason):
    """End a placement because its person left or it moved: never before it started."""
    placement.ended_on = max(ended_on, placement.started_on)
    placement.end_reason = reason
    db.session.flush()
    return placement


def active_placement_of(person_id):
    """Return the person's placement that holds a place, or None."""
    return db.session.scalars(select(Placement).where(
        Placement.person_id == person_id, Placement.holds_place())).first()


def end_active_placement_of(person_id, ended_on, reason):
    """End the person's active placement, if any, because the person leaves or moves on
    ``ended_on`` (checked by the caller); return it or None."""
    placement = active_placement_of(person_id)
    return _close(placement, ended_on, reason) if placement else None


def end_line_placements(line_id, ended_on, reason):
    """End every active placement of a line in one statement; return how many ended."""
    latest = (func.max(Placement.started_on, ended_on)
              if db.session.get_bind().dialect.name == "sqlite"
              else func.greatest(Placement.started_on, ended_on))
    result = db.session.execute(
        update(Placement).where(Placement.line_id == line_id, Placement.holds_place())
        .values(ended_on=latest, end_reason=reason)
        .execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount


class PlacementConflict(Exception):
    """A placement that cannot start now: a rule failed, the line is full, or a race was lost."""

    def __init__(self, message, rules=()):
        super().__init__(message)
        self.message = message
        self.rules = list(rules)


def _taken_slots(line_id):
    return set(db.session.scalars(select(Placement.slot).where(
        Placement.line_id == line_id, Placement.holds_place())))


def _free_slot(line):
    """Return the lowest place within the headcount that no placement holds, or None.

    The line is full when its places taken reach the headcount, whatever numbers look free.
    """
    used = _taken_slots(line.id)
    if len(used) >= line.headcount:
        return None
    return next((slot for slot in range(1, line.headcount + 1) if slot not in used), None)


def renumber_places(line, headcount):
    """Move placements holding places beyond ``headcount`` onto free places within it.

    The caller holds the line's lock and has checked that the places taken fit; were they
    not to, the places left beyond stay where they are and the database refuses the lower
    headcount.
    """
    used = _taken_slots(line.id)
    free = iter(slot for slot in range(1, headcount + 1) if slot not in used)
    beyond = db.session.scalars(select(Placement).where(
        Placement.line_id == line.id, Placement.holds_place(), Placement.slot > headcount)
        .order_by(Placement.slot)).all()
    for placement, slot in zip(beyond, free):
        placement.slot = slot
    db.session.flush()


def wage_refusal(line, wage_kzt, started_on):
    """Return why a placement at ``wage_kzt`` cannot start on a line, or None.

    A line paying below this year's minimum wage takes no new placement until raised
    (``ProductionLine.below_minimum_wage``), and an agreed wage is never below the minimum
    wage of the year the placement starts in.
    """
    year = today().year
    floor_now = minimum_wage(year)
    missing = line.wage_shortfall_kzt(floor_now)
    if missing:
        return _("This line pays %(wage)s a month, below the %(year)s minimum wage of "
                 "%(amount)s: its wage must rise by %(missing)s before anyone is placed on it.",
                 wage=money(line.wage_kzt), year=year, amount=money(floor_now),
                 missing=money(missing))
    floor = minimum_wage(started_on.year)
    if floor and wage_kzt < floor:
        return _("The agreed wage of %(wage)s is below the %(year)s minimum wage of "
                 "%(amount)s by %(missing)s.", wage=money(wage_kzt), year=started_on.year,
                 amount=money(floor), missing=money(floor - wage_kzt))
    return None


def start_refusal(person_id, line, started_on):
    """Return why other packages' rules refuse this start (e.g. no consent recorded), or None."""
    refusals = [r for _receiver, r in placement_starting.send(
        line, person_id=person_id, started_on=started_on) if r]
    return refusals[0] if refusals else None


def start_date_errors(person_id, line, started_on, transfer=False):
    """Return {"started_on": message} for a start the placement cannot have, else {}.

    A placement starts on or after the person's admission to the facility (the open stay's
    start) and the line's opening, and at most PLACEMENT_START_AHEAD_DAYS ahead; a transfer
    ends the current placement, so it is dated on a day that has come and not before the
    current placement began.
    """
    ahead = current_app.config["PLACEMENT_START_AHEAD_DAYS"]
    latest = today() + timedelta(days=ahead)
    arrived = db.session.scalar(select(Stay.started_on).where(
        Stay.person_id == person_id, Stay.is_open()))
    current = active_placement_of(person_id) if transfer else None
    if started_on > latest:
        message = gettext("A placement can be entered at most %(days)s days ahead, to start "
                          "by %(date)s.", days=ahead, date=format_day(latest))
    elif current is not None and started_on > today():
        message = gettext("A transfer is dated on a day that has come: it ends the current "
                          "placement, which cannot end in the future.")
    elif arrived is not None and started_on < arrived:
        message = gettext("The placement cannot start before the person was admitted to the "
                          "facility (%(date)s).", date=format_day(arrived))
    elif line.opened_on is not None and started_on < line.opened_on:
        message = gettext("The placement cannot start before the line opened (%(date)s).",
                          date=format_day(line.opened_on))
    elif current is not None and started_on < current.started_on:
        message = gettext("The transfer cannot be dated before the current placement began "
                          "(%(date)s).", date=format_day(current.started_on))
    else:
        return {}
    return {"started_on": message}


def start_placement(person_id, line_id, started_on, wage_kzt=None, transfer=False):
    """Place a person on a line safely under concurrent requests; return the new placement.

    Locks the line, refuses a wage below the minimum (``wage_refusal``), checks the start
    date and the hard rules again, takes the lowest free slot and inserts in a savepoint; with
    ``transfer`` the person's current placement ends on the same day in the same savepoint.
    Raises InputError (a date it cannot have, by form field) or PlacementConflict instead of
    half-saving anything.
    """
    line = _lock_lines(person_id, line_id, transfer)
    if line is None or line.status != "open":
        raise PlacementConflict(_("This line is not open for placements."))
    wage_kzt = wage_kzt or line.wage_kzt
    problem = wage_refusal(line, wage_kzt, started_on)
    if problem:
        raise PlacementConflict(problem, ["minimum_wage"])
    errors = start_date_errors(person_id, line, started_on, transfer)
    if errors:
        raise InputError(errors)
    problem = start_refusal(person_id, line, started_on)
    if problem:
        raise PlacementConflict(problem, ["consent"])
    failed = matching.failed_rules(person_id, line, started_on, transfer=transfer)
    if failed:
        raise PlacementConflict(LazyString(lambda: gettext(
            "This person cannot be placed on this line: %(rules)s.",
            rules=", ".join(str(matching.RULES[name]) for name in failed))), failed)
    try:
        with db.session.begin_nested():
            if transfer:
                end_active_placement_of(person_id, started_on, "transferred")
            slot = _free_slot(line)
            if slot is None:
                raise PlacementConflict(_("All places on this line are taken."))
            placement = Placement(person_id=person_id, line_id=line.id, slot=slot,
                                  started_on=started_on, wage_kzt=wage_kzt)
            db.session.add(placement)
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and not _deadlock(error):
            raise  # the database is down: an outage, not a conflict
        raise PlacementConflict(
            _("Someone else placed this person or took this place at the same moment. "
              "Reload the page and try again.")) from error
    return placement


def _lock_lines(person_id, line_id, transfer):
    """Lock the line, and for a transfer the line the person leaves too; return the line.

    Ending the old placement writes its line's places taken, so a transfer holds both
    lines; taking them in id order lets two transfers crossing between the same lines
    queue up instead of waiting for each other in a cycle.
    """
    leaving = None
    if transfer:
        leaving = db.session.scalar(select(Placement.line_id).where(
            Placement.person_id == person_id, Placement.holds_place()))
    if leaving is not None and leaving < line_id:
        lock_line(leaving)
    line = lock_line(line_id)
    if leaving is not None and leaving > line_id:
        lock_line(leaving)
    return line


def _deadlock(error):
    """Say whether PostgreSQL chose this transaction to break a cycle of lock waits."""
    return getattr(error.orig, "sqlstate", None) == "40P01"


def reopen_placement(placement):
    """Let an ended placement hold a place again (its end was a mistake), safely under
    concurrent requests; return {field: (old, new)} of what changed.

    Like start_placement: locks the line, checks that it is open and that the person is in
    custody at its site holding no other place, keeps the old place when it is free and
    within the headcount or else takes the lowest free one, and writes in a savepoint.
    Raises PlacementConflict instead of half-saving anything.
    """
    line = lock_line(placement.line_id)
    if line is None or line.status != "open":
        raise PlacementConflict(_("This line is not open for placements."))
    failed = [name for name in matching.failed_rules(placement.person_id, line, today())
              if name in ("custody", "idle")]
    if failed:
        raise PlacementConflict(LazyString(lambda: gettext(
            "This person cannot be placed on this line: %(rules)s.",
            rules=", ".join(str(matching.RULES[name]) for name in failed))), failed)
    slot = placement.slot
    if slot > line.headcount or slot in _taken_slots(line.id):
        slot = _free_slot(line)
    if slot is None:
        raise PlacementConflict(_("All places on this line are taken."))
    changes = {"ended_on": (placement.ended_on, None), "end_reason": (placement.end_reason, None)}
    if slot != placement.slot:
        changes["slot"] = (placement.slot, slot)
    try:
        with db.session.begin_nested():
            placement.ended_on = placement.end_reason = None
            placement.slot = slot
            db.session.flush()
    except IntegrityError as error:
        raise PlacementConflict(
            _("Someone else placed this person or took this place at the same moment. "
              "Reload the page and try again.")) from error
    return changes


def placements_of(person_id=None, line_id=None, scope=None):
    """Return a person's or a line's placements, newest first, with lines and people loaded."""
    query = select(Placement).options(joinedload(Placement.line), joinedload(Placement.person))
    if person_id is not None:
        query = query.where(Placement.person_id == person_id)
    if line_id is not None:
        query = query.where(Placement.line_id == line_id)
    if scope is not None:
        query = query.where(scope)
    return db.session.scalars(query.order_by(Placement.started_on.desc(), Placement.id.desc())).all()


def follow_line_raise(line, new_kzt, on, user=None):
    """Raise to ``new_kzt`` the agreed wage of the line's placements holding places below it,
    from ``on`` (or their start, if later); record each change; return how many changed.

    Workers paid below the line's new wage get it; a worker whose agreed wage is already at
    or above it keeps theirs. Two set-based statements: the history rows, then the wages.
    """
    below = (Placement.line_id == line.id, Placement.holds_place(), Placement.wage_kzt < new_kzt)
    latest = (func.max(Placement.started_on, on)
              if db.session.get_bind().dialect.name == "sqlite"
              else func.greatest(Placement.started_on, on))
    db.session.execute(insert(PlacementWageChange).from_select(
        ["placement_id", "old_wage_kzt", "new_wage_kzt", "effective_on", "changed_by_id",
         "changed_at"],
        select(Placement.id, Placement.wage_kzt, literal(new_kzt), latest,
               literal(user.id if user is not None else None, db.Integer),
               literal(utcnow(), db.DateTime)).where(*below)))
    result = db.session.execute(update(Placement).where(*below).values(wage_kzt=new_kzt)
                                .execution_options(synchronize_session="fetch"))
    db.session.flush()
    return result.rowcount


def agreed_wages_on(placements, day):
    """Return {placement id: the wage agreed on ``day``} for loaded placements, in one query.

    A change effective after ``day`` tells the wage before it (its old wage); without one the
    placement's present wage holds.
    """
    wages = {p.id: p.wage_kzt for p in placements}
    rows = db.session.execute(
        select(PlacementWageChange.placement_id, PlacementWageChange.old_wage_kzt)
        .where(PlacementWageChange.placement_id.in_(list(wages)),
               PlacementWageChange.effective_on > day)
        .order_by(PlacementWageChange.placement_id, PlacementWageChange.effective_on.desc(),
                  PlacementWageChange.id.desc())).all()
    for placement_id, old in rows:  # the earliest change after the day comes last and wins
        wages[placement_id] = old
    return wages


def wage_changes_of(placement_ids):
    """Return the agreed-wage changes of some placements, newest first, with who made them."""
    if not placement_ids:
        return []
    return db.session.scalars(
        select(PlacementWageChange).where(PlacementWageChange.placement_id.in_(placement_ids))
        .options(joinedload(PlacementWageChange.changed_by),
                 joinedload(PlacementWageChange.placement).joinedload(Placement.line))
        .order_by(PlacementWageChange.effective_on.desc(), PlacementWageChange.id.desc())).all()
