"""Each statistics definition on a small hand-built world with known answers."""
from datetime import date, timedelta

from extensions import db
from inmates.models import Stay
from marketplace.models import WageRecord
from reports.statistics import (Scope, breakdown, enterprise_figures, headline, last_months, series,
                                statistics, wages)
from tests import factories

D = date(2021, 7, 1)


def _release(person, on):
    """Release a person on a day: the open stay ends then."""
    person.released_on = on
    person.custody_status = "released"
    stay = db.session.scalars(db.select(Stay).where(Stay.person_id == person.id)).one()
    stay.ended_on = on
    stay.end_reason = "released"
    db.session.flush()


def test_world_headline(world):
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    figures = headline(D)
    assert figures == {"in_custody": 2, "able_bodied": 2, "employed": 1, "rate": 0.5}


def test_placed_ended_and_placed_again_same_day_counts_once(world):
    factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1), ended_on=D,
                        end_reason="completed")
    factories.placement(world.person_a, world.line_a, started_on=D)
    # A zero-length placement on the same day is not active on D either.
    db.session.commit()
    assert headline(D)["employed"] == 1
    assert headline(D - timedelta(days=1))["employed"] == 1
    kinds = {row["key"]: row["employed"] for row in breakdown(D, Scope(), "employer_kind")}
    assert kinds == {"state_branch": 0, "sme": 1, "facility_service": 0}


def test_released_on_d_is_not_in_custody_on_d(world):
    factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1), ended_on=D,
                        end_reason="released")
    _release(world.person_a, D)
    db.session.commit()
    assert headline(D)["in_custody"] == 1
    before = headline(D - timedelta(days=1))
    assert before["in_custody"] == 2 and before["employed"] == 1
    assert headline(D)["employed"] == 0


def test_not_able_bodied_is_never_employed(world):
    world.person_a.able_bodied = False
    world.person_a.disability_group = 1
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    figures = headline(D)
    assert figures["in_custody"] == 2 and figures["able_bodied"] == 1
    assert figures["employed"] == 0 and figures["rate"] == 0


def test_transfer_counts_at_the_new_facility_from_the_day(world):
    stay = db.session.scalars(db.select(Stay).where(Stay.person_id == world.person_a.id)).one()
    stay.ended_on, stay.end_reason = D, "transferred"
    db.session.add(Stay(person_id=world.person_a.id, facility_id=world.facility_b.id,
                        started_on=D))
    db.session.commit()
    assert headline(D, Scope(facility_id=world.facility_a.id))["in_custody"] == 0
    assert headline(D, Scope(facility_id=world.facility_b.id))["in_custody"] == 2
    assert headline(D - timedelta(days=1),
                    Scope(facility_id=world.facility_a.id))["in_custody"] == 1
    assert headline(D)["in_custody"] == 2


def test_scopes_and_breakdowns(world):
    factories.placement(world.person_a, world.line_a)
    factories.placement(world.person_b, world.line_b)
    women = [factories.person(world.facility_a, gender="F", birth_on=date(2000, 1, 1))
             for _ in range(2)]
    db.session.commit()
    region_71 = factories.region("KZ-71").id
    assert headline(D, Scope(region_id=region_71)) == {
        "in_custody": 3, "able_bodied": 3, "employed": 1, "rate": 1 / 3}
    assert headline(D, Scope(security_level="medium"))["in_custody"] == 1
    assert headline(D, Scope(employer_kind="state_branch"))["employed"] == 0
    assert headline(D, Scope(employer_kind="sme"))["employed"] == 2
    by_region = {row["code"]: row for row in breakdown(D, Scope(), "region")}
    assert by_region["KZ-71"]["in_custody"] == 3 and by_region["KZ-35"]["employed"] == 1
    by_gender = {row["key"]: row["in_custody"] for row in breakdown(D, Scope(), "gender")}
    assert by_gender == {"F": 2, "M": 2}
    by_age = {row["key"]: row["in_custody"] for row in breakdown(D, Scope(), "age_band")}
    assert by_age == {"18_24": 2, "35_44": 2}
    assert len(women) == 2


def test_age_band_uses_age_on_the_day(world):
    factories.person(world.facility_a, birth_on=date(1996, 7, 1))  # 25 on D
    factories.person(world.facility_a, birth_on=date(1996, 7, 2))  # 24 on D
    db.session.commit()
    by_age = {row["key"]: row["in_custody"] for row in breakdown(D, Scope(), "age_band")}
    assert by_age["25_34"] == 1 and by_age["18_24"] == 1


