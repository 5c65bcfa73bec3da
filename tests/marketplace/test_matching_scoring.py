"""The score's weights: ordering by closeness of occupation, level, experience, training;
the same score computed by the database, as the candidates pages rank by it."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, literal, select

from extensions import db
from inmates.models import Skill
from marketplace import matching, scoring
from marketplace.scoring import score
from reference.codes import SKILL_LEVELS
from tests import factories
from timeutil import add_months, months_between

LINE = [("7533", "trainee")]


@pytest.fixture
def app(app):
    """The app with an English request context, so reasons render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def test_exact_beats_minor_beats_submajor_even_at_their_best():
    bare_exact, _ = score(LINE, [("7533", "trainee", 0, False)], 12)
    best_minor, _ = score(LINE, [("7531", "expert", 30, True)], 12)
    bare_minor, _ = score(LINE, [("7531", "trainee", 0, False)], 12)
    best_submajor, _ = score(LINE, [("7512", "expert", 30, True)], 12)
    assert bare_exact > best_minor > 0
    assert bare_minor > best_submajor > 0


def test_reasons_name_the_match_level_experience_and_months(app):
    value, reasons = score(LINE, [("7533", "qualified", 4, False)], 18)
    assert [str(r) for r in reasons] == ["exact occupation 7533 · Sewing, embroidery and related workers", "Qualified", "4 years",
                                         "18 months left"]
    assert 0 < value <= 1
    _, minor = score(LINE, [("7531", "qualified", 4, False)], 18)
    _, submajor = score(LINE, [("7512", "qualified", 4, False)], 18)
    assert str(minor[0]) == "same minor group as 7533 · Sewing, embroidery and related workers"
    assert str(submajor[0]) == "same sub-major group as 7533 · Sewing, embroidery and related workers"


def test_level_experience_and_certification_raise_the_score():
    base, _ = score(LINE, [("7533", "trainee", 0, False)], 12)
    assert score(LINE, [("7533", "qualified", 0, False)], 12)[0] > base
    assert score(LINE, [("7533", "expert", 0, False)], 12)[0] > score(
        LINE, [("7533", "qualified", 0, False)], 12)[0]
    assert score(LINE, [("7533", "trainee", 5, False)], 12)[0] > base
    assert score(LINE, [("7533", "trainee", 0, True)], 12)[0] - base == \
        pytest.approx(scoring.CERTIFIED)


def test_below_the_minimum_level_lowers_the_score(app):
    strict = [("7533", "expert")]
    below, reasons = score(strict, [("7533", "qualified", 4, False)], 12)
    met, _ = score(LINE, [("7533", "qualified", 4, False)], 12)
    assert met - below == pytest.approx(scoring.BELOW_MIN_LEVEL)
    assert "below the line's minimum level" in [str(r) for r in reasons]


def test_training_line_accepts_people_without_the_skill_at_a_low_score(app):
    assert score(LINE, [("9112", "expert", 10, True)], 12) == (0.0, [])
    value, reasons = score(LINE, [("9112", "expert", 10, True)], 12, training_provided=True)
    weakest_skilled, _ = score(LINE, [("7512", "trainee", 0, False)], 12)
    assert 0 < value < weakest_skilled + scoring.TRAINING_BASE
    assert str(reasons[0]) == "no related skill, training provided"


def test_score_stays_within_zero_and_one():
    top, _ = score(LINE, [("7533", "expert", 60, True)], 600)
    low, _ = score([("7533", "expert")], [("7512", "trainee", 0, False)], 0)
    assert top == 1.0 and low == 0.0


def test_best_skill_over_several_occupations_counts():
    line = [("7533", "trainee"), ("7114", "trainee")]
    one, _ = score(line, [("7114", "qualified", 2, False), ("7531", "expert", 9, True)], 12)
    alone, _ = score(line, [("7114", "qualified", 2, False)], 12)
    assert one == alone


# --- the score in SQL agrees with the score in Python ----------------------------------------

