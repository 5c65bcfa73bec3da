"""What the marketplace does when people leave and lines close or shrink elsewhere.

Connected once, when this module is imported (the app factory imports it); each receiver
runs in the sender's transaction and flushes, so the change and its effects commit together.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from enterprises.models import ProductionLine
from enterprises.signals import headcount_lowering, line_closing, line_page, line_wage_raised
from extensions import db
from inmates.signals import leaving_redated, person_leaving, person_page, person_returning
from reference.signals import minimum_wage_set
from timeutil import today

from . import corrections
from .employment import line_workers_by_group
from .models import Placement
from .placements import (end_active_placement_of, end_line_placements, follow_line_raise,
                         renumber_places)
from .services import below_minimum_counts


@person_leaving.connect
def end_placement_of_leaving_person(person, on, reason):
    """End the active placement of a person who is released or transferred on ``on``."""
    return end_active_placement_of(person.id, on, reason)


@person_returning.connect
def restore_placement_of_returning_person(person, left_on, reason, why, user_id):
    """Bring back the placement that ended with a release or transfer now undone."""
    return corrections.restore_after_return(person, left_on, reason, why, user_id)


@leaving_redated.connect
def move_placement_end_with_leaving(person, old_on, new_on, reason, why, user_id):
    """Move the end of the placement that ended with a release or transfer now redated."""
    return corrections.move_end_with_leaving(person, old_on, new_on, reason, why, user_id)


@line_closing.connect
def end_placements_of_closing_line(line, ended_on, reason):
    """End every placement of a closing line; return how many ended."""
    return end_line_placements(line.id, ended_on, reason)


@headcount_lowering.connect
def move_places_within_headcount(line, headcount):
    """Move placements holding places beyond a lower headcount onto free places within it."""
    renumber_places(line, headcount)


@line_wage_raised.connect
def raise_agreed_wages_with_the_line(line, old_kzt, new_kzt, on, user):
    """Raise the agreed wages below a line's new wage to it; return how many changed."""
    return follow_line_raise(line, new_kzt, on, user)


@minimum_wage_set.connect
def count_left_below_the_minimum(year, amount_kzt):
    """Count the lines and active placements the year's minimum wage leaves below it."""
    return below_minimum_counts(year)


@person_page.connect
def show_work_on_person_page(person):
    """Show the person's current placement and a link to their placements and wages."""
    placement = db.session.scalars(
        select(Placement).where(Placement.person_id == person.id, Placement.holds_place())
        .options(joinedload(Placement.line).joinedload(ProductionLine.enterprise))).first()
    return {"template": "marketplace/_person_work.html", "placement": placement,
            "person_id": person.id}


@line_page.connect
def show_workers_by_group_on_line_page(line):
    """Show how many of the line's workers today are in custody and how many on probation."""
    return {"template": "marketplace/_line_groups.html",
            "groups": line_workers_by_group(line.id, today())}
