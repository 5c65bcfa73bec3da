"""Routes for production lines: list, detail, create, edit, open/pause, close."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from extensions import db
from facilities.models import Facility
from facilities.services import facility_choices
from reference.codes import LINE_STATUSES
from reference.services import occupation_choices, region_choices
from tabular import export
from web.errors import InputError
from web.formatting import area as format_area
from web.formatting import money
from web.forms import apply_input_errors, flash_errors
from web.pagination import paginate
from web.query import page_number, query_choice, query_int, query_text, sort_order

from . import lines as line_services
from . import list_exports
from .blueprint import bp
from .forms import CloseLineForm, LineForm, LineStatusForm
from .models import Enterprise, ProductionLine
from .signals import line_page
from .views import approved_enterprise_required


def conflict_message():
    """Return the message shown when the line changed under the user's edit."""
    return _("Someone else changed this line while you were editing it. "
             "Reload the page to see their changes, then make yours again.")


def fill_choices(form, enterprise):
    """Set the form's choices from the enterprise's sites and leases."""
    occupations = occupation_choices(blank="—")
    for row in form.occupations:
        row.form.code.choices = occupations
    form.region_id.choices = region_choices(blank="—")
    form.enterprise_id.choices = [(e.id, e.name) for e in db.session.scalars(
        select(Enterprise).where(Enterprise.status == "approved").order_by(Enterprise.name))]
    if enterprise is None:
        form.facility_id.choices = facility_choices(blank=_("Outside a facility"))
        form.lease_id.choices = [("", "—")]
        return
    form.facility_id.choices = facility_choices(
        blank=_("Outside a facility"), only=line_services.site_facility_ids(enterprise))
    form.lease_id.choices = [("", "—")] + [
        (lease.id, f"{lease.space.facility.label} · {lease.space.name} · {format_area(lease.area_m2)}")
        for lease in line_services.active_leases(enterprise.id)]


def prefill_site(form, enterprise):
    """Start a new line where the enterprise works: its own facility, or the facility of
    its lease (the lease itself when there is one), and its region."""
    if enterprise is None:
        return
    leases = line_services.active_leases(enterprise.id)
    if enterprise.facility_id is not None:
        form.facility_id.data = enterprise.facility_id
    elif leases:
        form.facility_id.data = leases[0].space.facility_id
    if len(leases) == 1:
        form.lease_id.data = leases[0].id
    form.region_id.data = enterprise.region_id


def line_input(form):
    """Turn a submitted line form into service input."""
    return line_services.LineInput(
        title=form.title.data, description=form.description.data,
        facility_id=form.facility_id.data, region_id=form.region_id.data,
        lease_id=form.lease_id.data,
        occupations=[(row.form.code.data, row.form.min_level.data) for row in form.occupations],
        headcount=form.headcount.data, hours_per_week=form.hours_per_week.data,
        wage_kzt=form.wage_kzt.data, min_months_left=form.min_months_left.data,
        involves_minors=form.involves_minors.data, outside_work=form.outside_work.data,
        training_provided=form.training_provided.data,
        open_to_probation=form.open_to_probation.data,
        leavers_within_months=form.leavers_within_months.data)


def form_enterprise(form):
    """Return the enterprise a line form is for: the owner's own, or the admin's choice."""
    if current_user.role == "owner":
        return db.session.get(Enterprise, current_user.enterprise_id)
    chosen = form.enterprise_id.data if form.enterprise_id.data else None
    return db.session.get(Enterprise, chosen) if chosen else None


@bp.route("/lines")
@roles(*ALL_ROLES)
def lines():
    """List production lines in the user's scope with filled and vacant places."""
    term = query_text("q")
    status = query_choice("status", LINE_STATUSES)
    facility_id = query_int("facility")
    occupation = request.args.get("occupation", "")[:4]
    occupation = occupation if occupation.isdigit() else None
    query = line_services.lines_query(visible(ProductionLine), term, status, facility_id,
                                      occupation)
    query = query.order_by(*sort_order({
        "title": ProductionLine.title, "enterprise": Enterprise.name,
        "status": ProductionLine.status, "headcount": ProductionLine.headcount,
        "filled": ProductionLine.places_taken, "wage": ProductionLine.wage_kzt, "opened": ProductionLine.opened_on,
    }, "-opened"), ProductionLine.id.desc())
    if export.wanted():
        return export.respond("lines", list_exports.LINES, query)
    page = paginate(query, page_number())
    facilities = db.session.scalars(select(Facility).where(visible(Facility))
                                    .order_by(Facility.code)).all()
    return render_template("enterprises/lines.html", page=page, term=term, status=status,
                           facility_id=facility_id, occupation=occupation,
                           facilities=facilities, floor=line_services.wage_floor(),
                           occupations=occupation_choices(),
                           may_post=current_user.role in ("owner", "admin"))


