"""A line's capacity holds under every interleaving: 25 tries of each race, on the database
the suite runs on, each call in its own thread, app context and session, released together.

After every try the invariants are read back from the database (tests/races.py) and every
loser must have got a translated conflict, never a database error.
"""
from datetime import date

import pytest
from sqlalchemy import delete, select, update

from enterprises.lines import LineInput, save_line
from enterprises.models import ProductionLine
from extensions import db
from marketplace.models import Placement
from marketplace.placements import start_placement
from tests import factories
from tests.races import Race, kinds, line_invariants, race_app

TRIES = 25
START = date(2024, 6, 1)


@pytest.fixture
def race(database_url):
    """Start a race pool of a given width; close it (threads and pool) at the end."""
    races = []

    def start(width, connections=None):
        races.append(Race(race_app(database_url, connections or width + 1), width))
        return races[-1]

    yield start
    for started in races:
        started.close()


def reset(line_ids, keep, headcount=None):
    """Undo a try: delete the placements it made, put back the headcount and the places
    the kept placements held (``keep``: placement id -> place)."""
    db.session.execute(delete(Placement).where(Placement.line_id.in_(line_ids),
                                               Placement.id.notin_(keep)))
    if headcount is not None:
        db.session.execute(update(ProductionLine).where(ProductionLine.id.in_(line_ids))
                           .values(headcount=headcount))
    for placement_id, slot in keep.items():
        db.session.execute(update(Placement).where(Placement.id == placement_id)
                           .values(slot=slot))
    db.session.commit()
    db.session.expire_all()


def place(person_id, line_id):
    """A call of a race: place a person on a line, as the place view does."""
    return lambda: start_placement(person_id, line_id, START)


def held_slots(line_id):
    return sorted(db.session.scalars(select(Placement.slot).where(
        Placement.line_id == line_id, Placement.holds_place())))


def test_lowering_the_headcount_while_placing_never_overfills(app, world, race):
    """A lowering from 6 to 3 of a line whose two workers hold places 5 and 6, at the same
    moment as one to four placements: either the lowering comes first or while only one
    placement is in (the places are renumbered within 1-3 and one placement fits), or it
    comes too late and is refused (every placement fits in 6); nothing in between."""
    line = factories.line(world.sme_a, world.facility_a, headcount=6, lease=world.lease_a)
    keep = {factories.placement(factories.person(world.facility_a), line, slot=slot).id: slot
            for slot in (5, 6)}
    people = [factories.person(world.facility_a).id for _ in range(4)]
    factories.consent_all()
    db.session.commit()
    line_id = line.id
    site = {"facility_id": world.facility_a.id, "lease_id": world.lease_a.id}
    runner = race(5)

    def lower():
        current = db.session.get(ProductionLine, line_id)
        save_line(current, current.enterprise, LineInput(
            title=current.title, headcount=3, wage_kzt=current.wage_kzt,
            occupations=[("7533", "trainee")], **site))

    for attempt in range(TRIES):
        placers = 1 + attempt % 4
        outcomes = runner.run([lower] + [place(p, line_id) for p in people[:placers]])
        lowering, placing = outcomes[0], kinds(outcomes[1:])
        db.session.expire_all()
        line_invariants()
        headcount = db.session.get(ProductionLine, line_id).headcount
        if lowering.kind == "ok":
            assert headcount == 3 and placing == ({"ok": 1, "conflict": placers - 1}
                                                  if placers > 1 else {"ok": 1})
            assert held_slots(line_id) == [1, 2, 3]
        else:
            assert lowering.kind == "refused" and placers >= 2, lowering
            assert headcount == 6 and placing == {"ok": placers}
            assert held_slots(line_id) == sorted({5, 6} | set(range(1, placers + 1)))
        reset([line_id], keep, headcount=6)
    assert runner.overlapped >= TRIES // 2, f"calls overlapped in {runner.overlapped} tries"


