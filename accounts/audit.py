"""Write audit events: with the request's transaction, or at once for denials and logins."""
from flask import has_request_context, request
from flask_login import current_user

from extensions import db
from timeutil import utcnow
from web.logging import note_denial

from .models import AuditEvent


def client_ip():
    """Return the client address as seen after the trusted proxy hops."""
    return request.remote_addr if has_request_context() else None


def _values(action, entity, entity_id, outcome, detail, user, login):
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    return {
        "at": utcnow(),
        "user_id": user.id if user is not None else None,
        "login": login if login is not None else (user.login if user is not None else None),
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "ip": client_ip(),
        "outcome": outcome,
        "detail": detail,
    }


def record(action, entity=None, entity_id=None, outcome="ok", detail=None, user=None, login=None):
    """Add an audit event to the current transaction; it lands when the request commits."""
    event = AuditEvent(**_values(action, entity, entity_id, outcome, detail, user, login))
    db.session.add(event)
    return event


def record_now(action, entity=None, entity_id=None, outcome="ok", detail=None, user=None,
               login=None):
    """Write an audit event in its own transaction, so it survives a refused request."""
    if action == "deny":
        note_denial(outcome)  # the application log gets a line for the refused answer too
    values = _values(action, entity, entity_id, outcome, detail, user, login)
    with db.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert().values(**values))
