"""No input, however malformed, makes the enterprise and floor-space pages answer 500."""
from datetime import timedelta

import pytest

import timeutil
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)

GARBAGE = [
    {},
    {"area_m2": "1e309", "starts_on": "31-31-2020", "purpose": "x" * 3000},
    {"decision": "maybe", "reason": "\x00"},
    {"ended_on": "yesterday", "end_reason": "bored"},
    {"facility_id": "abc", "region_id": "-1", "lease_id": "1.5", "enterprise_id": "x",
     "headcount": "99999999999999999999", "wage_kzt": "NaN", "hours_per_week": "",
     "occupations-0-code": "'; drop table line;--", "occupations-0-min_level": "god",
     "occupations-999-code": "7533", "version_id": "abc", "title": "t"},
    {"name": "", "kind": "palace", "area_m2": "-0", "power_kw": "1e999", "bin": "٩٤٠١٤٠٠٠٠٣٨٥",
     "parent": "tsar", "contact_phone": "<script>"},
    {"action": "explode"},
]


def paths(world):
    return [
        "/enterprises/register", "/enterprises/new", f"/enterprises/{world.sme_a.id}/decide",
        f"/enterprises/spaces/{world.space_a.id}/lease",
        f"/enterprises/leases/{world.lease_a.id}/decide",
        f"/enterprises/leases/{world.lease_a.id}/end", "/enterprises/lines/new",
        f"/enterprises/lines/{world.line_a.id}/edit", f"/enterprises/lines/{world.line_a.id}/status",
        f"/enterprises/lines/{world.line_a.id}/close",
        f"/facilities/{world.facility_a.id}/spaces/new",
        f"/facilities/spaces/{world.space_a.id}/edit",
    ]


@pytest.mark.parametrize("login", ["admin", "owner_a", "inspector_a"])
def test_garbage_never_gives_500(app, client, auth, world, login):
    auth.login(login)
    for path in paths(world):
        for data in GARBAGE:
            response = client.post(path, data=data)
            assert response.status_code < 500, (path, data)
    for query in ("?page=-1&sort=--x", "?region=99999999999999&min_free=abc&kind=%00",
                  "?q=%25%27%00&status=x&facility=0&occupation=abcd"):
        for path in ("/facilities/", "/facilities/spaces", "/enterprises/",
                     "/enterprises/leases", "/enterprises/lines"):
            assert client.get(path + query).status_code < 500, path + query


def test_control_characters_are_refused_next_to_the_field_not_stored(app, client, auth, world):
    from sqlalchemy import func, select

    from enterprises.models import ProductionLine
    from extensions import db
    from facilities.models import Lease

    refused = "This field contains characters that cannot be stored"
    auth.login("owner_a")
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data={
        "area_m2": "10", "starts_on": (timeutil.today() + timedelta(days=30)).isoformat(),
        "purpose": "Nul\x00l purpose"})
    assert refused in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Lease.status == "requested")) == 0
    lines_before = db.session.scalar(select(func.count(ProductionLine.id)))
    response = client.post("/enterprises/lines/new", data={
        "title": "Line\x00", "facility_id": "", "region_id": str(world.facility_a.region_id),
        "occupations-0-code": "7533\x00", "occupations-0-min_level": "trainee",
        "headcount": "2", "hours_per_week": "40", "wage_kzt": "200000", "min_months_left": "0"})
    assert response.status_code != 302
    assert refused in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProductionLine.id))) == lines_before
    auth.logout()
    auth.login("admin")
    response = client.post(f"/enterprises/leases/{world.lease_a.id}/decide",
                           data={"decision": "reject", "reason": "\x00No\x00"})
    assert response.status_code < 500
