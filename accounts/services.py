"""Users: create, change, authenticate, throttle, end sessions. Services flush; the request commits."""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from enterprises.services import bin_taken, create_pending_sme
from extensions import db
from timeutil import utcnow
from web.errors import InputError

from .models import LoginAttempt, User
from .passwords import password_problems

# Throttling (DESIGN.md section 6): per login and per client address, counted in the database
# so every worker process sees the same attempts.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCK = timedelta(minutes=15)
MAX_LOGIN_FAILURES = 10
MAX_ADDRESS_FAILURES = 50

# Which scope column each role carries: required, allowed.
SCOPE_OF_ROLE = {
    "inspector": ("facility_id", {"facility_id"}),
    "owner": ("enterprise_id", {"enterprise_id"}),
    "analyst": (None, {"region_id"}),
    "admin": (None, set()),
    "probation_officer": ("probation_service_id", {"probation_service_id"}),
}
SCOPE_FIELDS = ("facility_id", "enterprise_id", "region_id", "probation_service_id")


class PasswordRejected(ValueError):
    """A new password breaks the password policy; ``problems`` holds the reasons."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def hash_password(password):
    """Hash a password with scrypt (tests may configure cheaper parameters)."""
    return generate_password_hash(password, method=current_app.config.get(
        "PASSWORD_HASH_METHOD", "scrypt"))


def normal_login(login):
    """Return a login as stored: stripped and lower-cased."""
    return (login or "").strip().lower()


def scope_for_role(role, facility_id=None, enterprise_id=None, region_id=None,
                   probation_service_id=None):
    """Return the scope columns a role keeps (others set to None), or raise ValueError."""
    required, allowed = SCOPE_OF_ROLE[role]
    given = {"facility_id": facility_id, "enterprise_id": enterprise_id, "region_id": region_id,
             "probation_service_id": probation_service_id}
    if required and given[required] is None:
        raise ValueError(required)
    return {name: (value if name in allowed else None) for name, value in given.items()}


def create_user(login, password, role, facility_id=None, enterprise_id=None, region_id=None,
                full_name="", language="ru", probation_service_id=None):
    """Create a user and flush it."""
    user = User(login=normal_login(login), password_hash=hash_password(password), role=role,
                facility_id=facility_id, enterprise_id=enterprise_id, region_id=region_id,
                probation_service_id=probation_service_id, full_name=full_name,
                language=language)
    db.session.add(user)
    db.session.flush()
    return user


def create_checked_user(login, password, role, **fields):
    """Create a user after enforcing the password policy and the role's scope."""
    problems = password_problems(password, login)
    if problems:
        raise PasswordRejected(problems)
    scope = scope_for_role(role, **{name: fields.pop(name, None) for name in SCOPE_FIELDS})
    return create_user(login, password, role, **scope, **fields)


def register_business(name, bin_number, region_id, contact_phone, login, full_name, password,
                      language="ru"):
    """Create a pending SME and its owner's account together; return (enterprise, user)."""
    errors = {"bin": bin_taken(bin_number)}
    if find_user(login) is not None:
        errors["login"] = _("This login is taken. Choose another one.")
    errors = {name: message for name, message in errors.items() if message}
    if errors:
        raise InputError(errors)
    enterprise = create_pending_sme(name, bin_number, region_id, contact_phone)
    user = create_user(login, password, "owner", enterprise_id=enterprise.id,
                       full_name=full_name.strip(), language=language)
    return enterprise, user


def update_user(user, role, full_name, language, **scope):
    """Change a user's role, scope, name and language; a new role or scope ends their sessions."""
    scope = scope_for_role(role, **scope)
    changed = role != user.role or any(getattr(user, name) != value for name, value in scope.items())
    user.role = role
    for name, value in scope.items():
        setattr(user, name, value)
    user.full_name = full_name or ""
    user.language = language
    if changed:
        end_all_sessions(user)
    db.session.flush()
    return changed


