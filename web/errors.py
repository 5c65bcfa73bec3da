"""Errors every view shares: a service's field messages, and the error pages.

Services raise ``InputError`` with a translated message per form field; views show each one
next to its field (``web.forms.apply_input_errors``). Error pages are rendered in the user's
language and never show a traceback.
"""
import errno

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from extensions import db

from .logging import log_server_error, note_denial, server_error_logged, type_name


class InputError(ValueError):
    """Bad input found by a service: a translated message per form field."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class UnreadableInput(BadRequest):
    """400: the address, the query string or a form key holds a NUL or control character."""

    @property
    def description(self):
        """Say what was wrong, in the user's language."""
        return _("The address or the form contains characters that cannot be processed "
                 "(a NUL or control character). Nothing was changed.")


class ReservedParameter(BadRequest):
    """400: the query string names a parameter of the link builder itself (``endpoint``,
    ``_external``...), which no page takes and which would redirect the page's own links."""

    def __init__(self, name):
        super().__init__()
        self.parameter = name

    @property
    def description(self):
        """Say what was wrong, in the user's language."""
        return _("The address holds a parameter the site does not take (%(name)s). "
                 "Nothing was changed.", name=self.parameter[:40])


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
    message = getattr(error, "description", None) if code == 409 or isinstance(
        error, (UnreadableInput, ReservedParameter)) else None
    if request.accept_mimetypes.best == "application/json":
        return {"error": code}, code
    try:
        page = render_template("home/error.html", code=code,
                               title=ERROR_TITLES.get(code, other_error_title)(), message=message)
    except Exception:  # e.g. the database is down while rendering the navigation
        page = f"<!doctype html><title>{code}</title><h1>{code}</h1>"
    return page, code


def csrf_refused(error):
    """Answer a missing or stale CSRF token with 400, logged as a denial."""
    note_denial("csrf")
    return render_error(error)


def server_error(error):
    """Answer a bug with the 500 page."""
    if getattr(error, "original_exception", None) is not None:
        # Flask has just logged the unhandled exception with its traceback, at ERROR, through
        # the handler of web.logging (Flask.log_exception): one line is enough.
        server_error_logged()
    return render_error(error)


def outage(error):
    """Answer a lost database connection as an outage (503), not a bug; log it without a
    traceback.

    The pool reconnects by itself (pool_pre_ping) once the database is back. The driver's
    error code says what failed; its message and the statement's parameters are not logged.
    """
    cause = getattr(error, "orig", None) or error
    code = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
    log_server_error(503, "database unavailable (%s%s), answered 503", type_name(cause),
                     f" {code}" if code else "")
    return render_error(ServiceUnavailable())


def disk_error(error):
    """Answer a full disk with a clear page; any other OS error is a bug (500)."""
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        # The file name is not logged: the endpoint says which file was being written.
        log_server_error(507, "disk full (%s), answered 507", errno.errorcode[error.errno])
        return render_error(InsufficientStorage())
    log_server_error(500, "unhandled %s, answered 500", type_name(error), exc_info=error)
    return render_error(error)


def register_errorhandlers(app):
    """Render every error page in the user's language, never a traceback; log what went
    wrong (denials and 5xx answers are logged by web.logging once the response is ready)."""
    # Every HTTP error (429 included) and any unhandled exception (500).
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(CSRFError, csrf_refused)
    app.register_error_handler(500, server_error)
    app.register_error_handler(OperationalError, outage)
    app.register_error_handler(OSError, disk_error)


def conflict(message):
    """Undo the request's writes and answer 409 with a translated message for the page."""
    db.session.rollback()
    abort(409, description=str(message))
