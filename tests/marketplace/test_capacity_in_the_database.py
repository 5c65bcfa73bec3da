"""The database itself keeps a line's capacity, whatever writes to it, and every service that
meets its refusal answers with a translated conflict, not a database error.

The writes here bypass the application (Core statements, or a service whose own check is
made to see stale rows) and run on the database the suite runs on.
"""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from enterprises import lines as line_services
from enterprises.lines import LineInput, save_line
from enterprises.models import ProductionLine
from extensions import db
from marketplace import placements
from marketplace.models import Placement
from marketplace.placements import PlacementConflict, start_placement
from tests import factories
from tests.races import CYRILLIC, line_invariants
from web.errors import InputError

START = date(2024, 6, 1)
PLACEMENT = Placement.__table__
LINE = ProductionLine.__table__


@pytest.fixture
def in_russian(app):
    """A Russian request context, so refusals show whether they went through the catalogue."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        yield


def raw_placement(person, line, slot, ended_on=None):
    """Insert a placement with a Core statement, past every check of the application."""
    return db.session.execute(insert(PLACEMENT).values(
        person_id=person.id, line_id=line.id, slot=slot, started_on=START, ended_on=ended_on,
        end_reason="completed" if ended_on else None, wage_kzt=90_000)).inserted_primary_key[0]


def refused(statement):
    """Run a statement in a savepoint; say whether the database refused it."""
    try:
        with db.session.begin_nested():
            db.session.execute(statement)
    except IntegrityError:
        return True
    return False


def taken(line_id):
    return db.session.scalar(select(LINE.c.places_taken).where(LINE.c.id == line_id))


@pytest.fixture
def line(world):
    """A line of three places; its workers are created by each test."""
    return factories.line(world.sme_a, world.facility_a, headcount=3, lease=world.lease_a)


def test_a_place_beyond_the_headcount_is_refused(world, line):
    person = factories.person(world.facility_a)
    assert refused(insert(PLACEMENT).values(person_id=person.id, line_id=line.id, slot=4,
                                            started_on=START, wage_kzt=90_000))
    assert taken(line.id) == 0
    # An ended placement holds no place: its number does not matter.
    raw_placement(person, line, slot=9, ended_on=date(2024, 7, 1))
    assert taken(line.id) == 0
    line_invariants()


def test_more_held_places_than_the_headcount_are_refused(world, line):
    people = [factories.person(world.facility_a) for _ in range(4)]
    for slot, person in enumerate(people[:3], start=1):
        raw_placement(person, line, slot)
    assert taken(line.id) == 3
    fourth = {"person_id": people[3].id, "line_id": line.id, "started_on": START,
              "wage_kzt": 90_000}
    assert refused(insert(PLACEMENT).values(slot=4, **fourth))  # beyond the headcount
    assert refused(insert(PLACEMENT).values(slot=2, **fourth))  # a place already held
    # Nor can an ended placement come back onto a full line.
    ended = raw_placement(people[3], line, slot=1, ended_on=date(2024, 7, 1))
    assert refused(update(PLACEMENT).where(PLACEMENT.c.id == ended)
                   .values(ended_on=None, end_reason=None))
    assert refused(update(PLACEMENT).where(PLACEMENT.c.id == ended)
                   .values(ended_on=None, end_reason=None, slot=4))
    # The count itself cannot pass the headcount either.
    assert refused(update(LINE).where(LINE.c.id == line.id).values(places_taken=4))
    assert taken(line.id) == 3
    line_invariants()


def test_lowering_the_headcount_below_a_held_place_is_refused(world, line):
    first, second = factories.person(world.facility_a), factories.person(world.facility_a)
    raw_placement(first, line, slot=1)
    raw_placement(second, line, slot=3)
    assert refused(update(LINE).where(LINE.c.id == line.id).values(headcount=2))  # place 3
    assert refused(update(LINE).where(LINE.c.id == line.id).values(headcount=1))  # 2 held
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.slot == 3).values(slot=2))
    assert not refused(update(LINE).where(LINE.c.id == line.id).values(headcount=2))
    assert refused(update(LINE).where(LINE.c.id == line.id).values(headcount=1))
    assert db.session.scalar(select(LINE.c.headcount).where(LINE.c.id == line.id)) == 2
    line_invariants()


def test_places_taken_follows_every_write_of_a_placement(world, line):
    other = factories.line(world.sme_a, world.facility_a, headcount=3)
    people = [factories.person(world.facility_a) for _ in range(3)]
    ids = [raw_placement(person, line, slot) for slot, person in enumerate(people, start=1)]
    assert (taken(line.id), taken(other.id)) == (3, 0)
    ended = {"ended_on": date(2024, 7, 1), "end_reason": "completed"}
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[0]).values(**ended))
    assert taken(line.id) == 2  # ended
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[0])
                       .values(ended_on=date(2024, 8, 1)))
    assert taken(line.id) == 2  # an ended placement's end date corrected
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[0])
                       .values(ended_on=None, end_reason=None))
    assert taken(line.id) == 3  # re-opened
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[1])
                       .values(line_id=other.id, slot=1))
    assert (taken(line.id), taken(other.id)) == (2, 1)  # moved to another line
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[2]).values(**ended))
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[2])
                       .values(line_id=other.id, slot=2))
    assert (taken(line.id), taken(other.id)) == (1, 1)  # an ended one moved: no place
    db.session.execute(update(PLACEMENT).where(PLACEMENT.c.id == ids[0]).values(slot=3))
    assert taken(line.id) == 1  # renumbered
    db.session.execute(delete(PLACEMENT).where(PLACEMENT.c.id.in_(ids[:2])))
    assert (taken(line.id), taken(other.id)) == (0, 0)  # deleted
    db.session.execute(delete(PLACEMENT).where(PLACEMENT.c.id == ids[2]))
    assert (taken(line.id), taken(other.id)) == (0, 0)  # an ended one deleted
    line_invariants()
    db.session.commit()


def test_the_services_keep_places_taken_too(world, line, in_russian):
    first, second = factories.person(world.facility_a), factories.person(world.facility_a)
    factories.consent_all()
    db.session.commit()
    placed = start_placement(first.id, line.id, START)
    start_placement(second.id, line.id, START)
    db.session.commit()
    assert taken(line.id) == 2
    placements.end_placement(placed, START, "dismissed")
    db.session.commit()
    assert taken(line.id) == 1
    moved_to = factories.line(world.sme_a, world.facility_a, headcount=2)
    factories.consent_all()
    start_placement(second.id, moved_to.id, START, transfer=True)
    db.session.commit()
    assert (taken(line.id), taken(moved_to.id)) == (0, 1)
    line_invariants()


# --- the services meet the database's refusal ----------------------------------------------

def test_placement_refused_by_the_database_is_a_conflict(world, line, monkeypatch,
                                                         in_russian):
    """Were the service to pick a place beyond the headcount, the database would refuse it
    and the service answer with a translated conflict, the session still usable."""
    person_id = factories.person(world.facility_a).id
    db.session.commit()
    monkeypatch.setattr(placements, "_free_slot", lambda line: line.headcount + 1)
    with pytest.raises(PlacementConflict) as conflict:
        start_placement(person_id, line.id, START)
    assert CYRILLIC.search(str(conflict.value.message))
    db.session.commit()
    assert db.session.scalars(select(Placement)).all() == []
    assert taken(line.id) == 0


def test_place_view_answers_the_databases_refusal_with_409(client, auth, world, line,
                                                          monkeypatch):
    person_id = factories.person(world.facility_a).id
    factories.consent_all()
    db.session.commit()
    monkeypatch.setattr(placements, "_free_slot", lambda line: line.headcount + 1)
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{line.id}/place",
                           data={"person_id": person_id, "started_on": START.isoformat()})
    assert response.status_code == 409
    assert "at the same moment" in response.get_data(as_text=True)
    assert taken(line.id) == 0


def stale_lock(monkeypatch, stale):
    """Make the line's lock hand back ``stale``, as read before another write committed."""
    monkeypatch.setattr(line_services, "lock_line", lambda line_id: stale)


