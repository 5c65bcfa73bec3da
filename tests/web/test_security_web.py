"""Web protections: CSRF, security headers on every response, friendly error pages."""
import re

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent, LoginAttempt, User
from accounts.permissions import public
from extensions import db
from tests import factories
from tests.conftest import make_test_app

TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
EN = {"Accept-Language": "en"}


def _token(client, path):
    return TOKEN.search(client.get(path).data).group(1).decode()


def _rows(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def csrf_client(database_url, app):
    return make_test_app(database_url, WTF_CSRF_ENABLED=True).test_client()


def _csrf_login(client, login):
    return client.post("/login", data={"login": login, "password": factories.PASSWORD,
                                       "csrf_token": _token(client, "/login")})


def test_login_without_or_with_a_wrong_token_is_refused(csrf_client, world):
    for token in (None, "forged-token", _token(csrf_client, "/login")[:-4] + "AAAA"):
        data = {"login": "admin", "password": factories.PASSWORD}
        if token:
            data["csrf_token"] = token
        assert csrf_client.post("/login", data=data).status_code == 400
    assert _rows(LoginAttempt) == 0 and _rows(AuditEvent) == 0
    assert csrf_client.get("/").status_code == 302
    assert _csrf_login(csrf_client, "admin").status_code == 302


def test_state_changes_without_a_valid_token_are_refused_and_write_nothing(csrf_client, world):
    _csrf_login(csrf_client, "admin")
    events = _rows(AuditEvent)
    user_id = world.users.owner_a.id
    for token in (None, "forged-token"):
        data = {"csrf_token": token} if token else {}
        requests = [
            ("/profile", {**data, "full_name": "Changed", "language": "kk"}),
            (f"/users/{user_id}/deactivate", data),
            (f"/users/{user_id}/password", {**data, "new_password": "x" * 20, "confirm": "x" * 20}),
            ("/logout", data),
            ("/language", {**data, "lang": "kk"}),
        ]
        for path, body in requests:
            assert csrf_client.post(path, data=body).status_code == 400, path
    db.session.expire_all()
    admin, owner = db.session.get(User, world.users.admin.id), db.session.get(User, user_id)
    assert admin.full_name == "" and admin.language == "en"
    assert owner.is_enabled and owner.session_version == 1
    assert _rows(AuditEvent) == events
    assert csrf_client.get("/").status_code == 200  # the refused logout did not log out
    token = _token(csrf_client, "/profile")
    assert csrf_client.post("/profile", data={"csrf_token": token, "full_name": "Changed",
                                              "language": "ru"}).status_code == 302


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.fixture
def boom_app(database_url, app):
    boom = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=2048)

    @public
    def explode():
        """Fail like a bug would."""
        raise RuntimeError("internal-detail-XYZ in /srv/app/secret.py")

    boom.add_url_rule("/boom-for-tests", "explode", explode)
    return boom


def test_a_crash_gives_a_500_page_without_traceback(boom_app, world):
    response = boom_app.test_client().get("/boom-for-tests", headers=EN)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    for leak in ("Traceback", "internal-detail-XYZ", "secret.py", "RuntimeError"):
        assert leak not in body
    _assert_security_headers(response)


def test_too_large_request_gives_a_friendly_413(boom_app, world):
    response = boom_app.test_client().post(
        "/login", data={"login": "admin", "password": "x" * 10_000}, headers=EN)
    assert response.status_code == 413
    assert b"too large" in response.data and b"Traceback" not in response.data
    _assert_security_headers(response)
    assert _rows(LoginAttempt) == 0


def test_security_headers_on_every_kind_of_response(client, auth, world):
    responses = [client.get("/login"), client.get("/users"), client.post("/logout"),
                 client.get("/no-such-page"), client.get("/static/css/app.css")]
    auth.login("analyst")
    responses += [client.get("/"), client.get("/users"), client.get("/users/1"),
                  client.get("/login", headers={"Accept": "application/json"})]
    assert [r.status_code for r in responses] == [200, 302, 401, 404, 200, 200, 403, 404, 200]
    for response in responses:
        _assert_security_headers(response)
    assert responses[5].headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("language, text", [("ru", "Страница не найдена."),
                                            ("kk", "Бет табылмады."), ("en", "Page not found.")])
def test_error_pages_in_the_users_language(client, world, language, text):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_error_page_follows_the_logged_in_users_language(client, auth, world):
    world.users.owner_a.language = "kk"
    db.session.commit()
    auth.login("owner_a")
    assert "Бет табылмады." in client.get("/no-such-page").get_data(as_text=True)


def test_denied_and_forbidden_pages_show_no_details(client, auth, world):
    auth.login("owner_a")
    response = client.get("/audit", headers=EN)
    assert response.status_code == 403
    assert b"You do not have access to this page." in response.data


def test_a_view_that_declares_no_access_is_refused_to_everyone(database_url, app, world):
    undeclared = make_test_app(database_url)

    def forgotten():
        """A view whose author forgot @roles."""
        return "secret page"

    undeclared.add_url_rule("/forgotten-for-tests", "forgotten", forgotten, methods=["GET", "POST"])
    client = undeclared.test_client()
    assert client.get("/forgotten-for-tests").status_code == 302  # anonymous: log in first
    assert client.post("/forgotten-for-tests").status_code == 401
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    response = client.get("/forgotten-for-tests")
    assert response.status_code == 403 and b"secret page" not in response.data
    db.session.expire_all()
    denial = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deny")).one()
    assert (denial.login, denial.entity, denial.outcome) == ("admin", "forgotten", "undeclared")
