"""Administrators manage users; everyone manages their own profile; scope fields are ignored."""
from sqlalchemy import select

from accounts.models import AuditEvent, User
from extensions import db
from tests import factories

NEW_PASSWORD = "a much longer secret phrase"
EN = {"Accept-Language": "en"}


def _user(login):
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.login == login)).one()


def test_admin_lists_searches_and_filters_users(client, auth, world):
    auth.login("admin")
    page = client.get("/users")
    assert page.status_code == 200
    for login in ("admin", "inspector_a", "owner_b"):
        assert login.encode() in page.data
    found = client.get("/users?q=inspector")
    assert b"inspector_a" in found.data and b"owner_a" not in found.data
    owners = client.get("/users?role=owner")
    assert b"owner_a" in owners.data and b"inspector_a" not in owners.data
    assert client.get("/users?role=bogus&status=x&page=abc").status_code == 200


def test_users_list_paginates(client, auth, world):
    for n in range(60):
        factories.user("analyst", login=f"zz-analyst-{n:02d}")
    db.session.commit()
    auth.login("admin")
    first = client.get("/users")
    assert b"zz-analyst-59" not in first.data
    second = client.get("/users?page=2")
    assert b"zz-analyst-59" in second.data


def test_admin_creates_inspector_with_scope(client, auth, world):
    auth.login("admin")
    response = client.post("/users/new", data={
        "login": "Insp.New", "full_name": "", "role": "inspector",
        "facility_id": world.facility_b.id, "region_id": "", "enterprise_bin": "",
        "language": "kk", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    user = _user("insp.new")
    assert (user.role, user.facility_id, user.language) == ("inspector", world.facility_b.id, "kk")
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "create", AuditEvent.entity == "user",
        AuditEvent.entity_id == str(user.id))).one()
    client.post("/logout")
    assert auth.login("insp.new", NEW_PASSWORD).status_code == 302


