"""Scopes add up: facilities to their region, regions to the country, security levels to the
country, employer kinds to the total, for people, wages and floor space, on random dates;
enterprise counts add up across kinds and are unions across places (reports/definitions.py).

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL; the demo test checks the national
data set on random dates too.
"""
import random
from datetime import date, timedelta

from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reports.statistics import (EMPLOYER_KINDS, Scope, enterprise_figures, headline,
                                wage_months, wages)
from tests import statistics_world

PEOPLE = ("in_custody", "able_bodied", "employed")
MONEY = ("accrued_kzt", "full_norm", "below_minimum")
LEVELS = ("minimum", "medium", "maximum", "extreme", "full", "mixed")


def _people(on, scope):
    figures = headline(on, scope)
    return tuple(figures[key] for key in PEOPLE)


def _month(on, scope):
    month = wage_months(on, 1)[0]
    row = wages(month, month, scope)[0]
    return tuple(row[key] for key in MONEY), row["persons"]


def _add(parts):
    return tuple(map(sum, zip(*parts)))


def _check(on, country, regions, detailed=None):
    """Assert every sum of one date; ``regions`` maps a region id to its facility ids, and
    the facilities of the ``detailed`` regions (all by default) are summed too."""
    total_people, (total_money, total_paid) = _people(on, country), _month(on, country)
    total_enterprises = enterprise_figures(on, country, new_employed=0)
    region_people, region_money = [], []
    for region_id, facility_ids in regions.items():
        region = country.narrowed(region_id=region_id)
        people = _people(on, region)
        money, paid = _month(on, region)
        region_people.append(people)
        region_money.append(money)
        if detailed is not None and region_id not in detailed:
            continue
        facility_scopes = [region.narrowed(facility_id=f) for f in facility_ids]
        assert people == _add([_people(on, s) for s in facility_scopes]), (on, region)
        parts = [_month(on, s) for s in facility_scopes]
        assert money == _add([m for m, _paid in parts]), (on, region)
        # A person paid at two facilities in one month (transferred) counts once in each.
        assert max(p for _m, p in parts) <= paid <= sum(p for _m, p in parts)
        figures = enterprise_figures(on, region, new_employed=0)
        facility_figures = [enterprise_figures(on, s, new_employed=0) for s in facility_scopes]
        assert figures["area_leased_m2"] == sum(f["area_leased_m2"] for f in facility_figures)
        for key in ("smes_engaged", "branches_engaged", "services_engaged"):
            counts = [f[key] for f in facility_figures]
            assert max(counts) <= figures[key] <= sum(counts), (on, region, key)
    assert total_people == _add(region_people), on
    assert total_money == _add(region_money), on
    assert total_paid >= 0
    assert total_people == _add([_people(on, country.narrowed(security_level=level))
                                 for level in LEVELS])
    kinds = [country.narrowed(employer_kind=kind) for kind in EMPLOYER_KINDS]
    by_kind = [_people(on, scope) for scope in kinds]
    assert all(k[:2] == total_people[:2] for k in by_kind)
    assert sum(k[2] for k in by_kind) == total_people[2], on
    assert total_money == _add([_month(on, scope)[0] for scope in kinds]), on
    kind_figures = [enterprise_figures(on, scope, new_employed=0) for scope in kinds]
    assert total_enterprises["area_leased_m2"] == sum(f["area_leased_m2"] for f in kind_figures)
    for key in ("smes_engaged", "branches_engaged", "services_engaged"):
        assert total_enterprises[key] == sum(f[key] for f in kind_figures), (on, key)


def _regions():
    regions = {}
    for facility_id, region_id in db.session.execute(select(Facility.id, Facility.region_id)):
        regions.setdefault(region_id, []).append(facility_id)
    return regions


def test_scopes_add_up_on_random_dates(app):
    statistics_world.build()
    regions = _regions()
    for on in statistics_world.dates(seed=2021, count=5):
        _check(on, Scope(), regions)


def test_outside_line_pay_is_in_its_workers_facility(app):
    facilities = statistics_world.build()
    month = date(2021, 5, 1)
    country = wages(month, month)[0]["accrued_kzt"]
    assert country == sum(wages(month, month, Scope(facility_id=f.id))[0]["accrued_kzt"]
                          for f in facilities)
    assert country > 0


def test_demo_scopes_add_up(demo_app):
    regions = _regions()
    rng = random.Random(15)
    detailed = set(rng.sample(sorted(regions), 2))
    for on in [date(2021, 7, 1), date(2020, 8, 1) + timedelta(days=rng.randint(0, 700))]:
        _check(on, Scope(), regions, detailed)
