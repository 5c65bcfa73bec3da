"""Who is in custody and who is employed on a day (DESIGN.md section 7): the one definition
that the roster, the home panels, the dashboard, the exports and the statistics all count.

- in custody on D: a stay active on D (``Stay.active_on``); the stay's facility places the
  person, so a person transferred on D counts at the new facility on D;
- able-bodied: of those, ``Person.able_bodied``;
- employed on D: of the able-bodied, a placement active on D (``Placement.active_on``); a
  person counts once, under the placement with the highest id should two overlap.

People under probation supervision are never in custody and never counted above. Their
own figure, kept apart (``probation_employment_on``):

- on probation on D: a supervision active on D (``Supervision.active_on``), in the region of
  the probation service that keeps it;
- employed through the system on D: of those, a placement active on D, on any line (the
  lines that take them are outside lines of the region); a person counts once, under the
  placement with the highest id. There is no able-bodied denominator: the probation service
  registers everyone it supervises, not only those able to work.

Everything is a subquery to join, group and count in SQL.
"""
from sqlalchemy import and_, case, func, select

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Stay, Supervision
from reference.models import ProbationService

from .models import Placement


def held_at(day, within):
    """A select of the persons with a stay active on ``day`` at a facility meeting the
    conditions ``within`` (on the Facility table): the people a facility, region or security
    level scope can hold. It only narrows what the subqueries below read first; the row each
    of them gives a person is the same as without it."""
    return (select(Stay.person_id).join(Facility, Facility.id == Stay.facility_id)
            .where(Stay.active_on(day), *within))


def custody_on(day, within=(), among=None):
    """One row per person in custody on ``day``: person_id, facility_id (of the stay).

    A person's stays do not overlap (admission, transfer and release are their only
    writers); should two ever do, the highest facility id is taken, so a person counts once.
    ``within`` (conditions on Facility) reads only the people ``held_at`` such a facility,
    so a facility's figures do not group the whole country first; ``among`` (a select of
    person ids) reads only those people. Neither changes the row a person gets.
    """
    query = select(Stay.person_id, func.max(Stay.facility_id).label("facility_id")).where(
        Stay.active_on(day))
    if within:
        query = query.where(Stay.person_id.in_(held_at(day, within)))
    if among is not None:
        query = query.where(Stay.person_id.in_(among))
    return query.group_by(Stay.person_id).subquery("custody")


def employment_on(day, within=(), among=None):
    """One row per person working on ``day``: person_id, placement_id, line_id,
    enterprise_id and the enterprise's kind (the placement with the highest id).
    ``within`` narrows the people read to those ``held_at`` a facility meeting it, ``among``
    (a select of person ids) to those people, as in ``custody_on``."""
    latest = select(Placement.person_id, func.max(Placement.id).label("placement_id")).where(
        Placement.active_on(day))
    if within:
        latest = latest.where(Placement.person_id.in_(held_at(day, within)))
    if among is not None:
        latest = latest.where(Placement.person_id.in_(among))
    latest = latest.group_by(Placement.person_id).subquery("latest_placement")
    return (select(latest.c.person_id, latest.c.placement_id,
                   ProductionLine.id.label("line_id"), Enterprise.id.label("enterprise_id"),
                   Enterprise.kind.label("kind"))
            .join(Placement, Placement.id == latest.c.placement_id)
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .subquery("employment"))


def population(day, employer_kind=None, within=(), among=None):
    """Return a select: one row per person in custody on ``day``, flagged.

    Columns: person_id, facility_id, region_id, security_level, gender, birth_on, able
    (0/1), employed (0/1), kind, enterprise_id, line_id (the last three for the employed).
    With ``employer_kind``, only work for enterprises of that kind counts as employed; the
    population (in custody, able-bodied) stays the same. ``within`` (conditions on
    Facility) reads only the people held at such a facility on ``day``; the caller still
    keeps the rows of its scope (a person counts where their stay's facility is). ``among``
    (a select of person ids) reads only those people.
    """
    custody, employment = custody_on(day, within, among), employment_on(day, within, among)
    works = employment.c.person_id.isnot(None)
    if employer_kind:
        works = and_(works, employment.c.kind == employer_kind)
    employed = and_(Person.able_bodied.is_(True), works)
    return (select(custody.c.person_id, custody.c.facility_id, Facility.region_id,
                   Facility.security_level, Person.gender, Person.birth_on,
                   case((Person.able_bodied.is_(True), 1), else_=0).label("able"),
                   case((employed, 1), else_=0).label("employed"),
                   case((employed, employment.c.kind)).label("kind"),
                   case((employed, employment.c.enterprise_id)).label("enterprise_id"),
                   case((employed, employment.c.line_id)).label("line_id"))
            .join(Person, Person.id == custody.c.person_id)
            .join(Facility, Facility.id == custody.c.facility_id)
            .outerjoin(employment, employment.c.person_id == custody.c.person_id))


def rate(employed, able_bodied):
    """Return the employment rate: employed / able-bodied (None when nobody is able-bodied)."""
    return employed / able_bodied if able_bodied else None


def counts(day, facility_id=None):
    """Return in custody, able-bodied, employed and the rate on ``day``, for one facility or
    the whole country, in one grouped query over ``population``."""
    within = (Facility.id == facility_id,) if facility_id else ()
    query = population(day, within=within)
    if facility_id:
        query = query.where(Facility.id == facility_id)
    pop = query.subquery("population")
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(pop.c.able), 0),
                                    func.coalesce(func.sum(pop.c.employed), 0))).one()
    custody, able, working = (int(value) for value in row)
    return {"in_custody": custody, "able_bodied": able, "employed": working,
            "rate": rate(working, able)}


def supervised_on(day):
    """One row per person under probation supervision on ``day``: person_id, region_id (of
    the probation service keeping the supervision; the highest should two overlap)."""
    return (select(Supervision.person_id, func.max(ProbationService.region_id).label("region_id"))
            .join(ProbationService, ProbationService.id == Supervision.service_id)
            .where(Supervision.active_on(day)).group_by(Supervision.person_id)
            .subquery("supervised"))


def probation_employment_on(day):
    """Return a select: one row per person on probation on ``day``, flagged.

    Columns: person_id, region_id (the service's), employed (0/1), line_id, enterprise_id
    (the last two for the employed). The module docstring gives the definition.
    """
    # The placements read are those of the people supervised that day, not the country's.
    supervised = supervised_on(day)
    employment = employment_on(day, among=select(Supervision.person_id)
                               .where(Supervision.active_on(day)))
    employed = employment.c.person_id.isnot(None)
    return (select(supervised.c.person_id, supervised.c.region_id,
                   case((employed, 1), else_=0).label("employed"),
                   employment.c.line_id, employment.c.enterprise_id)
            .outerjoin(employment, employment.c.person_id == supervised.c.person_id))


def line_workers_by_group(line_id, day):
    """Return {"custody": n, "probation": n, "other": n}: the persons working on a line on
    ``day``, by whether they were in custody, on probation or neither on that day."""
    employment, custody, supervised = employment_on(day), custody_on(day), supervised_on(day)
    group = case((custody.c.person_id.isnot(None), "custody"),
                 (supervised.c.person_id.isnot(None), "probation"), else_="other")
    rows = db.session.execute(
        select(group, func.count()).select_from(employment)
        .outerjoin(custody, custody.c.person_id == employment.c.person_id)
        .outerjoin(supervised, supervised.c.person_id == employment.c.person_id)
        .where(employment.c.line_id == line_id).group_by(group)).all()
    return {"custody": 0, "probation": 0, "other": 0, **{name: int(n) for name, n in rows}}
