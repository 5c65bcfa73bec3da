"""SQLite and PostgreSQL give the same answers: a fixed world with expected figures.

The whole suite runs on both databases (TEST_DATABASE_URL); this test pins every figure of one
world, so a dialect difference (date literals, EXTRACT, CASE, DISTINCT) shows up as a failure.
"""
from datetime import date

from extensions import db
from marketplace.models import WageRecord
from reports.statistics import Scope, last_months, statistics
from tests import factories

D = date(2021, 7, 1)


def test_every_figure_of_a_fixed_world(world):
    world.line_a.opened_on = date(2020, 5, 1)
    world.line_b.opened_on = date(2021, 2, 1)
    branch_line = factories.line(world.branch, world.facility_b, opened_on=date(2019, 1, 1))
    people = [factories.person(world.facility_a, birth_on=date(1960 + i * 8, 2, 29 if i == 0 else 1),
                               gender="F" if i % 2 else "M") for i in range(6)]
    people[5].able_bodied = False
    for person, accrued in zip(people[:3], (40_000, 42_499, 42_500)):
        placement = factories.placement(person, world.line_a, started_on=date(2021, 1, 1))
        db.session.add(WageRecord(placement_id=placement.id, month=date(2021, 6, 1),
                                  days_worked=22, hours_worked=176, norm_hours=176,
                                  norm_met=True, accrued_kzt=accrued, credited_kzt=accrued))
    factories.placement(world.person_b, branch_line, started_on=date(2021, 6, 30))
    factories.placement(people[5], world.line_a, started_on=date(2021, 1, 1))
    db.session.commit()
    stats = statistics(D, Scope())
    assert stats.headline == {"in_custody": 8, "able_bodied": 7, "employed": 4, "rate": 4 / 7}
    assert [(r["key"], r["employed"]) for r in stats.breakdowns["employer_kind"]] == [
        ("state_branch", 1), ("sme", 3), ("facility_service", 0)]
    assert {r["key"]: r["in_custody"] for r in stats.breakdowns["gender"]} == {"F": 3, "M": 5}
    assert {r["key"]: r["in_custody"] for r in stats.breakdowns["age_band"]} == {
        "18_24": 1, "25_34": 1, "35_44": 3, "45_54": 2, "55_plus": 1}
    assert {r["key"]: r["employed"] for r in stats.breakdowns["security_level"]} == {
        "minimum": 3, "medium": 1}
    assert stats.enterprises == {"smes_engaged": 2, "branches_engaged": 1,
                                 "services_engaged": 0, "area_leased_m2": 500.0,
                                 "new_enterprises": 1, "new_employed": 0}
    june = next(row for row in stats.wages if row["month"] == date(2021, 6, 1))
    assert june["persons"] == 3 and june["below_minimum"] == 2 and june["full_norm"] == 3
    assert june["accrued_kzt"] == 124_999 and june["mean_kzt"] == 41_666
    assert [row["employed"] for row in stats.series[-2:]] == [4, 4]
    assert [row["employed"] for row in stats.series[:6]] == [0, 0, 0, 0, 0, 3]
    assert last_months(D)[0] == date(2020, 8, 31)
