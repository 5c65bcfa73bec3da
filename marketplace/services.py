"""Candidate requests, pseudonyms for business owners, workers and home-panel figures."""
import hashlib
import hmac

from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from inmates.models import Person, Supervision
from inmates.services import pseudonymous_profile
from reference.models import MinimumWage
from timeutil import month_start, today, utcnow

from . import matching
from .employment import employment_on
from .fill import vacancy_count
from .models import CandidateRequest, Placement, WageRecord
from .placements import PlacementConflict, start_placement
from .wages import active_in_month


def token(line_id, person_id):
    """Return an opaque, stable token naming a person as a candidate of one line.

    It is a keyed hash: a business owner can neither read a person id out of it nor
    link the same person across two lines.
    """
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"candidate:{line_id}:{person_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def profiles(line, person_ids, on):
    """Return {person id: pseudonymous profile} for a line's candidates, in one query."""
    people = db.session.scalars(select(Person).where(Person.id.in_(person_ids))
                                .options(selectinload(Person.skills))).all()
    return {person.id: pseudonymous_profile(person, line.id, on) for person in people}


def resolve_token(line, value, on):
    """Return the person id of the line's current candidate with this token, or None."""
    for person_id in matching.candidate_ids(line, on):
        if hmac.compare_digest(token(line.id, person_id), value or ""):
            return person_id
    return None


def request_candidate(line, person_id, user):
    """Record an owner's request for a candidate; raise PlacementConflict if one is open."""
    request = CandidateRequest(line_id=line.id, person_id=person_id, requested_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError as error:
        raise PlacementConflict(_("You have already asked for this candidate.")) from error
    return request


def accept_request(request, user, started_on):
    """Accept a request: place the person (raising PlacementConflict) and record the decision."""
    if request.status != "requested":
        raise PlacementConflict(_("This request has already been decided."))
    placement = start_placement(request.person_id, request.line_id, started_on)
    request.status, request.decided_by_id, request.decided_at = "accepted", user.id, utcnow()
    db.session.flush()
    return placement


def decline_request(request, user, reason):
    """Decline a request with a reason the owner will see."""
    if request.status != "requested":
        raise PlacementConflict(_("This request has already been decided."))
    request.status, request.reason = "declined", reason
    request.decided_by_id, request.decided_at = user.id, utcnow()
    db.session.flush()
    return request


def requests_query(visible_clause, status=None):
    """Return a select of requests with their lines, newest first, limited to a scope."""
    query = (select(CandidateRequest, ProductionLine)
             .join(ProductionLine, ProductionLine.id == CandidateRequest.line_id)
             .where(visible_clause).order_by(CandidateRequest.requested_at.desc(),
                                             CandidateRequest.id.desc()))
    if status:
        query = query.where(CandidateRequest.status == status)
    return query


def workers_query(enterprise_id=None, year=None):
    """Return a select of the placements holding places (with person and line) of an
    enterprise's lines: its workers now, and those about to start; with the tenge the line's
    wage lacks to reach the minimum wage of ``year`` (this year by default)."""
    year = year or today().year
    query = (select(Placement, Person.last_name, Person.first_name, Person.patronymic,
                    Person.file_number, ProductionLine.label_sql().label("line_title"),
                    ProductionLine.wage_shortfall(year).label("line_missing_kzt"))
             .join(Person, Person.id == Placement.person_id)
             .join(ProductionLine, ProductionLine.id == Placement.line_id)
             .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
             .where(Placement.holds_place()))
    if enterprise_id is not None:
        query = query.where(ProductionLine.enterprise_id == enterprise_id)
    return query


def workers_now(line_ids, on):
    """SQL: the number of persons working on ``on`` on the given lines (a line's workers now)."""
    return (select(func.count(func.distinct(Placement.person_id)))
            .where(Placement.line_id.in_(line_ids), Placement.active_on(on)).scalar_subquery())


def inspector_panel(facility, requests_clause):
    """Return the inspector's home figures: pending requests and vacant places."""
    pending = db.session.scalar(select(func.count(CandidateRequest.id)).where(
        requests_clause, CandidateRequest.status == "requested"))
    return {"pending": pending, "vacancies": vacancy_count(facility)}


def probation_panel(service_id, requests_clause, on):
    """Return the probation officer's home figures on ``on``: the service's clients (under
    its supervision that day), those of them working (a placement active that day, the
    definition of employment.py) and the candidate requests waiting for a decision."""
    working = employment_on(on)
    clients, employed = db.session.execute(
        select(func.count(func.distinct(Supervision.person_id)),
               func.count(func.distinct(working.c.person_id)))
        .select_from(Supervision)
        .outerjoin(working, working.c.person_id == Supervision.person_id)
        .where(Supervision.service_id == service_id, Supervision.active_on(on))).one()
    pending = db.session.scalar(select(func.count(CandidateRequest.id)).where(
        requests_clause, CandidateRequest.status == "requested"))
    return {"clients": clients, "working": employed, "pending": pending}


def owner_panel(enterprise_id, on):
    """Return the owner's home figures: workers, open requests, wage rows to enter this month."""
    lines = select(ProductionLine.id).where(ProductionLine.enterprise_id == enterprise_id)
    workers = db.session.scalar(select(workers_now(lines, on)))
    pending = db.session.scalar(select(func.count(CandidateRequest.id)).where(
        CandidateRequest.status == "requested", CandidateRequest.line_id.in_(lines)))
    month = month_start(on)
    entered = select(WageRecord.placement_id).where(WageRecord.month == month)
    to_enter = db.session.scalar(select(func.count(Placement.id)).where(
        Placement.line_id.in_(lines), active_in_month(month), Placement.id.not_in(entered)))
    return {"workers": workers, "pending": pending, "wages_to_enter": to_enter}


def lines_below_minimum(lines_clause, year):
    """Return a select of (line, missing tenge) for the lines in scope below the minimum wage
    of ``year``, largest shortfall first, with enterprise, site and region loaded."""
    missing = ProductionLine.wage_shortfall(year).label("missing_kzt")
    return (select(ProductionLine, missing)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .where(lines_clause, ProductionLine.below_minimum_wage(year))
            .options(joinedload(ProductionLine.enterprise), joinedload(ProductionLine.facility),
                     joinedload(ProductionLine.region))
            .order_by(missing.desc(), ProductionLine.title, ProductionLine.id))


def placements_below_minimum(placements_clause, year):
    """Return a select of (placement, name parts, file number, line title, missing tenge) for
    the placements in scope holding places at an agreed wage below the minimum wage of
    ``year``."""
    missing = (MinimumWage.of(year) - Placement.wage_kzt).label("missing_kzt")
    return (select(Placement, Person.last_name, Person.first_name, Person.patronymic,
                   Person.file_number, ProductionLine.label_sql().label("line_title"), missing)
            .join(Person, Person.id == Placement.person_id)
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .where(placements_clause, Placement.below_minimum_wage(year))
            .order_by(ProductionLine.title, Person.last_name, Person.first_name, Placement.id))


def below_minimum_counts(year, lines_clause=None, placements_clause=None):
    """Return {"lines": n, "placements": m} below the minimum wage of ``year`` in a scope
    (everything by default)."""
    lines = db.session.scalar(select(func.count(ProductionLine.id)).where(
        true() if lines_clause is None else lines_clause, ProductionLine.below_minimum_wage(year)))
    placements = db.session.scalar(select(func.count(Placement.id)).where(
        true() if placements_clause is None else placements_clause,
        Placement.below_minimum_wage(year)))
    return {"lines": lines, "placements": placements}
