"""Facilities and their production spaces: lists, free floor space, space pages."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from extensions import db
from reference.codes import SECURITY_LEVELS, SPACE_KINDS
from reference.models import Region

from . import services
from .forms import SpaceForm, strip_control
from .models import Facility, ProductionSpace

bp = Blueprint("facilities", __name__)


def query_int(name):
    """Return a positive integer query argument, or None when missing or malformed."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def query_text(name, limit=60):
    """Return a search term from the query string: trimmed, short, without control characters."""
    return strip_control(request.args.get(name, "")[:limit]).strip()


def query_choice(name, allowed):
    """Return a query argument if it is one of the allowed values, else None."""
    value = request.args.get(name, "")
    return value if value in allowed else None


def sort_order(columns, default):
    """Return ORDER BY terms for ?sort=column or ?sort=-column among allowed columns."""
    requested = request.args.get("sort", default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    column = columns[key]
    return [column.desc() if requested.startswith("-") else column.asc()]


def regions():
    """Return every region, ordered by code, for filters and forms."""
    return db.session.scalars(select(Region).order_by(Region.code)).all()


def check_facility_scope(facility_id):
    """Answer 404 (and audit) when an inspector reaches another facility's spaces."""
    if current_user.role == "inspector" and facility_id != current_user.facility_id:
        audit.record_now("deny", entity="facility", entity_id=facility_id, outcome="out_of_scope")
        abort(404)


def apply_input_errors(form, errors):
    """Show a service's field messages next to the fields, others as a flash."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            flash(message, "danger")
        else:
            field.errors = list(field.errors or []) + [message]


def flash_errors(errors):
    """Flash every message of a form's or a service's errors (for forms without a page)."""
    for messages in errors.values():
        for message in ([messages] if isinstance(messages, str) else messages):
            flash(message, "danger")


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
    page = services.paginate_rows(query, query_int("page") or 1)
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
    query, free = services.spaces_query(visible(ProductionSpace), region_id, kind, min_free,
                                        facility_id)
    query = query.order_by(*sort_order({
        "facility": Facility.code, "name": ProductionSpace.name, "kind": ProductionSpace.kind,
        "area": ProductionSpace.area_m2, "free": free,
    }, "-free"), ProductionSpace.id)
    page = services.paginate_rows(query, query_int("page") or 1)
    own_facility = current_user.facility_id if current_user.role == "inspector" else None
    return render_template("facilities/spaces.html", page=page, region_id=region_id, kind=kind,
                           min_free=min_free, facility_id=facility_id, regions=regions(),
                           may_manage=current_user.role in ("admin", "inspector"),
                           own_facility=own_facility)


@bp.route("/spaces/<int:space_id>")
@roles(*ALL_ROLES)
def space(space_id):
    """Show a production space, its free area and the leases the user may see."""
    from enterprises.models import Lease

    obj = get_or_404(ProductionSpace, space_id)
    leases = db.session.scalars(
        select(Lease).where(Lease.space_id == obj.id, visible(Lease))
        .order_by(Lease.status, Lease.starts_on.desc())).all()
    may_manage = current_user.role == "admin" or (
        current_user.role == "inspector" and current_user.facility_id == obj.facility_id)
    return render_template("facilities/space.html", space=obj, leases=leases,
                           free=services.free_area(obj), may_manage=may_manage)


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
        except services.InputError as error:
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
        except services.InputError as error:
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
