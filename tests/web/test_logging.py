"""The application log: a request id on every line, denials and 5xx answers, no personal value."""
import errno
import io
import json
import logging
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from accounts.permissions import public
from app import create_app
from extensions import db
from web.logging import exception_text

# Values that must never reach the log, whatever a view or a user does with them.
NAME, IIN, FILE_NUMBER = "Жұмабаев", "880101300123", "FN-777001"
PERSONAL = (NAME, IIN, FILE_NUMBER)
RID = "req-0123456789abcdef"


@contextmanager
def log_lines():
    """Collect what the configured handler writes (its own format and filter) as lines."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "marketplace")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    lines = []
    try:
        yield lines
    finally:
        handler.setStream(previous)
        lines.extend(buffer.getvalue().splitlines())


def _settings(app, **overrides):
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "test-secret-key-" + "x" * 32, "WTF_CSRF_ENABLED": False,
                # As in production: an unhandled exception becomes the 500 page, not a raise.
                "PROPAGATE_EXCEPTIONS": False}
    settings.update(overrides)
    return settings


def _failing_app(app, **overrides):
    """An app whose public views fail as an outage, a full disk and a bug would."""
    failing = create_app(_settings(app, **overrides))

    def outage():
        # What SQLAlchemy raises when the connection drops mid-request, parameters included.
        raise OperationalError("SELECT * FROM person WHERE last_name = %(name)s",
                               {"name": NAME, "iin": IIN}, Exception(f"lost {FILE_NUMBER}"))

    def full_disk():
        raise OSError(errno.ENOSPC, "No space left on device", f"/tmp/{NAME}.xlsx")

    def bug():
        raise KeyError(f"{NAME} {IIN}")

    for view in (outage, full_disk, bug):
        failing.add_url_rule(f"/fail/{view.__name__}", view.__name__, public(view))
    return failing


def _no_personal_value(lines):
    joined = "\n".join(lines)
    for value in PERSONAL + ("?", "name="):
        assert value not in joined, f"{value!r} reached the log:\n{joined}"


def _line_of(lines, *needles):
    found = [line for line in lines if all(needle in line for needle in needles)]
    assert found, f"no line with {needles!r} in:\n" + "\n".join(lines)
    return found[0]


def test_outage_full_disk_and_bug_each_leave_a_line_without_personal_values(app):
    failing = _failing_app(app)
    client = failing.test_client()
    query = f"?name={NAME}&iin={IIN}"
    with log_lines() as lines:
        outage = client.get("/fail/outage" + query, headers={"X-Request-ID": RID + "-1"})
        full = client.get("/fail/full_disk" + query, headers={"X-Request-ID": RID + "-2"})
        bug = client.get("/fail/bug" + query, headers={"X-Request-ID": RID + "-3"})
    assert (outage.status_code, full.status_code, bug.status_code) == (503, 507, 500)

    line = _line_of(lines, f"[{RID}-1]")
    assert " ERROR " in line and "database unavailable" in line and "status=503" in line
    assert "path=/fail/outage endpoint=outage" in line
    line = _line_of(lines, f"[{RID}-2]")
    assert " ERROR " in line and "disk full (ENOSPC)" in line and "status=507" in line
    line = _line_of(lines, f"[{RID}-3]")
    assert " ERROR " in line and "path=/fail/bug" in line
    # The bug's traceback follows its line: the frames and the type, not the message.
    tail = "\n".join(lines[lines.index(line):])
    assert "Traceback (most recent call last):" in tail and "in bug" in tail
    assert "KeyError (message withheld)" in tail
    # One line per failure: Flask's own line for the bug, nothing repeated after the response.
    assert sum(f"[{RID}-" in line for line in lines) == 3
    _no_personal_value(lines)


def test_a_dead_database_answers_503_and_is_logged(app):
    dead = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    failing = create_app(_settings(app, SQLALCHEMY_DATABASE_URI=dead))

    def count():
        return {"n": db.session.execute(text("SELECT 1")).scalar()}

    failing.add_url_rule("/fail/count", "count", public(count))
    client = failing.test_client()
    with log_lines() as lines:
        page = client.get("/fail/count", headers={"X-Request-ID": RID})
        health = client.get("/healthz", headers={"X-Request-ID": RID + "-health"})
    assert page.status_code == 503 and health.status_code == 503
    line = _line_of(lines, f"[{RID}]")
    assert "database unavailable (psycopg.OperationalError" in line and "status=503" in line
    # The health check answers 503 itself; it is logged as a 5xx all the same.
    assert "answered 503" in _line_of(lines, f"[{RID}-health]")
    assert "127.0.0.1" not in "\n".join(lines)  # the driver's message is not logged


def test_the_request_id_is_echoed_or_made(client):
    given = client.get("/login", headers={"X-Request-ID": RID})
    assert given.headers["X-Request-ID"] == RID
    made = [client.get("/login").headers["X-Request-ID"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in made) and made[0] != made[1]
    # An id that could break a line, carry data or flood the log is replaced.
    for unsafe in ("abc def 123456", "short", "x" * 65, f"{NAME}-123456"):
        echoed = client.get("/login", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert echoed != unsafe and re.fullmatch(r"[0-9a-f]{32}", echoed)
    # Error pages carry it too, so a user can quote it.
    assert client.get("/no-such-page", headers={"X-Request-ID": RID}).headers[
        "X-Request-ID"] == RID


def test_denials_are_logged_with_user_id_and_endpoint(app, client, auth, world):
    stranger = world.person_b  # at facility B, outside inspector_a's scope
    inspector = world.users.inspector_a
    with log_lines() as lines:
        auth.login("inspector_a")
        assert client.get(f"/people/{stranger.id}?q={NAME}",
                          headers={"X-Request-ID": RID + "-scope"}).status_code == 404
        assert client.get("/users", headers={"X-Request-ID": RID + "-role"}).status_code == 403
        assert client.get("/no-such-page", headers={"X-Request-ID": RID + "-missing"}
                          ).status_code == 404
        auth.logout()
        assert client.post("/logout", headers={"X-Request-ID": RID + "-anon"}).status_code == 401

    line = _line_of(lines, f"[{RID}-scope]")
    assert " WARNING " in line and "request denied status=404 reason=out_of_scope" in line
    assert f"path=/people/{stranger.id} endpoint=inmates.person user_id={inspector.id}" in line
    line = _line_of(lines, f"[{RID}-role]")
    assert "status=403 reason=forbidden" in line and f"user_id={inspector.id}" in line
    assert "reason=login required" in _line_of(lines, f"[{RID}-anon]")
    # A page that does not exist is not a denial.
    assert not [line for line in lines if f"[{RID}-missing]" in line]
    joined = "\n".join(lines)
    for value in (stranger.last_name, stranger.first_name, stranger.file_number, "inspector_a"):
        assert value not in joined
    _no_personal_value(lines)


def test_a_csrf_failure_is_logged_as_a_denial(app):
    guarded = create_app(_settings(app, WTF_CSRF_ENABLED=True))
    client = guarded.test_client()
    with log_lines() as lines:
        refused = client.post("/login", data={"login": NAME, "password": IIN},
                              headers={"X-Request-ID": RID})
    assert refused.status_code == 400
    line = _line_of(lines, f"[{RID}]", "request denied")
    assert "request denied status=400 reason=csrf" in line and "endpoint=accounts.login" in line
    _no_personal_value(lines)


def test_a_throttled_login_is_logged_without_the_login(client, world):
    with log_lines() as lines:
        for attempt in range(10):
            client.post("/login", data={"login": "inspector_a", "password": f"{IIN}-{attempt}"})
        locked = client.post("/login", data={"login": "inspector_a", "password": IIN},
                             headers={"X-Request-ID": RID})
    assert locked.status_code == 429
    line = _line_of(lines, f"[{RID}]")
    assert "status=429 reason=too many attempts" in line
    assert "inspector_a" not in "\n".join(lines)
    _no_personal_value(lines)


def test_production_writes_one_json_object_per_line(app):
    production = _failing_app(app, ENV_NAME="production")
    client = production.test_client()
    with log_lines() as lines:
        logging.getLogger("tests.outside").warning("outside any request")
        client.get("/fail/outage", headers={"X-Request-ID": RID})
        client.get(f"/fail/bug?iin={IIN}", headers={"X-Request-ID": RID + "-bug"})
    entries = [json.loads(line) for line in lines]  # every line is one whole JSON object
    assert {"time", "level", "logger", "request_id", "message"} <= set(entries[0])
    assert entries[0]["request_id"] == "-" and entries[0]["message"] == "outside any request"
    outage = next(e for e in entries if e["request_id"] == RID)
    assert outage["level"] == "ERROR" and outage["status"] == 503
    assert outage["endpoint"] == "outage" and outage["path"] == "/fail/outage"
    bug = next(e for e in entries if e["request_id"] == RID + "-bug")
    assert bug["level"] == "ERROR" and "KeyError (message withheld)" in bug["exception"]
    _no_personal_value(lines)


def test_lines_outside_a_request_show_a_dash(app):
    with log_lines() as lines:
        logging.getLogger("tests.outside").warning("import started")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING \[-\] tests\.outside: "
                    r"import started$", lines[0])


def test_tracebacks_keep_the_chain_of_types_but_no_message():
    try:
        try:
            int(NAME)
        except ValueError as error:
            raise RuntimeError(f"could not read {IIN}") from error
    except RuntimeError as error:
        caught = error
    rendered = exception_text((type(caught), caught, caught.__traceback__))
    assert rendered.index("ValueError (message withheld)") < rendered.index(
        "RuntimeError (message withheld)")
    assert NAME not in rendered.replace("int(NAME)", "") and IIN not in rendered
    disk = OSError(errno.ENOSPC, "No space left on device", f"/exports/{NAME}.xlsx")
    assert exception_text((OSError, disk, None)).endswith("OSError [ENOSPC] (message withheld)")


@pytest.mark.parametrize("level", ["DEBUG", "WARNING"])
def test_the_level_comes_from_the_configuration(app, level):
    create_app(_settings(app, LOG_LEVEL=level))
    assert logging.getLogger().level == getattr(logging, level)