def lowered(line, headcount):
    return LineInput(title=line.title, headcount=headcount, wage_kzt=line.wage_kzt,
                     facility_id=line.facility_id, lease_id=line.lease_id,
                     occupations=[("7533", "trainee")])


def test_lowering_refused_by_the_database_is_bad_input(world, line, monkeypatch, in_russian):
    """A lowering that read the places taken before a placement committed is refused by
    the database; the service says so next to the headcount and writes nothing."""
    first, second = factories.person(world.facility_a), factories.person(world.facility_a)
    factories.placement(first, line, slot=1)
    db.session.commit()
    stale = db.session.get(ProductionLine, line.id)
    assert stale.places_taken == 1
    raw_placement(second, line, slot=2)  # the trigger counts it; the loaded line does not
    stale_lock(monkeypatch, stale)
    with pytest.raises(InputError) as refusal:
        save_line(stale, world.sme_a, lowered(stale, 1))
    assert CYRILLIC.search(refusal.value.errors["headcount"])
    db.session.rollback()
    assert db.session.get(ProductionLine, line.id).headcount == 3
    line_invariants()


def test_line_form_shows_the_databases_refusal_next_to_the_headcount(client, auth, world,
                                                                    line, monkeypatch):
    factories.placement(factories.person(world.facility_a), line, slot=1)
    factories.placement(factories.person(world.facility_a), line, slot=2)
    db.session.commit()
    line_id, version = line.id, line.version_id
    real_lock = line_services.lock_line

    def lock_then_forget_one(line_id):
        # The lock is taken, but the line reads as if one placement had not yet committed.
        locked = real_lock(line_id)
        set_committed_value(locked, "places_taken", locked.places_taken - 1)
        return locked

    monkeypatch.setattr(line_services, "lock_line", lock_then_forget_one)
    auth.login("owner_a")
    form = {"title": line.title, "headcount": "1", "wage_kzt": str(line.wage_kzt),
            "hours_per_week": "40", "min_months_left": "0", "facility_id": str(line.facility_id),
            "region_id": "", "lease_id": str(line.lease_id), "version_id": str(version),
            "occupations-0-code": "7533", "occupations-0-min_level": "trainee"}
    response = client.post(f"/enterprises/lines/{line_id}/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert 'id="headcount-error"' in page and "2 places taken" in page
    db.session.expire_all()
    assert db.session.get(ProductionLine, line_id).headcount == 3
    line_invariants()


# --- a writer that finds the line locked waits, then sees what was committed ---------------

def test_a_placement_waits_for_the_lock_and_sees_the_committed_places(app, world, database_url,
                                                                      in_russian):
    """One request holds the line's lock while it takes the last place; another, arriving
    meanwhile, waits for it (SQLite: on the busy timeout; PostgreSQL: on the row lock) and
    is then refused because the line is full, not with "database is locked"."""
    from tests.races import race_app

    full = factories.line(world.sme_a, world.facility_a, headcount=1)
    first, second = factories.person(world.facility_a).id, factories.person(world.facility_a).id
    factories.consent_all()
    db.session.commit()
    other_app = race_app(database_url, 2)
    holding, results = threading.Event(), {}
    hold = 0.5

    def holder():
        with other_app.test_request_context(headers={"Accept-Language": "ru"}):
            start_placement(first, full.id, START)
            holding.set()
            time.sleep(hold)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(10)
    started = time.perf_counter()
    try:
        start_placement(second, full.id, START)
    except PlacementConflict as error:
        results["conflict"] = str(error.message)
    waited = time.perf_counter() - started
    db.session.rollback()
    thread.join(10)
    with other_app.app_context():
        db.engine.dispose()
    assert CYRILLIC.search(results["conflict"])
    assert waited >= hold * 0.8
    assert taken(full.id) == 1
