"""The whole journey: register, approval, space, lease approval, a line the inspector sees."""
from sqlalchemy import select

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Lease
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)
from timeutil import today

PASSWORD = "Quiet-Harbour-Lantern-58"


def test_register_lease_post_and_inspector_sees_the_line(app, client, auth, world):
    response = client.post("/enterprises/register", data={
        "name": "ТОО Қазан", "bin": "061211600012", "region_id": str(world.facility_a.region_id),
        "contact_phone": "+7 777 000 11 22", "login": "kazan", "full_name": "Ерлан Қазанов",
        "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    enterprise = db.session.scalars(select(Enterprise).where(Enterprise.bin == "061211600012")).one()

    auth.login("kazan", PASSWORD)
    assert "Pending approval" in client.get("/").get_data(as_text=True)
    auth.logout()

    auth.login("admin")
    client.post(f"/enterprises/{enterprise.id}/decide", data={"decision": "approve"})
    auth.logout()

    auth.login("kazan", PASSWORD)
    assert "Approved" in client.get("/").get_data(as_text=True)
    page = client.get("/facilities/spaces?min_free=500").get_data(as_text=True)
    assert world.space_a.name in page
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data={
        "area_m2": "400", "starts_on": today().isoformat(), "purpose": "Canning"})
    assert response.status_code == 302
    lease = db.session.scalars(select(Lease).where(Lease.enterprise_id == enterprise.id)).one()
    assert lease.status == "requested"
    auth.logout()

    auth.login("inspector_a")
    assert "ТОО Қазан" in client.get("/").get_data(as_text=True)
    client.post(f"/enterprises/leases/{lease.id}/decide", data={"decision": "approve"})
    auth.logout()

    auth.login("kazan", PASSWORD)
    response = client.post("/enterprises/lines/new", data={
        "title": "Консервный цех", "facility_id": str(world.facility_a.id),
        "lease_id": str(lease.id), "region_id": "", "occupations-0-code": "7514",
        "occupations-0-min_level": "trainee", "headcount": "12", "hours_per_week": "40",
        "wage_kzt": "120000", "min_months_left": "3", "publish": "y"})
    assert response.status_code == 302
    line = db.session.scalars(select(ProductionLine).where(
        ProductionLine.enterprise_id == enterprise.id)).one()
    assert (line.status, line.facility_id, line.lease_id) == ("open", world.facility_a.id, lease.id)
    home = client.get("/").get_data(as_text=True)
    assert "Консервный цех" in home and 'id="workers-count">0<' in home
    auth.logout()

    auth.login("inspector_a")
    assert "Консервный цех" in client.get("/").get_data(as_text=True)
    assert "Консервный цех" in client.get("/enterprises/lines").get_data(as_text=True)
    assert client.get(f"/enterprises/lines/{line.id}").status_code == 200
    auth.logout()
    auth.login("inspector_b")
    assert client.get(f"/enterprises/lines/{line.id}").status_code == 404
