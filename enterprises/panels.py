"""What the home page shows about enterprises, lines and leases, for each role."""
from sqlalchemy import and_, func, select

from accounts.services import registrants
from extensions import db
from facilities.leases import leases_query
from facilities.models import Lease

from .lines import lines_query, wage_floor
from .models import Enterprise, ProductionLine

PANEL_ROWS = 10


def enterprise_panel(user, lines_clause, leases_clause):
    """Return the home panel of a user: pending enterprises (admin), the user's latest
    lines and leases (owner, inspector), or the open lines of the region taking people on
    probation, most free places first, with their count (probation officer); None for
    other roles.

    ``lines_clause`` and ``leases_clause`` limit the rows to the user's scope.
    """
    if user.role == "admin":
        waiting = db.session.scalars(select(Enterprise).where(Enterprise.status == "pending")
                                     .order_by(Enterprise.created_at).limit(PANEL_ROWS)).all()
        return {"pending": db.session.scalar(select(func.count(Enterprise.id)).where(
                    Enterprise.status == "pending")),
                "waiting": waiting, "registrants": registrants(e.id for e in waiting)}
    if user.role == "probation_officer":
        return _probation_panel(lines_clause)
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


def _probation_panel(lines_clause):
    """The open lines in the officer's scope (accounts/scopes.py: outside lines of its region
    open to people on probation or to leavers), with their number and free places."""
    open_lines = and_(lines_clause, ProductionLine.status == "open")
    count, vacant = db.session.execute(
        select(func.count(ProductionLine.id),
               func.coalesce(func.sum(ProductionLine.free_places), 0))
        .where(open_lines)).one()
    lines = db.session.scalars(lines_query(open_lines)
                               .order_by(ProductionLine.free_places.desc(), ProductionLine.id)
                               .limit(PANEL_ROWS)).all()
    return {"lines": lines, "open_lines": count, "vacant": int(vacant), "floor": wage_floor()}
