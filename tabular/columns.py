"""Small helpers to describe an export's columns: coded values in the user's words."""
from .words import word


def coded(path, table):
    """Return a column value function: the code at ``path`` shown as its label."""
    def value(row):
        code = row
        for name in path.split("."):
            code = getattr(code, name, None) if code is not None else None
        return word(table, code) if code is not None else None
    return value


def full_name(prefix=""):
    """Return a column value function joining last, first and patronymic names."""
    def value(row):
        person = row
        for name in filter(None, prefix.split(".")):
            person = getattr(person, name)
        return " ".join(filter(None, (person.last_name, person.first_name, person.patronymic)))
    return value
