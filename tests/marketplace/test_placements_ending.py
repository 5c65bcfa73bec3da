"""Ending placements on release, transfer and line closing."""
from datetime import date

from sqlalchemy import select

from extensions import db
from marketplace.models import Placement
from marketplace.placements import end_active_placement_of, end_line_placements
from tests import factories


def test_end_active_placement_of_person(world):
    factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))
    ended = end_active_placement_of(world.person_a.id, date(2021, 5, 1), "released")
    db.session.commit()
    assert ended.ended_on == date(2021, 5, 1) and ended.end_reason == "released"
    assert end_active_placement_of(world.person_a.id, date(2021, 6, 1), "released") is None


def test_end_line_placements_never_ends_before_start(world):
    other = factories.person(world.facility_a)
    factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))
    factories.placement(other, world.line_a, started_on=date(2021, 6, 1))
    assert end_line_placements(world.line_a.id, date(2021, 3, 1), "line_closed") == 2
    db.session.commit()
    ends = sorted(db.session.execute(select(Placement.started_on, Placement.ended_on)).all())
    assert ends == [(date(2021, 2, 1), date(2021, 3, 1)), (date(2021, 6, 1), date(2021, 6, 1))]
