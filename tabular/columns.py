"""Small helpers to describe an export's columns: coded values in the user's words."""
from flask_babel import get_locale

from .words import word


def coded(path, table):
    """Return a column value function: the code at ``path`` shown as its label (each label
    translated once per language, not once per row)."""
    names, labels = path.split("."), {}

    def value(row):
        code = row
        for name in names:
            code = getattr(code, name, None) if code is not None else None
        if code is None:
            return None
        key = (str(get_locale()), code)
        if key not in labels:
            labels[key] = word(table, code)
        return labels[key]
    return value


def full_name(prefix=""):
    """Return a column value function joining last, first and patronymic names."""
    def value(row):
        person = row
        for name in filter(None, prefix.split(".")):
            person = getattr(person, name)
        return " ".join(filter(None, (person.last_name, person.first_name, person.patronymic)))
    return value
