"""Sessions: a fresh one at login, every one ended by logout, timeouts, cookie flags, ?next=."""
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import RequestRedirect

import accounts.views
from config import from_environment
from extensions import db
from tests import factories
from tests.conftest import make_test_app
from timeutil import utcnow


def _copy_session(source, target):
    target.set_cookie("session", source.get_cookie("session").value)


def _logged_in(client):
    return client.get("/").status_code == 200


def test_login_starts_a_new_session(client, auth, world):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    auth.login("inspector_a")
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{world.users.inspector_a.id}:")


def test_session_cookie_flags(client, world):
    response = client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain HTTP


def test_session_cookie_secure_in_production(monkeypatch, database_url, world):
    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    assert from_environment("/tmp")["SESSION_COOKIE_SECURE"] is True
    app = make_test_app(database_url)
    response = app.test_client().post("/login", data={"login": "admin",
                                                      "password": factories.PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("ending", ["logout", "password", "deactivate", "reset"])
def test_every_session_ends_including_a_copied_cookie(app, client, auth, world, ending):
    auth.login("owner_a")
    thief = app.test_client()
    _copy_session(client, thief)
    assert _logged_in(thief)
    if ending == "logout":
        client.post("/logout")
    elif ending == "password":
        client.post("/profile/password", data={
            "current_password": factories.PASSWORD, "new_password": "another long passphrase",
            "confirm": "another long passphrase"})
    else:
        admin = app.test_client()
        admin.post("/login", data={"login": "admin", "password": factories.PASSWORD})
        user_id = world.users.owner_a.id
        if ending == "deactivate":
            admin.post(f"/users/{user_id}/deactivate")
        else:
            admin.post(f"/users/{user_id}/password", data={
                "new_password": "another long passphrase", "confirm": "another long passphrase"})
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _logged_in(client) or ending == "password"


def _clock(monkeypatch, start):
    state = {"now": start}
    monkeypatch.setattr(accounts.views, "utcnow", lambda: state["now"])
    return state


def test_idle_timeout_is_30_minutes(monkeypatch, client, auth, world):
    clock = _clock(monkeypatch, utcnow())
    auth.login("analyst")
    clock["now"] += timedelta(minutes=29)
    assert _logged_in(client)
    clock["now"] += timedelta(minutes=29)  # activity restarted the idle clock
    assert _logged_in(client)
    clock["now"] += timedelta(minutes=31)
    response = client.get("/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _logged_in(client)


def test_absolute_timeout_is_12_hours(monkeypatch, client, auth, world):
    clock = _clock(monkeypatch, utcnow())
    auth.login("analyst")
    for _step in range(28):  # active every 25 minutes for 11h40
        clock["now"] += timedelta(minutes=25)
        assert _logged_in(client)
    clock["now"] += timedelta(minutes=25)
    assert not _logged_in(client)


@pytest.mark.parametrize("target", [
    "//evil.com", "https://evil.com", "http://evil.com/x", "/\\evil.com", "\\\\evil.com",
    "javascript:alert(1)", "JavaScript:alert(1)", "evil.com", "///evil.com", "/\n/evil.com",
    "/\t/evil.com", "https:/evil.com", "data:text/html,x", " //evil.com"])
def test_next_never_leaves_the_site(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"login": "admin", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client, world):
    response = client.post("/login?next=/users%3Fpage%3D2",
                           data={"login": "admin", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/users?page=2"


def test_switching_language_on_a_refused_form_s_page_returns_to_the_page_it_was_on(
        client, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.commit()
    client.post("/login", data={"login": "inspector_a", "password": factories.PASSWORD})
    lines_page = f"/market/lines/{world.line_a.id}/placements"
    refused = client.post(f"/market/placements/{placement.id}/end",
                          data={"reason": "dismissed", "ended_on": "9999-12-31"},
                          headers={"Referer": f"http://localhost{lines_page}"})
    assert refused.status_code == 422
    back = re.search(r'name="next" value="([^"]*)"', refused.get_data(as_text=True)).group(1)
    assert back == lines_page
    switched = client.post("/language", data={"lang": "ru", "next": back})
    assert switched.headers["Location"] == lines_page
    assert client.get(switched.headers["Location"]).status_code == 200


@pytest.mark.parametrize("target", [
    "/market/placements/1/end", "/language", "/logout", "/no/such/page"])
def test_next_to_an_address_that_is_no_page_goes_home(client, world, target):
    response = client.post("/language", data={"lang": "ru", "next": target})
    assert response.headers["Location"] == "/"


PATHS = ["/", "/users", "/market/roster", "/market/placements/1/end", "/language", "/audit"]


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(target=st.one_of(st.text(max_size=40), st.sampled_from(PATHS),
                        st.tuples(st.sampled_from(PATHS), st.text(max_size=12)).map("".join)))
def test_the_switch_returns_only_to_a_page_of_this_site(app, client, target):
    response = client.post("/language", data={"lang": "ru", "next": target})
    location = response.headers["Location"]
    assert response.status_code == 302 and location.startswith("/")
    assert not location.startswith("//") and "\\" not in location
    try:
        app.url_map.bind("localhost").match(urlsplit(location).path, method="GET")
    except RequestRedirect:
        pass  # a page at its canonical address; anything else raises: no page


def test_anonymous_get_redirects_to_login_with_next(client, world):
    response = client.get("/users?q=x")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unknown_login_and_wrong_password_look_the_same(client, world):
    en = {"Accept-Language": "en"}
    unknown = client.post("/login", data={"login": "nobody", "password": "x" * 20}, headers=en)
    wrong = client.post("/login", data={"login": "admin", "password": "x" * 20}, headers=en)
    assert unknown.status_code == wrong.status_code == 200
    assert b"Wrong login or password." in unknown.data and b"Wrong login or password." in wrong.data


def test_language_chosen_on_the_login_page_is_kept_and_remembered(world, client):
    from accounts.models import User
    from extensions import db

    client.post("/language", data={"lang": "kk", "next": "/login"})
    client.post("/login", data={"login": "inspector_a", "password": "correct horse battery staple"})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="kk"' in page
    db.session.expire_all()
    assert db.session.get(User, world.users.inspector_a.id).language == "kk"
