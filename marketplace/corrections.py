"""Correcting the end of a placement: change its date or reason, or reopen it; and what a
placement does when the release or transfer that ended it is undone or redated.

Every correction keeps the old and new values with its reason (PlacementChange). Reopening
holds a place again, so it goes through placements.reopen_placement, which takes the line's
lock like a new placement; the database's triggers keep places_taken right and refuse a
place beyond the headcount.

The placement that ended with a release or transfer is the person's placement ended for
that reason on that day (or on its own first day, when it had not begun yet: see
placements._close). Functions flush, never commit.
"""
from collections import namedtuple
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from extensions import db
from inmates.corrections import clean_reason
from inmates.models import Stay
from inmates.services import as_text
from reference.codes import correctable_end_reasons, label
from timeutil import utcnow
from web.errors import InputError
from web.formatting import day

from .models import Placement, PlacementChange
from .placements import (PlacementConflict, end_date_errors, first_month_recorded_from,
                         reopen_placement)

Row = namedtuple("Row", "changed_at placement_id field old new reason changed_by")
LABELS = {"ended_on": _l("End date"), "end_reason": _l("Reason"), "slot": _l("Place no.")}


def record(placement, changes, reason, user_id):
    """Keep the old and new value of each changed field of a placement, with the reason."""
    now = utcnow()
    db.session.add_all([PlacementChange(placement_id=placement.id, field=name,
                                        old_value=as_text(old), new_value=as_text(new),
                                        reason=reason, changed_by=user_id, changed_at=now)
                        for name, (old, new) in changes.items()])
    db.session.flush()


def _left_site_on(placement):
    """Return the day the person left the stay in which the placement began, or None."""
    stay = db.session.scalars(select(Stay).where(
        Stay.person_id == placement.person_id, Stay.started_on <= placement.started_on)
        .order_by(Stay.started_on.desc(), Stay.id.desc())).first()
    return stay.ended_on if stay is not None else None


def correct_end(placement, ended_on, end_reason, reason, user_id):
    """Change the end date or end reason of an ended placement; raise InputError by field."""
    why = clean_reason(reason)
    if placement.holds_place():
        raise InputError({"action": gettext("This placement has not ended.")})
    errors = end_date_errors(placement, ended_on) if ended_on is not None else {
        "ended_on": gettext("Give the end date.")}
    left_on = _left_site_on(placement)
    if not errors and left_on is not None and ended_on > left_on:
        errors["ended_on"] = gettext("The person left the facility on %(date)s; the placement "
                                     "cannot end later.", date=day(left_on))
    if end_reason not in correctable_end_reasons(placement.end_reason):
        errors["end_reason"] = gettext("Choose a reason.")
    if not errors and (ended_on, end_reason) == (placement.ended_on, placement.end_reason):
        errors["ended_on"] = gettext("This is the end already recorded.")
    if errors:
        raise InputError(errors)
    changes = {name: (getattr(placement, name), new)
               for name, new in (("ended_on", ended_on), ("end_reason", end_reason))
               if getattr(placement, name) != new}
    placement.ended_on, placement.end_reason = ended_on, end_reason
    db.session.flush()
    record(placement, changes, why, user_id)
    return placement


def reopen(placement, reason, user_id):
    """Reopen an ended placement (it did not end), under the line's lock; raise InputError
    (field "action") saying why when it cannot hold a place again."""
    why = clean_reason(reason)
    if placement.holds_place():
        raise InputError({"action": gettext("This placement has not ended.")})
    try:
        changes = reopen_placement(placement)
    except PlacementConflict as error:
        raise InputError({"action": str(error.message)}) from error
    record(placement, changes, why, user_id)
    return placement


def ended_with(person_id, left_on, reason):
    """Return the placement that ended because its person left on ``left_on`` (``reason``:
    released or transferred), or None."""
    return db.session.scalars(select(Placement).where(
        Placement.person_id == person_id, Placement.end_reason == reason,
        or_(Placement.ended_on == left_on,
            and_(Placement.started_on > left_on, Placement.ended_on == Placement.started_on)))
        .order_by(Placement.id.desc())).first()


