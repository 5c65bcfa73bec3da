"""Correcting a release or a transfer entered by mistake: undo it, or change its date.

Each correction asks for a reason and keeps the old and new values with it in the person's
history (PersonChange). What ended with the release or transfer (a placement) follows
through the signals ``person_returning`` and ``leaving_redated``, in the same transaction;
a receiver that cannot follow raises InputError and the view rolls everything back.
Functions flush, never commit.

Only the latest move can be corrected: a release while the person is still released, a
transfer while the stay it opened is still open.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from web.errors import InputError

from .models import Stay
from .services import leaving_day_error, open_stay, record_changes
from .signals import leaving_redated, person_returning

MAX_REASON = 500


def clean_reason(reason):
    """Return the reason for a correction with its spaces tidied; raise InputError (field
    "reason") when it is missing or too long."""
    text = " ".join((reason or "").split())
    if not text:
        raise InputError({"reason": _("Give the reason for the correction.")})
    if len(text) > MAX_REASON:
        raise InputError({"reason": ngettext("The reason can be at most %(count)s character long.",
                                             "The reason can be at most %(count)s characters long.",
                                             MAX_REASON, count=MAX_REASON)})
    return text


def released_stay(person):
    """Return the stay the person's release closed, or None when the person is not released."""
    if person.custody_status != "released":
        return None
    return db.session.scalars(select(Stay).where(
        Stay.person_id == person.id, Stay.end_reason == "released")
        .order_by(Stay.ended_on.desc(), Stay.id.desc())).first()


@dataclass(frozen=True)
class Transfer:
    """A person's latest transfer: the stay it closed and the (still open) stay it opened."""

    left: Stay
    arrived: Stay

    @property
    def on(self):
        """Return the day of the transfer."""
        return self.arrived.started_on


def last_transfer(person_id):
    """Return the person's latest move when it is a transfer still in effect, else None."""
    arrived = open_stay(person_id)
    if arrived is None:
        return None
    left = db.session.scalars(select(Stay).where(
        Stay.person_id == person_id, Stay.id != arrived.id, Stay.end_reason == "transferred",
        Stay.ended_on == arrived.started_on).order_by(Stay.id.desc())).first()
    if left is None or left.facility_id == arrived.facility_id:
        return None
    return Transfer(left, arrived)


def transferred_from(person_id, facility_id):
    """Say whether the person's latest move was a transfer out of ``facility_id``."""
    move = last_transfer(person_id)
    return move is not None and move.left.facility_id == facility_id


def _date_errors(on, since, old_on, reason):
    """Return a message for a corrected leaving date that cannot be, or None."""
    if on is None:
        return _("Give the corrected date.")
    if on == old_on:
        return _("This is the date already recorded.")
    return leaving_day_error(on, since, reason)


def _outcomes(replies):
    """Return the receivers' outcomes: dicts with ``placement_id``, ``changed`` (the view
    audits it) and ``message`` (for the user, or None)."""
    return [outcome for _receiver, outcome in replies if outcome]


def _returning(person, left_on, reason, why, user_id):
    """Tell the subscribers the person is back; return their outcomes."""
    return _outcomes(person_returning.send(person, left_on=left_on, reason=reason, why=why,
                                           user_id=user_id))


def undo_release(person, reason, user_id):
    """Undo a release entered by mistake: the closed stay reopens and the person is in
    custody again; the placement that ended with the release comes back if its line has a
    free place. Return the subscribers' outcomes."""
    why = clean_reason(reason)
    stay = released_stay(person)
    if stay is None:
        raise InputError({"action": _("This person is not released.")})
    left_on = person.released_on
    changes = {"custody_status": (person.custody_status, "in_custody"),
               "released_on": (person.released_on, None)}
    stay.ended_on = stay.end_reason = None
    person.custody_status, person.released_on = "in_custody", None
    db.session.flush()
    record_changes(person.id, changes, user_id, why)
    return _returning(person, left_on, "released", why, user_id)


def redate_release(person, on, reason, user_id):
    """Correct the date of a release; the placement that ended with it ends on the new date.
    Return the subscribers' outcomes."""
    why = clean_reason(reason)
    stay = released_stay(person)
    if stay is None:
        raise InputError({"action": _("This person is not released.")})
    old_on = person.released_on
    problem = _date_errors(on, stay.started_on, old_on, "released")
    if problem:
        raise InputError({"on": problem})
    stay.ended_on = person.released_on = on
    db.session.flush()
    record_changes(person.id, {"released_on": (old_on, on)}, user_id, why)
    return _outcomes(leaving_redated.send(person, old_on=old_on, new_on=on, reason="released",
                                          why=why, user_id=user_id))


def _no_transfer():
    return InputError({"action": _(
        "There is no transfer to correct: the person's latest move is not a transfer that "
        "is still in effect.")})


def undo_transfer(person, reason, user_id):
    """Undo a transfer entered by mistake: the person is back at the previous facility, whose
    stay reopens; the stay the transfer opened is removed (its facility and date stay in the
    history). The placement that ended with the transfer comes back if it can. Return the
    subscribers' outcomes."""
    why = clean_reason(reason)
    move = last_transfer(person.id)
    if move is None or person.custody_status != "in_custody":
        raise _no_transfer()
    back_to, left_on = move.left.facility_id, move.on
    changes = {"facility_id": (person.facility_id, back_to), "transferred_on": (left_on, None)}
    db.session.delete(move.arrived)
    db.session.flush()  # the open stay goes first: a person has one open stay at a time
    move.left.ended_on = move.left.end_reason = None
    person.facility_id = back_to
    db.session.flush()
    record_changes(person.id, changes, user_id, why)
    return _returning(person, left_on, "transferred", why, user_id)


def redate_transfer(person, on, reason, user_id):
    """Correct the date of the latest transfer: one stay ends and the next begins on it; the
    placement that ended with the transfer ends on the new date. Return the subscribers'
    outcomes."""
    why = clean_reason(reason)
    move = last_transfer(person.id)
    if move is None or person.custody_status != "in_custody":
        raise _no_transfer()
    old_on = move.on
    problem = _date_errors(on, move.left.started_on, old_on, "transferred")
    if problem:
        raise InputError({"on": problem})
    move.left.ended_on = move.arrived.started_on = on
    db.session.flush()
    record_changes(person.id, {"transferred_on": (old_on, on)}, user_id, why)
    return _outcomes(leaving_redated.send(person, old_on=old_on, new_on=on,
                                          reason="transferred", why=why, user_id=user_id))


def facility_label(facility_id):
    """Return a facility as "code · name", or None."""
    facility = db.session.get(Facility, facility_id) if facility_id else None
    return f"{facility.code} · {facility.name}" if facility else None