def test_lowering_the_headcount_while_placing_through_the_pages(app, world, race):
    """The same race through the views, one test client (and login) per thread: the owner's
    edit form and two inspectors' place buttons answer 302, a form error or 409, never a
    server error, and the line never holds more than its headcount."""
    line = factories.line(world.sme_a, world.facility_a, headcount=6, lease=world.lease_a)
    keep = {factories.placement(factories.person(world.facility_a), line, slot=slot).id: slot
            for slot in (5, 6)}
    people = [factories.person(world.facility_a).id for _ in range(2)]
    factories.consent_all()
    db.session.commit()
    line_id = line.id
    runner = race(3, connections=7)  # each thread's request context and its client's request
    clients = [runner.app.test_client() for _ in range(3)]
    for client, login in zip(clients, ("owner_a", "inspector_a", "inspector_a")):
        assert client.post("/login", data={"login": login, "password": factories.PASSWORD}
                           ).status_code == 302
    form = {"title": line.title, "headcount": "3", "wage_kzt": str(line.wage_kzt),
            "hours_per_week": "40", "min_months_left": "0",
            "facility_id": str(world.facility_a.id), "region_id": "",
            "lease_id": str(world.lease_a.id),
            "occupations-0-code": "7533", "occupations-0-min_level": "trainee"}

    def edit(version):
        return lambda: clients[0].post(f"/enterprises/lines/{line_id}/edit",
                                       data={**form, "version_id": str(version)})

    def place_through(client, person_id):
        return lambda: client.post(f"/market/lines/{line_id}/place", data={
            "person_id": person_id, "started_on": START.isoformat()})

    for _ in range(TRIES // 2):
        version = db.session.scalar(select(ProductionLine.version_id).where(
            ProductionLine.id == line_id))
        outcomes = runner.run([edit(version)] + [place_through(c, p)
                                                 for c, p in zip(clients[1:], people)])
        lowering, *placing = [outcome.value for outcome in outcomes]
        db.session.expire_all()
        line_invariants()
        headcount = db.session.get(ProductionLine, line_id).headcount
        placed = sorted(response.status_code for response in placing)
        if lowering.status_code == 302:
            assert headcount == 3 and placed == [302, 409]
            assert held_slots(line_id) == [1, 2, 3]
            refusal = next(r for r in placing if r.status_code == 409)
            assert "All places on this line are taken." in refusal.get_data(as_text=True)
        else:
            page = lowering.get_data(as_text=True)
            assert lowering.status_code == 200 and 'id="headcount-error"' in page
            assert headcount == 6 and placed == [302, 302]
            assert held_slots(line_id) == [1, 2, 5, 6]
        reset([line_id], keep, headcount=6)


def test_twenty_placements_of_one_person_yield_one(app, world, race):
    """The same person placed on four lines by twenty calls at once: one placement."""
    lines = [factories.line(world.sme_a, world.facility_a, headcount=20).id for _ in range(4)]
    person_id = world.person_a.id
    factories.consent_all()
    db.session.commit()
    runner = race(20)
    for _ in range(TRIES):
        outcomes = runner.run([place(person_id, lines[i % 4]) for i in range(20)])
        assert kinds(outcomes) == {"ok": 1, "conflict": 19}
        db.session.expire_all()
        line_invariants()
        assert len(db.session.scalars(select(Placement.id).where(
            Placement.person_id == person_id)).all()) == 1
        reset(lines, {})
    assert runner.overlapped >= TRIES // 2, f"calls overlapped in {runner.overlapped} tries"


def test_k_plus_ten_placements_on_k_free_places_yield_k(app, world, race):
    """Thirteen people at once on the three free places of a line of six whose workers hold
    places 2, 4 and 5: three are placed, on places 1, 3 and 6."""
    line = factories.line(world.sme_a, world.facility_a, headcount=6)
    keep = {factories.placement(factories.person(world.facility_a), line, slot=slot).id: slot
            for slot in (2, 4, 5)}
    people = [factories.person(world.facility_a).id for _ in range(13)]
    factories.consent_all()
    db.session.commit()
    line_id = line.id
    runner = race(13)
    for _ in range(TRIES):
        outcomes = runner.run([place(p, line_id) for p in people])
        assert kinds(outcomes) == {"ok": 3, "conflict": 10}
        db.session.expire_all()
        line_invariants()
        assert held_slots(line_id) == list(range(1, 7))
        assert db.session.get(ProductionLine, line_id).places_taken == 6
        reset([line_id], keep)
    assert runner.overlapped >= TRIES // 2, f"calls overlapped in {runner.overlapped} tries"


def test_crossing_transfers_both_go_through(app, world, race):
    """Two people swapped between two lines at once: each transfer locks both lines, so
    neither waits for the other in a cycle (a deadlock would lose one of them)."""
    lines = [factories.line(world.sme_a, world.facility_a, headcount=3) for _ in range(2)]
    people = [factories.person(world.facility_a) for _ in range(2)]
    old = [factories.placement(person, line, started_on=date(2024, 1, 1)).id
           for person, line in zip(people, lines)]
    factories.consent_all()
    db.session.commit()
    moves = [(people[0].id, lines[1].id), (people[1].id, lines[0].id)]
    runner = race(2)
    for _ in range(TRIES):
        outcomes = runner.run([
            (lambda p=p, target=target: start_placement(p, target, START, transfer=True))
            for p, target in moves])
        assert kinds(outcomes) == {"ok": 2}, outcomes
        db.session.expire_all()
        line_invariants()
        db.session.execute(delete(Placement).where(Placement.id.notin_(old)))
        db.session.execute(update(Placement).where(Placement.id.in_(old))
                           .values(ended_on=None, end_reason=None))
        db.session.commit()
    assert runner.overlapped >= TRIES // 2, f"calls overlapped in {runner.overlapped} tries"