@bp.route("/lines/<int:line_id>")
@roles(*ALL_ROLES)
def line_detail(line_id):
    """Show a production line in full, with its filled and vacant places."""
    line = get_or_404(ProductionLine, line_id)
    may_change = current_user.role == "admin" or (
        current_user.role == "owner" and line.enterprise_id == current_user.enterprise_id)
    sections = [section for _receiver, section in line_page.send(line) if section]
    return render_template("enterprises/line_detail.html", line=line, may_change=may_change,
                           status_form=LineStatusForm(), floor=line_services.wage_floor(),
                           sections=sections)


def _render_line_form(form, line, status=200):
    return render_template("enterprises/line_form.html", form=form, line=line), status


@bp.route("/lines/new", methods=["GET", "POST"])
@roles("owner", "admin")
@approved_enterprise_required
def line_new():
    """Post a new production line."""
    form = LineForm()
    enterprise = form_enterprise(form)
    fill_choices(form, enterprise if current_user.role == "owner" else None)
    if request.method == "GET":
        prefill_site(form, enterprise)
    if form.validate_on_submit():
        if enterprise is None:
            apply_input_errors(form, {"enterprise_id": _("Choose the enterprise.")})
            return _render_line_form(form, None)
        try:
            line = line_services.save_line(None, enterprise, line_input(form),
                                           publish=form.publish.data)
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        else:
            audit.record("create", entity="production_line", entity_id=line.id)
            db.session.commit()
            flash(_("%(line)s is saved.", line=line.label), "success")
            return redirect(url_for("enterprises.line_detail", line_id=line.id))
    return _render_line_form(form, None)


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
@roles("owner", "admin")
@approved_enterprise_required
def line_edit(line_id):
    """Change a production line; a concurrent change is reported, not overwritten."""
    line = get_or_404(ProductionLine, line_id)
    form = LineForm(obj=line if request.method == "GET" else None)
    if request.method == "GET":
        rows = [{"code": o.occupation_code, "min_level": o.min_level} for o in line.occupations]
        while len(form.occupations) > 0:
            form.occupations.pop_entry()
        for row in rows + [{}] * max(1, 4 - len(rows)):
            form.occupations.append_entry(row)
        form.version_id.data = line.version_id
    fill_choices(form, line.enterprise)
    if form.validate_on_submit():
        old_wage = line.wage_kzt
        try:
            line_services.save_line(line, line.enterprise, line_input(form),
                                    expected_version=form.version_id.data, user=current_user)
            audit.record("update", entity="production_line", entity_id=line.id)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except (line_services.LineConflict, StaleDataError):
            db.session.rollback()
            flash(conflict_message(), "danger")
            return _render_line_form(form, line, 409)
        else:
            flash(_("%(line)s is saved.", line=line.label), "success")
            if line.wage_kzt > old_wage:
                flash(_("Workers of this line whose agreed wage was below %(wage)s now receive "
                        "it from today.", wage=money(line.wage_kzt)), "info")
            return redirect(url_for("enterprises.line_detail", line_id=line_id))
    return _render_line_form(form, line)


@bp.route("/lines/<int:line_id>/status", methods=["POST"])
@roles("owner", "admin")
@approved_enterprise_required
def line_status(line_id):
    """Open, pause or reopen a production line."""
    line = get_or_404(ProductionLine, line_id)
    form = LineStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.action.data == "open":
            line_services.open_line(line)
        else:
            line_services.pause_line(line)
        audit.record("update", entity="production_line", entity_id=line.id,
                     detail=f"status={line.status}")
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        flash_errors(error.errors)
    except StaleDataError:
        db.session.rollback()
        flash(conflict_message(), "danger")
    else:
        flash(_("%(line)s is open.", line=line.label) if line.status == "open"
              else _("%(line)s is paused.", line=line.label), "success")
    return redirect(url_for("enterprises.line_detail", line_id=line_id))


@bp.route("/lines/<int:line_id>/close", methods=["GET", "POST"])
@roles("owner", "admin")
@approved_enterprise_required
def line_close(line_id):
    """Close a line, ending its active placements with a reason and date."""
    line = get_or_404(ProductionLine, line_id)
    form = CloseLineForm()
    if form.validate_on_submit():
        try:
            ended = line_services.close_line(line, form.ended_on.data, form.end_reason.data)
            audit.record("end", entity="production_line", entity_id=line.id,
                         detail=f"placements_ended={ended}")
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except StaleDataError:
            db.session.rollback()
            flash(conflict_message(), "danger")
        else:
            flash(_("%(line)s is closed.", line=line.label), "success")
            return redirect(url_for("enterprises.line_detail", line_id=line_id))
    return render_template("enterprises/line_close.html", form=form, line=line,
                           filled=line.places_taken)
