"""Idempotent writes: the same ``Idempotency-Key`` twice writes once.

The key's row is the first thing a write inserts, in the write's own transaction, under the
unique constraint (user, key) of ``idempotent_request``. A second request with the key
either finds the row (the first has committed) or waits on the constraint until the first
commits and is refused it; either way it answers what the first answered and writes
nothing. If the first is refused, its row goes with its rollback and the key stays free.
"""
import hashlib
import json

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db

from .models import IdempotentRequest
from .problems import Problem

REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint():
    """Return the SHA-256 of what the request asks: method, path, query string and body."""
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _stored(user_id, key):
    return db.session.scalars(select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)).first()


def _replay(row, wanted):
    if row.fingerprint != wanted:
        raise Problem(422, "idempotency_key_reused", detail=_(
            "This Idempotency-Key was used for another request. Use a new key for each "
            "different write."))
    response = current_app.response_class(row.response_body, status=row.status_code,
                                          mimetype="application/json")
    response.headers[REPLAYED_HEADER] = "true"
    return response


def claim(user, key):
    """Take the key for this request; return the stored answer to replay, or None to go on
    and write (then ``finish`` stores the answer in the same transaction)."""
    wanted = fingerprint()
    row = _stored(user.id, key)
    if row is not None:
        db.session.rollback()
        return _replay(row, wanted)
    claimed = IdempotentRequest(user_id=user.id, key=key, fingerprint=wanted)
    db.session.add(claimed)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request with this key was first; it has committed by now.
        db.session.rollback()
        row = _stored(user.id, key)
        if row is None:  # it was refused and rolled back: nothing to replay, try again
            raise Problem(409, "conflict") from None
        return _replay(row, wanted)
    return claimed


def finish(claimed, status, body):
    """Store the answer of a claimed key with the write; return the response."""
    text = json.dumps(body, ensure_ascii=False, default=str)
    claimed.status_code, claimed.response_body = status, text
    db.session.flush()
    return current_app.response_class(text, status=status, mimetype="application/json")
