"""A seeded random world for the statistics tests: regions with one and several facilities,
an outside line, transfers, releases, part and full months of wages, leases of each kind."""
import random
from datetime import date, timedelta

from extensions import db
from inmates.models import Stay
from marketplace.models import WageRecord
from tests import factories
from timeutil import month_end

MONTHS = [date(2021, m, 1) for m in range(1, 7)]


def _wages(rng, placement):
    """A wage record for every month the placement touched (January to June 2021)."""
    for month in MONTHS:
        last = month_end(month)
        end = placement.ended_on
        if placement.started_on > last or (end is not None and end <= month):
            continue
        full = placement.started_on <= month and (end is None or end > last)
        accrued = rng.choice([30_000, 41_000, 42_500, 60_000, 95_000]) if full else 20_000
        db.session.add(WageRecord(placement_id=placement.id, month=month, days_worked=10,
                                  hours_worked=160, norm_hours=160,
                                  norm_met=rng.random() < 0.8, accrued_kzt=accrued,
                                  credited_kzt=accrued))


def build(seed=15, people=70):
    """Build the world; return its facilities, regions and enterprises."""
    rng = random.Random(seed)
    facilities = [factories.facility(code="F1", region_code="KZ-71", security_level="minimum"),
                  factories.facility(code="F2", region_code="KZ-71", security_level="medium"),
                  factories.facility(code="F3", region_code="KZ-35", security_level="medium"),
                  factories.facility(code="F4", region_code="KZ-35", security_level="maximum"),
                  # alone in its region and alone at its security level
                  factories.facility(code="F5", region_code="KZ-11", security_level="extreme")]
    smes = [factories.enterprise("sme", region_code=code) for code in ("KZ-71", "KZ-35", "KZ-71")]
    branch = factories.enterprise("state_branch", region_code="KZ-35")
    codes = ["KZ-71", "KZ-71", "KZ-35", "KZ-35", "KZ-11"]
    services = [factories.enterprise("facility_service", facility=f, region_code=code)
                for f, code in zip(facilities, codes)]
    lines = []
    for index, facility in enumerate(facilities):
        space = factories.space(facility, area=2000)
        sme = smes[index % len(smes)]
        lease = factories.lease(sme, space, area=100 + 50 * index, starts_on=date(2020, 6, 1))
        lines.append(factories.line(sme, facility, lease=lease, headcount=500,
                                    opened_on=date(2021, 1 + index, 5)))
        lines.append(factories.line(services[index], facility, headcount=500,
                                    opened_on=date(2019, 1, 1)))
        lines.append(factories.line(branch, facility, headcount=500, opened_on=date(2019, 1, 1)))
        factories.lease(branch, space, area=70, starts_on=date(2021, 3, 1),
                        ends_on=date(2021, 5, 15), status="ended")
    outside = factories.line(smes[2], None, region_code="KZ-71", headcount=500,
                             opened_on=date(2020, 1, 1))
    for _ in range(people):
        home = rng.choice(facilities)
        person = factories.person(home, gender=rng.choice("MF"), able_bodied=rng.random() < 0.85,
                                  birth_on=date(rng.randint(1960, 2004), rng.randint(1, 12), 1))
        stay = db.session.scalars(db.select(Stay).where(Stay.person_id == person.id)).one()
        stay.started_on = date(2020, 1, 1) + timedelta(days=rng.randint(0, 500))
        options = [line for line in lines if line.facility_id == home.id]
        if home.security_level == "minimum":
            options.append(outside)
        start = stay.started_on + timedelta(days=rng.randint(0, 60))
        fate = rng.random()
        if fate < 0.25:  # transferred: the placement ends on the day, a new one at the new place
            moved = start + timedelta(days=rng.randint(1, 120))
            target = rng.choice([f for f in facilities if f.id != home.id])
            stay.ended_on, stay.end_reason = moved, "transferred"
            db.session.add(Stay(person_id=person.id, facility_id=target.id, started_on=moved))
            person.facility_id = target.id
            first = factories.placement(person, rng.choice(options), started_on=start,
                                        ended_on=moved, end_reason="transferred")
            _wages(rng, first)
            second = factories.placement(person, rng.choice(
                [line for line in lines if line.facility_id == target.id]), started_on=moved)
            _wages(rng, second)
        elif fate < 0.4:  # released
            gone = start + timedelta(days=rng.randint(1, 200))
            stay.ended_on, stay.end_reason = gone, "released"
            person.custody_status, person.released_on = "released", gone
            _wages(rng, factories.placement(person, rng.choice(options), started_on=start,
                                            ended_on=gone, end_reason="released"))
        elif fate < 0.85:
            _wages(rng, factories.placement(person, rng.choice(options), started_on=start))
        db.session.flush()
    db.session.commit()
    return facilities


def dates(seed, count):
    """Random dates of 2021's first half, with the month ends and first days among them."""
    rng = random.Random(seed)
    fixed = [date(2021, 3, 31), date(2021, 4, 1), date(2021, 6, 30)]
    return fixed + [date(2021, 1, 1) + timedelta(days=rng.randint(0, 200)) for _ in range(count)]
