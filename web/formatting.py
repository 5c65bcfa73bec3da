"""Locale-aware formats of numbers, money, shares and dates, for pages and messages."""
from flask_babel import format_date, format_decimal, format_percent


def money(value):
    """Format whole tenge for the locale, e.g. 85 000 ₸."""
    if value is None:
        return "—"
    return f"{format_decimal(value, format='#,##0')} ₸"


def number(value, digits=0):
    """Format a number for the locale."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def percent(value, digits=1):
    """Format a share (0..1) as a percentage for the locale."""
    if value is None:
        return "—"
    return format_percent(value, format="#,##0." + "0" * digits + "%" if digits else "#,##0%")


def day(value):
    """Format a date for the locale."""
    return "—" if value is None else format_date(value, format="medium")


FILTERS = {"money": money, "number": number, "percent": percent, "day": day}
