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
from marketplace.models import CandidateRequest, Placement
from reports.services import home_figures
from timeutil import today

from .blueprint import bp


def marketplace_panel(user):
    """Return the marketplace figures of the user's home panel: requests, vacancies and wages
    for inspectors and owners, clients and clients working for probation officers, and for
    everyone the lines and placements in scope paying
    below this year's minimum wage."""
    if user.role == "inspector":
        panel = marketplace.inspector_panel(user.facility, visible(CandidateRequest))
    elif user.role == "owner":
        panel = marketplace.owner_panel(user.enterprise_id, today())
    elif user.role == "probation_officer":
        panel = marketplace.probation_panel(user.probation_service_id,
                                            visible(CandidateRequest), today())
    else:
        panel = {}
    panel["below_minimum"] = marketplace.below_minimum_counts(
        today().year, visible(ProductionLine), visible(Placement))
    return panel


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
