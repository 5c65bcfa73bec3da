"""Matching people to lines (DESIGN.md section 5): hard rules as SQL, then the score.

Every rule is a SQL condition over a ``person`` row and a ``production_line`` row joined in
the same query, so one definition serves the candidates of one line, the reasons why nobody
fits, the re-check when a placement starts, and the pairs of a whole facility's fill.
"""
from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, not_, or_, select

from enterprises.models import LineOccupation, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Skill
from timeutil import add_months, months_between

from . import scoring
from .models import Placement

RULES = {
    "custody": _l("not in custody at the line's site"),
    "able_bodied": _l("not able-bodied"),
    "idle": _l("already placed"),
    "restriction": _l("barred by a restriction"),
    "months_left": _l("too few months before release"),
    "skill": _l("no related skill and no training"),
}

Candidate = namedtuple("Candidate", "person_id file_number full_name facility_id "
                                    "expected_release_on months_left score reasons")


def minimum_security_in(region_id):
    """SQL: the ids of the minimum-security facilities of a region (a value or a column),
    whose people may work on the region's outside lines."""
    return select(Facility.id).where(Facility.security_level == "minimum",
                                     Facility.region_id == region_id)


def rule_clauses(cutoff, transfer=False):
    """Return {rule: SQL condition} over ``person`` and ``production_line`` in the same query.

    ``cutoff`` is the latest acceptable expected release date, as a SQL expression (a literal
    for one line, a CASE over line ids for many).
    """
    placed = select(Placement.id).where(Placement.person_id == Person.id,
                                        Placement.holds_place())
    if transfer:
        placed = placed.where(Placement.line_id == ProductionLine.id)
    fitting_skill = (select(Skill.id)
                     .join(LineOccupation, func.substr(Skill.occupation_code, 1, 2)
                           == func.substr(LineOccupation.occupation_code, 1, 2))
                     .where(Skill.person_id == Person.id,
                            LineOccupation.line_id == ProductionLine.id))
    return {
        "custody": and_(
            Person.custody_status == "in_custody",
            or_(and_(ProductionLine.facility_id.is_not(None),
                     Person.facility_id == ProductionLine.facility_id),
                and_(ProductionLine.facility_id.is_(None),
                     Person.facility_id.in_(minimum_security_in(ProductionLine.region_id))))),
        "able_bodied": Person.able_bodied.is_(True),
        "idle": not_(placed.exists()),
        "restriction": not_(or_(
            and_(ProductionLine.involves_minors.is_(True), Person.no_work_with_minors.is_(True)),
            and_(ProductionLine.outside_work.is_(True), Person.no_outside_work.is_(True)))),
        "months_left": Person.expected_release_on >= cutoff,
        "skill": or_(ProductionLine.training_provided.is_(True), fitting_skill.exists()),
    }


def _at_site(line):
    """SQL: the person is at the line's site, with the line's values known in Python.

    The "custody" rule says the same over the joined line row; this plain form lets the
    database use the person table's facility index instead of reading every person in the
    country (benchmarks/RESULTS.md, candidates).
    """
    if line.facility_id is not None:
        return Person.facility_id == line.facility_id
    return Person.facility_id.in_(minimum_security_in(line.region_id))


def _cutoff(line, on):
    return literal(add_months(on, line.min_months_left), db.Date)


def failed_rules(person_id, line, on, transfer=False):
    """Return the names of the hard rules a person fails for a line (empty: eligible)."""
    clauses = rule_clauses(_cutoff(line, on), transfer)
    row = db.session.execute(
        select(*[case((clause, 1), else_=0).label(name) for name, clause in clauses.items()])
        .select_from(Person).join(ProductionLine, ProductionLine.id == line.id)
        .where(Person.id == person_id)).first()
    if row is None:
        return list(RULES)
    return [name for name in clauses if not row._mapping[name]]


def requirements_of(line):
    """Return the line's (occupation code, minimum level) pairs."""
    return [(o.occupation_code, o.min_level) for o in line.occupations]


def candidates(line, on, transfer=False, person_filter=None):
    """Rank the eligible people for a line, best first, in one query plus Python scoring.

    ``person_filter`` narrows the people further (the inspector's scope).
    """
    clauses = rule_clauses(_cutoff(line, on), transfer)
    requirements = requirements_of(line)
    prefixes = sorted({code[:2] for code, _ in requirements}) or ["--"]
    query = (
        select(Person.id, Person.file_number, Person.last_name, Person.first_name,
               Person.patronymic, Person.facility_id, Person.expected_release_on,
               Skill.occupation_code, Skill.level, Skill.years_experience, Skill.certified)
        .select_from(Person)
        .join(ProductionLine, ProductionLine.id == line.id)
        .outerjoin(Skill, and_(Skill.person_id == Person.id,
                               func.substr(Skill.occupation_code, 1, 2).in_(prefixes)))
        .where(_at_site(line), *clauses.values())
        .order_by(Person.id))
    if person_filter is not None:
        query = query.where(person_filter)
    people = {}
    for row in db.session.execute(query):
        entry = people.setdefault(row.id, {"row": row, "skills": []})
        if row.occupation_code is not None:
            entry["skills"].append((row.occupation_code, row.level, row.years_experience,
                                    bool(row.certified)))
    ranked = []
    for person_id, entry in people.items():
        row = entry["row"]
        left = months_between(on, row.expected_release_on)
        value, reasons = scoring.score(requirements, entry["skills"], left, line.training_provided)
        name = " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)
        ranked.append(Candidate(person_id, row.file_number, name, row.facility_id,
                                row.expected_release_on, left, value, reasons))
    ranked.sort(key=lambda c: (-c.score, c.expected_release_on, c.person_id))
    return ranked


def exclusions(line, on, transfer=False, person_filter=None):
    """Count, in one query, the people at the line's site and how many each rule excludes.

    Returns (people in custody at the site, [(rule label, count), ...]) for rules that
    exclude anyone; a person failing two rules counts under both.
    """
    clauses = rule_clauses(_cutoff(line, on), transfer)
    others = {name: clause for name, clause in clauses.items() if name != "custody"}
    query = (select(func.count(Person.id),
                    *[func.coalesce(func.sum(case((clause, 0), else_=1)), 0).label(name)
                      for name, clause in others.items()])
             .select_from(Person).join(ProductionLine, ProductionLine.id == line.id)
             .where(_at_site(line), clauses["custody"]))
    if person_filter is not None:
        query = query.where(person_filter)
    row = db.session.execute(query).one()
    return row[0], [(RULES[name], row._mapping[name]) for name in others if row._mapping[name]]
