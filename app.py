"""Application factory for the penal labour marketplace."""
import os

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

import accounts.admin
import accounts.token_views
import api.setup
import accounts.views
import compliance.admin_views
import compliance.figure_views
import compliance.subscribers  # noqa: F401  (connects compliance to the marketplace's signals)
import compliance.views
import config
import enterprises.lease_views
import enterprises.line_views
import enterprises.views
import facilities.views
import home.views
import inmates.import_views
import inmates.probation_views
import inmates.views
import jobs.views
import marketplace.document_views
import marketplace.line_fill_views
import marketplace.placement_views
import marketplace.roster_views
import marketplace.subscribers  # noqa: F401  (connects the marketplace to other packages' signals)
import marketplace.views
import marketplace.wage_views
import reference.views
import reports.views
from accounts.forms import LanguageForm
from accounts.permissions import gate, may_use
from accounts.services import load_session_user
from accounts.views import idle_check
from commands import register as register_commands
from api.tokens import authenticate, token_language
from extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from home.navigation import navigation
from i18n import current_language
from reference import codes
from web import cache as web_cache
from web.addresses import this_page
from web.errors import register_errorhandlers
from web.formatting import FILTERS
from web.guard import register_input_guards
from web.logging import configure_logging

# Each package's blueprint, with the URL prefix it is mounted at; the view modules imported
# above add their routes to it.
BLUEPRINTS = (
    (home.views.bp, None),
    (accounts.views.bp, None),
    (reference.views.bp, "/reference"),
    (facilities.views.bp, "/facilities"),
    (inmates.views.bp, "/people"),
    (enterprises.views.bp, "/enterprises"),
    (marketplace.views.bp, "/market"),
    (reports.views.bp, "/reports"),
    (jobs.views.bp, "/jobs"),
    (compliance.views.bp, "/compliance"),
)


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
    # Before the routes (their <int:...> converter) and before the other request hooks.
    register_input_guards(app)
    register_blueprints(app)
    register_hooks(app)
    register_template_helpers(app)
    register_errorhandlers(app)
    # After the error pages: the API answers its own errors as problem+json.
    api.setup.init_app(app)
    register_commands(app)
    return app


def select_locale():
    """Pick the language: an API token's user's, the session's, then the user's, then the
    one before logout, then the browser's; outside a request (commands, services called
    directly), the configured default."""
    if not has_request_context():
        return None
    lang = token_language() or session.get("lang")
    if lang in config.LANGUAGES:
        return lang
    if current_user and current_user.is_authenticated:
        return current_user.language
    if session.get("lang_shown") in config.LANGUAGES:
        return session["lang_shown"]
    return request.accept_languages.best_match(config.LANGUAGES) or "ru"


def register_extensions(app):
    """Bind the extensions to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(
                       os.path.dirname(__file__), "translations"))
    bootstrap.init_app(app)
    web_cache.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # sessions die by session_version instead
    login_manager.user_loader(load_session_user)


def register_blueprints(app):
    """Register one blueprint per domain package."""
    for blueprint, prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=prefix)


def register_hooks(app):
    """Know API callers by their token, deny by default, expire idle sessions, and set
    security headers."""
    app.before_request(authenticate)
    app.before_request(idle_check)
    app.before_request(gate)

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


def register_template_helpers(app):
    """Give every template the formats, the vocabularies, the menu and the language form."""
    app.jinja_env.globals.update(may_use=may_use, label=codes.label, navigation=navigation,
                                 current_language=current_language, codes=codes)
    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def language_form():
        return {"language_form": LanguageForm(formdata=None, lang=current_language()),
                "current_path": this_page() if request else "/"}
