"""Locale-aware formats of numbers, money, shares and dates, for pages and messages."""
from babel.dates import format_skeleton
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext


def money(value):
    """Format whole tenge for the locale, e.g. 85 000 ₸."""
    if value is None:
        return "—"
    return f"{format_decimal(value, format='#,##0')} ₸"


def number(value, digits=0):
    """Format a number for the locale, with at most ``digits`` decimals (394, not 394.0)."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern)


def percent(value, digits=1):
    """Format a share (0..1) as a percentage for the locale."""
    if value is None:
        return "—"
    return format_percent(value, format="#,##0." + "0" * digits + "%" if digits else "#,##0%")


def day(value):
    """Format a date for the locale."""
    return "—" if value is None else format_date(value, format="medium")


def month(value):
    """Format a month (any date in it) for the locale, e.g. «декабрь 2026 г.», never 2026-12."""
    return "—" if value is None else format_skeleton("yMMMM", value, locale=get_locale())


def area_figure(value):
    """Format the number of a floor area for the locale: 394, 1 250 or 12,5 (no ".0"), for
    messages that say the unit themselves."""
    return format_decimal(value, format="#,##0.#")


def area(value):
    """Format a floor area for the locale, e.g. 394 м² or 12,5 м² (no trailing ".0")."""
    if value is None:
        return "—"
    return _("%(area)s m²", area=area_figure(value))


def people(value):
    """Say a number of people with the locale's plural form: 1 человек, 3 человека, 5 человек."""
    if value is None:
        return "—"
    return ngettext("%(count)s person", "%(count)s people", value, count=number(value))


FILTERS = {"people": people, "money": money, "number": number, "percent": percent, "day": day, "month": month,
           "area": area}
