"""Disclosure control attacked across workbooks: build the workbook of every standard scope
of a date (the country, each region, each security level, each region and level, each
facility, each of them for each employer kind), gather every figure they show, and solve by
subtraction every sum an analyst can write between them, chained. Nothing hidden may be
recovered, and no count is hidden in one workbook and shown in another: neither the counts of
the date nor those of its series' month ends and wage months."""
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from inmates.models import Stay
from reference.models import Region
from reports import disclosure, facts
from reports import statistics as st
from reports.disclosure import PEOPLE, is_hidden
from reports.facts.build import rebuild
from reports.lattice import KINDS
from reports.lattice import lattice as lattice_of
from reports.services import build_report, day_lattices, disclosure_lattice, protected
from reports.statistics import Scope
from tests import statistics_world

DAYS = statistics_world.dates(seed=4, count=1)


def _places():
    """What an analyst knows of each facility: its region and security level, by code."""
    rows = db.session.execute(select(Facility.id, Facility.code, Region.id, Region.code,
                                     Facility.security_level)
                              .join(Region, Region.id == Facility.region_id))
    return {code: (region_code, level, facility_id, region_id)
            for facility_id, code, region_id, region_code, level in rows}


def _scopes(places):
    regions = {(p[3], p[0]) for p in places.values()}
    levels = {p[1] for p in places.values()}
    pairs = {(p[3], p[1]) for p in places.values()}
    scopes = [Scope()] + [Scope(region_id=r) for r, _code in regions]
    scopes += [Scope(security_level=level) for level in levels]
    scopes += [Scope(region_id=r, security_level=level) for r, level in pairs]
    scopes += [Scope(facility_id=p[2]) for p in places.values()]
    return [s.narrowed(employer_kind=kind) for s in scopes for kind in (None, *KINDS)]


def _shown(day, scope, lattice):
    """The counts of a scope's workbook as every export and dashboard shows them
    (reports.services.build_report: the stored facts, then disclosure.protect)."""
    stats = facts.statistics(day, scope, monthly=False)
    headline, breakdowns = disclosure.protect(stats, lattice)[:2]
    return SimpleNamespace(scope=scope, headline=headline, breakdowns=breakdowns)


def _gather(report, places, seen):
    """Put each count the report shows under what it counts: (facility codes, breakdown,
    its value, count, employer kind); a facility without a row has nobody in custody."""
    covered = tuple(sorted(row["code"] for row in report.breakdowns["facility"]))
    kind = report.scope.employer_kind

    def put(codes, dim, value, column, shown):
        key = (codes, dim, value, column, kind if column == "employed" else None)
        seen.setdefault(key, set()).add(shown)

    for column in PEOPLE:
        put(covered, "total", None, column, report.headline[column])
        for dim in ("gender", "age_band"):
            for row in report.breakdowns[dim]:
                put(covered, dim, str(row["key"]), column, row[column])
        for row in report.breakdowns["facility"]:
            put((row["code"],), "total", None, column, row[column])
        for dim, index in (("region", 0), ("security_level", 1)):
            for row in report.breakdowns[dim]:
                code = row["code"] if dim == "region" else row["key"]
                members = tuple(c for c in covered if places[c][index] == code)
                put(members, "total", None, column, row[column])
    for row in report.breakdowns["employer_kind"]:
        if kind is None:
            seen.setdefault((covered, "total", None, "employed", row["key"]), set()).add(
                row["employed"])


def _sums(seen, places):
    """Every sum between the gathered counts: a count and its parts by region, by security
    level and by facility; a total and its rows by gender and by age band; the employed and
    the employed of each kind. A part no workbook shows is nobody (0)."""
    sums = []
    for key in seen:
        codes, dim, value, column, kind = key
        for index in (0, 1, None):
            groups = {}
            for code in codes:
                groups.setdefault(code if index is None else places[code][index], []).append(code)
            if len(groups) > 1:
                sums.append((key, [(tuple(sorted(g)), dim, value, column, kind)
                                   for g in groups.values()]))
        if dim == "total":
            for by in ("gender", "age_band"):
                parts = [k for k in seen if k[0] == codes and k[1] == by
                         and k[3:] == (column, kind)]
                if parts:
                    sums.append((key, parts))
        if column == "employed" and kind is None:
            sums.append((key, [(codes, dim, value, column, k) for k in KINDS]))
    return sums


