"""Facilities and their production spaces: lists, free floor space, space pages."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from extensions import db
from reference.codes import SECURITY_LEVELS, SPACE_KINDS
from reference.services import regions
from web.errors import InputError
from web.forms import apply_input_errors
from web.pagination import paginate
from web.query import page_number, query_choice, query_int, query_text, sort_order

from . import services
from .blueprint import bp
from .forms import SpaceForm
from .models import Facility, Lease, ProductionSpace


def check_facility_scope(facility_id):
    """Answer 404 (and audit) when an inspector reaches another facility's spaces."""
    if current_user.role == "inspector" and facility_id != current_user.facility_id:
        audit.record_now("deny", entity="facility", entity_id=facility_id, outcome="out_of_scope")
        abort(404)


@bp.route("/", endpoint="list")
@roles("admin", "analyst")
def facility_list():
    """List facilities with their region, security level and floor space."""
    term = query_text("q")
    region_id = query_int("region")
    level = query_choice("level", SECURITY_LEVELS)
    query, figures = services.facilities_query(visible(Facility), term, region_id, level)
    query = query.order_by(*sort_order({
        "code": Facility.code, "name": Facility.name_ru, "level": Facility.security_level,
        "spaces": figures.c.spaces, "total": figures.c.total_m2, "free": figures.c.free_m2,
    }, "code"), Facility.id)
    page = paginate(query, page_number(), scalars=False)
    return render_template("facilities/list.html", page=page, term=term, region_id=region_id,
                           level=level, regions=regions())


@bp.route("/spaces")
@roles(*ALL_ROLES)
def spaces():
    """Browse production spaces with their free area, by region, kind and minimum free area."""
    region_id = query_int("region")
    kind = query_choice("kind", SPACE_KINDS)
    min_free = query_int("min_free")
    facility_id = query_int("facility")
    query = services.spaces_query(visible(ProductionSpace), region_id, kind, min_free,
                                  facility_id)
    query = query.order_by(*sort_order({
        "facility": Facility.code, "name": ProductionSpace.name, "kind": ProductionSpace.kind,
        "area": ProductionSpace.area_m2, "free": ProductionSpace.free_m2,
    }, "-free"), ProductionSpace.id)
    page = paginate(query, page_number(), scalars=False)
    own_facility = current_user.facility_id if current_user.role == "inspector" else None
    return render_template("facilities/spaces.html", page=page, region_id=region_id, kind=kind,
                           min_free=min_free, facility_id=facility_id, regions=regions(),
                           may_manage=current_user.role in ("admin", "inspector"),
                           own_facility=own_facility)


@bp.route("/spaces/<int:space_id>")
@roles(*ALL_ROLES)
def space(space_id):
    """Show a production space, its free area and the leases the user may see."""
    obj = get_or_404(ProductionSpace, space_id)
    leases = db.session.scalars(
        select(Lease).where(Lease.space_id == obj.id, visible(Lease))
        .order_by(Lease.status, Lease.starts_on.desc())).all()
    may_manage = current_user.role == "admin" or (
        current_user.role == "inspector" and current_user.facility_id == obj.facility_id)
    return render_template("facilities/space.html", space=obj, leases=leases,
                           free=obj.free_m2, may_manage=may_manage)


@bp.route("/<int:facility_id>/spaces/new", methods=["GET", "POST"])
@roles("admin", "inspector")
def space_new(facility_id):
    """Add a production space to a facility."""
    facility = get_or_404(Facility, facility_id)
    check_facility_scope(facility.id)
    form = SpaceForm()
    if form.validate_on_submit():
        try:
            obj = services.save_space(None, facility.id, form.name.data, form.kind.data,
                                      form.area_m2.data, form.power_kw.data, form.is_active.data)
        except InputError as error:
            apply_input_errors(form, error.errors)
        else:
            audit.record("create", entity="production_space", entity_id=obj.id)
            db.session.commit()
            flash(_("The space is saved."), "success")
            return redirect(url_for("facilities.space", space_id=obj.id))
    return render_template("facilities/space_form.html", form=form, facility=facility, space=None)


@bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@roles("admin", "inspector")
def space_edit(space_id):
    """Change a production space's name, kind, area or power."""
    obj = get_or_404(ProductionSpace, space_id)
    check_facility_scope(obj.facility_id)
    form = SpaceForm(obj=obj)
    if form.validate_on_submit():
        try:
            services.save_space(obj, obj.facility_id, form.name.data, form.kind.data,
                                form.area_m2.data, form.power_kw.data, form.is_active.data)
            audit.record("update", entity="production_space", entity_id=obj.id)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except StaleDataError:
            db.session.rollback()
            flash(_("Someone else changed this space meanwhile. Reload the page and try again."),
                  "danger")
            return render_template("facilities/space_form.html", form=form,
                                   facility=obj.facility, space=obj), 409
        else:
            flash(_("The space is saved."), "success")
            return redirect(url_for("facilities.space", space_id=obj.id))
    return render_template("facilities/space_form.html", form=form, facility=obj.facility,
                           space=obj)
