"""Password policy: long enough, not the login, not a well-known password."""
import string
from functools import lru_cache
from pathlib import Path

from flask import has_request_context
from flask_babel import gettext

MIN_LENGTH = 12
_STRIP = str.maketrans("", "", string.digits + string.punctuation + " ")


def _(text, **values):
    """Translate in a request; the command line (no request, no language) reads English."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


def _bare(text):
    """Return text lower-cased with digits, punctuation and spaces removed."""
    return text.lower().translate(_STRIP)


@lru_cache(maxsize=1)
def common_passwords():
    """Return the common passwords, as typed and bare, all lower-cased."""
    path = Path(__file__).with_name("common_passwords.txt")
    words = {line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()}
    words.discard("")
    return frozenset(words | {_bare(word) for word in words} - {""})


def password_problems(password, login):
    """Return translated reasons the password is refused; an empty list means it is fine."""
    password = password or ""
    login = (login or "").strip().lower()
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("The password must have at least %(count)d characters.",
                          count=MIN_LENGTH))
    lowered = password.lower()
    if login and (lowered == login or login in lowered):
        problems.append(_("The password must not contain the login."))
    bare = _bare(password)
    if lowered.strip() in common_passwords() or (bare and bare in common_passwords()):
        problems.append(_("This password is too common. Choose another one."))
    return problems