def _attack(seen, sums):
    """Solve every sum with one unknown, substitute, repeat; return what was recovered."""
    known = {}
    for key, values in seen.items():
        numbers = [v for v in values if not is_hidden(v)]
        if numbers:
            known[key] = numbers[0]
    hidden = {key for key, values in seen.items() if any(is_hidden(v) for v in values)}
    value = lambda key: known.get(key, 0 if key not in seen else None)  # noqa: E731
    recovered = {key: known[key] for key in hidden if key in known}
    moved = True
    while moved:
        moved = False
        for margin, parts in sums:
            unknown = [k for k in (margin, *parts) if value(k) is None]
            if len(unknown) != 1:
                continue
            rest = sum(value(k) for k in parts if k != unknown[0])
            known[unknown[0]] = rest if unknown[0] == margin else value(margin) - rest
            recovered[unknown[0]] = known[unknown[0]]
            moved = True
    return recovered


@pytest.mark.parametrize("seed", [15, 8])
def test_no_hidden_count_is_recovered_across_the_workbooks_of_a_date(app, seed):
    statistics_world.build(seed=seed, people=90)
    places = _places()
    scopes = _scopes(places)
    hidden_seen = 0
    for day in DAYS:
        seen = {}
        lattice = disclosure_lattice(day)
        for scope in scopes:
            _gather(_shown(day, scope, lattice), places, seen)
        assert all(len(values) == 1 for values in seen.values()), day
        for scope in scopes[::5]:  # the report every interface shows is these counts
            report = build_report(day, scope, suppress=True, months=1)
            shown = _shown(day, scope, lattice)
            assert (report.headline, report.breakdowns) == (shown.headline, shown.breakdowns)
        sums = _sums(seen, places)
        assert _attack(seen, sums) == {}, day
        hidden_seen += sum(1 for values in seen.values() if any(map(is_hidden, values)))
    assert hidden_seen  # the world has small cells to protect


def test_without_the_lattice_a_facility_is_given_away_by_its_region(app):
    """The attack finds what workbook-by-workbook suppression leaves open (so it can fail)."""
    statistics_world.build(seed=15, people=90)
    places = _places()
    recovered = 0
    for day in DAYS:
        seen = {}
        for scope in _scopes(places):
            _gather(_shown(day, scope, None), places, seen)
        recovered += len(_attack(seen, _sums(seen, places)))
    assert recovered


# --- the series' month ends and the wage months ---------------------------------------------

MONTHLY_DAYS = [date(2021, 4, 1), date(2021, 6, 30)]  # the first's series ends March 31
MONTHS = 6  # the world's wages run from January to June 2021


def _codes(scope, places):
    """The facilities a scope covers, as an analyst knows them (by region and level)."""
    return tuple(sorted(code for code, (_region, level, facility_id, region_id) in places.items()
                        if scope.facility_id in (None, facility_id)
                        and scope.region_id in (None, region_id)
                        and scope.security_level in (None, level)))


def _gather_monthly(scope, series, wages, places, seen):
    """Put each month-end and wage-month count a workbook shows under what it counts:
    (facility codes, "series" or "wages", the day or month, count, employer kind)."""
    codes, kind = _codes(scope, places), scope.employer_kind
    for row in series:
        for column in PEOPLE:
            key = (codes, "series", row["on"], column, kind if column == "employed" else None)
            seen.setdefault(key, set()).add(row[column])
    for row in wages:
        for column in disclosure.WAGE_COUNTS:
            seen.setdefault((codes, "wages", row["month"], column, kind), set()).add(row[column])


def _monthly_sums(seen, places):
    """Every sum between the gathered monthly counts: a count and its parts by region, by
    security level and by facility; the employed (every wage count) and those of each kind."""
    sums = []
    for key in seen:
        codes, table, when, column, kind = key
        for index in (0, 1, None):
            groups = {}
            for code in codes:
                groups.setdefault(code if index is None else places[code][index], []).append(code)
            if len(groups) > 1:
                sums.append((key, [(tuple(sorted(g)), table, when, column, kind)
                                   for g in groups.values()]))
        if kind is None and (table == "wages" or column == "employed"):
            sums.append((key, [(codes, table, when, column, k) for k in KINDS]))
    return sums


