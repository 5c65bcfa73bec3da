"""The stored daily facts never serve a figure that differs from the live definition.

A small national demo country is built with its facts; then, round after round, a random
back-dated write (a corrected release date, a late placement end, an admission dated last
year, a person no longer able-bodied, a lease ended earlier, a wage record corrected) is made by plain SQL, as any
write path might, and the figures of random past dates and scopes read through the facts
are compared with the live computation of reports.statistics.
"""
import random
import re
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, update

from compliance.figures import REASON_CODES, reasons_on
from compliance.models import NotWorkingReason
from extensions import db
from facilities.models import Facility, Lease
from inmates.models import Person, Stay
from marketplace.models import Placement, WageRecord
from reports import facts
from reports import statistics as st
from reports.facts import refresh
from reports.facts.build import rebuild
from reports.facts.models import FactDay
from timeutil import today


@pytest.fixture
def country(app):
    from demo.generator import build

    build(scale=1, seed=7, people_factor=0.01)
    db.session.commit()
    return app


def _scopes(rng):
    facility = rng.choice(db.session.scalars(select(Facility)).all())
    kind = rng.choice([None, *st.EMPLOYER_KINDS])
    return rng.choice([st.Scope(), st.Scope(employer_kind=kind),
                       st.Scope(region_id=facility.region_id, employer_kind=kind),
                       st.Scope(facility_id=facility.id),
                       st.Scope(security_level=facility.security_level, employer_kind=kind)])


def _past_day(rng):
    stored = db.session.scalars(select(FactDay.day)).all()
    if stored and rng.random() < 0.5:
        return rng.choice(stored)
    return today() - timedelta(days=rng.randint(1, 3 * 365))


def _edit(rng):
    """Make one random back-dated write; return the earliest day it changes."""
    choice = rng.choice(["release", "placement_end", "admission", "able", "lease", "wage"])
    if choice == "wage":
        record = rng.choice(db.session.scalars(select(WageRecord).limit(500)).all())
        db.session.execute(update(WageRecord).where(WageRecord.id == record.id).values(
            accrued_kzt=WageRecord.accrued_kzt + 1000,
            credited_kzt=WageRecord.credited_kzt + 1000))
        return record.month
    if choice == "release":
        stay = rng.choice(db.session.scalars(select(Stay).where(Stay.ended_on.isnot(None),
                                                                Stay.ended_on < today())).all())
        new_end = max(stay.started_on, stay.ended_on - timedelta(days=rng.randint(1, 200)))
        db.session.execute(update(Stay).where(Stay.id == stay.id).values(ended_on=new_end))
        return new_end
    if choice == "placement_end":
        placement = rng.choice(db.session.scalars(select(Placement).where(
            Placement.holds_place(), Placement.started_on < today())).all())
        ended = placement.started_on + timedelta(
            days=rng.randint(0, (today() - placement.started_on).days))
        db.session.execute(update(Placement).where(Placement.id == placement.id)
                           .values(ended_on=ended, end_reason="completed"))
        return ended
    if choice == "admission":
        template = rng.choice(db.session.scalars(select(Person)).all())
        admitted = today() - timedelta(days=rng.randint(300, 400))
        person = Person(file_number=f"T-{rng.randrange(10 ** 9)}", last_name="Test",
                        first_name="Test", birth_on=date(1990, 1, 1), gender=template.gender,
                        facility_id=template.facility_id, admitted_on=admitted,
                        expected_release_on=admitted + timedelta(days=2000))
        db.session.add(person)
        db.session.flush()
        db.session.add(Stay(person_id=person.id, facility_id=template.facility_id,
                            started_on=admitted))
        return admitted
    if choice == "able":
        stay = rng.choice(db.session.scalars(select(Stay)).all())
        db.session.execute(update(Person).where(Person.id == stay.person_id)
                           .values(able_bodied=~Person.able_bodied))
        return db.session.scalar(select(func.min(Stay.started_on))
                                 .where(Stay.person_id == stay.person_id))
    lease = rng.choice(db.session.scalars(select(Lease).where(Lease.active_on(today()))).all()
                       or db.session.scalars(select(Lease)).all())
    ends = lease.starts_on + timedelta(days=rng.randint(0, max(0, (today() - lease.starts_on).days)))
    db.session.execute(update(Lease).where(Lease.id == lease.id)
                       .values(ends_on=ends, status="ended"))
    return ends


