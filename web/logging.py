"""The application's log, configured once by the app factory.

Every line carries a request id ("-" outside a request): the caller's X-Request-ID when it is
a short plain token (a proxy's id), else a new one; it is echoed in the X-Request-ID response
header, so a user's error page, the proxy's access log and this log can be matched.
Development and tests write readable lines, production (MARKETPLACE_ENV=production) one JSON
object per line.

No personal value is written: lines inside a request name the method, the path without its
query string, the endpoint and the user id (never the login or the name), and tracebacks keep
their frames and exception types but not the messages, which can repeat what a user typed.

Denials (401, 403, 429, a 404 or 400 that accounts.audit or the CSRF check marked as one) and
every 5xx answer get a line; the error handlers of app.py log outages, full disks and bugs.
"""
import errno
import json
import logging
import logging.config
import re
import traceback
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request, session
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only when it can neither break a line nor carry much: 8 to 64 plain
# characters (nginx's $request_id is 32 hex digits).
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# The request's fields a line may carry, in the order a text line shows them.
FIELDS = ("status", "reason", "method", "path", "endpoint", "user_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s%(fields)s"
DENIALS = {401: "login required", 403: "forbidden", 429: "too many attempts"}

log = logging.getLogger(__name__)


def configure_logging(app):
    """Configure the log for the app and echo a request id on every response."""
    json_lines = app.config["ENV_NAME"] == "production"
    logging.config.dictConfig(logging_config(json_lines, app.config.get("LOG_LEVEL", "INFO")))
    # The root handler writes Flask's lines too; its own stderr handler would repeat them.
    app.logger.removeHandler(default_handler)
    _adopt_gunicorn_error_log(JsonFormatter() if json_lines else TextFormatter())
    app.after_request(_finish_request)


def logging_config(json_lines=False, level="INFO"):
    """Return the dictConfig of the log: one stderr handler, JSON or text lines."""
    return {
        "version": 1,
        # Library and module loggers created before this call keep working.
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestFilter}},
        "formatters": {"text": {"()": TextFormatter}, "json": {"()": JsonFormatter}},
        "handlers": {"marketplace": {
            "class": "logging.StreamHandler", "stream": "ext://sys.stderr",
            "formatter": "json" if json_lines else "text", "filters": ["request"]}},
        "root": {"level": level, "handlers": ["marketplace"]},
    }


def _adopt_gunicorn_error_log(formatter):
    """Give gunicorn's error log (when gunicorn runs the app) the same format and request id."""
    # gunicorn keeps its own handlers (stderr or --error-logfile); only their format changes.
    for handler in logging.getLogger("gunicorn.error").handlers:
        handler.setFormatter(formatter)
        if not any(isinstance(f, RequestFilter) for f in handler.filters):
            handler.addFilter(RequestFilter())


def request_id():
    """Return the current request's id, taking a safe X-Request-ID or making a new one."""
    rid = g.get("request_id")
    if rid is None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        rid = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_id = rid
    return rid


def _user_id():
    """Return the id of the request's user, or None, without ever querying the database."""
    # The database may be what failed: take the user Flask-Login has already loaded, else the
    # id the signed session names ("id:session_version", see accounts.models.User.get_id).
    user = g.get("_login_user")
    if user is not None:
        return getattr(user, "id", None)
    identity = str(session.get("_user_id") or "")
    head = identity.split(":", 1)[0]
    return int(head) if head.isdigit() else None


class RequestFilter(logging.Filter):
    """Put the request id and the request's non-personal fields on every record."""

    def filter(self, record):
        """Add request_id ("-" outside a request), method, path, endpoint and user_id."""
        record.request_id = "-"
        if has_request_context():
            try:
                record.request_id = request_id()
                record.method, record.path = request.method, request.path
                record.endpoint = request.endpoint
                record.user_id = _user_id()
            except Exception:  # a log line must never fail the request (or its error page)
                pass
        return True


def type_name(exc):
    """Return an exception's class as module.Name ("ValueError" for a built-in)."""
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}")


def exception_text(exc_info):
    """Format a traceback with its frames and exception types, withholding the messages.

    A message may carry a personal value (a unique violation's DETAIL repeats the key, a
    ValueError the input); the frames and the type are enough to find the fault.
    """
    exc = exc_info[1] if exc_info else None
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = errno.errorcode.get(getattr(exc, "errno", None))
        frames = "".join(traceback.format_tb(exc.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{type_name(exc)}"
                     f"{f' [{code}]' if code else ''} (message withheld)")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n\nThe exception above led to the one below:\n\n".join(reversed(parts))


def _fields(record):
    return {key: getattr(record, key) for key in FIELDS if getattr(record, key, None) is not None}


class TextFormatter(logging.Formatter):
    """A readable line: time, level, [request id], logger, message, the request's fields."""

    def __init__(self, fmt=TEXT_FORMAT, datefmt=None):
        super().__init__(fmt, datefmt)

    def format(self, record):
        """Format one record; a traceback follows on the next lines, messages withheld."""
        record.request_id = getattr(record, "request_id", "-")
        record.fields = "".join(f" {key}={value}" for key, value in _fields(record).items())
        # Never reuse a traceback another formatter cached on the record with its messages.
        record.exc_text = exception_text(record.exc_info) if record.exc_info else None
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def format(self, record):
        """Format one record as a single-line JSON object."""
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = exception_text(record.exc_info)
        return json.dumps(entry, default=str)


def note_denial(reason):
    """Mark the current request as a denial, so that its answer is logged with the reason."""
    if has_request_context():
        g.log_denial = reason


def log_server_error(status, message, *args, exc_info=None):
    """Log the one line of a 5xx answer (at ERROR) from an error handler."""
    if has_request_context():
        g.log_server_error_done = True
    log.error(message, *args, exc_info=exc_info, extra={"status": status})


def server_error_logged():
    """Say that this request's 5xx has been logged elsewhere (Flask logs unhandled exceptions)."""
    if has_request_context():
        g.log_server_error_done = True


def _finish_request(response):
    """Echo the request id; log a denial, or a 5xx no handler has logged."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    status = response.status_code
    if status >= 500:
        if not g.get("log_server_error_done"):
            log.error("answered %s", status, extra={"status": status})
    elif status in DENIALS or (400 <= status < 500 and g.get("log_denial")):
        reason = g.get("log_denial") or DENIALS[status]
        log.warning("request denied", extra={"status": status, "reason": reason})
    return response
