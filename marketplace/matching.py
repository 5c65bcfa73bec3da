"""Matching people to lines (DESIGN.md section 5): hard rules as SQL, then the score.

Every rule is a SQL condition over a ``person`` row and a ``production_line`` row joined in
the same query, so one definition serves the candidates of one line, the reasons why nobody
fits, the re-check when a placement starts, and the pairs of a whole facility's fill.

Besides people in custody, an outside line may take two groups outside custody, each in the
line's region (the "custody" rule, which says who may be at the line's site at all):

- people on probation, when the line is ``open_to_probation``: under the supervision, on the
  day, of the probation service of the line's region;
- people released within the line's ``leavers_within_months``: released on or after the
  line's ``since`` date, from a facility of the line's region or supervised by its service.

For them "months left" reads the court's end of the supervision (people released without
supervision have no term and pass it), and "restriction" also reads the court's ban on an
occupation group (``Supervision.barred_group``) against the line's occupations.
"""
from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, not_, or_, select, tuple_

from enterprises.models import LineOccupation, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Skill, Supervision
from reference.models import ProbationService
from timeutil import add_months, months_between

from . import scoring
from .models import Placement

RULES = {
    "custody": _l("not in custody at the line's site, nor on probation or released where the "
                  "line takes them"),
    "able_bodied": _l("not able-bodied"),
    "idle": _l("already placed"),
    "restriction": _l("barred by a restriction"),
    "months_left": _l("too few months before release"),
    "skill": _l("no related skill and no training"),
}

Candidate = namedtuple("Candidate", "person_id file_number full_name facility_id "
                                    "expected_release_on months_left score reasons group")
# Which group a candidate comes from, as shown beside them.
GROUPS = {"custody": _l("In custody"), "probation": _l("On probation"),
          "leaver": _l("Released recently")}


def minimum_security_in(region_id):
    """SQL: the ids of the minimum-security facilities of a region (a value or a column),
    whose people may work on the region's outside lines."""
    return select(Facility.id).where(Facility.security_level == "minimum",
                                     Facility.region_id == region_id)


def supervised_in(region_id, on):
    """SQL: the ids of the people under supervision on ``on`` by the probation service of a
    region (a value or a column)."""
    return (select(Supervision.person_id)
            .join(ProbationService, ProbationService.id == Supervision.service_id)
            .where(Supervision.active_on(on), ProbationService.region_id == region_id))


def _supervision_end():
    """SQL: the court's end of the person's open supervision (NULL without one)."""
    return (select(Supervision.ends_on)
            .where(Supervision.person_id == Person.id, Supervision.is_open())
            .scalar_subquery())


def _barred_line():
    """SQL: the court barred the person, by an open supervision, from an occupation group
    (2 digits) that one of the line's occupations belongs to.

    On PostgreSQL the barred (person, line) pairs are one small uncorrelated set (only
    people on probation have supervisions), which it hashes once instead of probing the
    supervisions for every pair a fill or a candidates page weighs (the fill's pairs: 298
    -> 93 ms). SQLite keeps the correlated EXISTS, which it runs faster than the set."""
    barred = (select(Supervision.person_id, LineOccupation.line_id)
              .join(LineOccupation, func.substr(LineOccupation.occupation_code, 1, 2)
                    == Supervision.barred_group)
              .where(Supervision.is_open()))
    if db.session.get_bind().dialect.name == "postgresql":
        return tuple_(Person.id, ProductionLine.id).in_(barred)
    return barred.where(Supervision.person_id == Person.id,
                        LineOccupation.line_id == ProductionLine.id).exists()


def _in_custody_at_site():
    return and_(
        Person.custody_status == "in_custody",
        or_(and_(ProductionLine.facility_id.is_not(None),
                 Person.facility_id == ProductionLine.facility_id),
            and_(ProductionLine.facility_id.is_(None),
                 Person.facility_id.in_(minimum_security_in(ProductionLine.region_id)))))


def group_clauses(on, since):
    """Return {group: SQL condition} over ``person`` and ``production_line``: who may work
    at the line's site. ``since`` is the earliest release date of a recent leaver for the
    line, as a SQL expression (NULL for a line not open to leavers)."""
    region_facilities = select(Facility.id).where(Facility.region_id == ProductionLine.region_id)
    outside = ProductionLine.facility_id.is_(None)
    return {
        "custody": _in_custody_at_site(),
        "probation": and_(
            outside, ProductionLine.open_to_probation.is_(True),
            Person.custody_status == "on_probation",
            Person.id.in_(supervised_in(ProductionLine.region_id, on))),
        "leaver": and_(
            outside, ProductionLine.leavers_within_months.is_not(None),
            Person.custody_status.in_(("released", "on_probation")),
            Person.released_on.is_not(None), Person.released_on <= on, Person.released_on >= since,
            or_(Person.facility_id.in_(region_facilities),
                Person.id.in_(supervised_in(ProductionLine.region_id, on)))),
    }


