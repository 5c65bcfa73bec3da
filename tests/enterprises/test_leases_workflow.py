"""Leases: request within free area, approval by the facility's inspector, races, scope."""
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from enterprises.services import require_approved
from extensions import db
from facilities import leases as lease_services
from facilities.models import Lease
from tests import factories
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)
from timeutil import today
from web.errors import InputError


def lease_form(area, starts_on=None, purpose="Sewing workshop"):
    return {"area_m2": str(area), "starts_on": (starts_on or today()).isoformat(),
            "purpose": purpose}


def test_owner_requests_within_free_area(app, client, auth, world):
    auth.login("owner_a")
    # space_a: 1000 m², 300 leased -> 700 free.
    page = client.post(f"/enterprises/spaces/{world.space_a.id}/lease",
                       data=lease_form(701)).get_data(as_text=True)
    assert 'id="area_m2-error"' in page and "700" in page
    page = client.post(f"/enterprises/spaces/{world.space_a.id}/lease",
                       data=lease_form(50, today() - timedelta(days=3))).get_data(as_text=True)
    assert 'id="starts_on-error"' in page
    page = client.post(f"/enterprises/spaces/{world.space_a.id}/lease",
                       data=lease_form("abc")).get_data(as_text=True)
    assert 'id="area_m2-error"' in page
    assert db.session.scalar(select(func.count()).select_from(Lease)) == 2
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data=lease_form(700))
    assert response.status_code == 302
    lease = db.session.scalars(select(Lease).where(Lease.status == "requested")).one()
    assert (lease.enterprise_id, lease.area_m2) == (world.sme_a.id, Decimal("700.0"))


def test_inspector_sees_waiting_requests_first_and_decides(app, client, auth, world):
    request = factories.lease(world.sme_b, world.space_a, area=100, status="requested",
                              starts_on=today())
    other = factories.lease(world.sme_b, world.space_a, area=100, status="requested",
                            starts_on=today())
    db.session.commit()
    auth.login("inspector_b")
    assert client.post(f"/enterprises/leases/{request.id}/decide",
                       data={"decision": "approve"}).status_code == 404
    auth.logout()
    auth.login("inspector_a")
    page = client.get("/enterprises/leases").get_data(as_text=True)
    assert page.index('data-status="requested"') < page.index('data-status="active"')
    home = client.get("/").get_data(as_text=True)
    assert "Lease requests waiting for you" in home and "ТОО Бетон" in home
    client.post(f"/enterprises/leases/{request.id}/decide", data={"decision": "approve"})
    client.post(f"/enterprises/leases/{other.id}/decide", data={"decision": "reject",
                                                                 "reason": ""})
    db.session.expire_all()
    assert db.session.get(Lease, other.id).status == "requested"  # a reason is required
    client.post(f"/enterprises/leases/{other.id}/decide",
                data={"decision": "reject", "reason": "Space reserved for the facility"})
    db.session.expire_all()
    assert db.session.get(Lease, request.id).status == "active"
    assert db.session.get(Lease, other.id).status == "rejected"
    assert db.session.get(type(world.space_a), world.space_a.id).free_m2 == Decimal("600.0")
    client.post(f"/enterprises/leases/{request.id}/end", data={"ended_on": today().isoformat()})
    db.session.expire_all()
    assert db.session.get(Lease, request.id).status == "ended"


@pytest.fixture
def in_request(app):
    """A request context, so services can translate their messages."""
    with app.test_request_context():
        yield


def test_approval_refused_when_space_filled_meanwhile(app, world, in_request):
    first = factories.lease(world.sme_b, world.space_a, area=600, status="requested")
    second = factories.lease(world.sme_b, world.space_a, area=200, status="requested")
    db.session.commit()
    lease_services.approve_lease(first, world.users.admin.id)
    db.session.commit()
    with pytest.raises(lease_services.LeaseConflict):
        lease_services.approve_lease(second, world.users.admin.id)
    db.session.rollback()
    assert db.session.get(Lease, second.id).status == "requested"


def test_concurrent_approvals_never_exceed_the_area(app, world):
    space = factories.space(world.facility_a, area=100)
    ids = [factories.lease(world.sme_b, space, area=30, status="requested").id
           for _ in range(10)]
    admin_id = world.users.admin.id
    db.session.commit()
    barrier = threading.Barrier(len(ids))
    outcomes = []

    def approve(lease_id):
        with app.app_context(), app.test_request_context():
            try:
                lease = db.session.get(Lease, lease_id)
                barrier.wait(timeout=10)
                lease_services.approve_lease(lease, admin_id)
                db.session.commit()
                outcomes.append("approved")
            except InputError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # report anything else to the test
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    total = db.session.scalar(select(func.coalesce(func.sum(Lease.area_m2), 0)).where(
        Lease.space_id == space.id, Lease.status == "active"))
    assert sorted(outcomes) == ["approved"] * 3 + ["refused"] * 7, outcomes
    assert Decimal(total) == Decimal(90)


def test_pending_owner_cannot_request_space(app, client, auth, world, in_request):
    pending = factories.enterprise("sme", status="pending")
    factories.user("owner", login="pending_owner", enterprise_id=pending.id)
    db.session.commit()
    auth.login("pending_owner")
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data=lease_form(10))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Lease).where(
        Lease.enterprise_id == pending.id)) == 0
    with pytest.raises(InputError):
        require_approved(pending)


def test_owner_sees_only_own_leases(app, client, auth, world):
    auth.login("owner_a")
    page = client.get("/enterprises/leases").get_data(as_text=True)
    assert "ТОО Тігін" in page and "ТОО Бетон" not in page
    page = client.get(f"/facilities/spaces/{world.space_b.id}").get_data(as_text=True)
    assert "ТОО Бетон" not in page
    # Owners cannot decide or end leases, not even their own.
    assert client.post(f"/enterprises/leases/{world.lease_b.id}/end",
                       data={"ended_on": today().isoformat()}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Lease, world.lease_b.id).status == "active"


def test_inspector_cannot_end_other_facility_lease(app, client, auth, world):
    auth.login("inspector_a")
    assert client.post(f"/enterprises/leases/{world.lease_b.id}/end",
                       data={"ended_on": today().isoformat()}).status_code == 404
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "lease", AuditEvent.action == "deny")).first() is not None
    response = client.post(f"/enterprises/leases/{world.lease_a.id}/end",
                           data={"ended_on": date(2019, 1, 1).isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Lease, world.lease_a.id).status == "active"  # before its start
