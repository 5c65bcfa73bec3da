"""Lease dates lie within sensible bounds: a request starts between today and a year ahead, an
end comes on or after the start and not after today; year 0001 or 9999 is a message next to
the field (or in the list's flash), never a 500 and never stored."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from facilities.models import Lease
from timeutil import today


def leases():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lease.id)))


@pytest.mark.parametrize("starts_on,text", [
    ("0001-01-01", "cannot be in the past"),
    ("9999-12-31", "up to a year ahead"),
    ((today() + timedelta(days=367)).isoformat(), "up to a year ahead"),
    ((today() - timedelta(days=1)).isoformat(), "cannot be in the past"),
])
def test_a_lease_request_date_out_of_bounds_is_refused(world, client, auth, starts_on, text):
    auth.login("owner_a")
    before = leases()
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease",
                           data={"area_m2": "10", "starts_on": starts_on, "purpose": "Sewing"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="starts_on-error"' in page and text in page
    assert leases() == before


@pytest.mark.parametrize("ended_on,text", [
    ("0001-01-01", "before the lease started"),
    ("9999-12-31", "cannot be in the future"),
    ((today() + timedelta(days=1)).isoformat(), "cannot be in the future"),
])
def test_a_lease_end_out_of_bounds_is_refused(world, client, auth, ended_on, text):
    auth.login("inspector_a")
    response = client.post(f"/enterprises/leases/{world.lease_a.id}/end",
                           data={"ended_on": ended_on}, follow_redirects=True)
    assert response.status_code == 200 and text in response.get_data(as_text=True)
    db.session.expire_all()
    lease = db.session.get(Lease, world.lease_a.id)
    assert (lease.status, lease.ends_on) == ("active", None)
