"""Entering a month's wages: reading and checking one row as a user typed it (in the grid, the
wage sheet or the API), the months wages may be kept for, and what a row not entered yet is
pre-filled with.

A record balances: credited to the personal account + deductions = accrued (the database
has the same CHECK; ``validate`` says which row is wrong before the database refuses it).

Wages are entered as the figures arrive: a row of the grid or of an import that is left
blank (nothing but the pre-filled values, and no answer to "norm met") is "not entered yet"
(``not_entered``) and skipped, so a month is completed over several visits. The grid
pre-fills the month's norm hours (``norm_hours_of``) and, for a full month only, the wage
agreed on the month's first day as accrued; a part month leaves accrued blank, because what
it earns depends on the days actually worked, which only the inspector knows. "Norm met" is
never guessed.

The SQL rules (full month, full-norm month, below the minimum wage, where a record belongs),
the grid, saving and review are in marketplace/wages.py, which imports this module (never
the reverse).
"""
from calendar import monthrange
from datetime import date, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from reference.norms import cap_errors
from tabular import parse_bool, parse_int
from timeutil import EARLIEST_ON, clamp, month_end, month_start, today
from web.formatting import money

from .signals import wage_prefill

DEDUCTIONS = ("upkeep", "alimony", "damages", "tax", "other")
NUMBER_FIELDS = ("days_worked", "hours_worked", "norm_hours", "accrued_kzt", "lost_time_kzt",
                 *(f"deduction_{kind}_kzt" for kind in DEDUCTIONS), "credited_kzt")
FIELDS = (*NUMBER_FIELDS[:3], "norm_met", *NUMBER_FIELDS[3:])
MAX_KZT = 100_000_000
RANGES = {"days_worked": (0, 31), "hours_worked": (0, 400), "norm_hours": (1, 400)}
LABELS = {
    "days_worked": _l("Days worked"),
    "hours_worked": _l("Hours worked"),
    "norm_hours": _l("Norm hours"),
    "norm_met": _l("Norm met"),
    "accrued_kzt": _l("Accrued, ₸"),
    "lost_time_kzt": _l("Of which lost-time pay, ₸"),
    "deduction_upkeep_kzt": _l("Upkeep, ₸"),
    "deduction_alimony_kzt": _l("Alimony, ₸"),
    "deduction_damages_kzt": _l("Damages, ₸"),
    "deduction_tax_kzt": _l("Tax, ₸"),
    "deduction_other_kzt": _l("Other deductions, ₸"),
    "credited_kzt": _l("Credited, ₸"),
    "month": _l("Month"),
}


def parse_month(value, default):
    """Read 'YYYY-MM' into the first day of that month; fall back to ``default``."""
    try:
        year, month = (int(part) for part in str(value).split("-")[:2])
        return date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(default)


def months_open():
    """Return the first and last month wages may be kept for: January 2000 to this month."""
    return month_start(EARLIEST_ON), month_start(today())


def month_problem(month):
    """Return why no wages can be kept for a month (it has not begun, or it lies before
    2000), or None."""
    first, last = months_open()
    if month > last:
        return _l("Wages are entered for a month that has begun; %(month)s is still to come.",
                  month=month.strftime("%Y-%m"))
    if month < first:
        return _l("Wages are kept from %(month)s on.", month=first.strftime("%Y-%m"))
    return None


def shown_month(month):
    """Return the month a page shows when ``month`` was asked for: moved into months_open()."""
    return clamp(month, *months_open())


def within_placement(placement, month):
    """Say whether the placement was active on at least one day of the month (Python mirror
    of ``wages.active_in_month``): a wage record lies within its placement."""
    return days_covered(placement, month) > 0


def record_problem(placement, month):
    """Return why a wage record cannot be kept for this placement and month, or None."""
    problem = month_problem(month)
    if problem is None and not within_placement(placement, month):
        problem = _l("The placement was not active in %(month)s.", month=month.strftime("%Y-%m"))
    return problem


