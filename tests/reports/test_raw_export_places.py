"""The raw export puts each wage record at the facility the statistics put it at: the one
that held the person on the record's reference day, not on the month's first day."""
from datetime import date

from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from inmates.models import Stay
from marketplace.models import WageRecord
from marketplace.wages import record_facilities
from reports.raw_export import records_query
from tests import factories

MARCH = date(2021, 3, 1)


def test_a_person_transferred_mid_month_is_exported_where_the_figures_count_them(world):
    stay = db.session.scalars(select(Stay).where(Stay.person_id == world.person_a.id)).one()
    stay.ended_on, stay.end_reason = date(2021, 3, 10), "transferred"
    db.session.add(Stay(person_id=world.person_a.id, facility_id=world.facility_b.id,
                        started_on=date(2021, 3, 10)))
    outside = factories.line(world.sme_b, world.facility_b, lease=world.lease_b,
                             title="Цех после перевода")
    factories.consent_all()
    placement = factories.placement(world.person_a, outside, started_on=date(2021, 3, 12))
    db.session.add(WageRecord(placement_id=placement.id, month=MARCH, days_worked=14,
                              hours_worked=112, norm_hours=176, norm_met=False,
                              accrued_kzt=40_000, credited_kzt=40_000))
    db.session.commit()
    places = record_facilities(MARCH, MARCH)
    counted = db.session.execute(select(Facility.code).join(
        places, places.c.facility_id == Facility.id)).scalars().all()
    exported = [row.code for row in db.session.execute(records_query(MARCH, MARCH))]
    assert counted == exported == ["FB"]  # on 1 March the person was still at FA