def test_admin_create_owner_by_bin_and_scope_fields_of_other_roles_are_cleared(client, auth, world):
    auth.login("admin")
    response = client.post("/users/new", data={
        "login": "owner.new", "role": "owner", "enterprise_bin": world.sme_b.bin,
        "facility_id": world.facility_a.id, "region_id": world.facility_a.region_id,
        "language": "ru", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    user = _user("owner.new")
    assert (user.enterprise_id, user.facility_id, user.region_id) == (world.sme_b.id, None, None)


def test_user_form_refuses_bad_input_with_messages(client, auth, world):
    auth.login("admin")
    cases = [
        ({"role": "inspector", "facility_id": ""}, b"An inspector needs a facility."),
        ({"role": "owner", "enterprise_bin": ""}, b"A business owner needs the enterprise"),
        ({"role": "owner", "enterprise_bin": "000000000000"}, b"No enterprise has this BIN."),
        ({"role": "analyst", "new_password": "short", "confirm": "short"}, b"at least 12"),
        ({"role": "analyst", "new_password": "password12345", "confirm": "password12345"},
         b"too common"),
        ({"role": "analyst", "login": "inspector_a"}, b"This login is taken."),
        ({"role": "analyst", "facility_id": "99999999999"}, b"is-invalid"),
        ({"role": "analyst", "region_id": "-5"}, b"is-invalid"),
        ({"role": "analyst", "region_id": "abc"}, b"is-invalid"),
        ({"role": "superuser"}, b"is-invalid"),
    ]
    before = db.session.scalar(select(db.func.count(User.id)))
    for overrides, message in cases:
        data = {"login": "someone.new", "role": "analyst", "language": "ru",
                "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "facility_id": "",
                "region_id": "", "enterprise_bin": ""}
        data.update(overrides)
        response = client.post("/users/new", data=data)
        assert response.status_code == 400, overrides
        assert message in response.data, overrides
    assert db.session.scalar(select(db.func.count(User.id))) == before


def test_admin_edits_role_and_scope_and_sessions_end(app, client, auth, world):
    other = app.test_client()
    other.post("/login", data={"login": "inspector_a", "password": factories.PASSWORD})
    assert other.get("/").status_code == 200
    auth.login("admin")
    user_id = world.users.inspector_a.id
    assert client.get(f"/users/{user_id}").status_code == 200
    response = client.post(f"/users/{user_id}", data={
        "role": "analyst", "region_id": world.facility_b.region_id, "facility_id": "",
        "enterprise_bin": "", "language": "ru", "full_name": ""})
    assert response.status_code == 302
    user = _user("inspector_a")
    assert (user.role, user.facility_id, user.region_id) == ("analyst", None,
                                                             world.facility_b.region_id)
    assert other.get("/").status_code == 302  # the old scope's session is gone


def test_admin_cannot_change_own_role_or_deactivate_self(client, auth, world):
    auth.login("admin")
    admin_id = world.users.admin.id
    response = client.post(f"/users/{admin_id}", data={"role": "analyst", "language": "ru"})
    assert response.status_code == 400 and b"You cannot change your own role." in response.data
    client.post(f"/users/{admin_id}/deactivate")
    user = _user("admin")
    assert user.role == "admin" and user.is_enabled


def test_deactivate_and_reactivate(app, client, auth, world):
    victim = app.test_client()
    victim.post("/login", data={"login": "owner_a", "password": factories.PASSWORD})
    auth.login("admin")
    user_id = world.users.owner_a.id
    assert client.post(f"/users/{user_id}/deactivate").status_code == 302
    assert not _user("owner_a").is_enabled
    assert victim.get("/").status_code == 302
    failed = victim.post("/login", data={"login": "owner_a", "password": factories.PASSWORD})
    assert failed.status_code == 200 and victim.get("/").status_code == 302
    client.post(f"/users/{user_id}/reactivate")
    assert _user("owner_a").is_enabled
    assert victim.post("/login", data={"login": "owner_a",
                                       "password": factories.PASSWORD}).status_code == 302


def test_admin_resets_password_with_policy_and_sessions_end(app, client, auth, world):
    victim = app.test_client()
    victim.post("/login", data={"login": "analyst", "password": factories.PASSWORD})
    auth.login("admin")
    user_id = world.users.analyst.id
    weak = client.post(f"/users/{user_id}/password",
                       data={"new_password": "analyst-2024-x", "confirm": "analyst-2024-x"})
    assert weak.status_code == 400 and b"must not contain the login" in weak.data
    assert victim.get("/").status_code == 200
    assert client.post(f"/users/{user_id}/password", data={
        "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert victim.get("/").status_code == 302
    assert victim.post("/login", data={"login": "analyst", "password": NEW_PASSWORD}).status_code == 302


def test_unknown_or_huge_user_id_is_404(client, auth, world):
    auth.login("admin")
    assert client.get("/users/999999").status_code == 404
    assert client.get("/users/99999999999999999999").status_code == 404


def test_own_profile_changes_language_but_never_role_or_scope(client, auth, world):
    auth.login("inspector_a")
    assert client.get("/profile").status_code == 200
    response = client.post("/profile", data={
        "full_name": "New Name", "language": "en", "role": "admin", "status": "inactive",
        "facility_id": world.facility_b.id, "enterprise_id": world.sme_b.id,
        "region_id": world.facility_b.region_id, "is_enabled": "", "session_version": "1"})
    assert response.status_code == 302
    user = _user("inspector_a")
    assert (user.role, user.facility_id, user.enterprise_id, user.region_id, user.is_enabled) == (
        "inspector", world.facility_a.id, None, None, True)
    assert (user.full_name, user.language) == ("New Name", "en")
    assert client.get("/users").status_code == 403


def test_own_password_change_keeps_this_session_and_ends_others(app, client, auth, world):
    copy = app.test_client()
    copy.post("/login", data={"login": "owner_a", "password": factories.PASSWORD})
    auth.login("owner_a")
    wrong = client.post("/profile/password", data={
        "current_password": "not it at all", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and b"The current password is wrong." in wrong.data
    mismatch = client.post("/profile/password", data={
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": "other"})
    assert mismatch.status_code == 400 and b"do not match" in mismatch.data
    common = client.post("/profile/password", data={
        "current_password": factories.PASSWORD, "new_password": "Qwerty123456!",
        "confirm": "Qwerty123456!"})
    assert common.status_code == 400 and b"too common" in common.data
    assert copy.get("/").status_code == 200
    response = client.post("/profile/password", data={
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert copy.get("/").status_code == 302
    client.post("/logout")
    assert b"Wrong login" in client.post("/login", data={
        "login": "owner_a", "password": factories.PASSWORD}, headers=EN).data
    assert auth.login("owner_a", NEW_PASSWORD).status_code == 302
