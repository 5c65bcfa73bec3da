"""What changed since a moment, for systems that copy the data (a warehouse): lines,
placements and wage records written at or after ``since``, oldest first, in the token's
scope. Page through with the library's pagination; the next sync asks from the last
``updated_at`` it got (rows written in the same instant come again, never get lost)."""
from datetime import timezone

from flask_login import current_user
from sqlalchemy import or_, select

from accounts.permissions import ALL_ROLES, roles, scoped
from enterprises.models import ProductionLine
from marketplace.models import Placement, WageRecord
from marketplace.wage_views import WAGE_ROLES

from .blueprint import bp
from .line_views import lines_select
from .paging import paginated
from .people_views import placements_select
from .schemas import ChangesQuery, LineSchema, PlacementSchema, WageRecordSchema


def _naive_utc(moment):
    """Return an aware moment as the naive UTC the database keeps (naive is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


@bp.route("/changes/lines", tags=["changes"])
@roles(*ALL_ROLES)
@bp.arguments(ChangesQuery, location="query", as_kwargs=True)
@bp.response(200, LineSchema(many=True))
@paginated(bp)
def changed_lines(since):
    """List the lines changed since a moment, and those whose places changed (a placement
    written since), oldest change first."""
    since = _naive_utc(since)
    placed = select(Placement.line_id).where(Placement.updated_at >= since)
    return (lines_select().where(or_(ProductionLine.updated_at >= since,
                                     ProductionLine.id.in_(placed)))
            .order_by(ProductionLine.updated_at, ProductionLine.id))


@bp.route("/changes/placements", tags=["changes"])
@roles("admin", "inspector", "owner")
@bp.arguments(ChangesQuery, location="query", as_kwargs=True)
@bp.response(200, PlacementSchema(many=True))
@paginated(bp)
def changed_placements(since):
    """List the placements changed since a moment, oldest change first."""
    return (placements_select(current_user).where(Placement.updated_at >= _naive_utc(since))
            .order_by(Placement.updated_at, Placement.id))


@bp.route("/changes/wage-records", tags=["changes"])
@roles(*WAGE_ROLES)
@bp.arguments(ChangesQuery, location="query", as_kwargs=True)
@bp.response(200, WageRecordSchema(many=True))
@paginated(bp)
def changed_wage_records(since):
    """List the wage records written since a moment, oldest first."""
    return (scoped(WageRecord).where(WageRecord.updated_at >= _naive_utc(since))
            .order_by(WageRecord.updated_at, WageRecord.id))