CODES = ("7533", "7531", "7532", "7512", "7114", "9112")  # exact, minor, sub-major, unrelated
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
# Each example reads the database of the one test: nothing it writes outlives the example.
EXAMPLES = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=1000, deadline=None)
@given(start=DAYS, end=DAYS)
def test_months_between_is_the_largest_n_whose_added_months_do_not_pass_the_end(start, end):
    """The definition itself: add_months(start, n) <= end, and n + 1 passes it (31 January
    plus one month is the end of February; the ends of months are where these part)."""
    n = months_between(start, end)
    assert add_months(start, n) <= end < add_months(start, n + 1)


@settings(max_examples=300, **EXAMPLES)
@given(on=DAYS, end=DAYS)
def test_months_left_in_sql_are_months_between_held_within_the_cap(app, on, end):
    reached = db.session.scalar(select(scoring.months_left_sql(literal(end, Date), on)))
    assert reached == min(max(months_between(on, end), 0), scoring.MONTHS_LEFT_CAP)


def test_no_term_end_counts_as_the_cap_in_sql(app):
    no_term = scoring.months_left_sql(literal(None, Date), date(2024, 6, 1))
    assert db.session.scalar(select(no_term)) == scoring.MONTHS_LEFT_CAP


levels = st.sampled_from(sorted(SKILL_LEVELS))
skill_rows = st.lists(st.tuples(st.sampled_from(CODES), levels,
                                st.integers(0, 60), st.booleans()),
                      max_size=3, unique_by=lambda skill: skill[0])
people_rows = st.lists(st.tuples(skill_rows, st.integers(0, 1200)), min_size=1, max_size=7)
requirement_rows = st.lists(st.tuples(st.sampled_from(CODES), levels),
                            min_size=1, max_size=3, unique_by=lambda requirement: requirement[0])


@settings(max_examples=60, **EXAMPLES)
@given(on=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
       people=people_rows, requirements=requirement_rows, training=st.booleans(),
       min_months=st.integers(0, 6))
def test_the_ranking_in_sql_is_the_python_ranking(world, on, people, requirements, training,
                                                  min_months):
    """Scores and order from the database equal scoring.value sorted by the page's key."""
    savepoint = db.session.begin_nested()
    try:
        facility = factories.facility(region_code="KZ-35")
        line = factories.line(world.sme_b, facility, occupations=requirements,
                              training_provided=training, min_months_left=min_months)
        skills_of, release_of = {}, {}
        for skills, days in people:
            person = factories.person(facility, skills=(),
                                      expected_release_on=on + timedelta(days=days))
            person.skills = [Skill(occupation_code=code, level=level, years_experience=years,
                                   certified=certified) for code, level, years, certified in skills]
            skills_of[person.id], release_of[person.id] = skills, person.expected_release_on
        db.session.flush()
        expected = sorted(
            ((person_id, scoring.value(requirements, skills_of[person_id],
                                       months_between(on, release_of[person_id]), training))
             for person_id in matching.candidate_ids(line, on)),
            key=lambda pair: (-pair[1], release_of[pair[0]], pair[0]))
        in_sql = [tuple(row) for row in db.session.execute(matching.ranking(line, on))]
        assert in_sql == expected  # exactly: the same doubles on both databases
        total, shown = matching.ranked(line, on)
        assert total == len(expected)
        assert [(c.person_id, c.score) for c in shown] == expected
        total, page = matching.ranked(line, on, limit=2, offset=1)
        assert total == len(expected) and [c.person_id for c in page] == [
            person_id for person_id, _ in expected[1:3]]
    finally:
        savepoint.rollback()


def test_reasons_in_russian_agree_with_their_numbers(app):
    """A candidate's reasons read as Russian does: стаж 1 год, 3 года, 5 лет; остался 21
    месяц, осталось 2 месяца."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("ru"):
        for years, months, expected in ((1, 21, ["стаж 1 год", "остался 21 месяц"]),
                                        (3, 2, ["стаж 3 года", "осталось 2 месяца"]),
                                        (5, 11, ["стаж 5 лет", "осталось 11 месяцев"])):
            _, reasons = score(LINE, [("7533", "qualified", years, False)], months)
            assert [str(r) for r in reasons][2:] == expected
