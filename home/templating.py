"""Template helpers: endpoint checks and locale-aware number, money and date formats."""
from flask import current_app, request
from flask_babel import format_date, format_decimal, format_percent
from flask_login import current_user

from accounts.forms import LanguageForm
from i18n import current_language
from reference import codes


def has_endpoint(name):
    """Say whether a route exists (navigation shows only built pages)."""
    return name in current_app.view_functions


def may_use(name):
    """Say whether the current user's role may use a route."""
    from accounts.permissions import access_of

    if name not in current_app.view_functions:
        return False
    access = access_of(name)
    if access == "public":
        return True
    return bool(access) and current_user.is_authenticated and current_user.role in access


def money(value):
    """Format whole tenge for the locale, e.g. 85 000 ₸."""
    if value is None:
        return "—"
    return f"{format_decimal(value, format='#,##0')} ₸"


def number(value, digits=0):
    """Format a number for the locale."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def percent(value, digits=1):
    """Format a share (0..1) as a percentage for the locale."""
    if value is None:
        return "—"
    return format_percent(value, format="#,##0." + "0" * digits + "%" if digits else "#,##0%")


def day(value):
    """Format a date for the locale."""
    return "—" if value is None else format_date(value, format="medium")


def label(vocabulary, key):
    """Translate a code from one of the fixed vocabularies."""
    table = getattr(codes, vocabulary.upper())
    return table.get(key, key) if key is not None else "—"


def register_template_helpers(app):
    """Expose the helpers to every template."""
    app.jinja_env.globals.update(has_endpoint=has_endpoint, may_use=may_use, label=label,
                                 navigation=navigation,
                                 current_language=current_language, codes=codes)
    app.jinja_env.filters.update(money=money, number=number, percent=percent, day=day)

    @app.context_processor
    def language_form():
        return {"language_form": LanguageForm(formdata=None, lang=current_language()),
                "current_path": request.full_path.rstrip("?") if request else "/"}


def navigation(role):
    """Return the (endpoint, label) pairs of the menu for a role, only for built pages."""
    from flask_babel import lazy_gettext as _l

    items = {
        "inspector": [
            ("inmates.roster", _l("Roster")),
            ("enterprises.lines", _l("Production lines")),
            ("marketplace.requests", _l("Requests")),
            ("marketplace.fill", _l("Fill vacancies")),
            ("marketplace.wages", _l("Wages")),
            ("facilities.spaces", _l("Floor space")),
            ("enterprises.leases", _l("Leases")),
            ("reports.dashboard", _l("Statistics")),
        ],
        "owner": [
            ("enterprises.lines", _l("My lines")),
            ("marketplace.sites", _l("Find a site")),
            ("facilities.spaces", _l("Floor space")),
            ("enterprises.leases", _l("Leases")),
            ("marketplace.workers", _l("Workers")),
            ("marketplace.wages", _l("Wages")),
        ],
        "analyst": [
            ("reports.dashboard", _l("Statistics")),
            ("enterprises.list", _l("Enterprises")),
            ("facilities.list", _l("Facilities")),
            ("enterprises.lines", _l("Production lines")),
        ],
        "admin": [
            ("reports.dashboard", _l("Statistics")),
            ("enterprises.list", _l("Enterprises")),
            ("facilities.list", _l("Facilities")),
            ("enterprises.lines", _l("Production lines")),
            ("accounts.users", _l("Users")),
            ("reference.index", _l("Reference data")),
            ("accounts.audit", _l("Audit log")),
        ],
    }.get(role, [])
    return [(endpoint, text) for endpoint, text in items if has_endpoint(endpoint)]
