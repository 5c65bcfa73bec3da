"""Login throttling per login and per client address, kept in the database."""
from datetime import timedelta

from sqlalchemy import func, select

import accounts.views
from accounts.models import AuditEvent, LoginAttempt
from extensions import db
from tests import factories
from timeutil import utcnow

EN = {"Accept-Language": "en"}
LOCKED = b"Too many failed login attempts"


def _login(client, login, password=factories.PASSWORD, ip="10.1.1.1", **headers):
    return client.post("/login", data={"login": login, "password": password},
                       headers={**EN, **headers}, environ_base={"REMOTE_ADDR": ip})


def _clock(monkeypatch):
    state = {"now": utcnow()}
    monkeypatch.setattr(accounts.views, "utcnow", lambda: state["now"])
    return state


def test_ten_failures_lock_the_login_even_with_the_right_password(monkeypatch, client, world):
    clock = _clock(monkeypatch)
    for attempt in range(10):
        response = _login(client, "inspector_a", f"wrong password {attempt}")
        assert response.status_code == 200 and LOCKED not in response.data
    locked = _login(client, "inspector_a")
    assert locked.status_code == 429 and LOCKED in locked.data
    assert client.get("/").status_code == 302
    # Other accounts are unaffected, from the same address too.
    assert _login(client, "inspector_b").status_code == 302
    client.post("/logout")
    clock["now"] += timedelta(minutes=14)
    assert _login(client, "inspector_a").status_code == 429
    clock["now"] += timedelta(minutes=16)
    assert _login(client, "inspector_a").status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(monkeypatch, client, world):
    clock = _clock(monkeypatch)
    for _attempt in range(12):
        _login(client, "owner_a", "wrong password here")
        clock["now"] += timedelta(minutes=2)
    assert _login(client, "owner_a").status_code == 302


def test_lock_is_case_insensitive_and_counts_unknown_logins(monkeypatch, client, world):
    _clock(monkeypatch)
    for attempt in range(10):
        _login(client, "Owner_A " if attempt % 2 else "OWNER_A", "wrong password here")
    assert _login(client, "owner_a").status_code == 429
    for _attempt in range(10):
        _login(client, "ghost", "wrong password here")
    assert LOCKED in _login(client, "ghost").data


def test_attempts_persist_and_are_audited_without_passwords(monkeypatch, client, world):
    _clock(monkeypatch)
    for _attempt in range(3):
        _login(client, "analyst", "Secret-Marker-4711")
    _login(client, "analyst")
    db.session.expire_all()
    attempts = db.session.execute(select(LoginAttempt.success, func.count()).where(
        LoginAttempt.login == "analyst").group_by(LoginAttempt.success)).all()
    assert dict(attempts) == {False: 3, True: 1}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert sorted(e.outcome for e in events) == ["failed", "failed", "failed", "ok"]
    assert all(e.ip == "10.1.1.1" and e.login == "analyst" for e in events)
    for event in events:
        assert "4711" not in " ".join(str(v) for v in vars(event).values())


def test_one_address_is_limited_and_spoofed_forwarded_for_does_not_help(monkeypatch, client, world):
    _clock(monkeypatch)
    for attempt in range(50):
        response = _login(client, f"guess{attempt}", "wrong password here", ip="10.9.9.9",
                          **{"X-Forwarded-For": f"192.0.2.{attempt}"})
        assert response.status_code == 200
    blocked = _login(client, "admin", ip="10.9.9.9", **{"X-Forwarded-For": "198.51.100.7"})
    assert blocked.status_code == 429 and LOCKED in blocked.data
    # Another client address logs in as usual.
    assert _login(client, "admin", ip="10.2.2.2").status_code == 302
    addresses = set(db.session.scalars(select(LoginAttempt.ip)))
    assert addresses == {"10.9.9.9", "10.2.2.2"}


def test_current_password_field_is_throttled_too(monkeypatch, client, auth, world):
    _clock(monkeypatch)
    auth.login("owner_b")
    for _attempt in range(10):
        response = client.post("/profile/password", data={
            "current_password": "wrong guess here", "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase"})
        assert response.status_code == 400
    blocked = client.post("/profile/password", data={
        "current_password": factories.PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert blocked.status_code == 429


def test_forwarded_for_is_trusted_only_behind_configured_proxies(monkeypatch, database_url, app,
                                                                 world):
    from tests.conftest import make_test_app

    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    proxied = make_test_app(database_url).test_client()
    _login(proxied, "admin", "wrong password here", ip="10.0.0.1",
           **{"X-Forwarded-For": "203.0.113.5"})
    monkeypatch.delenv("TRUSTED_PROXIES")
    direct = make_test_app(database_url).test_client()
    _login(direct, "admin", "wrong password here", ip="10.0.0.1",
           **{"X-Forwarded-For": "203.0.113.6"})
    db.session.expire_all()
    assert db.session.scalars(select(AuditEvent.ip).order_by(AuditEvent.id)).all() == [
        "203.0.113.5", "10.0.0.1"]
