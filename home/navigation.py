"""The main menu of each role: every entry is a route that must exist."""
from flask_babel import lazy_gettext as _l

MENUS = {
    "inspector": [
        ("marketplace.roster", _l("Roster")),
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
    "probation_officer": [
        ("inmates.clients", _l("Clients on probation")),
        ("enterprises.lines", _l("Production lines")),
        ("marketplace.requests", _l("Requests")),
    ],
    "admin": [
        ("reports.dashboard", _l("Statistics")),
        ("enterprises.list", _l("Enterprises")),
        ("facilities.list", _l("Facilities")),
        ("enterprises.lines", _l("Production lines")),
        ("inmates.clients", _l("Clients on probation")),
        ("accounts.users", _l("Users")),
        ("reference.index", _l("Reference data")),
        ("accounts.audit", _l("Audit log")),
    ],
}


def navigation(role):
    """Return the (endpoint, label) pairs of the menu for a role."""
    return MENUS.get(role, [])
