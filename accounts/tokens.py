"""Personal API tokens: make, list, revoke, and find the user a presented secret belongs to.

A token's secret is ``secrets.token_urlsafe(32)`` behind a fixed prefix (so leaked ones are
easy to recognise in logs and scanners); only its SHA-256 is stored. Services flush; the
request commits.
"""
import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from extensions import db
from timeutil import utcnow
from web.errors import InputError

from .models import ApiToken, User

SECRET_PREFIX = "pm_"
MAX_ACTIVE_TOKENS = 20


def digest(secret):
    """Return the stored form of a secret: its SHA-256, in hex."""
    return hashlib.sha256((secret or "").encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user, name, read_only=False, by=None):
    """Make a token for a user; return (token, secret). The secret is never kept."""
    name = (name or "").strip()
    if not name:
        raise InputError({"name": _("Give the token a name, for example the system that uses it.")})
    if len(name) > 80:
        raise InputError({"name": _("The name can be at most 80 characters long.")})
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise InputError({"name": ngettext("You have %(count)s active token: revoke it first.",
                                           "You have %(count)s active tokens: revoke one first.",
                                           MAX_ACTIVE_TOKENS, count=MAX_ACTIVE_TOKENS)})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, secret_sha256=digest(secret),
                     prefix=secret[:10], read_only=bool(read_only),
                     created_by_id=(by or user).id)
    db.session.add(token)
    db.session.flush()
    return token, secret


def active_tokens(user):
    """Return a user's tokens that are not revoked, newest first."""
    return db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(token):
    """Revoke a token; it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def user_of_secret(secret):
    """Return (token, user) for a presented secret, or None when unknown, revoked or its
    user is disabled."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    wanted = digest(secret)
    row = db.session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                             .where(ApiToken.secret_sha256 == wanted)).first()
    if row is None:
        return None
    token, user = row
    # The lookup was by the digest; compare again in constant time all the same.
    if not hmac.compare_digest(token.secret_sha256, wanted) or token.revoked_at is not None \
            or not user.is_enabled:
        return None
    return token, user
