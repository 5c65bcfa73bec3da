"""The enterprise registry: SME self-registration, approval, branches and facility services.

Services flush and never commit; the view commits once.
"""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from extensions import db
from facilities.models import Facility
from timeutil import today, utcnow
from web.errors import InputError

from .models import STATE_PARENTS, Enterprise


def bin_taken(bin_number):
    """Return the refusal of a BIN that another enterprise has, or None."""
    if db.session.scalar(select(Enterprise.id).where(Enterprise.bin == bin_number)) is not None:
        return _("An enterprise with this BIN is already registered.")
    return None


def _check_bin_free(bin_number):
    problem = bin_taken(bin_number)
    if problem:
        raise InputError({"bin": problem})


def create_pending_sme(name, bin_number, region_id, contact_phone):
    """Create a self-registered SME that waits for an administrator's approval."""
    _check_bin_free(bin_number)
    enterprise = Enterprise(kind="sme", name=name.strip(), bin=bin_number, region_id=region_id,
                            contact_phone=(contact_phone or "").strip() or None,
                            joined_on=today(), status="pending")
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def decide_enterprise(enterprise, approve, reason=None):
    """Approve or reject a pending SME; a rejection keeps its reason."""
    if enterprise.status != "pending":
        raise InputError({"decision": _("Only a pending enterprise can be approved or rejected.")})
    enterprise.status = "approved" if approve else "rejected"
    enterprise.rejection_reason = None if approve else (reason or "").strip()
    if approve:
        enterprise.joined_on = today()
    db.session.flush()
    return enterprise


def create_enterprise(kind, name, bin_number, region_id, parent=None, facility_id=None,
                      contact_phone=None):
    """Create an approved enterprise: a state branch, a facility service or an SME."""
    errors = {}
    facility = db.session.get(Facility, facility_id) if facility_id else None
    if kind == "state_branch" and parent not in STATE_PARENTS:
        errors["parent"] = _("Choose the state enterprise this branch belongs to.")
    if kind == "facility_service":
        if facility is None:
            errors["facility_id"] = _("Choose the facility this service works in.")
        elif db.session.scalar(select(Enterprise.id).where(
                Enterprise.kind == "facility_service", Enterprise.facility_id == facility.id)):
            errors["facility_id"] = _("This facility already has its service enterprise.")
    if kind == "sme" and facility is not None:
        errors["facility_id"] = _("An SME reaches facilities through leases; leave this empty.")
    if errors:
        raise InputError(errors)
    _check_bin_free(bin_number)
    enterprise = Enterprise(
        kind=kind, name=name.strip(), bin=bin_number,
        region_id=facility.region_id if facility is not None else region_id,
        parent=parent if kind == "state_branch" else None,
        facility_id=facility.id if facility is not None else None,
        contact_phone=(contact_phone or "").strip() or None, joined_on=today(),
        status="approved", created_at=utcnow())
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def enterprises_query(visible_clause, term=None, kind=None, status=None, region_id=None):
    """Return a select of enterprises matching a search by name or BIN and filters."""
    query = select(Enterprise).where(visible_clause).options(joinedload(Enterprise.region))
    if term:
        query = query.where(or_(func.lower(Enterprise.name).like(f"%{term.lower()}%"),
                                Enterprise.bin.like(f"{term}%")))
    if kind:
        query = query.where(Enterprise.kind == kind)
    if status:
        query = query.where(Enterprise.status == status)
    if region_id:
        query = query.where(Enterprise.region_id == region_id)
    return query


def require_approved(enterprise):
    """Refuse work for an enterprise that is not approved yet (or was rejected)."""
    if enterprise is None or enterprise.status != "approved":
        raise InputError({"enterprise_id": _(
            "The enterprise is not approved yet, so it cannot request space or post lines.")})
