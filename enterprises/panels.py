"""What the home page shows about enterprises, lines and leases, for each role."""
from sqlalchemy import func, select

from accounts.services import registrants
from extensions import db
from facilities.leases import leases_query
from facilities.models import Lease

from .lines import lines_query, wage_floor
from .models import Enterprise, ProductionLine

PANEL_ROWS = 10


def enterprise_panel(user, lines_clause, leases_clause):
    """Return the home panel of a user: pending enterprises (admin), or the user's latest
    lines and leases (owner, inspector); None for other roles.

    ``lines_clause`` and ``leases_clause`` limit the rows to the user's scope.
    """
    if user.role == "admin":
        waiting = db.session.scalars(select(Enterprise).where(Enterprise.status == "pending")
                                     .order_by(Enterprise.created_at).limit(PANEL_ROWS)).all()
        return {"pending": db.session.scalar(select(func.count(Enterprise.id)).where(
                    Enterprise.status == "pending")),
                "waiting": waiting, "registrants": registrants(e.id for e in waiting)}
    if user.role not in ("owner", "inspector"):
        return None
    live = ProductionLine.status.in_(("open", "paused", "draft") if user.role == "owner"
                                     else ("open", "paused"))
    lines = db.session.scalars(lines_query(lines_clause).where(live)
                               .order_by(ProductionLine.id.desc()).limit(PANEL_ROWS)).all()
    panel = {"lines": lines, "floor": wage_floor()}
    if user.role == "owner":
        panel["enterprise"] = db.session.get(Enterprise, user.enterprise_id)
        panel["leases"] = db.session.scalars(
            leases_query(leases_clause).where(Lease.status.in_(("requested", "active")))
            .order_by(Lease.id.desc()).limit(PANEL_ROWS)).all()
    else:
        panel["waiting"] = db.session.scalars(
            leases_query(leases_clause, status="requested").order_by(Lease.requested_at)
            .limit(PANEL_ROWS)).all()
    return panel
