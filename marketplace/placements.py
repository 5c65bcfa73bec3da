"""Ending placements: shared by release, transfer, line closing and the marketplace itself.

Views call these in the same transaction as the change that causes them, then commit once.
"""
from sqlalchemy import select, update

from extensions import db

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
        Placement.person_id == person_id, Placement.ended_on.is_(None))).first()
    return end_placement(placement, ended_on, reason) if placement else None


def end_line_placements(line_id, ended_on, reason):
    """End every active placement of a line in one statement; return how many ended."""
    result = db.session.execute(
        update(Placement)
        .where(Placement.line_id == line_id, Placement.ended_on.is_(None))
        .values(ended_on=db.func.max(Placement.started_on, ended_on)
                if db.engine.dialect.name == "sqlite"
                else db.func.greatest(Placement.started_on, ended_on),
                end_reason=reason)
        .execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount
