"""Users: create, authenticate, end sessions. Services flush; the request commits."""
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from timeutil import utcnow

from .models import User


def hash_password(password):
    """Hash a password with scrypt (tests may configure cheaper parameters)."""
    return generate_password_hash(password, method=current_app.config.get(
        "PASSWORD_HASH_METHOD", "scrypt"))


def create_user(login, password, role, facility_id=None, enterprise_id=None, region_id=None,
                full_name="", language="ru"):
    """Create a user and flush it."""
    user = User(login=login.strip().lower(), password_hash=hash_password(password), role=role,
                facility_id=facility_id, enterprise_id=enterprise_id, region_id=region_id,
                full_name=full_name, language=language)
    db.session.add(user)
    db.session.flush()
    return user


def find_user(login):
    """Return the user with this login, or None."""
    return db.session.scalars(select(User).where(User.login == (login or "").strip().lower())).first()


def check_password(user, password):
    """Say whether the password is the user's."""
    return check_password_hash(user.password_hash, password or "")


def end_all_sessions(user):
    """Invalidate every session of the user, copied cookies included."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def set_password(user, password):
    """Change a user's password and end their sessions."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)


def load_session_user(identity):
    """Return the user for a session identity 'id:version', or None if stale."""
    try:
        user_id, version = (int(part) for part in str(identity).split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.is_enabled:
        return None
    return user
