"""Employment against the able-bodied population, for any date and scope (DESIGN.md section 7).

Every figure is defined, with its boundary rules, in reports/definitions.py; this module
computes them. In short:

- A stay, placement or lease is active on D when it started on or before D and has not ended
  by D (``timeutil.covers``): one starting on D counts on D, one ending on D does not, so a
  person transferred on D counts at the new facility.
- in custody, able-bodied, employed: ``marketplace.employment.population`` (persons, not
  placements); the stay's facility gives the facility, region and security level. With an
  employer-kind scope only work for that kind counts as employed, while in custody and
  able-bodied stay those of the place.
- enterprises engaged: an enterprise with a lease of a space in scope, or a placement of a
  person in custody in scope, active on D; counted once per scope and split by its kind. The
  same count is the summary's "SMEs engaged" / "branches engaged" and the employer-kind
  table's enterprises column, and an employer-kind scope keeps only that kind.
- area leased: sum of the active leases' area of spaces in scope (of the kind in scope).
- new productions: enterprises whose first line opened in D's year on or before D and which
  have a line in scope, with the persons employed on their lines.
- wages: series.wages (records placed by the person's facility on the reference day).
- the series ends on D (series.series_days); the wage table with the last complete month on
  or before D (series.wage_months).
- reasons for not working on D (added to the dashboard and the export by compliance/ through
  ``reports.signals.report_sections``) = the able-bodied in custody in scope on D who are not
  employed on D, by their latest reason dated on or before D ("none recorded" when they have
  none), at the facility of their stay on D; share = of all of them.
- age bands use the age on D.

People, wages and area add up across facilities, regions, security levels and employer
kinds; enterprise counts add up across kinds (each enterprise has one) and are unions across
places. Everything is set-based SQL that compiles alike on SQLite and PostgreSQL.
"""
from datetime import date

from sqlalchemy import String, and_, case, cast, func, literal, select, union_all

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility, Lease, ProductionSpace
from marketplace import employment
from reference.models import Region
from timeutil import add_years

from .scope import (AGE_BANDS, BREAKDOWNS, EMPLOYER_KINDS, Scope, Statistics, facility_scope,
                    line_in_scope, with_rate)
from .series import last_months, month_ends, series, series_days, wage_months, wages

__all__ = ["AGE_BANDS", "BREAKDOWNS", "EMPLOYER_KINDS", "Scope", "Statistics", "breakdown",
           "enterprise_figures", "facility_cells", "headline", "last_months", "month_ends",
           "population",
           "series", "series_days", "series_to", "statistics", "wage_months", "wages"]


def _age_band(on, birth_on):
    """SQL CASE giving the age band on ``on`` of a birth date column."""
    whens = [(birth_on <= add_years(on, -years), key) for key, years in reversed(AGE_BANDS[1:])]
    return case(*whens, else_=AGE_BANDS[0][0])

def population(on, scope=Scope()):
    """Return a select: one row per person in custody in scope on ``on``, flagged.

    The rows are ``marketplace.employment.population`` (the one definition of in custody,
    able-bodied and employed), limited to the scope, with the age band on ``on``.
    """
    base = employment.population(on, scope.employer_kind,
                                 within=tuple(facility_scope(scope, Facility))).subquery("people")
    return (select(*base.c, _age_band(on, base.c.birth_on).label("age_band"))
            .where(*facility_scope(scope, base.c, facility_id=base.c.facility_id)))

def facility_cells(on):
    """Return the persons in custody on ``on`` in the finest cells every breakdown adds up
    from, in one grouped query: one row per facility, gender, age band and employer kind of
    the employed (None for the not employed), with the facility's region and security level,
    in custody, able-bodied and employed. Disclosure control (reports/disclosure.py) sums
    them into the figures of every scope at once."""
    # Materialized: inlined, SQLite scans the employment subquery once per person (30 s).
    pop = population(on).cte("people").prefix_with("MATERIALIZED")
    keys = (pop.c.facility_id, pop.c.region_id, pop.c.security_level, pop.c.gender,
            pop.c.age_band, pop.c.kind)
    return db.session.execute(
        select(*keys, func.count().label("in_custody"),
               func.coalesce(func.sum(pop.c.able), 0).label("able_bodied"),
               func.coalesce(func.sum(pop.c.employed), 0).label("employed"))
        .group_by(*keys)).all()

