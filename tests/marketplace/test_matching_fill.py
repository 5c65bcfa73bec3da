"""Fill a facility: the optimal assignment, against brute force and greedy, and its speed."""
import itertools
import random
from datetime import date

import numpy as np
import pytest
from sqlalchemy import insert

from extensions import db, gather_statistics
from inmates.models import Person, Skill
from marketplace import fill
from marketplace.scoring import score
from tests import factories

ON = date(2024, 6, 1)


@pytest.fixture
def app(app):
    """The app with an English request context, so reasons render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def brute_force(gains, capacities):
    """Best total gain over every way to give each person at most one allowed place."""
    groups = [g for g, cap in enumerate(capacities) for _ in range(cap)]
    best = 0.0
    rows = range(gains.shape[0])
    for k in range(0, min(len(rows), len(groups)) + 1):
        for people in itertools.combinations(rows, k):
            for places in itertools.permutations(range(len(groups)), k):
                values = [gains[p, groups[s]] for p, s in zip(people, places)]
                if all(v > 0 for v in values):
                    best = max(best, sum(values))
    return best


def greedy(gains, capacities):
    """Take the best remaining pair first: what an inspector would do by hand."""
    left, used, total = list(capacities), set(), 0.0
    for value, r, g in sorted(((gains[r, g], r, g) for r in range(gains.shape[0])
                               for g in range(gains.shape[1])), reverse=True):
        if value > 0 and r not in used and left[g] > 0:
            used.add(r)
            left[g] -= 1
            total += value
    return total


@pytest.mark.parametrize("seed", range(25))
def test_assignment_equals_brute_force_on_small_random_cases(seed):
    rng = random.Random(seed)
    people, groups = rng.randint(1, 5), rng.randint(1, 3)
    capacities = [rng.randint(0, 2) for _ in range(groups)]
    gains = np.array([[rng.choice([0, 0, rng.random()]) for _ in range(groups)]
                      for _ in range(people)])
    pairs = fill.assign(gains, capacities)
    assert len({r for r, _ in pairs}) == len(pairs)
    for g, cap in enumerate(capacities):
        assert sum(1 for _, c in pairs if c == g) <= cap
    assert all(gains[r, g] > 0 for r, g in pairs)
    assert sum(gains[r, g] for r, g in pairs) == pytest.approx(brute_force(gains, capacities))


def test_fill_beats_greedy_on_a_constructed_case(world):
    """One versatile expert and one specialist: greedy gives the expert the wrong line."""
    facility = factories.facility(region_code="KZ-35", security_level="medium")
    sewing = factories.line(world.sme_b, facility, occupations=(("7533", "trainee"),), headcount=1)
    concrete = factories.line(world.sme_b, facility, occupations=(("7114", "trainee"),),
                              headcount=1)
    versatile = factories.person(facility, skills=(("7533", "expert", 10), ("7114", "qualified", 5)))
    specialist = factories.person(facility, skills=(("7533", "trainee", 0),))
    db.session.commit()
    proposals = fill.proposals(facility, ON)
    assigned = {p.person_id: p.line_id for p in proposals}
    assert assigned == {versatile.id: concrete.id, specialist.id: sewing.id}
    total = sum(p.score for p in proposals)
    expert = [("7533", "expert", 10, False), ("7114", "qualified", 5, False)]
    months = fill.months_between(ON, date(2030, 1, 1))
    gains = np.array([[score([("7533", "trainee")], expert, months)[0],
                       score([("7114", "trainee")], expert, months)[0]],
                      [score([("7533", "trainee")], [("7533", "trainee", 0, False)], months)[0],
                       0.0]])
    assert greedy(gains, [1, 1]) < total == pytest.approx(gains[0, 1] + gains[1, 0])
    assert all(str(p.reasons[0]).startswith("exact occupation") for p in proposals)


def test_vacancies_count_open_lines_at_the_facility_and_outside_lines_of_its_region(world):
    outside = factories.line(world.sme_a, None, region_code="KZ-71", headcount=3)
    factories.line(world.sme_a, world.facility_a, headcount=2, status="paused")
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    vacant = {v.line_id: v.vacant for v in fill.vacancies(world.facility_a)}
    assert vacant == {world.line_a.id: 4, outside.id: 3}
    assert {v.line_id for v in fill.vacancies(world.facility_b)} == {world.line_b.id}


def test_proposals_respect_hard_rules_and_capacity(world):
    a = world.facility_a
    for _ in range(8):
        factories.person(a)
    factories.person(a, able_bodied=False)
    db.session.commit()
    proposals = fill.proposals(a, ON)
    assert len(proposals) == 5 and {p.line_id for p in proposals} == {world.line_a.id}


def build_large_facility(people=1500, vacancies=300, lines=30):
    """Insert a facility with ``people`` idle people and ``lines`` lines of equal headcount."""
    facility = factories.facility(region_code="KZ-35", security_level="medium")
    enterprise = factories.enterprise("sme", region_code="KZ-35")
    codes = ["7533", "7531", "7532", "7114", "7115", "7212", "7411", "5120", "9112", "8152"]
    for n in range(lines):
        factories.line(enterprise, facility, occupations=((codes[n % len(codes)], "trainee"),
                                                          (codes[(n + 3) % len(codes)], "qualified")),
                       headcount=vacancies // lines, training_provided=n % 7 == 0)
    rng = random.Random(7)
    first = db.session.execute(insert(Person).returning(Person.id), [
        {"file_number": f"BIG-{i:06d}", "last_name": f"Тестов{i}", "first_name": "Иван",
         "birth_on": date(1980, 1, 1), "gender": "M", "facility_id": facility.id,
         "admitted_on": date(2020, 1, 1), "expected_release_on": date(2026 + i % 5, 1, 1),
         "custody_status": "in_custody", "able_bodied": True, "version_id": 1,
         "education_level": "general_secondary", "no_work_with_minors": False,
         "no_outside_work": False} for i in range(people)]).scalars().all()
    db.session.execute(insert(Skill), [
        {"person_id": pid, "occupation_code": code, "level": rng.choice(["trainee", "qualified", "expert"]),
         "years_experience": rng.randint(0, 15), "certified": rng.random() < 0.2}
        for pid in first for code in rng.sample(codes, 2)])
    db.session.commit()
    gather_statistics(db.session)  # fresh bulk rows: the statistics autovacuum would gather
    db.session.commit()
    return facility


def test_fill_of_1500_people_and_300_vacancies_fills_every_place(app):
    """The national-size case gives one proposal per vacant place (its timing is in benchmarks/)."""
    facility = build_large_facility()
    proposals = fill.proposals(facility, ON)
    assert len(proposals) == 300
    assert len({p.person_id for p in proposals}) == 300
