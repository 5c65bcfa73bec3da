"""The database itself keeps the dates the statistics count within 1990-01-01..2100-12-31:
a raw write of year 0001 or 9999 into a stay, placement, lease or wage month is refused,
whatever path it comes by."""
from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from extensions import db
from facilities.models import Lease
from inmates.models import Stay
from marketplace.models import Placement, WageRecord
from tests import factories

ABSURD = [date(1, 1, 1), date(9999, 12, 31), date(1989, 12, 31), date(2101, 1, 1)]


@pytest.fixture
def rows(world):
    """One row of each table with dates: a stay, a placement, a lease and a wage record."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10),
                                    ended_on=date(2024, 6, 1), end_reason="completed")
    record = WageRecord(placement_id=placement.id, month=date(2024, 3, 1), days_worked=20,
                        hours_worked=160, norm_hours=160, norm_met=True, accrued_kzt=90_000,
                        credited_kzt=90_000)
    db.session.add(record)
    db.session.commit()
    stay = db.session.scalars(db.select(Stay).where(Stay.person_id == world.person_a.id)).one()
    return {Stay: stay.id, Placement: placement.id, Lease: world.lease_a.id, WageRecord: record.id}


COLUMNS = [(Stay, "started_on"), (Stay, "ended_on"), (Placement, "started_on"),
           (Placement, "ended_on"), (Lease, "starts_on"), (Lease, "ends_on"),
           (WageRecord, "month")]


def _write(model, row_id, **values):
    db.session.execute(update(model).where(model.id == row_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.flush()


def _consistent(model, column, day):
    """Values that keep every other CHECK satisfied, so only the range can refuse them."""
    values = {column: day}
    if model is Stay and column == "ended_on":
        values.update(started_on=min(day, date(2019, 3, 1)), end_reason="released")
    if model is Stay and column == "started_on":
        values.update(ended_on=None)
    if model is Placement:
        values.update(started_on=day, ended_on=day, end_reason="completed")
    if model is Lease:
        values.update(starts_on=day, ends_on=day)
    return values


@pytest.mark.parametrize("model,column", COLUMNS)
@pytest.mark.parametrize("day", ABSURD, ids=str)
def test_an_absurd_date_is_refused_by_the_database(app, rows, model, column, day):
    with pytest.raises(IntegrityError) as refused:
        _write(model, rows[model], **_consistent(model, column, day))
    assert "in_range" in str(refused.value.orig)
    db.session.rollback()


@pytest.mark.parametrize("model,column", COLUMNS)
@pytest.mark.parametrize("day", [date(1990, 1, 1), date(2100, 12, 31)], ids=str)
def test_the_ends_of_the_range_are_stored(app, rows, model, column, day):
    _write(model, rows[model], **_consistent(model, column, day))
    db.session.commit()
    db.session.expire_all()
    assert getattr(db.session.get(model, rows[model]), column) == day