def _same(on, scope):
    served = facts.statistics(on, scope)
    live = st.statistics(on, scope)
    for part in ("headline", "breakdowns", "enterprises", "wages", "series"):
        assert getattr(served, part) == getattr(live, part), (on, scope, part)
    # The reasons for not working take their "none recorded" from the headline's facts.
    place = {"region_id": scope.region_id, "facility_id": scope.facility_id,
             "security_level": scope.security_level}
    served_reasons = reasons_on(on, **place)
    current_app.config["FACTS_ENABLED"] = False
    try:
        assert served_reasons == reasons_on(on, **place), (on, scope, "reasons")
    finally:
        current_app.config["FACTS_ENABLED"] = True


def _give_reasons(rng, share):
    """Record a reason for not working, dated in the last three years, for a share of the
    people (some get two)."""
    people = db.session.scalars(select(Person.id)).all()
    for person_id in rng.sample(people, int(len(people) * share)):
        for _ in range(rng.choice((1, 1, 2))):
            db.session.add(NotWorkingReason(
                person_id=person_id, reason=rng.choice(REASON_CODES[:-1]),
                since_on=today() - timedelta(days=rng.randint(1, 3 * 365))))


def test_demo_build_stores_every_month_end_fresh(country):
    days = set(db.session.scalars(select(FactDay.day).where(FactDay.fresh.is_(True))))
    assert date(2021, 6, 30) in days and date(2021, 1, 31) in days
    assert facts.available([date(2021, 6, 30)]) == {date(2021, 6, 30)}
    assert facts.available([today()]) == set()  # today is always live


def test_a_back_dated_write_makes_its_days_stale_until_rebuilt(country):
    placement = db.session.scalars(select(Placement).where(
        Placement.active_on(date(2021, 3, 15)), Placement.started_on < date(2021, 3, 1))).first()
    db.session.execute(update(Placement).where(Placement.id == placement.id)
                       .values(ended_on=date(2021, 3, 15), end_reason="completed"))
    db.session.commit()
    assert facts.read.fresh_days([date(2021, 2, 28), date(2021, 3, 31), date(2021, 6, 30)]) \
        == {date(2021, 2, 28)}
    _same(date(2021, 6, 30), st.Scope())  # built on read
    assert date(2021, 6, 30) in facts.read.fresh_days([date(2021, 6, 30)])
    rebuild(db.session)
    db.session.commit()
    assert facts.read.fresh_days([date(2021, 3, 31), date(2021, 5, 31)]) \
        == {date(2021, 3, 31), date(2021, 5, 31)}


def test_facts_match_the_live_figures_after_random_back_dated_edits(country):
    rng = random.Random(16)
    _give_reasons(rng, 0.3)
    db.session.commit()
    for round_ in range(10):
        changed = _edit(rng)
        db.session.commit()
        if changed is not None:
            reached = [day for day in db.session.scalars(select(FactDay.day)) if day >= changed]
            assert facts.read.fresh_days(reached) == set()
        if round_ % 3 == 2:
            rebuild(db.session)
            db.session.commit()
        for _ in range(3):
            on, scope = _past_day(rng), _scopes(rng)
            _same(on, scope)
            assert on in facts.read.fresh_days([on]), "the day was served from its facts"
        _same(today(), _scopes(rng))  # today live, its month ends and wage months stored


