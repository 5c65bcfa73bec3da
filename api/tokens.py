"""Who calls the API: the personal token in the Authorization header, never the session.

``authenticate`` runs before every other request hook. Under the API it sets Flask-Login's
user of the request to the token's user (or to anonymous), so the session cookie is never
read: ``current_user``, ``visible()`` and the ``@roles`` of each view then act exactly as
for that user's pages.
"""
import hashlib

from flask import g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from accounts import audit
from accounts.permissions import TOKEN_BLUEPRINTS
from accounts.tokens import user_of_secret

from .problems import Problem


def presented_secret():
    """Return the bearer token of the request, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_key():
    """Return what the rate limit counts by: the presented token (hashed), else the address."""
    secret = presented_secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "address:" + (request.remote_addr or "")


def is_api_request():
    """Say whether the request is for the API (its routes or its description)."""
    return request.blueprint in TOKEN_BLUEPRINTS


def authenticate():
    """Set the request's user from its API token (API requests only)."""
    if not is_api_request():
        return None
    found = user_of_secret(presented_secret())
    g.api_token = found[0] if found else None
    g._login_user = found[1] if found else AnonymousUserMixin()
    return None


def current_token():
    """Return the token of this API request (None when it presented none)."""
    return g.get("api_token")


def token_language():
    """Return the language of the token's user for API requests, else None."""
    token = g.get("api_token")
    if token is not None and is_api_request():
        return g._login_user.language
    return None


def require_writable():
    """Refuse a write with a read-only token (403, code read_only_token)."""
    token = current_token()
    if token is None or token.read_only:
        audit.record_now("deny", entity=request.endpoint, outcome="read_only_token")
        raise Problem(403, "read_only_token", detail=read_only_message())


def read_only_message():
    """Return the translated refusal of a write by a read-only token."""
    return _("This token is read-only: it may read, not write.")


def audit_call(response):
    """Write the audit event of an API call, as a page view writes one (after the answer)."""
    token = current_token()
    if token is None or not is_api_request():
        return response
    args = request.view_args or {}
    entity_id = next(iter(args.values()), None) if args else None
    outcome = "ok" if response.status_code < 400 else str(response.status_code)
    audit.record_now("view" if request.method == "GET" else "api_write",
                     entity=(request.endpoint or "")[:40], entity_id=entity_id, outcome=outcome,
                     detail=f"api token {token.id}: {request.method} {request.path}"[:500],
                     user=g._login_user)
    return response
