"""Production lines, scoped like the lines page, and the candidates for one line."""
from flask_login import current_user
from sqlalchemy.orm import selectinload

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from enterprises import lines as line_services
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from marketplace import matching, services
from marketplace.views import INSPECTOR_CANDIDATES_SHOWN, OWNER_CANDIDATES_SHOWN
from timeutil import today

from .blueprint import bp
from .paging import paginated
from .schemas import CandidatesSchema, LineQuery, LineSchema


def lines_select(facility=None, region=None, status=None, occupation=None):
    """Return the select of the lines page for the token's user, with the API's filters
    (and each line's occupations, loaded for the whole page in one more query)."""
    query = line_services.lines_query(visible(ProductionLine), status=status,
                                      facility_id=facility, occupation=occupation).options(
        selectinload(ProductionLine.occupations))
    if region:
        query = query.where(ProductionLine.region_id == region)
    return query


@bp.route("/lines", tags=["lines"])
@roles(*ALL_ROLES)
@bp.arguments(LineQuery, location="query", as_kwargs=True)
@bp.response(200, LineSchema(many=True))
@paginated(bp)
def lines(**filters):
    """List the production lines the token's user may see, newest first."""
    return lines_select(**filters).order_by(ProductionLine.opened_on.desc(),
                                            ProductionLine.id.desc())


@bp.route("/lines/<int:line_id>", tags=["lines"])
@roles(*ALL_ROLES)
@bp.response(200, LineSchema)
def line(line_id):
    """Show one production line (404 outside the token's scope)."""
    return get_or_404(ProductionLine, line_id)


@bp.route("/lines/<int:line_id>/candidates", tags=["lines"])
@roles("admin", "inspector", "owner")
@bp.response(200, CandidatesSchema)
def candidates(line_id):
    """Rank the candidates for a line: by name for inspectors, pseudonymously for owners."""
    line = get_or_404(ProductionLine, line_id)
    on = today()
    if current_user.role == "owner":
        _total, ranked = matching.ranked(line, on, limit=OWNER_CANDIDATES_SHOWN)
        profiles = services.profiles(line, [c.person_id for c in ranked], on)
        return {"pseudonymous": True, "candidates": [], "profiles": [
            {"token": services.token(line.id, c.person_id), "score": c.score,
             "reasons": [str(reason) for reason in c.reasons], **profiles[c.person_id]}
            for c in ranked]}
    _total, ranked = matching.ranked(line, on, person_filter=visible(Person),
                                     limit=INSPECTOR_CANDIDATES_SHOWN)
    audit.record("view", entity="line_candidates", entity_id=line.id)
    db.session.commit()
    return {"pseudonymous": False, "profiles": [], "candidates": [
        {**c._asdict(), "reasons": [str(reason) for reason in c.reasons]}
        for c in ranked]}
