"""The main menu of each role: every entry is a route that must exist.

Menu words are short (context "menu") so the longest menu fits one bar from 1280 px on, in
Kazakh and Russian; the pages keep their full titles.
"""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

MENUS = {
    "inspector": [
        ("marketplace.roster", _l("Roster")),
        ("enterprises.lines", lazy_pgettext("menu", "Lines")),
        ("marketplace.requests", _l("Requests")),
        ("marketplace.fill", lazy_pgettext("menu", "Vacancies")),
        ("marketplace.wages", lazy_pgettext("menu", "Wages")),
        ("facilities.spaces", lazy_pgettext("menu", "Space")),
        ("enterprises.leases", _l("Leases")),
        ("reports.dashboard", _l("Statistics")),
    ],
    "owner": [
        ("enterprises.lines", _l("My lines")),
        ("marketplace.sites", _l("Find a site")),
        ("facilities.spaces", lazy_pgettext("menu", "Space")),
        ("enterprises.leases", _l("Leases")),
        ("marketplace.workers", _l("Workers")),
        ("marketplace.wages", lazy_pgettext("menu", "Wages")),
    ],
    "analyst": [
        ("reports.dashboard", _l("Statistics")),
        ("enterprises.list", _l("Enterprises")),
        ("facilities.list", _l("Facilities")),
        ("enterprises.lines", lazy_pgettext("menu", "Lines")),
    ],
    "probation_officer": [
        ("inmates.clients", _l("Clients on probation")),
        ("enterprises.lines", lazy_pgettext("menu", "Lines")),
        ("marketplace.requests", lazy_pgettext("menu", "Requests")),
    ],
    "admin": [
        ("reports.dashboard", _l("Statistics")),
        ("enterprises.list", _l("Enterprises")),
        ("facilities.list", _l("Facilities")),
        ("enterprises.lines", lazy_pgettext("menu", "Lines")),
        ("inmates.clients", lazy_pgettext("menu", "Probation")),
        ("accounts.users", _l("Users")),
        ("reference.index", _l("Reference data")),
        ("accounts.audit", _l("Audit log")),
    ],
}


def navigation(role):
    """Return the (endpoint, label) pairs of the menu for a role."""
    return MENUS.get(role, [])