def _monthly_seen(places, protect):
    """The monthly counts of every standard scope's workbook of MONTHLY_DAYS, as ``protect``
    shows them, with the headlines of the workbooks of the series' month ends themselves."""
    seen = {}
    for day in MONTHLY_DAYS:
        for scope in _scopes(places):
            stats = facts.statistics(day, scope, months=MONTHS)
            _headline, _breakdowns, _enterprises, wages, series = protect(stats)
            _gather_monthly(scope, series, wages, places, seen)
    month_end = date(2021, 3, 31)  # a month end of the first day's series, and a day of its own
    lattice = disclosure_lattice(month_end)
    for scope in _scopes(places):
        headline = disclosure.protect(facts.statistics(month_end, scope, monthly=False),
                                      lattice)[0]
        _gather_monthly(scope, [dict(headline, on=month_end)], [], places, seen)
    return seen


def _as_in_production(app):
    """The facts built by the nightly rebuild, and the cache on: each month end's and wage
    month's lattice is computed once from its stored facts and kept, as every workbook and
    dashboard of a server reads it (not computed again for each of the scopes' workbooks)."""
    rebuild(db.session)
    db.session.commit()
    app.config["STATISTICS_CACHE_SECONDS"] = 600


@pytest.mark.parametrize("seed", [15, 8])
def test_no_month_end_or_wage_count_is_recovered_across_workbooks(app, seed):
    """A region minus its facilities, a level held by one facility, the employer kinds of a
    total: no hidden count of a series month end or of a wage month comes back, and a month
    end is hidden in every series as in that day's own workbooks."""
    statistics_world.build(seed=seed, people=90)
    _as_in_production(app)
    places = _places()
    seen = _monthly_seen(places, protected)
    assert all(len(values) == 1 for values in seen.values())
    for day in MONTHLY_DAYS:  # the report every interface shows is these counts
        for scope in _scopes(places)[::7]:
            report = build_report(day, scope, suppress=True, months=MONTHS)
            shown = protected(facts.statistics(day, scope, months=MONTHS))
            assert (report.wages, report.series) == (shown[3], shown[4])
    assert _attack(seen, _monthly_sums(seen, places)) == {}
    hidden = {key[1] for key, values in seen.items() if any(map(is_hidden, values))}
    assert hidden == {"series", "wages"}  # the world has small cells of both to protect


def test_without_their_lattices_month_ends_and_wage_months_are_given_away(app):
    """Protected workbook by workbook (the day's lattice only), the monthly counts are
    recovered across workbooks (so the attack above can fail)."""
    statistics_world.build(seed=15, people=90)
    places = _places()
    seen = _monthly_seen(places, lambda stats: disclosure.protect(
        stats, disclosure_lattice(stats.on)))
    recovered = _attack(seen, _monthly_sums(seen, places))
    assert {key[1] for key in recovered} == {"series", "wages"}


def test_a_month_end_kept_with_its_facts_follows_them_being_built_again(app):
    """With the cache on, a stored day's lattice is kept for its facts (exports included);
    after a back-dated release the day is computed afresh, and after its rebuild the
    lattice is that of the new figures, never the one kept before."""
    app.config["STATISTICS_CACHE_SECONDS"] = 300
    statistics_world.build(seed=15, people=90)
    db.session.commit()
    day = date(2021, 3, 31)
    rebuild(db.session, days=[day])
    db.session.commit()
    live = lambda: lattice_of(st.facility_cells(day))  # noqa: E731
    assert day_lattices([day])[day].hidden == live().hidden
    before = live().values
    stays = db.session.scalars(select(Stay).where(Stay.active_on(day),
                                                  Stay.started_on < date(2021, 3, 1))).all()
    for stay in stays[:len(stays) // 3]:
        stay.ended_on = date(2021, 3, 1)
    db.session.commit()
    assert live().values != before
    assert day_lattices([day])[day].values == live().values
    rebuild(db.session, days=[day])
    db.session.commit()
    assert facts.built_at([day])
    kept = day_lattices([day])[day]
    assert (kept.values, kept.hidden) == (live().values, live().hidden)
