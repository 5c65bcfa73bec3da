"""Clock helpers; callables so that column defaults are evaluated per row."""
from datetime import date, datetime, timezone


def utcnow():
    """Return the current UTC time as a naive datetime (stored as UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today():
    """Return today's date."""
    return date.today()


def month_start(day):
    """Return the first day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day):
    """Return the last day of the month of ``day``."""
    if day.month == 12:
        return day.replace(day=31)
    return day.replace(month=day.month + 1, day=1).fromordinal(
        day.replace(month=day.month + 1, day=1).toordinal() - 1)


def months_between(start, end):
    """Return whole months from ``start`` to ``end`` (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months
