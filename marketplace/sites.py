"""Sites for a planned line: facilities whose free floor space and idle people fit it."""
from collections import namedtuple

from sqlalchemy import case, func, or_, select

from extensions import db
from facilities.models import Facility, ProductionSpace
from inmates.models import Person, Skill

from .models import Placement

Site = namedtuple("Site", "facility spaces best_free_m2 people fitting")
Space = namedtuple("Space", "id name free_m2")


def free_area_query():
    """Return a subquery: each active space's id, facility, kind and free area."""
    return (select(ProductionSpace.id, ProductionSpace.facility_id, ProductionSpace.kind,
                   ProductionSpace.free_m2.label("free"))
            .where(ProductionSpace.is_active.is_(True)).subquery())


def find_sites(codes, area_m2, kind, region_id=None, limit=50):
    """Rank facilities for a planned line, in three set-based queries joined as one.

    A space fits when it is of the kind asked and its free area is at least the area asked;
    a person fits when in custody, able-bodied, without an active placement and with a
    skill in the same minor group (3 digits) as one of the occupations, or closer.
    Facilities with fitting space come first, then by fitting people.
    """
    free = free_area_query()
    spaces = (select(free.c.facility_id, func.count().label("spaces"),
                     func.max(free.c.free).label("best_free"))
              .where(free.c.kind == kind, free.c.free >= area_m2)
              .group_by(free.c.facility_id).subquery())
    minors = sorted({code[:3] for code in codes}) or ["---"]
    placed = select(Placement.person_id).where(Placement.holds_place())
    skilled = select(Skill.person_id).where(func.substr(Skill.occupation_code, 1, 3).in_(minors))
    people = (select(Person.facility_id, func.count(Person.id).label("people"))
              .where(Person.custody_status == "in_custody", Person.able_bodied.is_(True),
                     Person.id.not_in(placed), Person.id.in_(skilled))
              .group_by(Person.facility_id).subquery())
    n_spaces = func.coalesce(spaces.c.spaces, 0)
    n_people = func.coalesce(people.c.people, 0)
    query = (select(Facility, n_spaces, spaces.c.best_free, n_people)
             .outerjoin(spaces, spaces.c.facility_id == Facility.id)
             .outerjoin(people, people.c.facility_id == Facility.id)
             .where(or_(n_spaces > 0, n_people > 0), Facility.is_pre_trial.is_(False))
             .order_by(case((n_spaces > 0, 0), else_=1), n_people.desc(), n_spaces.desc(),
                       Facility.code)
             .limit(limit))
    if region_id:
        query = query.where(Facility.region_id == region_id)
    rows = db.session.execute(query).all()
    fitting = {}
    if rows:
        for space_id, facility_id, name, free_m2 in db.session.execute(
                select(free.c.id, free.c.facility_id, ProductionSpace.name, free.c.free)
                .join(ProductionSpace, ProductionSpace.id == free.c.id)
                .where(free.c.kind == kind, free.c.free >= area_m2,
                       free.c.facility_id.in_([row[0].id for row in rows]))
                .order_by(free.c.free.desc())):
            fitting.setdefault(facility_id, []).append(Space(space_id, name, free_m2))
    return [Site(*row, fitting=fitting.get(row[0].id, [])[:5]) for row in rows]
