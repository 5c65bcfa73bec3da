"""The one permission API: who may use a route, and which rows a user may see.

Deny by default. The ``gate`` runs before every request and lets a request through only
when its view is marked ``@public`` or ``@roles(...)``:

- an undeclared view answers 403 to everyone (and writes a "deny" audit event);
- anonymous users get a redirect to the login page (GET) or 401 (other methods);
- ``@roles("admin", ...)`` answers 403 to any other role, or 404 when the URL names an
  object (so a URL never says whether something exists), and writes a "deny" audit event.

Rows: ``visible(Model)`` is the SQL condition of the rows the current user may see (the rules
live in scopes.py; a model without a rule is invisible to everyone but administrators),
``scoped(Model)`` is ``select(Model)`` limited by it, ``get_or_404(Model, id)`` loads one row
or answers 404 (auditing "deny" when the row exists but lies outside the user's scope), and
``can_see(obj)`` checks a row already loaded.

Views that take form fields which would widen a scope (role, facility_id, enterprise_id,
region_id, status) must read them only when ``current_user.role`` may set them.
"""
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import false, select, true

from extensions import db
from facilities.models import Facility

from . import audit
from .scopes import scope_clause

ALL_ROLES = frozenset({"admin", "analyst", "inspector", "owner", "probation_officer"})
# Blueprints whose callers are known by an API token, never by the session (api/tokens.py):
# an anonymous call is answered 401, not sent to the login page.
TOKEN_BLUEPRINTS = frozenset({"api", "api-docs"})
MAX_ID = 2**31 - 1  # larger numbers would overflow an INTEGER column on PostgreSQL


def public(view):
    """Mark a view as reachable without logging in."""
    view.access = "public"
    return view


def roles(*allowed):
    """Allow a view to the given roles only (after login)."""
    unknown = set(allowed) - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:  # the gate has already answered; belt and braces
                abort(401)
            if current_user.role not in allowed:
                audit.record_now("deny", entity=request.endpoint, outcome="forbidden")
                # A route about one object answers 404, as for another scope's object,
                # so that a URL says nothing about what exists.
                abort(404 if kwargs else 403)
            return view(*args, **kwargs)

        wrapper.access = frozenset(allowed)
        return wrapper

    return decorator


def access_of(endpoint):
    """Return 'public', a frozenset of roles, or None for an undeclared endpoint."""
    if endpoint == "static" or (endpoint or "").endswith(".static"):
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def gate():
    """Refuse any request whose view does not declare who may use it."""
    if request.endpoint is None:
        return None  # no route: the 404 handler answers
    access = access_of(request.endpoint)
    if access == "public":
        return None
    if not current_user.is_authenticated:
        if request.blueprint in TOKEN_BLUEPRINTS:
            abort(401)
        if request.method == "GET":
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        abort(401)
    if access is None:
        audit.record_now("deny", entity=request.endpoint, outcome="undeclared")
        abort(403)
    return None


def visible(model, user=None):
    """Return a SQL condition selecting the rows of ``model`` the user may see."""
    user = user or current_user
    if not getattr(user, "is_authenticated", False):
        return false()
    clause = scope_clause(model, user)
    if clause is True:
        return true()
    if clause is False or clause is None:
        return false()
    return clause


def scoped(model, user=None):
    """Return ``select(model)`` limited to what the user may see."""
    return select(model).where(visible(model, user))


def get_or_404(model, ident, user=None):
    """Load one row the user may see; otherwise answer 404 and audit a denial if it exists."""
    try:
        key = int(ident)
    except (TypeError, ValueError, OverflowError):
        abort(404)
    if isinstance(ident, bool) or not 0 < key <= MAX_ID:
        abort(404)
    obj = db.session.scalars(scoped(model, user).where(model.id == key)).first()
    if obj is None:
        if db.session.get(model, key) is not None:
            audit.record_now("deny", entity=model.__tablename__, entity_id=key,
                             outcome="out_of_scope")
        abort(404)
    return obj


def can_see(obj, user=None):
    """Say whether the user may see an already loaded row."""
    model = type(obj)
    row = db.session.execute(
        select(model.id).where(model.id == obj.id, visible(model, user))).first()
    return row is not None


def own_facility_id(user=None):
    """Return the facility an inspector works in, or None for other roles."""
    user = user or current_user
    return user.facility_id if user.role == "inspector" else None


def workable_facilities(user=None):
    """Return the facilities a user may keep people in: an inspector's own, or all."""
    query = select(Facility).order_by(Facility.code)
    facility_id = own_facility_id(user)
    if facility_id is not None:
        query = query.where(Facility.id == facility_id)
    return db.session.scalars(query).all()


def may_use(endpoint):
    """Say whether the current user's role may use a route (menus and links ask this)."""
    access = access_of(endpoint)
    if access is None and endpoint not in current_app.view_functions:
        raise LookupError(f"no route {endpoint}")
    if access == "public":
        return True
    return bool(access) and current_user.is_authenticated and current_user.role in access
