"""Hard rules: each excludes exactly the people it should; exclusion counts say why."""
from datetime import date

import pytest

from extensions import db
from marketplace import matching
from tests import factories

ON = date(2024, 6, 1)


@pytest.fixture
def app(app):
    """The app with an English request context, so labels render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def ids(line, **kw):
    return {c.person_id for c in matching.candidates(line, ON, **kw)}


def test_each_hard_rule_excludes_exactly_its_people(world):
    a, b = world.facility_a, world.facility_b
    line = factories.line(world.sme_a, a, occupations=(("7533", "trainee"),), involves_minors=True,
                          min_months_left=6)
    good = factories.person(a)
    released = factories.person(a, custody_status="released", released_on=date(2023, 1, 1))
    elsewhere = factories.person(b)
    disabled = factories.person(a, able_bodied=False, disability_group=2)
    placed = factories.person(a)
    factories.placement(placed, world.line_a, started_on=date(2024, 1, 1))
    barred = factories.person(a, no_work_with_minors=True)
    leaving = factories.person(a, expected_release_on=date(2024, 10, 1))
    unskilled = factories.person(a, skills=(("9112", "expert", 10),))
    db.session.commit()
    found = ids(line)
    assert good.id in found and world.person_a.id in found
    for excluded in (released, elsewhere, disabled, placed, barred, leaving, unskilled):
        assert excluded.id not in found
    assert found == {good.id, world.person_a.id}


def test_outside_line_takes_minimum_security_people_of_its_region_without_the_restriction(world):
    outside = factories.line(world.sme_a, None, region_code="KZ-71")
    medium_here = factories.facility(region_code="KZ-71", security_level="medium")
    minimum_elsewhere = factories.facility(region_code="KZ-35", security_level="minimum")
    ok = factories.person(world.facility_a)
    not_outside = factories.person(world.facility_a, no_outside_work=True)
    in_medium = factories.person(medium_here)
    far = factories.person(minimum_elsewhere)
    db.session.commit()
    found = ids(outside)
    assert {ok.id, world.person_a.id} <= found
    assert not found & {not_outside.id, in_medium.id, far.id}


def test_minors_restriction_only_when_the_line_involves_minors(world):
    barred = factories.person(world.facility_a, no_work_with_minors=True)
    db.session.commit()
    assert barred.id in ids(world.line_a)


def test_training_line_accepts_unskilled_people(world):
    unskilled = factories.person(world.facility_a, skills=())
    training = factories.line(world.sme_a, world.facility_a, training_provided=True)
    db.session.commit()
    assert unskilled.id not in ids(world.line_a)
    assert unskilled.id in ids(training)


def test_transfer_mode_includes_people_placed_on_other_lines(world):
    other = factories.line(world.sme_a, world.facility_a)
    factories.placement(world.person_a, other, started_on=date(2024, 1, 1))
    db.session.commit()
    assert world.person_a.id not in ids(world.line_a)
    assert world.person_a.id in ids(world.line_a, transfer=True)
    assert world.person_a.id not in ids(other, transfer=True)


def test_ranking_orders_by_occupation_closeness(world):
    line = factories.line(world.sme_a, world.facility_b, occupations=(("7533", "trainee"),))
    exact = factories.person(world.facility_b, skills=(("7533", "trainee", 0),))
    minor = factories.person(world.facility_b, skills=(("7531", "expert", 20),))
    submajor = factories.person(world.facility_b, skills=(("7512", "expert", 20),))
    db.session.commit()
    ranked = matching.candidates(line, ON)
    assert [c.person_id for c in ranked] == [exact.id, minor.id, submajor.id]
    assert str(ranked[0].reasons[0]) == "exact occupation 7533 · Sewing, embroidery and related workers"


def test_exclusions_count_each_rule(world):
    line = factories.line(world.sme_a, world.facility_a, involves_minors=True,
                          min_months_left=6, occupations=(("5120", "expert"),))
    factories.person(world.facility_a, no_work_with_minors=True)
    factories.person(world.facility_a, able_bodied=False, disability_group=1)
    factories.person(world.facility_a, expected_release_on=date(2024, 7, 1))
    db.session.commit()
    assert matching.candidates(line, ON) == []
    pool, excluded = matching.exclusions(line, ON)
    counts = {str(label): n for label, n in excluded}
    assert pool == 4
    assert counts == {"not able-bodied": 1, "barred by a restriction": 1,
                      "too few months before release": 1, "no related skill and no training": 4}


def test_failed_rules_names_the_rules(world):
    factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    db.session.commit()
    assert matching.failed_rules(world.person_a.id, world.line_a, ON) == ["idle"]
    assert matching.failed_rules(world.person_b.id, world.line_a, ON)[0] == "custody"
