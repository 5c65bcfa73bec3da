"""People, workers and placements, for the roles whose pages show them, with those pages'
fields: inspectors (their facility) and administrators see people; owners see their own
current workers by name and file number only, never a person's id or record."""
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from accounts import audit
from accounts.permissions import get_or_404, own_facility_id, roles, scoped
from extensions import db
from inmates.models import Person
from marketplace import services as market
from marketplace.models import Placement

from .blueprint import bp
from .paging import paginated
from .schemas import PersonQuery, PersonSchema, PlacementQuery, PlacementSchema, WorkerSchema


@bp.route("/people", tags=["people"])
@roles("admin", "inspector")
@bp.arguments(PersonQuery, location="query", as_kwargs=True)
@bp.response(200, PersonSchema(many=True))
@paginated(bp)
def people(facility=None, status=None):
    """List the people the token's user may see (an inspector: their facility's)."""
    query = (scoped(Person).options(selectinload(Person.skills))
             .order_by(Person.last_name, Person.first_name, Person.id))
    facility = own_facility_id() or facility
    if facility:
        query = query.where(Person.facility_id == facility)
    if status:
        query = query.where(Person.custody_status == status)
    audit.record("view", entity="person", detail="api list")
    db.session.commit()
    return query


@bp.route("/people/<int:person_id>", tags=["people"])
@roles("admin", "inspector")
@bp.response(200, PersonSchema)
def person(person_id):
    """Show a person's record with skills (404 outside the token's scope)."""
    obj = get_or_404(Person, person_id)
    audit.record("view", entity="person", entity_id=obj.id)
    db.session.commit()
    return obj


@bp.route("/workers", tags=["people"])
@roles("admin", "owner")
@bp.response(200, WorkerSchema(many=True))
@paginated(bp)
def workers():
    """List the enterprise's current workers: name, file number, line, start and wage."""
    enterprise_id = current_user.enterprise_id if current_user.role == "owner" else None
    rows = market.workers_query(enterprise_id).with_only_columns(Placement.id)
    return (select(Placement).where(Placement.id.in_(rows))
            .options(joinedload(Placement.person), joinedload(Placement.line))
            .order_by(Placement.line_id, Placement.id))


def placements_select(user, line=None, person=None, current=None, ended_since=None):
    """Return the placements a user may see: owners only those holding a place on their
    lines (their workers), as the workers page shows them, and, when ``ended_since`` is
    given, also those written since it that have ended (a worker's end is news to them)."""
    query = scoped(Placement, user).options(joinedload(Placement.person))
    if user.role == "owner":
        workers = Placement.holds_place()
        if ended_since is not None:
            workers = or_(workers, Placement.updated_at >= ended_since)
        query = query.where(workers)
    elif person:
        query = query.where(Placement.person_id == person)
    if line:
        query = query.where(Placement.line_id == line)
    if current:
        query = query.where(Placement.holds_place())
    return query


@bp.route("/placements", tags=["people"])
@roles("admin", "inspector", "owner")
@bp.arguments(PlacementQuery, location="query", as_kwargs=True)
@bp.response(200, PlacementSchema(many=True))
@paginated(bp)
def placements(**filters):
    """List the placements the token's user may see, newest first."""
    return placements_select(current_user, **filters).order_by(Placement.started_on.desc(),
                                                                Placement.id.desc())


@bp.route("/placements/<int:placement_id>", tags=["people"])
@roles("admin", "inspector", "owner")
@bp.response(200, PlacementSchema)
def placement(placement_id):
    """Show one placement (404 outside the token's scope, or an owner's ended one)."""
    obj = get_or_404(Placement, placement_id)
    if current_user.role == "owner" and not obj.holds_place():
        get_or_404(Person, obj.person_id)  # no longer their worker: 404, audited
    return obj
