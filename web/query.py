"""Readers of the query string: every list reads its filters, sort and page through these.

Each reader answers None (or the default) for a missing or malformed value, so no query
string can make a 500.
"""
from flask import request

from .forms import strip_control

MAX_INT = 2**31 - 1  # larger numbers would overflow an INTEGER column on PostgreSQL
MAX_PAGE = 100_000


def query_int(name):
    """Return a positive integer query argument, or None when missing or malformed."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_INT else None


def page_number(name="page"):
    """Return the page asked for: 1 when missing or malformed, never past MAX_PAGE."""
    return min(query_int(name) or 1, MAX_PAGE)


def query_text(name, limit=60):
    """Return a search term from the query string: trimmed, short, without control characters."""
    return strip_control(request.args.get(name, "")[:limit]).strip()


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
