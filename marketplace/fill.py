"""Fill a facility: every open vacancy against every idle eligible person, solved optimally.

The assignment maximises the total score with ``scipy.optimize.linear_sum_assignment``
over slots: one column per vacant place, one row per person eligible for at least one line.
An ineligible pair carries no gain (cost 0), so leaving a place empty is never worse than
filling it with someone the rules forbid; such pairs are dropped from the answer. A large
forbidding cost would instead trade score for headcount, which is not what is asked.
"""
from collections import namedtuple

import numpy as np
from flask_babel import lazy_gettext as _l
from scipy.optimize import linear_sum_assignment
from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import joinedload

from enterprises.models import Enterprise, LineOccupation, ProductionLine
from extensions import db
from inmates.models import Person, Skill
from reference.services import minimum_wage
from timeutil import add_months, months_between, today
from web.errors import InputError

from . import matching, scoring
from .matching import minimum_security_in, rule_clauses
from .placements import PlacementConflict, start_placement

Vacancy = namedtuple("Vacancy", "line_id title enterprise_id headcount active missing_kzt vacant")
Outcome = namedtuple("Outcome", "full_name line_title ok message placement_id")
# ``group`` says where the person comes from (matching.GROUPS): custody for a facility's fill.
Proposal = namedtuple("Proposal", "person_id file_number full_name line_id line_title score reasons "
                                  "group", defaults=("custody",))

# Eligible pairs gain a hair more than their score so a zero-score eligible pair still
# beats an empty place.
EPSILON = 1e-6


def lines_open_to(facility):
    """SQL condition: open lines whose people may come from the facility: the lines inside
    it, and the outside lines of its region when it is one of the region's minimum-security
    facilities (the custody rule of matching.py)."""
    here = or_(ProductionLine.facility_id == facility.id,
               and_(ProductionLine.facility_id.is_(None),
                    literal(facility.id).in_(minimum_security_in(ProductionLine.region_id))))
    return and_(ProductionLine.status == "open", here)


def vacancies(facility, on=None):
    """Return the open lines of a facility with headcount, places taken, the tenge their wage
    lacks to reach the minimum wage of ``on``'s year (today's by default) and free places."""
    year = (on or today()).year
    rows = db.session.execute(
        select(ProductionLine.id, ProductionLine.label_sql(), ProductionLine.enterprise_id,
               ProductionLine.headcount, ProductionLine.places_taken,
               ProductionLine.wage_shortfall(year))
        .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
        .where(lines_open_to(facility))
        .order_by(ProductionLine.id)).all()
    return [Vacancy(*row, vacant=max(row[3] - row[4], 0)) for row in rows]


def vacancy_count(facility):
    """Return the number of vacant places on lines open to a facility."""
    return sum(v.vacant for v in vacancies(facility))


def eligible_pairs(facility, lines, on):
    """Return the (person id, line id) pairs that pass every hard rule, in one query.

    The query returns one row per line with its eligible people's ids joined in a string
    (tens of rows instead of tens of thousands), which is what keeps the fill near a second.
    """
    cutoff = case({line.id: add_months(on, line.min_months_left) for line in lines},
                  value=ProductionLine.id, else_=literal(on, db.Date))
    clauses = rule_clauses(cutoff)
    if db.session.get_bind().dialect.name == "postgresql":
        people = func.string_agg(cast(Person.id, String), ",")
    else:
        people = func.group_concat(Person.id, ",")
    rows = db.session.execute(
        select(ProductionLine.id, people)
        .select_from(Person)
        .join(ProductionLine, ProductionLine.id.in_([line.id for line in lines]))
        .where(Person.facility_id == facility.id, *clauses.values())
        .group_by(ProductionLine.id)).all()
    return [(int(person_id), line_id) for line_id, joined in rows if joined
            for person_id in joined.split(",")]


def _people(person_ids):
    """Return {person id: (file number, name parts, release date, [skills])} in one query."""
    people = {}
    rows = db.session.execute(
        select(Person.id, Person.file_number, Person.last_name, Person.first_name,
               Person.patronymic, Person.expected_release_on, Skill.occupation_code,
               Skill.level, Skill.years_experience, Skill.certified)
        .outerjoin(Skill, Skill.person_id == Person.id)
        .where(Person.id.in_(person_ids)))
    for row in rows:  # names are joined only for the people proposed, not for every row
        entry = people.get(row.id)
        if entry is None:
            entry = people[row.id] = (row.file_number,
                                      (row.last_name, row.first_name, row.patronymic),
                                      row.expected_release_on, [])
        if row.occupation_code is not None:
            entry[3].append((row.occupation_code, row.level, row.years_experience,
                             bool(row.certified)))
    return people


def assign(gains, capacities):
    """Solve the slot assignment: return [(row, column group)] maximising the total gain.

    ``gains`` is a rows x groups matrix (0 = not allowed); ``capacities`` the places per group.
    """
    if gains.size == 0 or sum(capacities) == 0:
        return []
    columns = np.repeat(np.arange(len(capacities)), capacities)
    cost = -gains[:, columns]
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(columns[c])) for r, c in zip(rows, cols) if gains[r, columns[c]] > 0]


