"""Mount the API on the application: its description, routes, limits and errors."""
from functools import wraps

from flask import current_app

from accounts.permissions import public
from extensions import csrf, limiter

from . import change_views, line_views, people_views, problems, reference_views  # noqa: F401
from . import statistics_views, wage_views  # noqa: F401  (each module adds its routes to bp)
from .blueprint import bp
from .spec import SETTINGS, rest
from .tokens import audit_call, rate_key

PREFIX = SETTINGS["OPENAPI_URL_PREFIX"]
DOC_ENDPOINTS = ("api-docs.openapi_json", "api-docs.openapi_swagger_ui")
DEFAULT_RATE_LIMIT = "300 per minute"


def _public_copy(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return public(wrapper)


def _rate_limit():
    return current_app.config["API_RATE_LIMIT"]


# The blueprint's own hooks, set once when the module loads (every app shares the blueprint).
problems.register_on(bp)
bp.after_request(audit_call)
limiter.limit(_rate_limit, key_func=rate_key)(bp)


def init_app(app):
    """Register the API under /api/v1 (after the application's error pages)."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    rest.init_app(app)
    # Token calls carry no session, so no CSRF token either; cookies never authenticate them.
    csrf.exempt(bp)
    rest.register_blueprint(bp, url_prefix=PREFIX)
    problems.register_fallback(app)
    # The description and its page are public: they hold no data.
    for endpoint in DOC_ENDPOINTS:
        app.view_functions[endpoint] = _public_copy(app.view_functions[endpoint])
