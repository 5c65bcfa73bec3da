"""Routes for leases of floor space: list, request, decide, end."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from extensions import db
from facilities import leases as lease_services
from facilities.models import Lease, ProductionSpace
from facilities.views import check_facility_scope
from reference.codes import LEASE_STATUSES
from tabular import export
from web.errors import InputError
from web.formatting import area as format_area
from web.forms import apply_input_errors, flash_errors
from web.pagination import paginate
from web.query import page_number, query_choice, query_int

from . import list_exports
from .blueprint import bp
from .forms import DecisionForm, EndForm, LeaseRequestForm
from .models import Enterprise
from .services import require_approved
from .views import approved_enterprise_required


@bp.route("/leases")
@roles(*ALL_ROLES)
def leases():
    """List the leases in the user's scope; an inspector sees waiting requests first."""
    status = query_choice("status", LEASE_STATUSES)
    facility_id = query_int("facility")
    waiting_at = current_user.facility_id if current_user.role == "inspector" else None
    query = lease_services.leases_query(visible(Lease), status, facility_id,
                                        waiting_facility_id=waiting_at)
    query = query.order_by(Lease.requested_at.desc(), Lease.id.desc())
    if export.wanted():
        return export.respond("leases", list_exports.LEASES, query)
    page = paginate(query, page_number())
    return render_template("enterprises/leases.html", page=page, status=status,
                           facility_id=facility_id, decision_form=DecisionForm(),
                           end_form=EndForm())


@bp.route("/spaces/<int:space_id>/lease", methods=["GET", "POST"])
@roles("owner")
@approved_enterprise_required
def lease_request(space_id):
    """Ask for part or all of a production space for the owner's enterprise."""
    space = get_or_404(ProductionSpace, space_id)
    form = LeaseRequestForm()
    searched = query_int("area")
    if request.method == "GET" and searched and searched > 0:
        form.area_m2.data = searched  # the area searched for, kept from the list or site search
    if form.validate_on_submit():
        enterprise = db.session.get(Enterprise, current_user.enterprise_id)
        try:
            require_approved(enterprise)
            lease = lease_services.request_lease(enterprise.id, space, form.area_m2.data,
                                                 form.starts_on.data, form.purpose.data)
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        else:
            audit.record("create", entity="lease", entity_id=lease.id)
            db.session.commit()
            flash(_("Your request is sent to the facility."), "success")
            return redirect(url_for("enterprises.leases"))
    return render_template("enterprises/lease_request.html", form=form, space=space,
                           free=space.free_m2)


@bp.route("/leases/<int:lease_id>/decide", methods=["POST"])
@roles("admin", "inspector")
def lease_decide(lease_id):
    """Approve or reject a lease request (the facility's inspector or an administrator)."""
    lease = get_or_404(Lease, lease_id)
    check_facility_scope(lease.space.facility_id)
    form = DecisionForm()
    back = url_for("home.index") if request.form.get("back") == "home" else url_for("enterprises.leases")
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(back)
    try:
        if form.decision.data == "approve":
            lease_services.approve_lease(lease, current_user.id)
        else:
            lease_services.reject_lease(lease, current_user.id, form.reason.data)
        audit.record("update", entity="lease", entity_id=lease_id,
                     detail=f"decision={form.decision.data}")
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        flash_errors(error.errors)
    else:
        names = {"area": format_area(lease.area_m2), "space": lease.space.name,
                 "enterprise": lease.enterprise.name}
        flash(_("Lease of %(area)s in %(space)s for %(enterprise)s approved.", **names)
              if form.decision.data == "approve" else
              _("Lease of %(area)s in %(space)s for %(enterprise)s rejected.", **names), "success")
    return redirect(back)


@bp.route("/leases/<int:lease_id>/end", methods=["POST"])
@roles("admin", "inspector")
def lease_end(lease_id):
    """End an active lease on a date."""
    lease = get_or_404(Lease, lease_id)
    check_facility_scope(lease.space.facility_id)
    form = EndForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid end date."), "danger")
        return redirect(url_for("enterprises.leases"))
    try:
        lease_services.end_lease(lease, form.ended_on.data)
    except InputError as error:
        db.session.rollback()
        flash_errors(error.errors)
    else:
        audit.record("end", entity="lease", entity_id=lease_id)
        db.session.commit()
        flash(_("The lease is ended."), "success")
    return redirect(url_for("enterprises.leases"))
