"""Home-page figures for owners and inspectors, exposed to templates as one global."""
from flask_login import current_user
from sqlalchemy import func, select

from accounts.permissions import visible
from extensions import db

from .leases import leases_query
from .lines import lines_query
from .models import Enterprise, Lease, ProductionLine
from .views import bp

PANEL_ROWS = 10


@bp.app_template_global()
def enterprise_panel():
    """Return what the user's home panel shows: their enterprise, lines, leases, workers."""
    role = getattr(current_user, "role", None)
    if role == "admin":
        return {"pending": db.session.scalar(select(func.count(Enterprise.id)).where(
            Enterprise.status == "pending"))}
    if role not in ("owner", "inspector"):
        return None
    live = ProductionLine.status.in_(("open", "paused", "draft") if role == "owner"
                                     else ("open", "paused"))
    query, _filled = lines_query(visible(ProductionLine))
    lines = db.session.execute(query.where(live).order_by(ProductionLine.id.desc())
                               .limit(PANEL_ROWS)).all()
    panel = {"lines": lines}
    if role == "owner":
        from marketplace.models import Placement

        panel["enterprise"] = db.session.get(Enterprise, current_user.enterprise_id)
        panel["leases"] = db.session.scalars(
            leases_query(visible(Lease)).where(Lease.status.in_(("requested", "active")))
            .order_by(Lease.id.desc()).limit(PANEL_ROWS)).all()
        panel["workers"] = db.session.scalar(
            select(func.count(func.distinct(Placement.person_id)))
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .where(ProductionLine.enterprise_id == current_user.enterprise_id,
                   Placement.ended_on.is_(None))) or 0
    else:
        panel["waiting"] = db.session.scalars(
            leases_query(visible(Lease), status="requested").order_by(Lease.requested_at)
            .limit(PANEL_ROWS)).all()
    return panel