def _placed_since(person_id, day_on, before=None, other_than=None):
    """Return a placement of the person begun on or after ``day_on`` (and before ``before``),
    other than ``other_than``, or None."""
    query = select(Placement).where(Placement.person_id == person_id,
                                    Placement.started_on >= day_on)
    if before is not None:
        query = query.where(Placement.started_on < before)
    if other_than is not None:
        query = query.where(Placement.id != other_than.id)
    return db.session.scalars(query.order_by(Placement.started_on)).first()


def restore_after_return(person, left_on, reason, why, user_id):
    """Bring back the placement that ended with an undone release or transfer, if it can hold
    a place again; return {"placement_id", "changed", "message"}, or None when none ended."""
    placement = ended_with(person.id, left_on, reason)
    if reason == "transferred":
        since = _placed_since(person.id, left_on, other_than=placement)
        if since is not None:
            raise InputError({"action": gettext(
                "Since the transfer the person has been placed on %(line)s (from %(date)s) at "
                "the new facility, so the transfer cannot be undone; its date can still be "
                "corrected.", line=since.line.title, date=day(since.started_on))})
    if placement is None:
        return None
    try:
        reopen(placement, why, user_id)
    except InputError as error:
        return {"placement_id": placement.id, "changed": False, "message": gettext(
            "The placement on %(line)s was not restored: %(why)s",
            line=placement.line.title, why=error.errors["action"])}
    return {"placement_id": placement.id, "changed": True, "message": gettext(
        "The placement on %(line)s is restored.", line=placement.line.title)}


def move_end_with_leaving(person, old_on, new_on, reason, why, user_id):
    """Move the end of the placement that ended with a release or transfer to its corrected
    date; return {"placement_id", "changed", "message"} (None when nothing moved), or raise
    InputError (field "on") when the new date cannot be."""
    placement = ended_with(person.id, old_on, reason)
    if reason == "transferred" and new_on > old_on:
        early = _placed_since(person.id, old_on, before=new_on, other_than=placement)
        if early is not None:
            raise InputError({"on": gettext(
                "The person was placed on %(line)s at the new facility from %(date)s, so the "
                "transfer cannot be later than that.", line=early.line.title,
                date=day(early.started_on))})
    if placement is None:
        return None
    new_end = max(new_on, placement.started_on)
    if new_end == placement.ended_on:
        return None
    recorded = first_month_recorded_from(placement.id, new_end)
    if recorded is not None:
        raise InputError({"on": gettext(
            "Wages are recorded for %(month)s on the placement that ended with this date; "
            "choose a later date or correct those wages first.",
            month=recorded.strftime("%Y-%m"))})
    changes = {"ended_on": (placement.ended_on, new_end)}
    placement.ended_on = new_end
    db.session.flush()
    record(placement, changes, why, user_id)
    return {"placement_id": placement.id, "changed": True, "message": None}


def history_of(placement_ids):
    """Return the corrections of some placements, newest first."""
    if not placement_ids:
        return []
    return db.session.scalars(select(PlacementChange).where(
        PlacementChange.placement_id.in_(placement_ids))
        .order_by(PlacementChange.changed_at.desc(), PlacementChange.id.desc())).all()


def _value(field, text):
    if text is None or text == "":
        return "—"
    if field == "ended_on":
        return day(date.fromisoformat(text))
    if field == "end_reason":
        return str(label("end_reasons", text))
    return text


def shown(changes, names=None):
    """Return placement corrections ready to show: labels and values in the reader's
    language, and who made each (``names``: user id -> name)."""
    names = names or {}
    return [Row(c.changed_at, c.placement_id, str(LABELS.get(c.field, c.field)),
                _value(c.field, c.old_value), _value(c.field, c.new_value), c.reason,
                names.get(c.changed_by, "—")) for c in changes]
