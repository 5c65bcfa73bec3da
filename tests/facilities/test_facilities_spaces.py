"""Floor space: facility list figures, browsing free space, keeping spaces."""
from decimal import Decimal

from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from facilities.models import ProductionSpace
from tests import factories
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)


def login_in_english(client, auth, login):
    """Log in and switch to English, so figures read 1,200.0."""
    auth.login(login)
    client.post("/language", data={"lang": "en", "next": "/"})


def test_facility_list_shows_spaces_and_free_area(app, client, auth, world):
    factories.space(world.facility_a, area=200)
    factories.lease(world.sme_b, world.space_a, area=100, status="requested")  # not counted
    db.session.commit()
    login_in_english(client, auth, "admin")
    page = client.get("/facilities/?sort=-free").get_data(as_text=True)
    # facility_a: 1000 + 200 m², 300 leased; facility_b: 800 m², 200 leased.
    assert ">1,200<" in page and ">900<" in page and ">600<" in page and "1,200.0" not in page
    page = client.get("/facilities/?q=FB").get_data(as_text=True)
    assert "FB" in page and "<code>FA</code>" not in page
    auth.logout()
    auth.login("analyst_kz71")
    page = client.get("/facilities/").get_data(as_text=True)
    assert "<code>FA</code>" in page and "<code>FB</code>" not in page
    auth.logout()
    auth.login("owner_a")
    assert client.get("/facilities/").status_code == 403


def test_browse_free_space_by_region_kind_and_minimum(app, client, auth, world):
    factories.space(world.facility_b, area=50, kind="yard", name="Small yard")
    db.session.commit()
    login_in_english(client, auth, "owner_a")
    page = client.get("/facilities/spaces?min_free=601").get_data(as_text=True)
    assert world.space_a.name in page and world.space_b.name not in page  # 700 and 600 free
    page = client.get("/facilities/spaces?kind=yard").get_data(as_text=True)
    assert "Small yard" in page and world.space_a.name not in page
    region_b = world.facility_b.region_id
    page = client.get(f"/facilities/spaces?region={region_b}&sort=area").get_data(as_text=True)
    assert "Small yard" in page and world.space_a.name not in page
    assert client.get("/facilities/spaces?min_free=-5&kind=rocket&page=0").status_code == 200
    page = client.get(f"/facilities/spaces/{world.space_a.id}").get_data(as_text=True)
    assert "700 m²" in page and "700.0" not in page and "Request a lease" in page


def test_inspector_keeps_own_facility_spaces_only(app, client, auth, world):
    auth.login("inspector_a")
    response = client.post(f"/facilities/{world.facility_a.id}/spaces/new", data={
        "name": "Склад №1", "kind": "warehouse", "area_m2": "250.5", "power_kw": ""})
    assert response.status_code == 302
    space = db.session.scalars(select(ProductionSpace).where(
        ProductionSpace.name == "Склад №1")).one()
    assert (space.facility_id, space.area_m2, space.power_kw) == (
        world.facility_a.id, Decimal("250.5"), None)
    assert client.post(f"/facilities/{world.facility_b.id}/spaces/new", data={
        "name": "Intruder", "kind": "yard", "area_m2": "10"}).status_code == 404
    assert client.post(f"/facilities/spaces/{world.space_b.id}/edit", data={
        "name": "Renamed", "kind": "yard", "area_m2": "10"}).status_code == 404
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "deny", AuditEvent.entity == "facility")).first() is not None
    # The area cannot shrink below the active leases (300 m²); bad numbers are explained.
    page = client.post(f"/facilities/spaces/{world.space_a.id}/edit", data={
        "name": "Цех", "kind": "workshop", "area_m2": "299"}).get_data(as_text=True)
    assert 'id="area_m2-error"' in page
    page = client.post(f"/facilities/spaces/{world.space_a.id}/edit", data={
        "name": "", "kind": "spaceship", "area_m2": "-1", "power_kw": "x"}).get_data(as_text=True)
    for name in ("name", "kind", "area_m2", "power_kw"):
        assert f'id="{name}-error"' in page
    db.session.expire_all()
    assert db.session.get(ProductionSpace, world.space_a.id).free_m2 == Decimal(700)


def test_space_page_shows_leases_per_scope(app, client, auth, world):
    factories.lease(world.sme_b, world.space_a, area=50)
    db.session.commit()
    auth.login("owner_a")
    page = client.get(f"/facilities/spaces/{world.space_a.id}").get_data(as_text=True)
    assert "ТОО Тігін" in page and "ТОО Бетон" not in page
    auth.logout()
    login_in_english(client, auth, "inspector_a")
    page = client.get(f"/facilities/spaces/{world.space_a.id}").get_data(as_text=True)
    assert "ТОО Тігін" in page and "ТОО Бетон" in page and "650 m²" in page