def test_enterprise_figures(world):
    world.line_a.opened_on = world.line_b.opened_on = date(2020, 5, 1)
    factories.placement(world.person_b, world.line_b)
    # An SME whose first line opened this year, employing one person; the line opens after D
    # for another SME, which is not new on D.
    newcomer = factories.enterprise("sme", region_code="KZ-71", name="Новое ТОО")
    new_line = factories.line(newcomer, world.facility_a, opened_on=date(2021, 3, 1))
    factories.placement(world.person_a, new_line)
    late = factories.enterprise("sme", region_code="KZ-71")
    factories.line(late, world.facility_a, opened_on=date(2021, 8, 1))
    ended = factories.lease(world.sme_b, world.space_b, area=50, status="ended",
                            starts_on=date(2020, 1, 1), ends_on=D)
    factories.lease(world.sme_a, world.space_a, area=70, status="requested")
    db.session.commit()
    figures = enterprise_figures(D)
    # sme_a and sme_b by their leases, the newcomer by its placement.
    assert figures["smes_engaged"] == 3
    assert figures["area_leased_m2"] == 500  # 300 + 200; the lease ended on D is not active
    assert figures["new_enterprises"] == 1 and figures["new_employed"] == 1
    assert enterprise_figures(D - timedelta(days=1))["area_leased_m2"] == 550
    region_71 = enterprise_figures(D, Scope(region_id=factories.region("KZ-71").id))
    assert region_71["smes_engaged"] == 2 and region_71["area_leased_m2"] == 300
    assert ended.id


def test_wages_against_the_minimum_wage(world):
    low = factories.placement(world.person_a, world.line_a)
    high = factories.placement(world.person_b, world.line_b)
    month = date(2021, 6, 1)
    for placement, accrued, norm_met in ((low, 40_000, True), (high, 90_000, True)):
        db.session.add(WageRecord(placement_id=placement.id, month=month, days_worked=22,
                                  hours_worked=176, norm_hours=176, norm_met=norm_met,
                                  accrued_kzt=accrued, credited_kzt=accrued))
    db.session.commit()
    june = wages(month, month)[0]
    assert june["accrued_kzt"] == 130_000 and june["persons"] == 2
    assert june["mean_kzt"] == 65_000
    assert june["below_minimum"] == 1 and june["below_share"] == 0.5


def test_series_matches_single_days(world):
    factories.placement(world.person_a, world.line_a, started_on=date(2021, 3, 15))
    db.session.commit()
    days = last_months(D, 6)
    assert days[0] == date(2021, 2, 28) and days[-1] == date(2021, 7, 31)
    rows = series(days)
    for row in rows:
        assert {k: row[k] for k in ("in_custody", "able_bodied", "employed")} == {
            k: headline(row["on"])[k] for k in ("in_custody", "able_bodied", "employed")}
    assert rows[0]["employed"] == 0 and rows[1]["employed"] == 1
    assert series(days, Scope(employer_kind="state_branch"))[-1]["employed"] == 0


def test_series_counts_a_person_once_a_month_across_overlapping_records(world):
    """Overlapping placements, a release and a return on a month's last day, and placements
    starting or ending on one, against the one-day definitions in several scopes."""
    a, b = world.person_a, world.person_b
    _release(b, date(2021, 3, 31))  # gone on 31 March, the month's last day
    db.session.add(Stay(person_id=b.id, facility_id=world.facility_b.id,
                        started_on=date(2021, 5, 31)))  # back on 31 May
    factories.placement(a, world.line_a, started_on=date(2021, 2, 28), ended_on=date(2021, 5, 1))
    factories.placement(a, world.line_b, started_on=date(2021, 3, 1), ended_on=date(2021, 6, 30))
    factories.placement(b, world.line_b, started_on=date(2021, 1, 31), ended_on=date(2021, 2, 28))
    db.session.commit()
    days = last_months(D, 7)
    rows = series(days)
    for row in rows:
        assert {k: row[k] for k in ("in_custody", "able_bodied", "employed", "rate")} == \
            headline(row["on"]), row["on"]
    assert [row["in_custody"] for row in rows] == [2, 2, 1, 1, 2, 2, 2]
    assert [row["employed"] for row in rows] == [1, 1, 1, 1, 1, 0, 0]
    for scope in (Scope(region_id=world.facility_a.region_id), Scope(employer_kind="sme"),
                  Scope(security_level="medium"), Scope(facility_id=world.facility_b.id)):
        for row in series(days, scope):
            figures = headline(row["on"], scope)
            assert (row["in_custody"], row["employed"]) == (
                figures["in_custody"], figures["employed"]), (scope, row["on"])


def test_series_takes_consecutive_month_ends_only(world):
    import pytest

    with pytest.raises(ValueError):
        series([date(2021, 1, 31), date(2021, 3, 31)])
    assert series([]) == []

def test_statistics_bundle(world):
    stats = statistics(D, Scope())
    assert set(stats.breakdowns) == {"region", "facility", "security_level", "employer_kind",
                                     "gender", "age_band"}
    assert len(stats.series) == 12 and len(stats.wages) == 12
