"""The administrator sets the statutory norms on one page of three forms: each form's fields
are its own (two of them have a percent and a day), and a refused value is shown next to
that form's field only and saves nothing."""
import re

from sqlalchemy import select

from extensions import db
from reference.norms import DeductionCap, SavingsShare
from tests import factories
from tests.conftest import make_test_app
from tests.markup import error_near, problems_of


def test_the_savings_share_is_set_from_its_own_fields(world, client, auth):
    auth.login("admin")
    page = client.get("/compliance/norms").get_data(as_text=True)
    assert 'name="savings-percent"' in page and 'name="cap-percent"' in page
    assert problems_of(page) == []
    response = client.post("/compliance/norms/savings", data={
        "savings-percent": "15", "savings-effective_on": "2025-01-01"})
    assert response.status_code == 302
    share = db.session.scalars(select(SavingsShare)).one()
    assert (share.percent, share.effective_on.isoformat()) == (15, "2025-01-01")
    assert db.session.scalars(select(DeductionCap)).all() == []


def test_a_refused_share_is_shown_at_the_savings_form_only(world, client, auth):
    auth.login("admin")
    response = client.post("/compliance/norms/savings", data={
        "savings-percent": "101", "savings-effective_on": "2025-01-01"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "100" in (error_near(page, "savings-percent") or "")
    assert error_near(page, "cap-percent") is None
    assert db.session.scalars(select(SavingsShare)).all() == []


def test_a_second_share_on_the_same_day_is_refused_next_to_its_day(world, client, auth):
    auth.login("admin")
    data = {"savings-percent": "15", "savings-effective_on": "2025-01-01"}
    assert client.post("/compliance/norms/savings", data=data).status_code == 302
    response = client.post("/compliance/norms/savings", data={**data, "savings-percent": "20"})
    assert response.status_code == 422
    assert "already set" in (error_near(response.get_data(as_text=True),
                                        "savings-effective_on") or "")
    assert [s.percent for s in db.session.scalars(select(SavingsShare))] == [15]


def test_with_csrf_on_the_form_s_own_token_is_accepted_and_none_is_refused(database_url, app,
                                                                           world):
    client = make_test_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    login = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD,
                                "csrf_token": login})
    page = client.get("/compliance/norms").get_data(as_text=True)
    token = re.search(r'name="savings-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"savings-percent": "15", "savings-effective_on": "2025-01-01"}
    assert client.post("/compliance/norms/savings", data=data).status_code == 400
    assert db.session.scalars(select(SavingsShare)).all() == []
    response = client.post("/compliance/norms/savings",
                           data={**data, "savings-csrf_token": token})
    assert response.status_code == 302
    assert [s.percent for s in db.session.scalars(select(SavingsShare))] == [15]
