"""Starting and ending placements, safe under concurrent requests.

Release, transfer and line closing end placements through signals (``subscribers.py``), in
the same transaction as the change that causes them; the view commits once.
"""
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from enterprises.lines import lock_line
from extensions import db

from . import matching
from .models import Placement


def end_placement(placement, ended_on, reason):
    """End one active placement on a date, with a reason from reference.codes.END_REASONS."""
    if placement.ended_on is not None:
        return placement
    placement.ended_on = max(ended_on, placement.started_on)
    placement.end_reason = reason
    db.session.flush()
    return placement


def end_active_placement_of(person_id, ended_on, reason):
    """End the person's active placement, if any; return it or None."""
    placement = db.session.scalars(select(Placement).where(
        Placement.person_id == person_id, Placement.holds_place())).first()
    return end_placement(placement, ended_on, reason) if placement else None


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


def start_placement(person_id, line_id, started_on, wage_kzt=None, transfer=False):
    """Place a person on a line safely under concurrent requests; return the new placement.

    Locks the line, checks the hard rules again, takes the lowest free slot and inserts in a
    savepoint; with ``transfer`` the person's current placement ends on the same day in the
    same savepoint. Raises PlacementConflict instead of half-saving anything.
    """
    line = _lock_lines(person_id, line_id, transfer)
    if line is None or line.status != "open":
        raise PlacementConflict(_("This line is not open for placements."))
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
                                  started_on=started_on, wage_kzt=wage_kzt or line.wage_kzt)
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
