"""Leases of floor space: request, approve (under the space's lock), reject and end.

The area a space may still lease is its free area (``ProductionSpace.free_m2``); the
database's triggers refuse any write that would let active leases exceed the space.
"""
from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from extensions import db
from timeutil import not_yet, today, utcnow
from web.errors import InputError
from web.formatting import area_figure
from web.formatting import day as format_day

from .models import Lease, ProductionSpace
from .services import lock_space

# A lease may be asked for up to a year ahead; it ends on a day that has come.
START_WINDOW = timedelta(days=366)


class LeaseConflict(InputError):
    """Approving would let active leases exceed the space's area."""


def request_lease(enterprise_id, space, area_m2, starts_on, purpose):
    """Record an enterprise's request for part or all of a space (the caller checks that
    the enterprise is approved)."""
    errors = {}
    area = Decimal(area_m2)
    free = Decimal(space.free_m2)
    if not space.is_active:
        errors["area_m2"] = _("This space is not in use and cannot be leased.")
    elif area <= 0:
        errors["area_m2"] = _("The area must be greater than zero.")
    elif area > free:
        errors["area_m2"] = _("Only %(free)s m² of this space is free.", free=area_figure(free))
    if starts_on < today():
        errors["starts_on"] = _("The start date cannot be in the past.")
    elif starts_on > today() + START_WINDOW:
        errors["starts_on"] = _("A lease can be requested up to a year ahead, until %(day)s.",
                                day=format_day(today() + START_WINDOW))
    if errors:
        raise InputError(errors)
    lease = Lease(enterprise_id=enterprise_id, space_id=space.id, area_m2=area,
                  starts_on=starts_on, purpose=(purpose or "").strip(), status="requested")
    db.session.add(lease)
    db.session.flush()
    return lease


def _reload_for_decision(lease):
    space = lock_space(lease.space_id)
    lease = db.session.scalars(select(Lease).where(Lease.id == lease.id)
                               .execution_options(populate_existing=True)).one()
    if lease.status != "requested":
        raise InputError({"decision": _("This request has already been decided.")})
    return space, lease


def _no_room(space, lease):
    return LeaseConflict({"decision": _(
        "Only %(free)s m² of the space is free now; the request for %(area)s m² cannot "
        "be approved.", free=area_figure(space.free_m2), area=area_figure(lease.area_m2))})


def approve_lease(lease, user_id):
    """Activate a requested lease, unless the space's active leases would exceed its area."""
    space, lease = _reload_for_decision(lease)
    if Decimal(lease.area_m2) > Decimal(space.free_m2):
        raise _no_room(space, lease)
    try:
        # The change is made inside the savepoint: the savepoint's own flush, not an earlier
        # one outside it, meets the database's refusal, so only the savepoint is undone.
        with db.session.begin_nested():
            lease.status = "active"
            lease.decided_at = utcnow()
            lease.decided_by_id = user_id
    except IntegrityError as error:  # the database's own check: another write got there first
        db.session.refresh(space)
        raise _no_room(space, lease) from error
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
    """End an active lease on a date that has come; its area becomes free."""
    if lease.status != "active":
        raise InputError({"ended_on": _("Only an active lease can be ended.")})
    if ended_on < lease.starts_on:
        raise InputError({"ended_on": _("The end date cannot be before the lease started.")})
    if not_yet(ended_on):
        raise InputError({"ended_on": _("The end date cannot be in the future.")})
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
