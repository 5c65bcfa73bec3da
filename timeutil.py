"""Dates: the clock (callables, so column defaults are evaluated per row), calendar steps
(dateutil's relativedelta) and the one rule for a period containing a day."""
from datetime import date, datetime, timezone

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_


def utcnow():
    """Return the current UTC time as a naive datetime (stored as UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today():
    """Return today's date."""
    return date.today()


def add_months(day, months):
    """Return the same day ``months`` later, clipped to a shorter month's end (31 Jan + 1 = 28/29 Feb)."""
    return day + relativedelta(months=months)


def add_years(day, years):
    """Return the same day ``years`` later (28 February for 29 February in a common year)."""
    return day + relativedelta(years=years)


def month_start(day):
    """Return the first day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day):
    """Return the last day of the month of ``day``."""
    return day + relativedelta(day=31)


def months_between(start, end):
    """Return the whole months from ``start`` to ``end``: the largest n with
    ``add_months(start, n) <= end`` (negative when ``end`` is earlier).

    So "at least n months left" reads the same as ``end >= add_months(start, n)``.
    """
    delta = relativedelta(end, start)
    months = delta.years * 12 + delta.months
    return months - 1 if add_months(start, months) > end else months


def covers(start, end, day):
    """SQL: the period [start, end) contains ``day``.

    The one boundary rule of every period (stays, placements, leases; DESIGN.md section 7):
    a period starting on D counts on D, one ending on D does not; an open end is NULL.
    """
    return and_(start <= day, or_(end.is_(None), end > day))


def overlaps(start, end, first, last):
    """SQL: the period [start, end) shares at least one day with [first, last] (inclusive)."""
    return and_(start <= last, or_(end.is_(None), end > first))
