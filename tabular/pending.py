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

import orjson
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
    """Write a date or datetime cell as its day (the writers' hook for what they pass on)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a kept cell cannot be {type(value).__name__}")


# A line written by json instead of orjson starts with this mark: orjson would read the
# integers of more than 64 bits on it back as floats.
JSON_LINE = b"~"


def _dumps(value, days=False):
    """Return ``value`` as one line of JSON bytes, written by orjson's encoder (several times
    json's speed for the 50,000 rows of an import at the row cap); what orjson refuses and
    json writes, an integer of more than 64 bits from a hostile cell, goes through json, on a
    line marked for ``_loads``.

    A date or datetime is written as its day. With ``days`` the value holds dates and never
    a datetime, and orjson writes them itself (as YYYY-MM-DD), without a call back per date."""
    try:
        if days:
            return orjson.dumps(value)
        return orjson.dumps(value, default=_jsonable, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except orjson.JSONEncodeError:
        return JSON_LINE + json.dumps(value, ensure_ascii=False, default=_jsonable).encode()


def _loads(line):
    """Read a line written by ``_dumps``."""
    if line.startswith(JSON_LINE):
        return json.loads(line[len(JSON_LINE):])
    return orjson.loads(line)


def store(header, chunks, user_id, context=None, days=False):
    """Store rows on the server for a confirmation; return the random token.

    ``header`` (a JSON-able dict) is written first, then each chunk of ``chunks`` (lists of
    JSON-able rows; dates are written as their day) on a line of its own, so neither the
    writer nor the reader ever holds the whole upload as JSON. ``context`` (JSON-able) must
    be given again to take the rows back: a wage sheet's line and month, so a token cannot
    be replayed against another line. ``days`` says that the rows hold dates and never a
    datetime (see ``_dumps``)."""
    folder = _folder()
    for name in os.listdir(folder):  # forget abandoned previews
        path = os.path.join(folder, name)
        if time.time() - os.path.getmtime(path) > KEEP_SECONDS:
            os.remove(path)
    token = secrets.token_urlsafe(24)
    with open(os.path.join(folder, token + ".json"), "wb") as out:
        out.write(_dumps({**header, "user_id": user_id, "context": context}))
        for chunk in chunks:
            out.write(b"\n" + _dumps(chunk, days))
    return token


def load(token, user_id, context=None):
    """Return (header, rows) stored under a token for this user and context, or None;
    ``rows`` yields the stored rows one by one as they are read from the file."""
    if not token or not TOKEN.match(token):
        return None
    path = os.path.join(_folder(), token + ".json")
    try:
        source = open(path, "rb")
        header = _loads(source.readline())
    except (OSError, ValueError):
        return None
    if (not isinstance(header, dict) or header.get("user_id") != user_id
            or header.get("context") != context
            or time.time() - os.path.getmtime(path) > KEEP_SECONDS):
        source.close()
        return None
    return header, _Lines(source)


class _Lines:
    """The stored rows, read a line (a chunk) at a time; the file closes at the end or on
    close()."""

    def __init__(self, source):
        self.source = source

    def __iter__(self):
        with self.source:
            for line in self.source:
                yield from _loads(line)

    def close(self):
        self.source.close()


def keep(rows, present, user_id, filename, context=None):
    """Store read rows on the server for the confirmation; return the random token."""
    keys = list(dict.fromkeys(k for r in rows for k in r.values))  # every row's, in order
    header = {"filename": filename, "present": sorted(present), "keys": keys}
    lines = [[[r.number, [r.values.get(k) for k in keys], r.errors] for r in rows]]
    return store(header, lines, user_id, context)


def forget(token):
    """Remove a kept upload once saved."""
    if token and TOKEN.match(token):
        try:
            os.remove(os.path.join(_folder(), token + ".json"))
        except OSError:
            pass


def take(token, user_id, context=None):
    """Return (rows, present, filename) kept under a token for this user and context, or None."""
    found = load(token, user_id, context)
    if found is None:
        return None
    payload, lines = found
    keys = payload.get("keys")
    if "rows" in payload:  # kept before the rows were written on lines of their own
        lines.close()
        lines = payload["rows"]
    if keys is None:  # kept before the rows were written as lists
        rows = [Row(number, values, errors) for number, values, errors in lines]
    else:
        rows = [Row(number, dict(zip(keys, values)), errors) for number, values, errors in lines]
    return rows, frozenset(payload["present"]), payload["filename"]
