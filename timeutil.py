"""Dates: the clock (callables, so column defaults are evaluated per row), calendar steps
(dateutil's relativedelta) and the one rule for a period containing a day."""
from calendar import monthrange
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, and_, case, literal, or_

# The dates the database stores in the periods the statistics count (stays, placements,
# leases, wage months): CHECK constraints refuse anything outside, whatever writes it.
STORED_FROM = date(1990, 1, 1)
STORED_UNTIL = date(2100, 12, 31)
# The first day a filter, a chosen month or a newly entered period may name; earlier dates
# are typos (year 0001 for 2001) and would only move figures to nowhere.
EARLIEST_ON = date(2000, 1, 1)


def stored_range(*columns):
    """Return the SQL of a CHECK keeping date columns (NULL or) within the stored range."""
    return " AND ".join(f"({column} IS NULL OR {column} BETWEEN '{STORED_FROM.isoformat()}' "
                        f"AND '{STORED_UNTIL.isoformat()}')" for column in columns)


# ``utcnow`` in the database's own SQL, for triggers stamping a row's updated_at: naive UTC;
# on SQLite in the text form SQLAlchemy writes (so moments compare in order), its clock's
# milliseconds ending in 999 microseconds, so a stamp is never before the moment it stands for.
SQL_UTCNOW = {
    "postgresql": "timezone('utc', clock_timestamp())",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%f', 'now') || '999'",
}


def utcnow():
    """Return the current UTC time as a naive datetime (stored as UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# Kazakhstan's clock: the pages show moments in it (BABEL_DEFAULT_TIMEZONE), and its date is
# "today" for every rule, whatever the server's own zone. A server on UTC is a day behind
# from midnight to 05:00 in Astana: it refused that day as "in the future" while the same
# page showed a request of a minute before as made on it.
ZONE_NAME = "Asia/Almaty"
ZONE = ZoneInfo(ZONE_NAME)


def today():
    """Return today's date in Kazakhstan."""
    return datetime.now(ZONE).date()


def not_yet(day):
    """Say whether a day has not come yet: the one rule that an end (of a placement, a lease,
    a line, a pause) is recorded on or before today, never ahead."""
    return day > today()


def add_months(day, months):
    """Return the same day ``months`` later, clipped to a shorter month's end (31 Jan + 1 = 28/29 Feb)."""
    return day + relativedelta(months=months)


@lru_cache(maxsize=1 << 16)
def add_years(day, years):
    """Return the same day ``years`` later (28 February for 29 February in a common year).

    Remembered: the row checks of a roster import ask it three times a row, mostly for the
    same few thousand dates."""
    return day + relativedelta(years=years)


def latest_on():
    """Return the last day a filter may ask about: a year from today (plans, not typos)."""
    return add_years(today(), 1)


def clamp(day, first, last):
    """Return ``day`` moved into [first, last]."""
    return min(max(day, first), last)


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
    # add_months(start, n) grows with n, and lands in end's own month for this n: the answer
    # is n, or n - 1 when that landing day (start's day, clipped) is after end. Plain
    # arithmetic, since a fill asks it for 1,500 people at a time.
    months = (end.year - start.year) * 12 + end.month - start.month
    landing = min(start.day, monthrange(end.year, end.month)[1])
    return months - 1 if landing > end.day else months


def months_reached(start, end, cap):
    """SQL: ``months_between(start, end)`` held within [0, ``cap``], for a day ``start``
    known in Python and a SQL date ``end`` (NULL reads as 0).

    It reads the rule of ``months_between``: at least n months iff end >= add_months(start,
    n), one comparison with a bound date per month up to ``cap``, the same on every database.
    """
    return case(*[(end >= literal(add_months(start, n), Date), n) for n in range(cap, 0, -1)],
                else_=0)


def covers(start, end, day):
    """SQL: the period [start, end) contains ``day``.

    The one boundary rule of every period (stays, placements, leases; DESIGN.md section 7):
    a period starting on D counts on D, one ending on D does not; an open end is NULL.
    """
    return and_(start <= day, or_(end.is_(None), end > day))


def covers_day_before(start, end, day):
    """SQL: the period [start, end) contains the day before ``day`` (``day`` a column, so no
    date arithmetic is needed in SQL): start < day and (end is open or end >= day)."""
    return and_(start < day, or_(end.is_(None), end >= day))


def overlaps(start, end, first, last):
    """SQL: the period [start, end) shares at least one day with [first, last] (inclusive)."""
    return and_(start <= last, or_(end.is_(None), end > first))
