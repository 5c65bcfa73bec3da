"""Which rows each role may see (DESIGN.md section 6), as SQL conditions.

Each rule takes the user and returns True (everything), False (nothing) or a SQLAlchemy
condition. Analysts see no person-level rows at all; they read aggregates in reports.
"""
from sqlalchemy import and_, or_, select

from enterprises.models import Enterprise, ProductionLine
from facilities.models import Facility, Lease, ProductionSpace
from inmates.models import Person, Skill, Stay, Supervision
from marketplace.models import CandidateRequest, Placement, WageRecord
from reference.models import ProbationService

from .models import AuditEvent, User

_RULES = {}


def rule(model):
    """Register the scope rule of a model."""
    def decorator(fn):
        _RULES[model] = fn
        return fn
    return decorator


def scope_clause(model, user):
    """Return the registered condition for a model; unknown models are denied."""
    fn = _RULES.get(model)
    if fn is None:
        return False
    if user.role == "admin":
        return True
    return fn(user)


def facility_region_id(facility_id):
    """Return a scalar subquery giving a facility's region."""
    return select(Facility.region_id).where(Facility.id == facility_id).scalar_subquery()


def _client_ids(user):
    """A probation officer's clients: people its service supervises or supervised, never
    anyone in custody (a client sent back to prison leaves the officer's sight)."""
    return select(Person.id).where(
        Person.id.in_(select(Supervision.person_id).where(
            Supervision.service_id == user.probation_service_id)),
        Person.custody_status != "in_custody")


def _service_region_id(user):
    return (select(ProbationService.region_id)
            .where(ProbationService.id == user.probation_service_id).scalar_subquery())


def _probation_line_clause(user):
    """Outside lines of the officer's region that are open to people on probation or to
    people recently released."""
    return and_(ProductionLine.open_to_free(), ProductionLine.region_id == _service_region_id(user))


def _owner_line_ids(user):
    return select(ProductionLine.id).where(ProductionLine.enterprise_id == user.enterprise_id)


def _inspector_line_clause(user):
    """Lines at the inspector's facility, or outside lines in its region."""
    return or_(
        ProductionLine.facility_id == user.facility_id,
        and_(ProductionLine.facility_id.is_(None),
             ProductionLine.region_id == facility_region_id(user.facility_id)),
    )


@rule(Facility)
def _facility(user):
    # Facilities and their floor space are public knowledge to every signed-in role.
    if user.role == "analyst" and user.region_id:
        return Facility.region_id == user.region_id
    return True


@rule(ProductionSpace)
def _space(user):
    if user.role == "analyst" and user.region_id:
        return ProductionSpace.facility_id.in_(
            select(Facility.id).where(Facility.region_id == user.region_id))
    return True


@rule(Person)
def _person(user):
    if user.role == "inspector":
        return Person.facility_id == user.facility_id
    if user.role == "owner":
        # Only their own current workers, and views show them name and file number only.
        return Person.id.in_(select(Placement.person_id).where(
            Placement.holds_place(), Placement.line_id.in_(_owner_line_ids(user))))
    if user.role == "probation_officer":
        return Person.id.in_(_client_ids(user))
    return False


@rule(Supervision)
def _supervision(user):
    if user.role == "probation_officer":
        return and_(Supervision.service_id == user.probation_service_id,
                    Supervision.person_id.in_(_client_ids(user)))
    return False


@rule(Skill)
def _skill(user):
    if user.role == "inspector":
        return Skill.person_id.in_(select(Person.id).where(Person.facility_id == user.facility_id))
    if user.role == "probation_officer":
        return Skill.person_id.in_(_client_ids(user))
    return False


@rule(Stay)
def _stay(user):
    if user.role == "inspector":
        return Stay.person_id.in_(select(Person.id).where(Person.facility_id == user.facility_id))
    if user.role == "probation_officer":
        return Stay.person_id.in_(_client_ids(user))  # a released client's history
    return False


@rule(Enterprise)
def _enterprise(user):
    if user.role == "owner":
        return Enterprise.id == user.enterprise_id
    if user.role == "analyst" and user.region_id:
        return Enterprise.region_id == user.region_id
    return True


@rule(Lease)
def _lease(user):
    if user.role == "owner":
        return Lease.enterprise_id == user.enterprise_id
    if user.role == "inspector":
        return Lease.space_id.in_(
            select(ProductionSpace.id).where(ProductionSpace.facility_id == user.facility_id))
    if user.role == "analyst" and user.region_id:
        return Lease.space_id.in_(select(ProductionSpace.id).join(Facility).where(
            Facility.region_id == user.region_id))
    if user.role == "probation_officer":
        return False
    return True


@rule(ProductionLine)
def _line(user):
    if user.role == "owner":
        return ProductionLine.enterprise_id == user.enterprise_id
    if user.role == "inspector":
        return _inspector_line_clause(user)
    if user.role == "probation_officer":
        return _probation_line_clause(user)
    if user.role == "analyst" and user.region_id:
        return ProductionLine.region_id == user.region_id
    return True


def _placement_clause(user, line_id_col, person_id_col):
    if user.role == "owner":
        return line_id_col.in_(_owner_line_ids(user))
    if user.role == "inspector":
        return or_(
            person_id_col.in_(select(Person.id).where(Person.facility_id == user.facility_id)),
            line_id_col.in_(select(ProductionLine.id).where(
                ProductionLine.facility_id == user.facility_id)))
    if user.role == "probation_officer":
        return person_id_col.in_(_client_ids(user))
    return False


@rule(Placement)
def _placement(user):
    return _placement_clause(user, Placement.line_id, Placement.person_id)


@rule(CandidateRequest)
def _candidate_request(user):
    return _placement_clause(user, CandidateRequest.line_id, CandidateRequest.person_id)


@rule(WageRecord)
def _wage_record(user):
    placements = select(Placement.id).where(
        _placement_clause(user, Placement.line_id, Placement.person_id))
    if user.role not in ("owner", "inspector", "probation_officer"):
        return False
    return WageRecord.placement_id.in_(placements)


@rule(User)
def _user(user):
    # Only administrators manage accounts; everyone else sees their own.
    return User.id == user.id


@rule(AuditEvent)
def _audit_event(_user):
    return False
