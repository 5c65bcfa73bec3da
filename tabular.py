"""Spreadsheet helpers shared by imports and exports (DESIGN.md section 9)."""

# A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


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