def _new_enterprise_ids(on, scope):
    """Enterprises whose first line opened in ``on``'s year, on or before ``on``, with a line
    in scope."""
    first_line = (select(ProductionLine.enterprise_id,
                         func.min(ProductionLine.opened_on).label("first_opened_on"))
                  .group_by(ProductionLine.enterprise_id).subquery("first_line"))
    return (select(first_line.c.enterprise_id)
            .where(first_line.c.first_opened_on >= date(on.year, 1, 1),
                   first_line.c.first_opened_on <= on,
                   first_line.c.enterprise_id.in_(
                       select(ProductionLine.enterprise_id).where(*line_in_scope(scope)))))

def _grouped(on, scope, dimensions):
    """Run one statement grouping the population by each dimension; return its rows.

    The population is a CTE referenced by every branch of a UNION ALL, so SQLite (3.35+) and
    PostgreSQL (12+) compute it once. Dimensions: 'total', 'new' (employed by new productions),
    'employer_kind', and the person-level columns region, facility, security_level, gender,
    age_band.
    """
    pop = population(on, scope).cte("population")
    columns = {"region": pop.c.region_id, "facility": pop.c.facility_id,
               "security_level": pop.c.security_level, "gender": pop.c.gender,
               "age_band": pop.c.age_band, "employer_kind": pop.c.kind}
    branches = []
    for dimension in dimensions:
        key = columns.get(dimension)
        query = select(literal(dimension).label("dimension"),
                       cast(key if key is not None else literal(""), String).label("key"),
                       func.count().label("in_custody"),
                       func.coalesce(func.sum(pop.c.able), 0).label("able_bodied"),
                       func.coalesce(func.sum(pop.c.employed), 0).label("employed"),
                       # only the employer-kind table shows enterprises: no distinct elsewhere
                       (func.count(func.distinct(pop.c.enterprise_id))
                        if dimension == "employer_kind" else literal(0)).label("enterprises"))
        if dimension == "employer_kind":
            query = query.where(pop.c.employed == 1)
        if dimension == "new":
            query = query.where(pop.c.employed == 1,
                                pop.c.enterprise_id.in_(_new_enterprise_ids(on, scope)))
        if key is not None:
            query = query.group_by(key)
        branches.append(query)
    statement = branches[0] if len(branches) == 1 else union_all(*branches)
    result = {dimension: [] for dimension in dimensions}
    for row in db.session.execute(statement):
        result[row.dimension].append(row)
    return result

def _named(model, rows):
    """Attach code and kk/ru/en names to rows keyed by a region or facility id."""
    ids = [int(row.key) for row in rows]
    names = {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}
    result = []
    for row in rows:
        obj = names[int(row.key)]
        # A facility's region and level: the margins its row adds up to (reports/disclosure.py).
        place = ({"region_id": obj.region_id, "security_level": obj.security_level}
                 if model is Facility else {})
        result.append(with_rate(row, key=obj.id, code=obj.code, name_kk=obj.name_kk,
                                 name_ru=obj.name_ru, name_en=obj.name_en, **place))
    return sorted(result, key=lambda item: item["code"])

ENGAGED = {"state_branch": "branches", "sme": "smes", "facility_service": "services"}


def _breakdown_rows(by, rows, engaged=None):
    """Shape the grouped rows of one dimension as the breakdown table; the employer-kind
    table's enterprises are the enterprises engaged (``_enterprise_counts``)."""
    if by == "employer_kind":
        found = {row.key: row for row in rows}
        total = sum(int(row.employed) for row in rows)
        return [{"key": kind,
                 "employed": int(found[kind].employed) if kind in found else 0,
                 "enterprises": int(getattr(engaged, ENGAGED[kind])) if engaged else 0,
                 "share": int(found[kind].employed) / total if kind in found and total else None}
                for kind in EMPLOYER_KINDS]
    if by == "region":
        return _named(Region, rows)
    if by == "facility":
        return _named(Facility, rows)
    order = {key: index for index, (key, _years) in enumerate(AGE_BANDS)}
    shaped = [with_rate(row, key=row.key) for row in rows]
    if by == "age_band":
        return sorted(shaped, key=lambda item: order[item["key"]])
    return sorted(shaped, key=lambda item: item["key"])

def _total(rows):
    if rows:
        return with_rate(rows[0])
    return {"in_custody": 0, "able_bodied": 0, "employed": 0, "rate": None}

