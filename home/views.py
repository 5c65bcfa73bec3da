"""Home page, health check and error pages."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, InternalServerError

from accounts.permissions import ALL_ROLES, public, roles
from extensions import db

bp = Blueprint("home", __name__)

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


@bp.route("/")
@roles(*ALL_ROLES)
def index():
    """Show the home page with the panels of the user's role."""
    return render_template("home/index.html")


@bp.route("/healthz")
@public
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


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
