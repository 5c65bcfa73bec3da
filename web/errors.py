"""Errors every view shares: a service's field messages, and the error pages.

Services raise ``InputError`` with a translated message per form field; views show each one
next to its field (``web.forms.apply_input_errors``). Error pages are rendered in the user's
language and never show a traceback.
"""
import errno

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from extensions import db


class InputError(ValueError):
    """Bad input found by a service: a translated message per form field."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class InsufficientStorage(HTTPException):
    """507: the server ran out of disk space while preparing a file."""

    code = 507
    description = "Insufficient storage"


ERROR_TITLES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please log in to continue."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("Page not found."),
    405: lambda: _("This action is not allowed here."),
    409: lambda: _("The data changed while you were working. Please reload and try again."),
    413: lambda: _("The file or form you sent is too large. Please send a smaller one."),
    429: lambda: _("Too many attempts. Please wait a few minutes and try again."),
    500: lambda: _("Something went wrong on our side. The error has been logged."),
    503: lambda: _("The service is temporarily unavailable. Please try again in a minute."),
    507: lambda: _("The server has run out of disk space, so the file could not be prepared. "
                   "Nothing was changed. Please try again later or tell the administrator."),
}


def other_error_title():
    """Return the title of an error page for a code without its own."""
    return _("The request could not be completed.")


def render_error(error):
    """Render an error page in the user's language."""
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if not isinstance(error, HTTPException) or code >= 500 and code not in ERROR_TITLES:
        error, code = InternalServerError(), 500
    try:
        db.session.rollback()
    except Exception:  # the database itself may be the failure
        pass
    message = getattr(error, "description", None) if code == 409 else None
    if request.accept_mimetypes.best == "application/json":
        return {"error": code}, code
    try:
        page = render_template("home/error.html", code=code,
                               title=ERROR_TITLES.get(code, other_error_title)(), message=message)
    except Exception:  # e.g. the database is down while rendering the navigation
        page = f"<!doctype html><title>{code}</title><h1>{code}</h1>"
    return page, code


def disk_error(error):
    """Answer a full disk with a clear page; any other OS error is a bug (500)."""
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return render_error(InsufficientStorage())
    return render_error(error)


def outage(_error):
    """Answer a lost database connection as an outage (503), not a bug.

    The pool reconnects by itself (pool_pre_ping) once the database is back.
    """
    return render_error(ServiceUnavailable())


def register_errorhandlers(app):
    """Render every error page in the user's language, never a traceback."""
    # Every HTTP error (CSRF failures and 429 included) and any unhandled exception (500).
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_error)
    app.register_error_handler(OperationalError, outage)
    app.register_error_handler(OSError, disk_error)


def conflict(message):
    """Undo the request's writes and answer 409 with a translated message for the page."""
    db.session.rollback()
    abort(409, description=str(message))
