"""Readers of the query string: every list reads its filters, sort and page through these.

Each reader answers None (or the default) for a missing or malformed value, so no query
string can make a 500.
"""
from flask import request

MAX_INT = 2**31 - 1  # larger numbers would overflow an INTEGER column on PostgreSQL
MAX_PAGE = 100_000


def parse_id(value):
    """Return the positive whole number a text spells (an id or a count), or None."""
    # isdigit() alone takes "²", which int() refuses; an INTEGER column holds up to MAX_INT.
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= MAX_INT:
        return int(value)
    return None


def query_int(name, values=None):
    """Return a positive integer query argument (or of ``values``, e.g. request.values), or
    None when missing, malformed or beyond an INTEGER column."""
    return parse_id((request.args if values is None else values).get(name, ""))


def page_number(name="page"):
    """Return the page asked for: 1 when missing or malformed, never past MAX_PAGE."""
    return min(query_int(name) or 1, MAX_PAGE)


def query_text(name, limit=60):
    """Return a search term from the query string: trimmed and short.

    A control character never gets here: web.guard answers 400 first.
    """
    return request.args.get(name, "")[:limit].strip()


def query_choice(name, allowed):
    """Return a query argument if it is one of the allowed values, else None."""
    value = request.args.get(name, "")
    return value if value in allowed else None


def sort_order(columns, default):
    """Return ORDER BY terms for ?sort=column or ?sort=-column among allowed columns."""
    requested = request.args.get("sort", default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    column = columns[key]
    return [column.desc() if requested.startswith("-") else column.asc()]
