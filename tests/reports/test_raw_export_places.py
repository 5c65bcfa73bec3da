"""Where a wage record belongs: the raw export puts it at the facility the statistics put it
at (the one that held the person on the record's reference day, not on the month's first
day), and a person paid at two facilities in one month counts once, so scopes add up."""
from datetime import date

from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from inmates.models import Stay
from marketplace.models import WageRecord
from marketplace.wages import record_facilities
from reports.raw_export import records_query
from reports.scope import Scope
from reports.series import wages
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


def test_a_person_paid_at_two_facilities_in_a_month_counts_once_and_scopes_add_up(world):
    factories.consent_all()
    first = factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1),
                                ended_on=date(2021, 3, 10), end_reason="transferred")
    stay = db.session.scalars(select(Stay).where(Stay.person_id == world.person_a.id)).one()
    stay.ended_on, stay.end_reason = date(2021, 3, 10), "transferred"
    db.session.add(Stay(person_id=world.person_a.id, facility_id=world.facility_b.id,
                        started_on=date(2021, 3, 10)))
    second = factories.placement(world.person_a, world.line_b, started_on=date(2021, 3, 12))
    for placement, accrued in ((first, 30_000), (second, 50_000)):
        db.session.add(WageRecord(placement_id=placement.id, month=MARCH, days_worked=8,
                                  hours_worked=64, norm_hours=176, norm_met=False,
                                  accrued_kzt=accrued, credited_kzt=accrued))
    db.session.commit()
    at_a = wages(MARCH, MARCH, Scope(facility_id=world.facility_a.id))[0]
    at_b = wages(MARCH, MARCH, Scope(facility_id=world.facility_b.id))[0]
    country = wages(MARCH, MARCH)[0]
    assert (at_a["accrued_kzt"], at_b["accrued_kzt"], country["accrued_kzt"]) == (
        30_000, 50_000, 80_000)  # each record's pay where it was worked
    assert (at_a["persons"], at_b["persons"], country["persons"]) == (0, 1, 1)
    kinds = [wages(MARCH, MARCH, Scope(employer_kind=kind))[0]["persons"]
             for kind in ("sme", "state_branch", "facility_service")]
    assert sum(kinds) == 1
