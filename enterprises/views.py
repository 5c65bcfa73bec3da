"""Enterprise registry: self-registration, list, detail, approval, branches and services.

Leases and lines have their routes in lease_views.py and line_views.py on the same blueprint.
"""
from functools import wraps

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, public, roles, visible
from accounts.services import register_business, registrants
from extensions import db
from facilities.leases import leases_query
from facilities.models import Lease
from facilities.services import facility_choices
from i18n import current_language
from reference.codes import ENTERPRISE_KINDS, ENTERPRISE_STATUSES
from reference.services import region_choices, regions
from tabular import export
from web.errors import InputError
from web.forms import apply_input_errors, flash_errors
from web.pagination import paginate
from web.query import page_number, query_choice, query_int, query_text, sort_order

from . import list_exports, services
from .blueprint import bp
from .forms import DecisionForm, EnterpriseForm, RegistrationForm
from .lines import lines_query
from .models import Enterprise, ProductionLine


def approved_enterprise_required(view):
    """Send a pending or rejected owner home with an explanation instead of running the view."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role == "owner":
            enterprise = db.session.get(Enterprise, current_user.enterprise_id)
            if enterprise is None or enterprise.status != "approved":
                flash(_("Your enterprise is not approved yet, so it cannot request space or "
                        "post lines."), "warning")
                return redirect(url_for("home.index"))
        return view(*args, **kwargs)
    return wrapper


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    """Register a small or medium business and its owner's account, pending approval."""
    form = RegistrationForm()
    form.region_id.choices = region_choices()
    if form.validate_on_submit():
        try:
            enterprise, user = register_business(
                form.name.data, form.bin.data, form.region_id.data, form.contact_phone.data,
                form.login.data, form.full_name.data, form.password.data,
                language=current_language())
            audit.record("create", entity="enterprise", entity_id=enterprise.id, user=user)
            audit.record("create", entity="user", entity_id=user.id, user=user)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except IntegrityError:
            # Someone registered the same BIN or login a moment ago.
            db.session.rollback()
            apply_input_errors(form, {"bin": _("This BIN or login was registered a moment "
                                               "ago. Check both and try again.")})
        else:
            flash(_("Your enterprise is registered and waits for approval. You can log in to "
                    "follow its status."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("enterprises/register.html", form=form)


@bp.route("/", endpoint="list")
@roles("admin", "analyst")
def enterprise_list():
    """List enterprises with search by name or BIN, filters, sorting and pages."""
    term = query_text("q")
    kind = query_choice("kind", ENTERPRISE_KINDS)
    status = query_choice("status", ENTERPRISE_STATUSES)
    region_id = query_int("region")
    query = services.enterprises_query(visible(Enterprise), term, kind, status, region_id)
    query = query.order_by(*sort_order({
        "name": Enterprise.name, "bin": Enterprise.bin, "kind": Enterprise.kind,
        "status": Enterprise.status, "joined": Enterprise.joined_on,
    }, "name"), Enterprise.id)
    if export.wanted():
        return export.respond("enterprises", list_exports.ENTERPRISES, query)
    page = paginate(query, page_number())
    return render_template("enterprises/list.html", page=page, term=term, kind=kind,
                           status=status, region_id=region_id, regions=regions())


@bp.route("/<int:enterprise_id>")
@roles(*ALL_ROLES)
def detail(enterprise_id):
    """Show an enterprise, its leases and lines."""
    enterprise = get_or_404(Enterprise, enterprise_id)
    leases = db.session.scalars(leases_query(visible(Lease), enterprise_id=enterprise.id)
                                .order_by(Lease.id.desc()).limit(100)).all()
    lines = db.session.scalars(lines_query(visible(ProductionLine), enterprise_id=enterprise.id)
                               .order_by(ProductionLine.id.desc()).limit(100)).all()
    registrant = (registrants([enterprise.id]).get(enterprise.id)
                  if current_user.role == "admin" else None)
    return render_template("enterprises/detail.html", enterprise=enterprise, leases=leases,
                           lines=lines, decision_form=DecisionForm(), registrant=registrant)


@bp.route("/<int:enterprise_id>/decide", methods=["POST"])
@roles("admin")
def decide(enterprise_id):
    """Approve or reject a pending SME, with a reason when rejecting."""
    enterprise = get_or_404(Enterprise, enterprise_id)
    form = DecisionForm()
    back = (url_for("home.index") if request.form.get("back") == "home"
            else url_for("enterprises.detail", enterprise_id=enterprise.id))
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(back)
    try:
        services.decide_enterprise(enterprise, form.decision.data == "approve", form.reason.data)
    except InputError as error:
        db.session.rollback()
        flash_errors(error.errors)
    else:
        audit.record("update", entity="enterprise", entity_id=enterprise.id,
                     detail=f"status={enterprise.status}")
        db.session.commit()
        flash(_("%(enterprise)s approved.", enterprise=enterprise.name)
              if enterprise.status == "approved" else
              _("%(enterprise)s rejected.", enterprise=enterprise.name), "success")
    return redirect(back)


@bp.route("/new", methods=["GET", "POST"])
@roles("admin")
def new():
    """Create a state enterprise branch, a facility service or an SME."""
    form = EnterpriseForm()
    form.region_id.choices = region_choices()
    form.facility_id.choices = facility_choices(blank="—")
    if form.validate_on_submit():
        try:
            enterprise = services.create_enterprise(
                form.kind.data, form.name.data, form.bin.data, form.region_id.data,
                form.parent.data or None, form.facility_id.data, form.contact_phone.data)
            audit.record("create", entity="enterprise", entity_id=enterprise.id)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except IntegrityError:
            db.session.rollback()
            apply_input_errors(form, {"bin": _("This BIN was registered a moment ago.")})
        else:
            flash(_("The enterprise is created."), "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template("enterprises/new.html", form=form)