def proposals(facility, on):
    """Propose the optimal assignment of the facility's idle eligible people to its vacancies."""
    # A line below the minimum wage takes no new placement: nobody is proposed for it.
    open_lines = [v for v in vacancies(facility, on) if v.vacant > 0 and not v.missing_kzt]
    if not open_lines:
        return []
    lines = db.session.scalars(select(ProductionLine).options(joinedload(ProductionLine.enterprise))
                               .where(ProductionLine.id.in_([v.line_id for v in open_lines]))).all()
    by_id = {line.id: line for line in lines}
    requirements = {line_id: [] for line_id in by_id}
    for line_id, code, level in db.session.execute(
            select(LineOccupation.line_id, LineOccupation.occupation_code,
                   LineOccupation.min_level).where(LineOccupation.line_id.in_(list(by_id)))):
        requirements[line_id].append((code, level))
    pairs = eligible_pairs(facility, lines, on)
    if not pairs:
        return []
    people = _people({person_id for person_id, _ in pairs})
    person_ids = sorted(people)
    row_of = {pid: i for i, pid in enumerate(person_ids)}
    line_ids = [v.line_id for v in open_lines]
    col_of = {lid: j for j, lid in enumerate(line_ids)}
    months = {pid: months_between(on, entry[2]) for pid, entry in people.items()}
    gains = np.zeros((len(person_ids), len(line_ids)))
    for person_id, line_id in pairs:
        gains[row_of[person_id], col_of[line_id]] = EPSILON + scoring.value(
            requirements[line_id], people[person_id][3], months[person_id],
            by_id[line_id].training_provided)
    result = []
    for r, c in assign(gains, [v.vacant for v in open_lines]):
        person_id, line_id = person_ids[r], line_ids[c]
        file_number, parts, _, skills = people[person_id]
        name = " ".join(part for part in parts if part)
        value, why = scoring.score(requirements[line_id], skills, months[person_id],
                                   by_id[line_id].training_provided)
        result.append(Proposal(person_id, file_number, name, line_id, by_id[line_id].label,
                               value, why))
    result.sort(key=lambda p: (p.line_id, -p.score, p.person_id))
    return result


def _load(facility, pairs):
    """Return ({person id: Person}, {line id: line}) of pairs, limited to the facility's
    people and the lines open to it."""
    people = {p.id: p for p in db.session.scalars(select(Person).where(
        Person.id.in_([p for p, _ in pairs]), Person.facility_id == facility.id))}
    lines = {line.id: line for line in db.session.scalars(
        select(ProductionLine).options(joinedload(ProductionLine.enterprise)).where(
            ProductionLine.id.in_([line_id for _, line_id in pairs]), lines_open_to(facility)))}
    return people, lines


def describe(facility, pairs):
    """Return [(person id, line id, full name, line label)] of the pairs that may be placed,
    for the confirmation that names them."""
    people, lines = _load(facility, pairs)
    return [(person_id, line_id, people[person_id].full_name, lines[line_id].label)
            for person_id, line_id in pairs if person_id in people and line_id in lines]


def by_line(proposals):
    """Group proposals by line, in their order: [(line id, line label, [proposals])]."""
    groups = {}
    for proposal in proposals:
        groups.setdefault(proposal.line_id, (proposal.line_id, proposal.line_title, []))[2].append(
            proposal)
    return list(groups.values())


def line_proposals(line, on, person_filter=None):
    """Propose the best people for one line's free places from every group it takes: people
    in custody at its site and, for an outside line open to them, people on probation and
    recent leavers of its region (matching.py), solved like a facility's fill.

    ``person_filter`` narrows the people (a user's scope). Nobody is proposed for a line not
    open, full, or below this year's minimum wage.
    """
    if line.status != "open" or line.free_places <= 0 or line.wage_shortfall_kzt(
            minimum_wage(today().year)):
        return []
    ranked = matching.candidates(line, on, person_filter=person_filter)
    gains = np.array([[EPSILON + c.score] for c in ranked]).reshape(len(ranked), 1)
    chosen = [ranked[r] for r, _c in assign(gains, [line.free_places])]
    chosen.sort(key=lambda c: (-c.score, c.person_id))
    return [Proposal(c.person_id, c.file_number, c.full_name, line.id, line.label, c.score,
                     c.reasons, c.group) for c in chosen]


def place_proposals(facility, pairs, started_on):
    """Place accepted (person id, line id) proposals one by one; return an Outcome per row.

    Each goes through the safe placement service in its own savepoint, so a conflict since
    the proposal was made (someone placed meanwhile, a line filled) is reported on its row
    and the other rows still go through.
    """
    people, lines = _load(facility, pairs)
    results = []
    for person_id, line_id in pairs:
        person, line = people.get(person_id), lines.get(line_id)
        if person is not None and line is not None:
            results.append(_place_one(person, line, started_on))
    return results


def place_line_proposals(line, person_ids, started_on, person_filter=None):
    """Place accepted proposals of one line (``line_proposals``), in whole or in part; return
    an Outcome per row. People outside ``person_filter`` (the user's scope) are skipped;
    each of the others goes through ``start_placement`` like a facility's fill."""
    query = select(Person).where(Person.id.in_(person_ids))
    if person_filter is not None:
        query = query.where(person_filter)
    people = {p.id: p for p in db.session.scalars(query)}
    return [_place_one(people[person_id], line, started_on)
            for person_id in dict.fromkeys(person_ids) if person_id in people]


def _place_one(person, line, started_on):
    """Place one accepted proposal through the safe placement service (its own savepoint);
    a conflict since the proposal was made is reported on its row."""
    try:
        placement = start_placement(person.id, line.id, started_on)
    except PlacementConflict as error:
        return Outcome(person.full_name, line.label, False, error.message, None)
    except InputError as error:  # a start date this person or line cannot have
        return Outcome(person.full_name, line.label, False,
                       " ".join(map(str, error.errors.values())), None)
    return Outcome(person.full_name, line.label, True, _l("Placed."), placement.id)
