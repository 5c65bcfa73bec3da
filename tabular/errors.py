"""Errors raised while reading an upload; messages are in the user's language."""
from flask_babel import gettext as _


class TableError(Exception):
    """An upload that cannot be read at all; ``message`` is already in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A cell whose value cannot be understood; the message is in the user's language."""


def too_many_rows(max_rows):
    return TableError(_("The file has more than %(rows)s rows.", rows=max_rows))
