"""Cell values: formula neutralising for exports, and parsers for imports."""
import re
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from .errors import CellError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
TRUE_WORDS = {"1", "yes", "y", "true", "да", "д", "иә", "ия", "и", "+"}
FALSE_WORDS = {"0", "no", "n", "false", "нет", "н", "жоқ", "ж", "-"}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of the serial numbers spreadsheets store dates as
EXCEL_LAST_DAY = 2958465  # 9999-12-31


def neutralise(value):
    """Make a text cell inert for spreadsheets: prefix a quote when it could start a formula.

    Leading spaces do not protect a cell (Excel and LibreOffice skip them), so the check
    looks past them.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(FORMULA_TRIGGERS) or value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def parse_text(value):
    """Return a cell as stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip() or None


def parse_date(value):
    """Return a cell as a date (XLSX date or its serial number, YYYY-MM-DD or DD.MM.YYYY);
    raise CellError if not."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value <= EXCEL_LAST_DAY:  # a date stored as a number without a date format
            return EXCEL_EPOCH + timedelta(days=int(value))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the common case, without strptime's cost
        except ValueError:
            pass
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise CellError(_("\"%(value)s\" is not a date; write it as YYYY-MM-DD or DD.MM.YYYY.",
                      value=text[:40]))


def parse_int(value):
    """Return a cell as a whole number; raise CellError if it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("\"%(value)s\" is not a whole number.", value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(_("\"%(value)s\" is not a whole number.", value=str(value)[:40]))


def parse_bool(value):
    """Return a cell as yes/no (yes, да, иә, 1, true / no, нет, жоқ, 0, false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("\"%(value)s\" is not yes or no.", value=str(value)[:40]))
