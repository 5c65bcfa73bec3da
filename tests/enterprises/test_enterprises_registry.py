"""Enterprise registry: SME self-registration, BIN checks, approval, branches, scope."""
import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent, User
from enterprises.models import Enterprise
from extensions import db
from tests import factories

STRONG = "Quiet-Harbour-Lantern-58"


@pytest.fixture(autouse=True)
def english(app, monkeypatch):
    """Serve every page in English: the assertions quote the English messages."""
    monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda: "en")


def registration(**overrides):
    """Return registration form data that passes, with overrides."""
    data = {"name": "ТОО Жаңа Цех", "bin": "940140000385",
            "region_id": str(factories.region("KZ-71").id), "contact_phone": "+7 701 123 45 67",
            "login": "newowner", "full_name": "Айгерім Серікова", "password": STRONG,
            "password2": STRONG}
    data.update(overrides)
    return data


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("bin_number", ["940140000385", "990140004654", "061211600012"])
def test_registration_accepts_valid_bins(app, client, bin_number):
    response = client.post("/enterprises/register", data=registration(bin=bin_number))
    assert response.status_code == 302
    enterprise = db.session.scalars(select(Enterprise).where(Enterprise.bin == bin_number)).one()
    assert (enterprise.kind, enterprise.status) == ("sme", "pending")
    owner = db.session.scalars(select(User).where(User.login == "newowner")).one()
    assert (owner.role, owner.enterprise_id) == ("owner", enterprise.id)


@pytest.mark.parametrize("bad, message", [
    ("940140000386", "check digit"),      # last digit changed
    ("940140001385", "check digit"),      # a middle digit changed
    ("950140000385", "check digit"),      # the first digit changed
    ("94014000038", "12 digits"),         # too short
    ("9401400003851", "12 digits"),       # too long
    ("94014000038A", "digits only"),      # a letter
    ("BIN940140000", "digits only"),
])
def test_registration_rejects_bad_bins_next_to_the_field(app, client, bad, message):
    response = client.post("/enterprises/register", data=registration(bin=bad))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="bin-error"' in page and message in page
    assert count(Enterprise) == 0 and count(User) == 0


def test_taken_bin_and_login_are_explained(app, client, world):
    page = client.post("/enterprises/register",
                       data=registration(bin=world.sme_a.bin)).get_data(as_text=True)
    assert "already registered" in page
    page = client.post("/enterprises/register",
                       data=registration(login="owner_a")).get_data(as_text=True)
    assert "login is taken" in page
    # All or nothing: the refused login left no enterprise behind.
    assert db.session.scalar(select(func.count()).select_from(Enterprise).where(
        Enterprise.bin == "940140000385")) == 0


def test_weak_or_mismatched_password_refused(app, client):
    page = client.post("/enterprises/register", data=registration(
        password="short", password2="short")).get_data(as_text=True)
    assert 'id="password-error"' in page
    page = client.post("/enterprises/register", data=registration(
        password2=STRONG + "x")).get_data(as_text=True)
    assert "The two passwords differ." in page
    assert count(Enterprise) == 0


def test_user_creation_failure_rolls_back_the_enterprise(app, monkeypatch):
    from accounts.services import register_business

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("accounts.services.create_user", broken)
    with pytest.raises(RuntimeError):
        register_business("X", "940140000385", factories.region().id, None, "someone",
                          "Some One", STRONG)
    db.session.rollback()
    assert count(Enterprise) == 0


def test_pending_owner_logs_in_and_sees_status(app, client, auth):
    client.post("/enterprises/register", data=registration())
    assert auth.login("newowner", STRONG).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Pending approval" in page
    assert client.get("/enterprises/lines/new").status_code == 302
    assert count(Enterprise) == 1


def test_admin_approves_and_rejects_with_reason(app, client, auth, world):
    pending = factories.enterprise("sme", status="pending", name="Pending LLP")
    other = factories.enterprise("sme", status="pending", name="Other LLP")
    owner = factories.user("owner", login="pend_owner", enterprise_id=other.id)
    db.session.commit()
    auth.login("admin")
    # A rejection needs a reason.
    client.post(f"/enterprises/{other.id}/decide", data={"decision": "reject", "reason": ""})
    db.session.expire_all()
    assert db.session.get(Enterprise, other.id).status == "pending"
    client.post(f"/enterprises/{pending.id}/decide", data={"decision": "approve"})
    client.post(f"/enterprises/{other.id}/decide",
                data={"decision": "reject", "reason": "Documents do not match the BIN"})
    db.session.expire_all()
    assert db.session.get(Enterprise, pending.id).status == "approved"
    assert db.session.get(Enterprise, other.id).status == "rejected"
    auth.logout()
    auth.login(owner.login)
    page = client.get("/").get_data(as_text=True)
    assert "Rejected" in page and "Documents do not match the BIN" in page


def test_admin_creates_branch_and_service(app, client, auth, world):
    auth.login("admin")
    response = client.post("/enterprises/new", data={
        "kind": "state_branch", "name": "Филиал Еңбек-Өскемен", "bin": "990140004654",
        "region_id": str(factories.region("KZ-63").id), "parent": "enbek_oskemen",
        "facility_id": ""})
    assert response.status_code == 302
    branch = db.session.scalars(select(Enterprise).where(Enterprise.bin == "990140004654")).one()
    assert (branch.kind, branch.parent, branch.status) == ("state_branch", "enbek_oskemen",
                                                           "approved")
    # A second service for the same facility is refused next to the field.
    page = client.post("/enterprises/new", data={
        "kind": "facility_service", "name": "Second service", "bin": "061211600012",
        "region_id": str(factories.region().id), "parent": "",
        "facility_id": str(world.facility_a.id)}).get_data(as_text=True)
    assert 'id="facility_id-error"' in page
    page = client.post("/enterprises/new", data={
        "kind": "state_branch", "name": "No parent", "bin": "061211600012",
        "region_id": str(factories.region().id), "parent": "", "facility_id": ""}
    ).get_data(as_text=True)
    assert 'id="parent-error"' in page


def test_enterprise_list_search_filter_sort(app, client, auth, world):
    auth.login("admin")
    page = client.get("/enterprises/?q=тігін").get_data(as_text=True)
    assert "ТОО Тігін" in page and "ТОО Бетон" not in page
    page = client.get(f"/enterprises/?q={world.sme_b.bin}").get_data(as_text=True)
    assert "ТОО Бетон" in page and "ТОО Тігін" not in page
    page = client.get("/enterprises/?kind=state_branch&sort=-name").get_data(as_text=True)
    assert "Филиал Еңбек" in page and "ТОО Бетон" not in page
    assert client.get("/enterprises/?status=bogus&sort=nope&page=x").status_code == 200
    auth.logout()
    auth.login("analyst_kz71")
    page = client.get("/enterprises/").get_data(as_text=True)
    assert "ТОО Тігін" in page and "ТОО Бетон" not in page


def test_owner_cannot_see_another_enterprise(app, client, auth, world):
    auth.login("owner_a")
    assert client.get(f"/enterprises/{world.sme_a.id}").status_code == 200
    assert client.get(f"/enterprises/{world.sme_b.id}").status_code == 404
    assert client.get("/enterprises/").status_code == 403
    denied = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "deny", AuditEvent.entity == "enterprise",
        AuditEvent.entity_id == str(world.sme_b.id))).all()
    assert denied