def _blank_as_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def validate(raw, placement=None, month=None):
    """Check one row of raw values; return (clean values, {field: message}).

    Empty deductions count as 0; an empty "credited" is accrued minus deductions; "norm met"
    must be answered. With ``placement`` and ``month``, the month must lie within the
    placement and the days worked within the days it covers.
    """
    clean, errors = {}, {}
    for field in NUMBER_FIELDS:
        if field == "credited_kzt" and _blank(raw.get(field)):
            continue
        try:
            value = parse_int(_blank_as_none(raw.get(field))) or 0
        except ValueError:
            errors[field] = _l("Enter a whole number.")
            continue
        low, high = RANGES.get(field, (0, MAX_KZT))
        if not low <= value <= high:
            errors[field] = _l("Must be between %(low)s and %(high)s.", low=low, high=high)
            continue
        clean[field] = value
    try:
        norm_met = parse_bool(_blank_as_none(raw.get("norm_met")))
    except ValueError:
        errors["norm_met"] = _l("Enter yes or no.")
    else:
        if norm_met is None:
            errors["norm_met"] = _l("Say whether the norm was met.")
        else:
            clean["norm_met"] = norm_met
    if placement is not None and month is not None:
        covered = days_covered(placement, month)
        if not covered:
            errors["month"] = _l("The placement does not cover this month.")
        elif clean.get("days_worked", 0) > covered:
            errors["days_worked"] = _l("The placement covers %(days)s days of this month.",
                                       days=covered)
    money_ok = not any(f in errors for f in NUMBER_FIELDS)
    if money_ok and clean["lost_time_kzt"] > clean["accrued_kzt"]:
        errors["lost_time_kzt"] = _l("Lost-time pay is part of accrued pay: it cannot be more.")
    if money_ok and month is not None:
        broken = cap_errors({kind: clean[f"deduction_{kind}_kzt"] for kind in DEDUCTIONS},
                            clean["accrued_kzt"], month)
        errors.update({("credited_kzt" if kind == "total" else f"deduction_{kind}_kzt"): message
                       for kind, message in broken.items()})
        money_ok = not broken
    if money_ok:
        deductions = sum(clean[f"deduction_{kind}_kzt"] for kind in DEDUCTIONS)
        if "credited_kzt" not in clean:
            clean["credited_kzt"] = clean["accrued_kzt"] - deductions
            if clean["credited_kzt"] < 0:
                errors["credited_kzt"] = _l(
                    "Deductions (%(deductions)s) are more than accrued (%(accrued)s).",
                    deductions=_money(deductions), accrued=_money(clean["accrued_kzt"]))
        elif clean["credited_kzt"] + deductions != clean["accrued_kzt"]:
            errors["credited_kzt"] = _l(
                "Credited (%(credited)s) plus deductions (%(deductions)s) must equal accrued "
                "(%(accrued)s).", credited=_money(clean["credited_kzt"]),
                deductions=_money(deductions), accrued=_money(clean["accrued_kzt"]))
    return clean, errors


def _money(amount):
    """An amount in a message, written as every page writes money (92 000 ₸), in the language
    the message is shown in."""
    return LazyString(money, amount)


def span_in_month(placement, month):
    """Return (first, last) day of the month the placement covers; first > last: none."""
    first = max(placement.started_on, month)
    last = month_end(month)
    if not placement.holds_place():
        last = min(last, placement.ended_on - timedelta(days=1))
    return first, last


def days_covered(placement, month):
    """Return how many days of the month the placement covers (0: none)."""
    first, last = span_in_month(placement, month)
    return max((last - first).days + 1, 0)


def norm_hours_of(month, hours_per_week):
    """Return the norm hours of a month for a line's working week: its weekdays (Monday to
    Friday) times the hours of a working day.

    Public holidays are not deducted: the reference data has no production calendar yet, so
    the inspector corrects the pre-filled figure in a month with holidays.
    """
    days = monthrange(month.year, month.month)[1]
    weekdays = sum(1 for n in range(days) if (month + timedelta(days=n)).weekday() < 5)
    return max(1, min(400, round(weekdays * hours_per_week / 5)))


def prefill(month, hours_per_week, agreed_kzt, full, extra=None):
    """Return the values the grid and the template pre-fill for a month not entered yet;
    ``full`` says whether the placement covers the whole month (``wages.full_month``), and
    ``extra`` holds what other packages pre-fill (``prefill_extras``)."""
    values = {"norm_hours": norm_hours_of(month, hours_per_week)}
    if full:
        values["accrued_kzt"] = agreed_kzt
    values.update(extra or {})
    return values


def prefill_extras(placements, month, agreed):
    """Return {placement_id: {field: value}} other packages pre-fill for the month (e.g.
    lost-time pay for days lost to an injury, compliance/ledger.py)."""
    extras = {}
    for _receiver, values in wage_prefill.send(month, placements=placements, agreed=agreed):
        for placement_id, fields in (values or {}).items():
            extras.setdefault(placement_id, {}).update(fields)
    return extras


def _blank_or_prefilled(value, expected):
    if _blank(value):
        return True
    if expected is None:
        return False
    try:
        return parse_int(_blank_as_none(value)) == expected
    except ValueError:
        return False


def not_entered(raw, prefilled):
    """Say whether a row is left blank: no "norm met" answer, and every other cell empty or
    still holding its pre-filled value. Such a row is not entered yet and is skipped."""
    if not _blank(raw.get("norm_met")):
        return False
    return all(_blank_or_prefilled(raw.get(field), prefilled.get(field))
               for field in NUMBER_FIELDS)


def unchanged(raw, record):
    """Say whether a row repeats a saved record exactly (saving it again would only reset
    the record's review)."""
    clean, errors = validate(raw)
    return not errors and all(clean[f] == getattr(record, f) for f in FIELDS)
