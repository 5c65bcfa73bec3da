"""The roster: a facility's people with their skills and their work, and today's counts.

"Employed" here is the one definition of marketplace/employment.py: the roster's counts are
``employment.counts``, the same figures the dashboard shows for the facility and the day.
"""
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import selectinload

from enterprises.models import Enterprise, ProductionLine
from inmates.models import Person, Skill
from timeutil import add_months, today

from .employment import employment_on
from .models import Placement

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


def with_current_placement(query):
    """Outer-join each person's placement holding a place, its line and the line's
    enterprise: at most one per person (the unique index ``uq_placement_active_person``),
    so the join keeps one row per person. A join, not a subquery of every such placement in
    the country, so a facility's page reads only its own people's placements.

    A placement that starts later holds its place already; the roster shows it with its
    start date, while "employed" (filter and counts) means working today.
    """
    return (query.outerjoin(Placement, and_(Placement.person_id == Person.id,
                                            Placement.holds_place()))
            .outerjoin(ProductionLine, ProductionLine.id == Placement.line_id)
            .outerjoin(Enterprise, Enterprise.id == ProductionLine.enterprise_id))


def _like(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def roster_query(scope, wanted, on=None):
    """Return select(Person, line_id, line_title, started_on) for the filter, within a scope
    condition. The skills are not loaded: the page asks for them (``with_skills``) for the
    rows it shows; the export does not show them."""
    on = on or today()
    query = (with_current_placement(
                select(Person, Placement.line_id,
                       ProductionLine.label_sql().label("line_title"), Placement.started_on))
             .where(scope))
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
        working = Person.id.in_(select(employment_on(on).c.person_id))
        query = query.where(working if wanted.employed else ~working)
    if wanted.occupation or wanted.level:
        skill = [Skill.person_id == Person.id]
        if wanted.occupation:
            skill.append(Skill.occupation_code == wanted.occupation)
        if wanted.level:
            skill.append(Skill.level == wanted.level)
        query = query.where(exists().where(and_(*skill)))
    if wanted.min_months is not None:
        query = query.where(Person.expected_release_on >= add_months(on, wanted.min_months))
    if wanted.restriction in RESTRICTIONS:
        query = query.where(getattr(Person, wanted.restriction).is_(True))
    return query


def with_skills(query):
    """The roster's query loading each shown person's skills and their occupations."""
    return query.options(selectinload(Person.skills).selectinload(Skill.occupation))


def sort_columns():
    """Return the columns the roster may be sorted by."""
    return {"name": Person.last_name, "file": Person.file_number, "admitted": Person.admitted_on,
            "release": Person.expected_release_on,
            "employed": case((Placement.line_id.isnot(None), 1), else_=0)}
