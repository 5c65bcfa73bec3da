"""Uploads waiting between their preview and their confirmation, kept on the server.

The rows wait in IMPORT_FOLDER/<random token>.json, bound to the user who uploaded them
(and to a context, such as a line and month) and forgotten after a day; never in the
cookie. Roster, skills and wage imports all keep their previews here.
"""
import json
import os
import re
import secrets
import time
from datetime import date, datetime

from flask import current_app

from .reader import Row

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _folder():
    folder = current_app.config.get("IMPORT_FOLDER") or os.path.join(current_app.instance_path,
                                                                        "imports")
    os.makedirs(folder, exist_ok=True)
    return folder


def _jsonable(value):
    """Write a date or datetime cell as its day (json's hook for what it cannot write)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a kept cell cannot be {type(value).__name__}")


def keep(rows, present, user_id, filename, context=None):
    """Store read rows on the server for the confirmation; return the random token.

    ``context`` (JSON-able) must be given again to take them back: a wage sheet's line and
    month, so a token cannot be replayed against another line."""
    folder = _folder()
    for name in os.listdir(folder):  # forget abandoned previews
        path = os.path.join(folder, name)
        if time.time() - os.path.getmtime(path) > KEEP_SECONDS:
            os.remove(path)
    token = secrets.token_urlsafe(24)
    keys = list(dict.fromkeys(k for r in rows for k in r.values))  # every row's, in order
    payload = {"user_id": user_id, "filename": filename, "present": sorted(present),
               "context": context, "keys": keys,
               "rows": [[r.number, [r.values.get(k) for k in keys], r.errors] for r in rows]}
    # One string from json's C encoder (json.dump writes piece by piece in Python).
    text = json.dumps(payload, ensure_ascii=False, default=_jsonable)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as out:
        out.write(text)
    return token


def forget(token):
    """Remove a kept upload once saved."""
    if token and TOKEN.match(token):
        try:
            os.remove(os.path.join(_folder(), token + ".json"))
        except OSError:
            pass


def take(token, user_id, context=None):
    """Return (rows, present, filename) kept under a token for this user and context, or None."""
    if not token or not TOKEN.match(token):
        return None
    path = os.path.join(_folder(), token + ".json")
    try:
        with open(path, encoding="utf-8") as source:
            payload = json.load(source)
    except (OSError, ValueError):
        return None
    if (payload.get("user_id") != user_id or payload.get("context") != context
            or time.time() - os.path.getmtime(path) > KEEP_SECONDS):
        return None
    keys = payload.get("keys")
    if keys is None:  # kept before the rows were written as lists
        rows = [Row(number, values, errors) for number, values, errors in payload["rows"]]
    else:
        rows = [Row(number, dict(zip(keys, values)), errors)
                for number, values, errors in payload["rows"]]
    return rows, frozenset(payload["present"]), payload["filename"]
