"""The roster: one query per page of people, with skills and the active placement, and counts."""
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from enterprises.models import ProductionLine
from extensions import db
from marketplace.models import Placement
from timeutil import month_end, today

from .models import Person, Skill

PER_PAGE = 50
RESTRICTIONS = ("no_work_with_minors", "no_outside_work")


@dataclass
class RosterFilter:
    """What the roster list is asked for; every field optional."""

    facility_id: int | None = None
    term: str = ""
    able_bodied: bool | None = None
    employed: bool | None = None
    occupation: str | None = None
    level: str | None = None
    min_months: int | None = None
    restriction: str | None = None
    status: str | None = "in_custody"


def add_months(day, months):
    """Return the same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    first = day.replace(year=index // 12, month=index % 12 + 1, day=1)
    return first.replace(day=min(day.day, month_end(first).day))


def active_placements():
    """Return a subquery of active placements: person, line and line title."""
    return (select(Placement.person_id, Placement.line_id, Placement.started_on,
                   ProductionLine.title.label("line_title"))
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .where(Placement.ended_on.is_(None)).subquery("active"))


def _like(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def roster_query(scope, wanted, on=None):
    """Return select(Person, line_id, line_title) for the filter, within a scope condition."""
    active = active_placements()
    query = (select(Person, active.c.line_id, active.c.line_title)
             .outerjoin(active, active.c.person_id == Person.id)
             .where(scope)
             .options(selectinload(Person.skills).selectinload(Skill.occupation)))
    if wanted.facility_id:
        query = query.where(Person.facility_id == wanted.facility_id)
    if wanted.status:
        query = query.where(Person.custody_status == wanted.status)
    for word in wanted.term.split()[:5]:
        pattern = _like(word)
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Person.last_name, Person.first_name, Person.patronymic, Person.file_number))))
    if wanted.able_bodied is not None:
        query = query.where(Person.able_bodied.is_(wanted.able_bodied))
    if wanted.employed is not None:
        query = query.where(active.c.line_id.isnot(None) if wanted.employed
                            else active.c.line_id.is_(None))
    if wanted.occupation or wanted.level:
        skill = [Skill.person_id == Person.id]
        if wanted.occupation:
            skill.append(Skill.occupation_code == wanted.occupation)
        if wanted.level:
            skill.append(Skill.level == wanted.level)
        query = query.where(exists().where(and_(*skill)))
    if wanted.min_months is not None:
        query = query.where(Person.expected_release_on >= add_months(on or today(),
                                                                     wanted.min_months))
    if wanted.restriction in RESTRICTIONS:
        query = query.where(getattr(Person, wanted.restriction).is_(True))
    return query, active


def sort_columns(active):
    """Return the columns the roster may be sorted by."""
    return {"name": Person.last_name, "file": Person.file_number, "admitted": Person.admitted_on,
            "release": Person.expected_release_on,
            "employed": case((active.c.line_id.isnot(None), 1), else_=0)}


def facility_counts(scope, facility_id=None):
    """Return in custody, able-bodied, employed and the rate for today, in one grouped query."""
    active = select(Placement.person_id).where(Placement.ended_on.is_(None)).subquery()
    employed = and_(Person.able_bodied.is_(True), active.c.person_id.isnot(None))
    query = (select(func.count(Person.id),
                    func.coalesce(func.sum(case((Person.able_bodied.is_(True), 1), else_=0)), 0),
                    func.coalesce(func.sum(case((employed, 1), else_=0)), 0))
             .outerjoin(active, active.c.person_id == Person.id)
             .where(scope, Person.custody_status == "in_custody"))
    if facility_id:
        query = query.where(Person.facility_id == facility_id)
    custody, able, working = db.session.execute(query).one()
    return {"in_custody": custody, "able_bodied": able, "employed": working,
            "rate": (working / able) if able else None}
