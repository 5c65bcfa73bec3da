"""Production spaces: lists with their free area, and changes under the space's lock.

Free area is ``ProductionSpace.free_m2`` (facilities/models.py), the one definition every
page, search and statistic reads.
"""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from extensions import db
from web.errors import InputError
from web.formatting import area_figure

from .models import Facility, ProductionSpace


def lock_space(space_id):
    """Hold the space's row until the transaction ends, so changes to its area queue up.

    Approving a lease and shrinking the space both take this lock first, and the database's
    trigger refuses whatever would still exceed the area. PostgreSQL locks the row with
    SELECT ... FOR UPDATE, then reads the space in a second statement: a statement that
    waited for the lock re-reads the locked row but computes ``leased_m2`` (a subquery on
    lease) from the snapshot it started with, so it would miss the leases approved by the
    transaction it waited for. SQLite has no row locks; a write takes its database-wide
    write lock at once, so a no-op update makes every later writer wait for this one.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(ProductionSpace).where(ProductionSpace.id == space_id)
                           .values(is_active=ProductionSpace.is_active)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(select(ProductionSpace.id).where(ProductionSpace.id == space_id)
                           .with_for_update())
    return db.session.scalars(select(ProductionSpace).where(ProductionSpace.id == space_id)
                              .execution_options(populate_existing=True)).one()


def spaces_query(visible_clause, region_id=None, kind=None, min_free=None, facility_id=None,
                 include_inactive=False):
    """Return a select of (space, facility) rows, filtered, in one query."""
    query = (select(ProductionSpace, Facility)
             .join(Facility, Facility.id == ProductionSpace.facility_id)
             .where(visible_clause).options(joinedload(Facility.region)))
    if not include_inactive:
        query = query.where(ProductionSpace.is_active.is_(True))
    if region_id:
        query = query.where(Facility.region_id == region_id)
    if facility_id:
        query = query.where(ProductionSpace.facility_id == facility_id)
    if kind:
        query = query.where(ProductionSpace.kind == kind)
    if min_free:
        query = query.where(ProductionSpace.free_m2 >= min_free)
    return query


def facilities_query(visible_clause, term=None, region_id=None, security_level=None):
    """Return a select of (facility, spaces, total area, free area) rows, one grouped query."""
    per_facility = (
        select(ProductionSpace.facility_id.label("facility_id"),
               func.count(ProductionSpace.id).label("spaces"),
               func.sum(ProductionSpace.area_m2).label("total_m2"),
               func.sum(ProductionSpace.free_m2).label("free_m2"))
        .where(ProductionSpace.is_active.is_(True))
        .group_by(ProductionSpace.facility_id).subquery())
    query = (select(Facility, func.coalesce(per_facility.c.spaces, 0).label("spaces"),
                    func.coalesce(per_facility.c.total_m2, 0).label("total_m2"),
                    func.coalesce(per_facility.c.free_m2, 0).label("free_m2"))
             .outerjoin(per_facility, per_facility.c.facility_id == Facility.id)
             .where(visible_clause).options(joinedload(Facility.region)))
    if term:
        like = f"%{term.lower()}%"
        query = query.where(func.lower(Facility.code).like(like)
                            | func.lower(Facility.name_ru).like(like)
                            | func.lower(Facility.name_kk).like(like)
                            | func.lower(func.coalesce(Facility.name_en, "")).like(like))
    if region_id:
        query = query.where(Facility.region_id == region_id)
    if security_level:
        query = query.where(Facility.security_level == security_level)
    return query, per_facility


def facility_choices(blank=None, exclude=None, only=None):
    """Return (id, "code · name") pairs of the facilities for a select."""
    query = select(Facility).order_by(Facility.code)
    if exclude is not None:
        query = query.where(Facility.id != exclude)
    if only is not None:
        query = query.where(Facility.id.in_(only))
    return ([("", blank)] if blank is not None else []) + [
        (f.id, f.label) for f in db.session.scalars(query)]


def save_space(space, facility_id, name, kind, area_m2, power_kw, is_active=True):
    """Create (space None) or change a production space; refuse shrinking below its leases."""
    name = (name or "").strip()
    if not name:
        raise InputError({"name": _("Enter the name of the space.")})
    creating = space is None
    if not creating:
        space = lock_space(space.id)
        if Decimal(area_m2) < Decimal(space.leased_m2):
            raise _below_leases(space)
    try:
        # Changed inside the savepoint, so a refusal undoes only the savepoint.
        with db.session.begin_nested():
            if creating:
                space = ProductionSpace(facility_id=facility_id)
                db.session.add(space)
            space.name = name
            space.kind = kind
            space.area_m2 = area_m2
            space.power_kw = power_kw
            space.is_active = is_active
    except IntegrityError as error:
        if creating:  # a new space has no leases: this is not the area check
            raise
        # The database's own check: a lease was approved before this write.
        db.session.refresh(space)
        raise _below_leases(space) from error
    return space


def _below_leases(space):
    return InputError({"area_m2": _(
        "The area cannot be smaller than the %(leased)s m² under active leases.",
        leased=area_figure(space.leased_m2))})