def set_enabled(user, enabled):
    """Deactivate (ending every session) or reactivate a user."""
    user.is_enabled = enabled
    if not enabled:
        end_all_sessions(user)
    db.session.flush()


def user_names(user_ids):
    """Return {user id: full name, or login when there is none} of some users, in one query."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.id: user.full_name or user.login
            for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def find_user(login):
    """Return the user with this login, or None."""
    return db.session.scalars(select(User).where(User.login == normal_login(login))).first()


def check_password(user, password):
    """Say whether the password is the user's."""
    return check_password_hash(user.password_hash, password or "")


def authenticate(login, password):
    """Return the enabled user with this login and password, or None.

    An unknown login costs one hash too, so the answer time does not tell which logins exist.
    """
    user = find_user(login)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password(user, password) or not user.is_enabled:
        return None
    return user


def _dummy_hash():
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    cache = current_app.extensions.setdefault("accounts_dummy_hash", {})
    if method not in cache:
        cache[method] = generate_password_hash("not a password of anyone", method=method)
    return cache[method]


def end_all_sessions(user):
    """Invalidate every session of the user, copied cookies included."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def set_password(user, password):
    """Change a user's password (after the policy check) and end their sessions."""
    problems = password_problems(password, user.login)
    if problems:
        raise PasswordRejected(problems)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)


def load_session_user(identity):
    """Return the user for a session identity 'id:version', or None if stale."""
    try:
        user_id, version = (int(part) for part in str(identity).split(":"))
    except ValueError:
        return None
    if not 0 < user_id < 2**31:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.is_enabled:
        return None
    return user


def _failure_times(condition, since):
    return list(db.session.scalars(
        select(LoginAttempt.at).where(condition, LoginAttempt.success.is_(False),
                                      LoginAttempt.at >= since)
        .order_by(LoginAttempt.at).limit(5000)))


def attempt_key(login):
    """Return the name a login attempt is counted under.

    A login that is no account's may be a password typed into the wrong field, so only a
    keyed hash of it is stored; it still counts attempts against that same text.
    """
    login = normal_login(login)
    if find_user(login) is not None:
        return login[:60]
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), login.encode(), hashlib.sha256)
    return "?" + digest.hexdigest()[:40]


def login_locked_until(login, now=None):
    """Return when the lock on a login ends, or None when it is not locked.

    A login is locked for LOGIN_LOCK after its MAX_LOGIN_FAILURES-th failure within
    LOGIN_WINDOW; attempts made during a lock are failures too, so guessing keeps it locked.
    """
    now = now or utcnow()
    times = _failure_times(LoginAttempt.login == attempt_key(login),
                           now - LOGIN_WINDOW - LOGIN_LOCK)
    until = None
    for first, last in zip(times, times[MAX_LOGIN_FAILURES - 1:]):
        if last - first <= LOGIN_WINDOW:
            until = max(until or last, last + LOGIN_LOCK)
    return until if until and until > now else None


def address_blocked(ip, now=None):
    """Say whether a client address failed too often in the last window."""
    now = now or utcnow()
    count = db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.ip == (ip or ""), LoginAttempt.success.is_(False),
        LoginAttempt.at >= now - LOGIN_WINDOW))
    return count >= MAX_ADDRESS_FAILURES


def record_attempt(login, ip, success, now=None):
    """Store a login attempt in its own transaction, so it persists when the request fails."""
    with db.engine.begin() as connection:
        connection.execute(LoginAttempt.__table__.insert().values(
            login=attempt_key(login), ip=(ip or "")[:45], success=success,
            at=now or utcnow()))


def search_users(query="", role="", status=""):
    """Return a select of users matching a text, a role and a status, ordered by login."""
    statement = select(User)
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(or_(User.login.like(pattern),
                                        func.lower(User.full_name).like(pattern)))
    if role:
        statement = statement.where(User.role == role)
    if status == "active":
        statement = statement.where(User.is_enabled.is_(True))
    elif status == "inactive":
        statement = statement.where(User.is_enabled.is_(False))
    return statement.order_by(User.login)
