"""Leases of floor space: request, approve (race-safe), reject and end."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, select, update
from sqlalchemy.orm import joinedload

from extensions import db
from facilities.models import ProductionSpace
from facilities.services import InputError, free_area, leased_area
from timeutil import today, utcnow

from .models import Lease
from .services import require_approved


class LeaseConflict(InputError):
    """Approving would let active leases exceed the space's area."""


def request_lease(enterprise, space, area_m2, starts_on, purpose):
    """Record an approved enterprise's request for part or all of a space."""
    require_approved(enterprise)
    errors = {}
    area = Decimal(area_m2)
    free = free_area(space)
    if not space.is_active:
        errors["area_m2"] = _("This space is not in use and cannot be leased.")
    elif area <= 0:
        errors["area_m2"] = _("The area must be greater than zero.")
    elif area > free:
        errors["area_m2"] = _("Only %(free)s m² of this space is free.", free=f"{free:g}")
    if starts_on < today():
        errors["starts_on"] = _("The start date cannot be in the past.")
    if errors:
        raise InputError(errors)
    lease = Lease(enterprise_id=enterprise.id, space_id=space.id, area_m2=area,
                  starts_on=starts_on, purpose=(purpose or "").strip(), status="requested")
    db.session.add(lease)
    db.session.flush()
    return lease


def lock_space(space_id):
    """Hold the space's row until the transaction ends, so approvals run one at a time.

    PostgreSQL locks the row with SELECT ... FOR UPDATE. SQLite has no row locks; a write
    takes its database-wide write lock at once (the driver opens the transaction at the
    first write), so a no-op update makes every later approval wait for this one.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(ProductionSpace).where(ProductionSpace.id == space_id)
                           .values(is_active=ProductionSpace.is_active)
                           .execution_options(synchronize_session=False))
    return db.session.scalars(select(ProductionSpace).where(ProductionSpace.id == space_id)
                              .with_for_update().execution_options(populate_existing=True)).one()


def _reload_for_decision(lease):
    space = lock_space(lease.space_id)
    lease = db.session.scalars(select(Lease).where(Lease.id == lease.id)
                               .execution_options(populate_existing=True)).one()
    if lease.status != "requested":
        raise InputError({"decision": _("This request has already been decided.")})
    return space, lease


def approve_lease(lease, user_id):
    """Activate a requested lease, unless the space's active leases would exceed its area."""
    space, lease = _reload_for_decision(lease)
    leased = Decimal(leased_area(space.id))
    if leased + Decimal(lease.area_m2) > Decimal(space.area_m2):
        raise LeaseConflict({"decision": _(
            "Only %(free)s m² of the space is free now; the request for %(area)s m² cannot "
            "be approved.", free=f"{Decimal(space.area_m2) - leased:g}",
            area=f"{Decimal(lease.area_m2):g}")})
    lease.status = "active"
    lease.decided_at = utcnow()
    lease.decided_by_id = user_id
    db.session.flush()
    return lease


def reject_lease(lease, user_id, reason):
    """Refuse a requested lease with a reason."""
    _space, lease = _reload_for_decision(lease)
    lease.status = "rejected"
    lease.decision_reason = (reason or "").strip()
    lease.decided_at = utcnow()
    lease.decided_by_id = user_id
    db.session.flush()
    return lease


def end_lease(lease, ended_on):
    """End an active lease on a date; its area becomes free."""
    if lease.status != "active":
        raise InputError({"ended_on": _("Only an active lease can be ended.")})
    if ended_on < lease.starts_on:
        raise InputError({"ended_on": _("The end date cannot be before the lease started.")})
    lease.status = "ended"
    lease.ends_on = ended_on
    db.session.flush()
    return lease


def leases_query(visible_clause, status=None, facility_id=None, enterprise_id=None,
                 waiting_facility_id=None):
    """Return a select of leases; requests waiting at ``waiting_facility_id`` come first."""
    query = (select(Lease).join(ProductionSpace, ProductionSpace.id == Lease.space_id)
             .where(visible_clause)
             .options(joinedload(Lease.enterprise),
                      joinedload(Lease.space).joinedload(ProductionSpace.facility)))
    if status:
        query = query.where(Lease.status == status)
    if facility_id:
        query = query.where(ProductionSpace.facility_id == facility_id)
    if enterprise_id:
        query = query.where(Lease.enterprise_id == enterprise_id)
    if waiting_facility_id:
        query = query.order_by(case((Lease.status == "requested", 0), else_=1))
    return query
