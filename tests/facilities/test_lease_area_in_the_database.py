"""The database itself keeps active leases within a space's area, whatever writes to it, and
the services that meet its refusal answer with a translated message, not a database error.

The writes here bypass the application (Core statements, or a service whose own check is
made to see a stale space) and run on the database the suite runs on.
"""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from facilities import leases as lease_services
from facilities import services as space_services
from facilities.models import Lease, ProductionSpace
from tests import factories
from tests.races import CYRILLIC, space_invariants
from web.errors import InputError

LEASE = Lease.__table__
SPACE = ProductionSpace.__table__


@pytest.fixture
def in_russian(app):
    """A Russian request context, so refusals show whether they went through the catalogue."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        yield


def refused(statement):
    """Run a statement in a savepoint; say whether the database refused it."""
    try:
        with db.session.begin_nested():
            db.session.execute(statement)
    except IntegrityError:
        return True
    return False


def a_lease(world, space, area, status="active"):
    return insert(LEASE).values(enterprise_id=world.sme_b.id, space_id=space.id,
                                area_m2=Decimal(area), starts_on=date(2024, 1, 1), status=status)


@pytest.fixture
def space(world):
    """A space of 100 m² with 60 m² under an active lease."""
    space = factories.space(world.facility_a, area=100)
    factories.lease(world.sme_b, space, area=60)
    return space


def test_an_active_lease_beyond_the_area_is_refused(world, space):
    assert refused(a_lease(world, space, "40.1"))
    assert not refused(a_lease(world, space, "40.1", status="requested"))  # holds no area
    # Tenths add up exactly, also where SQLite stores them as floating point.
    assert not refused(a_lease(world, space, "13.3"))
    assert not refused(a_lease(world, space, "13.3"))
    assert not refused(a_lease(world, space, "13.4"))
    assert refused(a_lease(world, space, "0.1"))
    space_invariants()


def test_approving_growing_or_moving_a_lease_beyond_the_area_is_refused(world, space):
    waiting = db.session.execute(a_lease(world, space, 50, status="requested")
                                 ).inserted_primary_key[0]
    assert refused(update(LEASE).where(LEASE.c.id == waiting).values(status="active"))
    small = factories.space(world.facility_a, area=40)
    active = db.session.scalar(select(LEASE.c.id).where(LEASE.c.space_id == space.id,
                                                        LEASE.c.status == "active"))
    assert refused(update(LEASE).where(LEASE.c.id == active).values(area_m2=Decimal(101)))
    assert refused(update(LEASE).where(LEASE.c.id == active).values(space_id=small.id))
    assert not refused(update(LEASE).where(LEASE.c.id == active).values(status="ended"))
    assert not refused(update(LEASE).where(LEASE.c.id == waiting).values(status="active"))
    space_invariants()


def test_shrinking_a_space_below_its_active_leases_is_refused(world, space):
    assert refused(update(SPACE).where(SPACE.c.id == space.id).values(area_m2=Decimal("59.9")))
    assert not refused(update(SPACE).where(SPACE.c.id == space.id).values(area_m2=Decimal(60)))
    assert not refused(update(SPACE).where(SPACE.c.id == space.id).values(area_m2=Decimal(500)))
    assert db.session.scalar(select(SPACE.c.area_m2).where(SPACE.c.id == space.id)) == 500
    space_invariants()


# --- the services meet the database's refusal ----------------------------------------------

def stale_space(monkeypatch, module, world, space):
    """Let 30 m² more be let behind the service's back, after it read the space, and make
    its lock hand back that stale read."""
    db.session.commit()
    stale = db.session.get(ProductionSpace, space.id)
    assert stale.free_m2 == Decimal(40)
    db.session.execute(a_lease(world, space, 30))  # the object in the session still says 40
    monkeypatch.setattr(module, "lock_space", lambda space_id: stale)
    return stale


def test_approval_refused_by_the_database_is_a_lease_conflict(world, space, monkeypatch,
                                                              in_russian):
    request = factories.lease(world.sme_a, space, area=35, status="requested")
    stale_space(monkeypatch, lease_services, world, space)
    with pytest.raises(lease_services.LeaseConflict) as conflict:
        lease_services.approve_lease(request, world.users.admin.id)
    message = conflict.value.errors["decision"]
    assert CYRILLIC.search(message) and "10" in message  # the free area as it really is
    db.session.commit()  # the session is still usable: the savepoint alone was undone
    assert db.session.get(Lease, request.id).status == "requested"
    space_invariants()


def test_shrinking_refused_by_the_database_is_bad_input(world, space, monkeypatch, in_russian):
    stale = stale_space(monkeypatch, space_services, world, space)
    with pytest.raises(InputError) as refusal:
        space_services.save_space(stale, stale.facility_id, "Цех", "workshop", Decimal(70),
                                  None)
    message = refusal.value.errors["area_m2"]
    assert CYRILLIC.search(message) and "90" in message  # the area really under leases
    db.session.commit()
    assert db.session.get(ProductionSpace, space.id).area_m2 == Decimal(100)
    space_invariants()


def forget_a_lease(monkeypatch, module, world, space):
    """Let 30 m² more, committed; make the service's lock (taken for real, in the request's
    own session) read the space as if that lease were not there yet."""
    db.session.execute(a_lease(world, space, 30))
    db.session.commit()
    real_lock = module.lock_space

    def lock(space_id):
        locked = real_lock(space_id)
        set_committed_value(locked, "leased_m2", locked.leased_m2 - 30)
        set_committed_value(locked, "free_m2", locked.free_m2 + 30)
        return locked

    monkeypatch.setattr(module, "lock_space", lock)


def test_lease_decision_page_shows_the_databases_refusal(client, auth, world, space,
                                                        monkeypatch):
    request = factories.lease(world.sme_a, space, area=35, status="requested")
    forget_a_lease(monkeypatch, lease_services, world, space)
    auth.login("inspector_a")
    response = client.post(f"/enterprises/leases/{request.id}/decide",
                           data={"decision": "approve"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Only 10 m² of the space is free now" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Lease, request.id).status == "requested"


def test_space_form_shows_the_databases_refusal_next_to_the_area(client, auth, world, space,
                                                                monkeypatch):
    forget_a_lease(monkeypatch, space_services, world, space)
    auth.login("inspector_a")
    response = client.post(f"/facilities/spaces/{space.id}/edit", data={
        "name": "Цех", "kind": "workshop", "area_m2": "70", "power_kw": "", "is_active": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert 'id="area_m2-error"' in page and "90 m² under active leases" in page
    db.session.expire_all()
    assert db.session.get(ProductionSpace, space.id).area_m2 == Decimal(100)
