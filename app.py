"""Application factory for the penal labour marketplace."""
import errno
import os

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from extensions import babel, bootstrap, csrf, db, login_manager, migrate
from web.logging import (configure_logging, log_server_error, note_denial, server_error_logged,
                         type_name)


def create_app(test_config=None):
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.check_production(app.config)
    configure_logging(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(app.config)
    trusted_proxies = int(os.environ.get("TRUSTED_PROXIES", "0"))
    if trusted_proxies:
        # Only hops we run ourselves may set the client address; others are spoofable.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def select_locale():
    """Pick the language: the session's choice, then the user's, then the browser's."""
    lang = session.get("lang")
    if lang in config.LANGUAGES:
        return lang
    if current_user and current_user.is_authenticated:
        return current_user.language
    return request.accept_languages.best_match(config.LANGUAGES) or "ru"


def register_extensions(app):
    """Bind the extensions to the app."""
    import accounts.models  # noqa: F401  (every model must be known to migrations)
    import marketplace.models  # noqa: F401
    from accounts.services import load_session_user

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(
                       os.path.dirname(__file__), "translations"))
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # sessions die by session_version instead
    login_manager.user_loader(load_session_user)


def register_blueprints(app):
    """Register one blueprint per domain package."""
    from accounts.views import bp as accounts_bp
    from enterprises.views import bp as enterprises_bp
    from facilities.views import bp as facilities_bp
    from home.views import bp as home_bp
    from inmates.views import bp as inmates_bp
    from marketplace.views import bp as marketplace_bp
    from reference.views import bp as reference_bp
    from reports.views import bp as reports_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(reference_bp, url_prefix="/reference")
    app.register_blueprint(facilities_bp, url_prefix="/facilities")
    app.register_blueprint(inmates_bp, url_prefix="/people")
    app.register_blueprint(enterprises_bp, url_prefix="/enterprises")
    app.register_blueprint(marketplace_bp, url_prefix="/market")
    app.register_blueprint(reports_bp, url_prefix="/reports")


def register_hooks(app):
    """Deny by default, expire idle sessions, and set security headers."""
    from accounts.permissions import gate
    from accounts.views import idle_check
    from home.templating import register_template_helpers

    app.before_request(idle_check)
    app.before_request(gate)
    register_template_helpers(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Pages may carry personal data: no page is stored by browsers or proxies. This must
        # not consult current_user: that would reach the database, which may be the failure.
        if not (request.endpoint or "").endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_errorhandlers(app):
    """Render error pages in the user's language, never a traceback; log what went wrong."""
    from home.views import render_error

    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import OperationalError

    # Every HTTP error (429 included) and any unhandled exception (500). Denials and 5xx
    # answers are logged by web.logging once the response is ready.
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(OSError, _disk_errors)


class InsufficientStorage(HTTPException):
    """507: the server ran out of disk space while preparing a file."""

    code = 507
    description = "Insufficient storage"


def _csrf_refused(error):
    """Answer a missing or stale CSRF token with 400, logged as a denial."""
    from home.views import render_error

    note_denial("csrf")
    return render_error(error)


def _server_error(error):
    """Answer a bug with the 500 page."""
    from home.views import render_error

    if getattr(error, "original_exception", None) is not None:
        # Flask has just logged the unhandled exception with its traceback, at ERROR, through
        # the handler of web.logging (Flask.log_exception): one line is enough.
        server_error_logged()
    return render_error(error)


def _database_unavailable(error):
    """A lost database connection is an outage, not a bug: 503, logged without a traceback."""
    from home.views import render_error
    from werkzeug.exceptions import ServiceUnavailable

    # The pool reconnects by itself (pool_pre_ping) once the database is back. The driver's
    # error code says what failed; its message and the statement's parameters are not logged.
    cause = getattr(error, "orig", None) or error
    code = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
    log_server_error(503, "database unavailable (%s%s), answered 503", type_name(cause),
                     f" {code}" if code else "")
    return render_error(ServiceUnavailable())


def _disk_errors(error):
    """Answer a full disk with a clear page; any other OS error is a bug (500)."""
    from home.views import render_error

    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        # The file name is not logged: the endpoint says which file was being written.
        log_server_error(507, "disk full (%s), answered 507", errno.errorcode[error.errno])
        return render_error(InsufficientStorage())
    log_server_error(500, "unhandled %s, answered 500", type_name(error), exc_info=error)
    return render_error(error)


def register_commands(app):
    """Register the command-line interface."""
    from commands import register

    register(app)
