"""A space's area holds under every interleaving: 50 tries of shrinking a space while two
leases on it are approved, each call in its own thread, app context and session.

After every try the invariant is read back from the database (tests/races.py) and every
loser must have got a translated refusal, never a database error.
"""
from decimal import Decimal

import pytest
from sqlalchemy import update

from extensions import db
from facilities.leases import approve_lease
from facilities.models import Lease, ProductionSpace
from facilities.services import save_space
from tests import factories
from tests.races import Race, kinds, race_app, space_invariants

TRIES = 50


@pytest.fixture
def race(database_url):
    """A race pool of three threads, closed at the end."""
    started = Race(race_app(database_url, 4), 3)
    yield started
    started.close()


def test_shrinking_a_space_while_approving_never_overlets(app, world, race):
    """A space of 100 m² with 40 m² let, two requests of 30 m² approved and the space shrunk
    to 70 m² at once: either the shrinking comes before the second approval (one request is
    refused for want of room) or after both (the shrinking is refused); never 100 m² let on
    70 m²."""
    space = factories.space(world.facility_a, area=100)
    factories.lease(world.sme_b, space, area=40)
    requests = [factories.lease(world.sme_b, space, area=30, status="requested").id
                for _ in range(2)]
    db.session.commit()
    space_id, facility_id, name = space.id, space.facility_id, space.name
    admin_id = world.users.admin.id

    def approve(lease_id):
        return lambda: approve_lease(db.session.get(Lease, lease_id), admin_id)

    def shrink():
        current = db.session.get(ProductionSpace, space_id)
        save_space(current, facility_id, name, "workshop", Decimal("70"), None)

    for _ in range(TRIES):
        outcomes = race.run([shrink] + [approve(i) for i in requests])
        shrinking, approving = outcomes[0], kinds(outcomes[1:])
        db.session.expire_all()
        space_invariants()
        area = db.session.get(ProductionSpace, space_id).area_m2
        if shrinking.kind == "ok":
            assert area == Decimal("70") and approving == {"ok": 1, "refused": 1}
        else:
            assert shrinking.kind == "refused", shrinking
            assert area == Decimal("100") and approving == {"ok": 2}
        db.session.execute(update(Lease).where(Lease.id.in_(requests)).values(
            status="requested", decided_at=None, decided_by_id=None))
        db.session.execute(update(ProductionSpace).where(ProductionSpace.id == space_id)
                           .values(area_m2=Decimal("100")))
        db.session.commit()
    assert race.overlapped >= TRIES // 2, f"calls overlapped in {race.overlapped} tries"
