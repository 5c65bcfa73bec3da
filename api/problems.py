"""Every API error as ``application/problem+json`` (RFC 9457), in the token user's language.

A problem carries a stable ``code`` (for programs), a ``title`` and a ``detail`` (for
people, translated), the HTTP ``status`` and, for bad input, ``errors`` by location and
field. The application's HTML error pages never answer under /api/.
"""
import json

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from extensions import db
from web.logging import log_server_error, server_error_logged, type_name

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# status: (stable code, translated title)
STATUS = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthenticated", lambda: _("Send a valid API token: Authorization: Bearer <token>.")),
    403: ("forbidden", lambda: _("This token may not do this.")),
    404: ("not_found", lambda: _("No such object, or it lies outside your scope.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    406: ("not_acceptable", lambda: _("The API answers in JSON only.")),
    409: ("conflict", lambda: _("The data changed at the same moment. Send the request again.")),
    413: ("too_large", lambda: _("The request is too large.")),
    415: ("unsupported_media_type", lambda: _("Send the body as application/json.")),
    422: ("invalid_input", lambda: _("The request has invalid values; nothing was changed.")),
    429: ("rate_limited", lambda: _("Too many requests with this token. Wait a minute and "
                                    "try again.")),
    500: ("server_error", lambda: _("Something went wrong on our side. The error has been "
                                    "logged.")),
    503: ("unavailable", lambda: _("The service is temporarily unavailable. Please try again "
                                   "in a minute.")),
}


class Problem(HTTPException):
    """An API error with its own stable code and translated detail."""

    def __init__(self, status, code=None, detail=None, errors=None, headers=None):
        super().__init__(description=detail)
        self.code = status
        self.problem_code = code
        self.errors = errors
        self.extra_headers = headers or {}


def problem_response(status, code=None, detail=None, errors=None, headers=None):
    """Return the problem+json response of a status."""
    known_code, title = STATUS.get(status, (f"http_{status}", lambda: _(
        "The request could not be completed.")))
    body = {"type": "about:blank", "status": status, "code": code or known_code,
            "title": title()}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _rollback():
    try:
        db.session.rollback()
    except Exception:  # the database itself may be the failure
        pass


def handle_http_exception(error):
    """Answer an HTTP error raised by the API, the validation of its input or its limits."""
    _rollback()
    status = error.code or 500
    if status >= 500 and status not in STATUS:
        status = 500
    if isinstance(error, Problem):
        return problem_response(status, error.problem_code, error.description, error.errors,
                                error.extra_headers)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if status == 429:
        headers.update({k: v for k, v in (error.get_headers() or []) if k.lower() != "content-type"})
    if status == 405:
        headers.update({k: v for k, v in (error.get_headers() or []) if k.lower() == "allow"})
    # Werkzeug's own descriptions are English: the title says it in the user's language.
    return problem_response(status, errors=errors, headers=headers)


def handle_server_error(error):
    """Answer a bug with a 500 problem (logged once, without a traceback in the answer)."""
    if getattr(error, "original_exception", None) is not None:
        server_error_logged()
    _rollback()
    return problem_response(500)


def handle_outage(error):
    """Answer a lost database connection as 503."""
    cause = getattr(error, "orig", None) or error
    log_server_error(503, "database unavailable (%s), answered 503", type_name(cause))
    _rollback()
    return problem_response(503)


def for_api_paths(fallback):
    """Wrap the application's error page handler: under /api/, answer a problem instead.

    It catches what no API route saw: an address under /api/ that matches no route.
    """
    def handler(error):
        if request.path.startswith(API_PREFIX):
            if not isinstance(error, HTTPException):
                return handle_server_error(InternalServerError(original_exception=error))
            return handle_http_exception(error)
        return fallback(error)
    return handler


def register_on(bp):
    """Answer every error of the API's routes as a problem."""
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.register_error_handler(500, handle_server_error)
    bp.register_error_handler(OperationalError, handle_outage)


def register_fallback(app):
    """Answer as a problem an address under /api/ that no route matches (call after the
    application's error pages are registered)."""
    fallback = app.error_handler_spec[None][None].get(HTTPException)
    if fallback is not None:
        app.register_error_handler(HTTPException, for_api_paths(fallback))
