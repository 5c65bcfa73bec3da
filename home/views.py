"""The home page, whose panels each package's services build for the user's role, and the
health check."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from accounts.permissions import ALL_ROLES, public, roles, visible
from enterprises.models import ProductionLine
from enterprises.panels import enterprise_panel
from extensions import db
from facilities.models import Lease
from marketplace import services as marketplace
from marketplace.models import CandidateRequest
from reports.services import home_figures
from timeutil import today

from .blueprint import bp


def marketplace_panel(user):
    """Return the marketplace figures of an inspector's or owner's home panel."""
    if user.role == "inspector":
        return marketplace.inspector_panel(user.facility, visible(CandidateRequest))
    if user.role == "owner":
        return marketplace.owner_panel(user.enterprise_id, today())
    return None


@bp.route("/")
@roles(*ALL_ROLES)
def index():
    """Show the home page with the panels of the user's role."""
    user = current_user
    return render_template(
        "home/index.html",
        enterprises=enterprise_panel(user, visible(ProductionLine), visible(Lease)),
        market=marketplace_panel(user), figures=home_figures(user))


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