def headline(on, scope=Scope()):
    """Return in custody, able-bodied, employed and rate on ``on`` in ``scope``."""
    return _total(_grouped(on, scope, ["total"])["total"])

def breakdown(on, scope, by):
    """Return the counts grouped by one of BREAKDOWNS, as a list of dicts with ``key``."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by}")
    engaged = _enterprise_counts(on, scope) if by == "employer_kind" else None
    return _breakdown_rows(by, _grouped(on, scope, [by])[by], engaged)

def _enterprise_counts(on, scope):
    """SMEs, branches and services engaged, area leased and new productions, in one statement."""
    leases = (select(Lease.enterprise_id, Lease.area_m2)
              .join(ProductionSpace, ProductionSpace.id == Lease.space_id)
              .join(Facility, Facility.id == ProductionSpace.facility_id)
              .where(Lease.active_on(on), *facility_scope(scope, Facility)))
    if scope.employer_kind:
        leases = leases.where(Lease.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.kind == scope.employer_kind)))
    leases = leases.cte("leases_in_scope")
    # Placements of persons in custody in scope (able-bodied or not) engage their employer.
    custody, working = employment.custody_on(on), employment.employment_on(on)
    placed = (select(working.c.enterprise_id)
              .join(custody, custody.c.person_id == working.c.person_id)
              .join(Facility, Facility.id == custody.c.facility_id)
              .where(*facility_scope(scope, Facility)))
    engaged = Enterprise.id.in_(union_all(select(leases.c.enterprise_id), placed))
    if scope.employer_kind:
        engaged = and_(engaged, Enterprise.kind == scope.employer_kind)
    kind_count = lambda kind: func.count(case((Enterprise.kind == kind, 1)))  # noqa: E731
    engaged_query = select(kind_count("sme").label("smes"),
                           kind_count("state_branch").label("branches"),
                           kind_count("facility_service").label("services")).where(engaged)
    engaged_counts = engaged_query.subquery("engaged_counts")
    statement = select(
        engaged_counts.c.smes, engaged_counts.c.branches, engaged_counts.c.services,
        select(func.coalesce(func.sum(leases.c.area_m2), 0)).scalar_subquery().label("area"),
        select(func.count()).select_from(_new_enterprise_ids(on, scope).subquery())
        .scalar_subquery().label("new_enterprises"))
    return db.session.execute(statement).one()

def enterprise_figures(on, scope=Scope(), new_employed=None, row=None):
    """Return SMEs engaged, area leased, branches engaged and new productions on ``on``."""
    row = row if row is not None else _enterprise_counts(on, scope)
    if new_employed is None:
        new_rows = _grouped(on, scope, ["new"])["new"]
        new_employed = int(new_rows[0].employed) if new_rows else 0
    return {
        "smes_engaged": int(row.smes),
        "branches_engaged": int(row.branches),
        "services_engaged": int(row.services),
        "area_leased_m2": float(row.area or 0),
        "new_enterprises": int(row.new_enterprises or 0),
        "new_employed": new_employed,
    }

def series_to(on, scope=Scope(), months=12, last=None, read=series):
    """Return the series for ``on``: the month ends of series_days, then ``on`` itself (its
    figures ``last``, the headline, when the caller has them); ``read`` reads the month ends
    (live, or from the stored facts)."""
    rows = read(series_days(on, months)[:-1], scope)
    return rows + [dict(last if last is not None else headline(on, scope), on=on)]

def statistics(on, scope=Scope(), months=12, monthly=True):
    """Return every figure of the dashboard for ``on`` and ``scope``.

    ``monthly=False`` leaves out the two monthly tables (wages and the employment series) and
    gives only the figures of the date itself.
    """
    grouped = _grouped(on, scope, ["total", "new", *BREAKDOWNS])
    new_rows = grouped["new"]
    engaged = _enterprise_counts(on, scope)
    stats = Statistics(on=on, scope=scope, headline=_total(grouped["total"]))
    for by in BREAKDOWNS:
        stats.breakdowns[by] = _breakdown_rows(by, grouped[by], engaged)
    stats.enterprises = enterprise_figures(
        on, scope, new_employed=int(new_rows[0].employed) if new_rows else 0, row=engaged)
    if monthly:
        months_paid = wage_months(on, months)
        stats.wages = wages(months_paid[0], months_paid[-1], scope)
        stats.series = series_to(on, scope, months, last=stats.headline)
    return stats