def rule_clauses(cutoff, transfer=False, on=None, since=None):
    """Return {rule: SQL condition} over ``person`` and ``production_line`` in the same query.

    ``cutoff`` is the latest acceptable end of the person's term (expected release, or the
    end of the supervision), as a SQL expression (a literal for one line, a CASE over line
    ids for many); ``on`` the day the rules are read for and ``since`` the earliest release
    of a recent leaver (see ``group_clauses``). Without ``on`` only people in custody pass.
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
    custody = (or_(*group_clauses(on, since).values()) if on is not None
               else _in_custody_at_site())
    return {
        "custody": custody,
        "able_bodied": Person.able_bodied.is_(True),
        "idle": not_(placed.exists()),
        "restriction": not_(or_(
            and_(ProductionLine.involves_minors.is_(True), Person.no_work_with_minors.is_(True)),
            and_(ProductionLine.outside_work.is_(True), Person.no_outside_work.is_(True)),
            _barred_line())),
        "months_left": or_(
            and_(Person.custody_status == "in_custody", Person.expected_release_on >= cutoff),
            and_(Person.custody_status == "on_probation", _supervision_end() >= cutoff),
            Person.custody_status == "released"),
        "skill": or_(ProductionLine.training_provided.is_(True), fitting_skill.exists()),
    }


def term_end():
    """SQL: the end of the person's term: the expected release in custody, the court's end
    of the supervision on probation (NULL for a person free of both)."""
    return case((Person.custody_status == "in_custody", Person.expected_release_on),
                else_=_supervision_end())


def group_of():
    """SQL: 'custody', 'probation' or 'leaver': the group a person comes from."""
    return case((Person.custody_status == "in_custody", "custody"),
                (Person.custody_status == "on_probation", "probation"), else_="leaver")


def _at_site(line, on):
    """SQL: the person may be at the line's site, with the line's values known in Python.

    The "custody" rule says the same over the joined line row; this plain form lets the
    database use the person table's facility index instead of reading every person in the
    country (benchmarks/RESULTS.md, candidates).
    """
    if line.facility_id is not None:
        return Person.facility_id == line.facility_id
    here = [Person.facility_id.in_(minimum_security_in(line.region_id))]
    if line.open_to_probation or line.leavers_within_months:
        here.append(Person.id.in_(supervised_in(line.region_id, on)))
    if line.leavers_within_months:
        here.append(Person.released_on >= since_of(line, on))
    return or_(*here)


def _cutoff(line, on):
    return literal(add_months(on, line.min_months_left), db.Date)


def since_of(line, on):
    """Return the earliest release date of a recent leaver for a line on ``on`` (or None)."""
    if not line.leavers_within_months:
        return None
    return add_months(on, -line.leavers_within_months)


def _clauses(line, on, transfer=False):
    return rule_clauses(_cutoff(line, on), transfer, on,
                        literal(since_of(line, on), db.Date))


def failed_rules(person_id, line, on, transfer=False):
    """Return the names of the hard rules a person fails for a line (empty: eligible)."""
    clauses = _clauses(line, on, transfer)
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


def _eligible(line, on, transfer=False, person_filter=None):
    """SQL: the people passing every hard rule for a line, with the end of their term."""
    query = (select(Person.id, term_end().label("term_end"))
             .select_from(Person)
             .join(ProductionLine, ProductionLine.id == line.id)
             .where(_at_site(line, on), *_clauses(line, on, transfer).values()))
    if person_filter is not None:
        query = query.where(person_filter)
    return query


def _best_pair(line):
    """SQL: the value of the person's best related skill for the line's requirements
    (scoring.pair_value_sql), NULL without a related skill."""
    pair = scoring.pair_value_sql(Skill.occupation_code, Skill.level, Skill.years_experience,
                                  Skill.certified, LineOccupation.occupation_code,
                                  LineOccupation.min_level)
    return (select(func.max(pair))
            .select_from(Skill)
            .join(LineOccupation, and_(LineOccupation.line_id == line.id,
                                       func.substr(LineOccupation.occupation_code, 1, 2)
                                       == func.substr(Skill.occupation_code, 1, 2)))
            .where(Skill.person_id == Person.id)
            .scalar_subquery())


def ranking(line, on, transfer=False, person_filter=None):
    """SQL: the eligible people for a line (``id``) with their ``score`` (scoring.value_sql),
    best first: by score, then the sooner end of term (none as ``on``), then id."""
    # Materialized: each person's term end and best pair are computed once, not once for
    # each of the 24 months the score's months part compares the term end with.
    eligible = _eligible(line, on, transfer, person_filter).add_columns(
        _best_pair(line).label("best")).cte("eligible").prefix_with("MATERIALIZED")
    score = scoring.value_sql(eligible.c.best, scoring.months_left_sql(eligible.c.term_end, on),
                              line.training_provided).label("score")
    return (select(eligible.c.id, score)
            .order_by(score.desc(), func.coalesce(eligible.c.term_end, literal(on, db.Date)),
                      eligible.c.id))


def ranked(line, on, transfer=False, person_filter=None, limit=None, offset=0):
    """Rank the eligible people for a line, best first; return (how many, the ranked slice).

    The database scores and orders everyone (scoring.value_sql) and returns only the slice
    from ``offset`` (``limit`` people, all without one), with the count of the whole ranking;
    the reasons are worked out for that slice alone. ``person_filter`` narrows the people
    further (the inspector's scope).
    """
    query = ranking(line, on, transfer, person_filter).add_columns(
        func.count().over().label("total")).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    if rows:
        total = rows[0].total
    elif offset:  # past the end: the count alone
        total = db.session.scalar(select(func.count()).select_from(
            _eligible(line, on, transfer, person_filter).subquery()))
    else:
        total = 0
    return total, _described(line, on, [row.id for row in rows])


def _described(line, on, person_ids):
    """Return the Candidates of people, in that order, with their scores and reasons."""
    if not person_ids:
        return []
    requirements = requirements_of(line)
    prefixes = sorted({code[:2] for code, _ in requirements}) or ["--"]
    people = {}
    for row in db.session.execute(
            select(Person.id, Person.file_number, Person.last_name, Person.first_name,
                   Person.patronymic, Person.facility_id, term_end().label("term_end"),
                   group_of().label("group"),
                   Skill.occupation_code, Skill.level, Skill.years_experience, Skill.certified)
            .outerjoin(Skill, and_(Skill.person_id == Person.id,
                                   func.substr(Skill.occupation_code, 1, 2).in_(prefixes)))
            .where(Person.id.in_(person_ids))
            .order_by(Person.id, Skill.id)):
        entry = people.setdefault(row.id, {"row": row, "skills": []})
        if row.occupation_code is not None:
            entry["skills"].append((row.occupation_code, row.level, row.years_experience,
                                    bool(row.certified)))
    described = []
    for person_id in person_ids:
        row, skills = people[person_id]["row"], people[person_id]["skills"]
        # A leaver released without supervision has no term: as long as any sentence counts.
        left = months_between(on, row.term_end) if row.term_end else scoring.MONTHS_LEFT_CAP
        value, reasons = scoring.score(requirements, skills, left, line.training_provided)
        name = " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)
        described.append(Candidate(person_id, row.file_number, name, row.facility_id,
                                   row.term_end, left, value, reasons, row.group))
    return described


def candidate_ids(line, on):
    """Return the ids of the people eligible for a line, unranked."""
    return db.session.scalars(_eligible(line, on).with_only_columns(Person.id)).all()


def candidates(line, on, transfer=False, person_filter=None):
    """Rank all the eligible people for a line, best first (``ranked`` without a limit)."""
    return ranked(line, on, transfer, person_filter)[1]


def exclusions(line, on, transfer=False, person_filter=None):
    """Count, in one query, the people at the line's site and how many each rule excludes.

    Returns (people in custody at the site, [(rule label, count), ...]) for rules that
    exclude anyone; a person failing two rules counts under both.
    """
    clauses = _clauses(line, on, transfer)
    others = {name: clause for name, clause in clauses.items() if name != "custody"}
    query = (select(func.count(Person.id),
                    *[func.coalesce(func.sum(case((clause, 0), else_=1)), 0).label(name)
                      for name, clause in others.items()])
             .select_from(Person).join(ProductionLine, ProductionLine.id == line.id)
             .where(_at_site(line, on), clauses["custody"]))
    if person_filter is not None:
        query = query.where(person_filter)
    row = db.session.execute(query).one()
    return row[0], [(RULES[name], row._mapping[name]) for name in others if row._mapping[name]]
