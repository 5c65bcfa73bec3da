"""The audit log: append-only, read and exported by administrators, free of secrets."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import delete, func, select, update

from accounts import audit
from accounts.models import AuditEvent
from extensions import db
from tests.factories import PASSWORD
from tests.markup import error_near


def _event(**values):
    values.setdefault("action", "update")
    values.setdefault("at", datetime(2024, 5, 10, 12, 0))
    event = AuditEvent(**values)
    db.session.add(event)
    return event


def _events():
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_audit_events_are_append_only(app, world):
    event = _event(login="admin", entity="user", entity_id="1")
    db.session.commit()
    event.outcome = "changed"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    for statement in (update(AuditEvent).values(outcome="x"), delete(AuditEvent)):
        with pytest.raises(PermissionError):
            db.session.execute(statement)
        db.session.rollback()
    assert [e.outcome for e in _events()] == ["ok"]


def test_record_writes_who_what_where_and_outcome(app, client, world):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.3.3.3"}):
        audit.record("update", entity="line", entity_id=world.line_a.id,
                     user=world.users.owner_a)
        db.session.commit()
        audit.record_now("deny", entity="person", entity_id=7, outcome="out_of_scope")
    line, deny = _events()
    assert (line.user_id, line.login, line.action, line.entity, line.entity_id, line.ip,
            line.outcome) == (world.users.owner_a.id, "owner_a", "update", "line",
                              str(world.line_a.id), "10.3.3.3", "ok")
    assert line.at is not None and deny.outcome == "out_of_scope" and deny.user_id is None


def test_admin_reads_the_log_with_filters_and_pages(client, auth, world):
    for n in range(60):
        _event(login="inspector_a", action="view", entity="person", entity_id=str(n),
               at=datetime(2024, 5, 1) + timedelta(hours=n))
    _event(login="owner_a", action="export", entity="wages", at=datetime(2024, 6, 1))
    db.session.commit()
    auth.login("admin")
    everything = client.get("/audit")
    assert everything.status_code == 200
    page_two = client.get("/audit?login=inspector_a&page=2")
    assert page_two.status_code == 200 and page_two.data.count(b"<td>View</td>") == 10
    exports = client.get("/audit?action=export")
    assert b"owner_a" in exports.data and b"<td>View</td>" not in exports.data
    by_entity = client.get("/audit?entity=wages&login=OWNER_A")
    assert b"<td>Export</td>" in by_entity.data
    dated = client.get("/audit?date_from=2024-05-02&date_to=2024-05-02&login=inspector_a")
    assert dated.data.count(b"<td>View</td>") == 24
    bad = client.get("/audit?date_from=not-a-date&page=-3")
    assert bad.status_code == 200
    # An action that is no choice of the filter is refused next to it and the log is shown whole.
    unknown = client.get("/audit?action=bogus").get_data(as_text=True)
    assert error_near(unknown, "action") and "owner_a" in unknown and "inspector_a" in unknown


def test_the_log_names_actions_and_outcomes_in_the_reader_s_language(client, auth, world):
    _event(login="inspector_a", action="view", entity="person", entity_id="7")
    _event(login=None, action="deny", entity="person", entity_id="8", outcome="out_of_scope")
    db.session.commit()
    auth.login("admin")
    client.post("/language", data={"lang": "kk", "next": "/audit"})
    page = client.get("/audit").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert {"Қарау", "Бас тарту", "Орындалды", "Пайдаланушының қолжетімділік аясынан тыс"} <= set(cells)
    assert not {"view", "deny", "ok", "out_of_scope"} & set(cells)
    # The export keeps the codes, for whoever analyses the log.
    assert "out_of_scope" in client.get("/audit.csv").get_data(as_text=True)


def test_only_administrators_read_or_export_the_log(client, auth, world):
    for login in ("analyst", "inspector_a", "owner_a"):
        auth.login(login)
        assert client.get("/audit").status_code == 403
        assert client.get("/audit.csv").status_code == 403
        client.post("/logout")


def test_csv_export_is_neutralised_named_by_the_server_uncached_and_audited(client, auth, world):
    _event(login="admin", action="update", entity="line", entity_id="5",
           detail="=HYPERLINK(\"http://evil\")")
    _event(login="owner_a", action="view", entity="person", entity_id="6", detail="@SUM(A1)")
    db.session.commit()
    auth.login("admin")
    response = client.get("/audit.csv?filename=../../etc/passwd&action=update")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-') and "passwd" not in disposition
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["at", "login", "action", "entity", "entity_id", "ip", "outcome", "detail"]
    details = [row[7] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in details and "@SUM(A1)" not in details
    exports = [e for e in _events() if e.action == "export"]
    assert [(e.login, e.entity) for e in exports] == [("admin", "audit_event")]


def test_no_password_or_personal_value_reaches_the_log(app, client, auth, world):
    marker = "Zq-Marker-93817"
    wrong = f"wrong password {marker}"
    client.post("/login", data={"login": "inspector_a", "password": wrong})
    client.post("/login", data={"login": wrong, "password": wrong})  # a password typed as login
    auth.login("inspector_a")
    if "inmates.person" in app.view_functions:
        with app.test_request_context():
            own = url_for("inmates.person", person_id=world.person_a.id)
            other = url_for("inmates.person", person_id=world.person_b.id)
        assert client.get(own).status_code == 200
        assert client.get(other).status_code == 404
    client.post("/profile/password", data={"current_password": wrong, "new_password": "x" * 20,
                                           "confirm": "x" * 20})
    client.post("/logout")
    auth.login("admin")
    client.post(f"/users/{world.users.owner_a.id}/password", data={
        "new_password": f"new secret {marker}", "confirm": f"new secret {marker}"})
    client.get("/audit.csv")
    secrets = [marker, PASSWORD, world.person_a.last_name, world.person_b.last_name,
               world.person_a.file_number, world.person_b.first_name]
    events = _events()
    assert len(events) >= 6
    for event in events:
        text = " ".join(str(getattr(event, column.key)) for column in AuditEvent.__table__.columns)
        for secret in secrets:
            assert secret.lower() not in text.lower(), (secret, text)
    if "inmates.person" in app.view_functions:
        views = [e for e in events if e.action == "view" and e.entity == "person"]
        assert [e.entity_id for e in views] == [str(world.person_a.id)]


def test_failed_logins_for_very_long_or_odd_logins_are_audited_safely(client, world):
    response = client.post("/login", data={"login": "x" * 60, "password": "y" * 20})
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.outcome == "failed")) == 1
