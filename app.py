"""Application factory for the penal labour marketplace."""
import errno
import os

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from extensions import babel, bootstrap, csrf, db, login_manager, migrate


def create_app(test_config=None):
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.check_production(app.config)
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
    """Render error pages in the user's language, never a traceback."""
    from home.views import render_error

    from sqlalchemy.exc import OperationalError
    from werkzeug.exceptions import ServiceUnavailable

    # Every HTTP error (CSRF failures and 429 included) and any unhandled exception (500).
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_error)
    # A lost database connection is an outage, not a bug: 503, and the pool reconnects
    # by itself (pool_pre_ping) once the database is back.
    app.register_error_handler(OperationalError, lambda _error: render_error(ServiceUnavailable()))
    app.register_error_handler(OSError, _disk_errors)


class InsufficientStorage(HTTPException):
    """507: the server ran out of disk space while preparing a file."""

    code = 507
    description = "Insufficient storage"


def _disk_errors(error):
    """Answer a full disk with a clear page; any other OS error is a bug (500)."""
    from home.views import render_error

    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return render_error(InsufficientStorage())
    return render_error(error)


def register_commands(app):
    """Register the command-line interface."""
    from commands import register

    register(app)
