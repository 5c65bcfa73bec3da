"""Production spaces and their free area; a row pager shared by the lists."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from extensions import db

from .models import Facility, ProductionSpace


class InputError(ValueError):
    """Bad input found by a service: a translated message per form field."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class RowPagination(Pagination):
    """Paginate a select of several columns (rows, not scalars), for lists with figures."""

    def _query_items(self):
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(query).all())

    def _query_count(self):
        sub = self._query_args["select"].options(lazyload("*")).order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(sub))


def paginate_rows(query, page, per_page=25):
    """Return one page of a multi-column select, for macros.pager."""
    return RowPagination(select=query, page=page, per_page=per_page, max_per_page=100,
                         error_out=False, count=True)


def leased_by_space():
    """Return a subquery of the area under active leases, per space."""
    from enterprises.models import Lease

    return (select(Lease.space_id.label("space_id"),
                   func.sum(Lease.area_m2).label("leased"))
            .where(Lease.status == "active").group_by(Lease.space_id).subquery())


def free_area_column(leased):
    """Return the free-area expression of a space joined to ``leased_by_space()``."""
    return (ProductionSpace.area_m2 - func.coalesce(leased.c.leased, 0)).label("free_m2")


def leased_area(space_id):
    """Return the area of a space under active leases."""
    from enterprises.models import Lease

    return db.session.scalar(select(func.coalesce(func.sum(Lease.area_m2), 0)).where(
        Lease.space_id == space_id, Lease.status == "active")) or Decimal(0)


def free_area(space):
    """Return a space's area minus its active leases."""
    return Decimal(space.area_m2) - Decimal(leased_area(space.id))


def spaces_query(visible_clause, region_id=None, kind=None, min_free=None, facility_id=None,
                 include_inactive=False):
    """Return a select of (space, facility, free area) rows, filtered, in one query."""
    leased = leased_by_space()
    free = free_area_column(leased)
    query = (select(ProductionSpace, Facility, free)
             .join(Facility, Facility.id == ProductionSpace.facility_id)
             .outerjoin(leased, leased.c.space_id == ProductionSpace.id)
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
        query = query.where(free >= min_free)
    return query, free


def facilities_query(visible_clause, term=None, region_id=None, security_level=None):
    """Return a select of (facility, spaces, total area, free area) rows, one grouped query."""
    leased = leased_by_space()
    per_facility = (
        select(ProductionSpace.facility_id.label("facility_id"),
               func.count(ProductionSpace.id).label("spaces"),
               func.sum(ProductionSpace.area_m2).label("total_m2"),
               func.sum(free_area_column(leased)).label("free_m2"))
        .outerjoin(leased, leased.c.space_id == ProductionSpace.id)
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


def save_space(space, facility_id, name, kind, area_m2, power_kw, is_active=True):
    """Create (space None) or change a production space; refuse shrinking below its leases."""
    name = (name or "").strip()
    if not name:
        raise InputError({"name": _("Enter the name of the space.")})
    if space is not None:
        leased = Decimal(leased_area(space.id))
        if Decimal(area_m2) < leased:
            raise InputError({"area_m2": _(
                "The area cannot be smaller than the %(leased)s m² under active leases.",
                leased=f"{leased:g}")})
    else:
        space = ProductionSpace(facility_id=facility_id)
        db.session.add(space)
    space.name = name
    space.kind = kind
    space.area_m2 = area_m2
    space.power_kw = power_kw
    space.is_active = is_active
    db.session.flush()
    return space