def test_rebuild_command_rebuilds_from_a_date(country):
    result = country.test_cli_runner().invoke(args=["facts", "rebuild", "--from", "2021-01-01"])
    assert result.exit_code == 0, result.output
    assert "days built" in result.output
    built = db.session.scalars(select(FactDay.day).where(FactDay.day >= date(2021, 1, 1))).all()
    assert date(2021, 1, 31) in built and date(2021, 7, 1) in built
    assert facts.read.fresh_days(built) == set(built)
    status = country.test_cli_runner().invoke(args=["facts", "status"])
    assert status.exit_code == 0 and "days stored" in status.output


def _end_a_placement_back_dated():
    """End a placement of early 2021 on 2021-03-15, behind the app's back; return the month
    ends it makes stale among those the tests read."""
    placement = db.session.scalars(select(Placement).where(
        Placement.active_on(date(2021, 3, 15)), Placement.started_on < date(2021, 3, 1))).first()
    db.session.execute(update(Placement).where(Placement.id == placement.id)
                       .values(ended_on=date(2021, 3, 15), end_reason="completed"))
    db.session.commit()
    return [date(2021, 3, 31), date(2021, 4, 30), date(2021, 5, 31), date(2021, 6, 30)]


def _figures(page):
    """The page without what differs on every request (its form token and script nonce)."""
    return re.sub(r'(value|nonce|content)="[A-Za-z0-9._\-+/=]{20,}"', "", page.get_data(as_text=True))


def test_a_page_reading_stale_days_has_them_rebuilt_in_the_background(country, client, auth):
    from tests.factories import PASSWORD, user

    user("analyst", login="analyst.facts")
    db.session.commit()
    stale = _end_a_placement_back_dated()
    assert facts.read.fresh_days(stale) == set()
    country.config["FACTS_REBUILD_IN_BACKGROUND"] = True
    auth.login("analyst.facts", PASSWORD)
    page = client.get("/reports/?on=2021-06-30")  # its series reads the stale month ends
    assert page.status_code == 200
    refresh.wait()
    db.session.rollback()  # see what the background thread committed
    assert facts.read.fresh_days(stale) == set(stale)
    for day in stale:  # and what was built is the live figure
        _same(day, st.Scope())
    again = client.get("/reports/?on=2021-06-30")  # now read from the facts: the same page
    assert _figures(again) == _figures(page)


def test_without_the_setting_a_page_computes_stale_days_live_and_leaves_them(country, client,
                                                                               auth):
    from tests.factories import PASSWORD, user

    user("analyst", login="analyst.facts")
    db.session.commit()
    stale = _end_a_placement_back_dated()
    auth.login("analyst.facts", PASSWORD)
    assert client.get("/reports/?on=2021-06-30").status_code == 200
    refresh.wait()
    db.session.rollback()
    assert facts.read.fresh_days(stale) == set()


def test_a_rebuild_queued_on_redis_is_run_once_by_the_worker(country):
    import redis
    from rq import Queue, SimpleWorker

    from tests.web.test_cache import _redis_url

    url = _redis_url()
    stale = _end_a_placement_back_dated()
    queue_name = f"test-facts-{random.randrange(10 ** 9)}"
    country.config.update(FACTS_REBUILD_IN_BACKGROUND=True, REDIS_URL=url, JOB_QUEUE=queue_name)
    connection = redis.Redis.from_url(url)
    connection.delete(refresh._queued_key())
    try:
        with country.test_request_context():
            refresh.request_rebuild([date(2021, 6, 30)])
            refresh.request_rebuild([date(2021, 6, 30)])  # one is queued already
        queue = Queue(queue_name, connection=connection)
        assert queue.count == 1
        SimpleWorker([queue], connection=connection).work(burst=True)
        db.session.rollback()
        assert facts.read.fresh_days(stale) == set(stale)
        assert not connection.exists(refresh._queued_key())  # the next write may queue again
    finally:
        connection.delete(refresh._queued_key())
        Queue(queue_name, connection=connection).delete(delete_jobs=True)
