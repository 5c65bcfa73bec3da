"""Routes that start, end and transfer placements, their history, the fill and the workers."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from accounts.services import user_names
from enterprises.lines import wage_floor
from enterprises.models import ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person
from reference.codes import correctable_end_reasons
from tabular import export
from timeutil import today
from web.errors import InputError, conflict
from web.forms import apply_input_errors, flash_errors
from web.pagination import page_of, paginate
from web.query import page_number, parse_id, query_int

from . import corrections, list_exports, services, wages
from . import fill as filling
from .blueprint import bp
from .forms import EndForm, PlacementCorrectionForm, TransferForm
from .models import Placement
from .placements import (PlacementConflict, end_placement, placements_of, start_placement,
                         wage_changes_of)

FILL_LINES_PER_PAGE = 5
# The fill page lists every open line; a longer list than this starts folded.
FILL_VACANCIES_UNFOLDED = 25


@bp.route("/placements/<int:placement_id>/end", methods=["POST"])
@roles("admin", "inspector", "probation_officer")
def placement_end(placement_id):
    """End a placement with a reason and a date; a refused date shows next to its field."""
    placement = get_or_404(Placement, placement_id)
    form = EndForm()
    from_person = bool(request.form.get("next_person"))
    if not placement.holds_place():
        flash(_("This placement has already ended."), "warning")
        return redirect(_back(placement, from_person))
    if form.validate_on_submit():
        try:
            end_placement(placement, form.ended_on.data, form.reason.data)
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        else:
            audit.record("end", entity="placement", entity_id=placement.id,
                         detail=form.reason.data)
            db.session.commit()
            flash(_("Placement of %(person)s on %(line)s ended.", person=placement.person.full_name,
                    line=placement.line.label), "success")
            return redirect(_back(placement, from_person))
    if "csrf_token" in form.errors:
        flash_errors(form)
        return redirect(_back(placement, from_person))
    if from_person:
        return _person_history_page(get_or_404(Person, placement.person_id), end_form=form), 422
    return _line_history_page(get_or_404(ProductionLine, placement.line_id),
                              (placement.id, form)), 422


def _back(placement, from_person):
    """Return to the person's history when the form came from there, else the line's."""
    if from_person:
        return url_for("marketplace.person_history", person_id=placement.person_id)
    return url_for("marketplace.line_history", line_id=placement.line_id)


def transfer_choices(placement):
    """Return the open lines in the user's scope a person could move to."""
    lines = db.session.scalars(select(ProductionLine).where(
        visible(ProductionLine), ProductionLine.status == "open",
        ProductionLine.id != placement.line_id).options(joinedload(ProductionLine.enterprise))
        .order_by(ProductionLine.title)).all()
    return [(line.id, line.label) for line in lines]


@bp.route("/placements/<int:placement_id>/transfer", methods=["POST"])
@roles("admin", "inspector")
def placement_transfer(placement_id):
    """Move a person to another line: end and start in one transaction."""
    placement = get_or_404(Placement, placement_id)
    form = TransferForm()
    form.line_id.choices = transfer_choices(placement)
    if not placement.holds_place():
        flash(_("This placement has already ended."), "warning")
        return redirect(_back(placement, True))
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash_errors(form)
            return redirect(_back(placement, True))
        return _person_history_page(get_or_404(Person, placement.person_id),
                                    transfer_form=form), 422
    target = get_or_404(ProductionLine, form.line_id.data)
    try:
        new = start_placement(placement.person_id, target.id, form.started_on.data,
                              transfer=True)
    except InputError as error:
        db.session.rollback()
        apply_input_errors(form, error.errors)
        return _person_history_page(get_or_404(Person, placement.person_id),
                                    transfer_form=form), 422
    except PlacementConflict as error:
        conflict(error.message)
    audit.record("end", entity="placement", entity_id=placement.id, detail="transferred")
    audit.record("create", entity="placement", entity_id=new.id)
    db.session.commit()
    flash(_("%(person)s transferred to %(line)s.", person=placement.person.full_name,
            line=target.label), "success")
    return redirect(url_for("marketplace.person_history", person_id=placement.person_id))


@bp.route("/placements/<int:placement_id>/correct", methods=["GET", "POST"])
@roles("admin", "inspector")
def placement_correct(placement_id):
    """Correct the end of a placement entered by mistake: change its date or reason, or
    reopen it, with a reason (inspectors of the person's facility and administrators)."""
    placement = get_or_404(Placement, placement_id)
    person = get_or_404(Person, placement.person_id)
    if placement.holds_place():
        flash(_("This placement has not ended."), "warning")
        return redirect(url_for("marketplace.person_history", person_id=person.id))
    form = PlacementCorrectionForm(ended_on=placement.ended_on, end_reason=placement.end_reason)
    form.end_reason.choices = list(correctable_end_reasons(placement.end_reason).items())
    if form.validate_on_submit():
        try:
            if form.action.data == "reopen":
                corrections.reopen(placement, form.reason.data, current_user.id)
            else:
                corrections.correct_end(placement, form.ended_on.data, form.end_reason.data,
                                        form.reason.data, current_user.id)
            audit.record("correct", entity="placement", entity_id=placement.id,
                         detail=form.action.data)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        else:
            flash(_("The placement is corrected."), "success")
            return redirect(url_for("marketplace.person_history", person_id=person.id))
    return render_template("marketplace/placement_correct.html", form=form,
                           placement=placement, person=person), 200 if not form.errors else 422


@bp.route("/people/<int:person_id>/placements")
@roles("admin", "inspector")
def person_history(person_id):
    """Show every placement of a person, with end and transfer forms for the active one."""
    return _person_history_page(get_or_404(Person, person_id))


def _person_history_page(person, end_form=None, transfer_form=None):
    """Render a person's placements, wages and corrections; forms sent back keep their
    values and show their errors next to the fields."""
    history = placements_of(person_id=person.id)
    if export.wanted():
        return export.respond("placements", list_exports.PLACEMENTS, history)
    active = next((p for p in history if p.holds_place()), None)
    transfer = transfer_form or TransferForm(formdata=None)
    if active is not None and transfer_form is None:
        transfer.line_id.choices = transfer_choices(active)
    records = wages.records_with_flags([p.id for p in history])
    changes = corrections.history_of([p.id for p in history])
    audit.record("view", entity="person", entity_id=person.id, detail="placements")
    db.session.commit()
    return render_template("marketplace/person_history.html", person=person, history=history,
                           active=active, end_form=end_form or EndForm(formdata=None),
                           transfer_form=transfer, records=records,
                           wage_changes=wage_changes_of([p.id for p in history]),
                           lines={p.id: p.line.title for p in history},
                           corrections=corrections.shown(
                               changes, user_names(c.changed_by for c in changes)))


@bp.route("/lines/<int:line_id>/placements")
@roles("admin", "inspector", "probation_officer")
def line_history(line_id):
    """Show every placement of a line, active first."""
    return _line_history_page(get_or_404(ProductionLine, line_id))


def _line_history_page(line, refused=None):
    """Render a line's placements; ``refused`` is (placement id, end form) of an end sent
    back, whose errors show next to that row's fields."""
    history = placements_of(line_id=line.id, scope=visible(Placement))
    history.sort(key=lambda p: (not p.holds_place(), p.slot if p.holds_place() else 0))
    if export.wanted():
        return export.respond(f"line{line.id}-workers", list_exports.PLACEMENTS, history)
    # Only people the user may see can have their placements corrected from here.
    correctable = set(db.session.scalars(select(Person.id).where(
        Person.id.in_({p.person_id for p in history}), visible(Person))))
    return render_template("marketplace/line_history.html", line=line, history=history,
                           end_form=EndForm(formdata=None), refused=refused,
                           correctable=correctable)


def _fill_facility():
    if current_user.role == "inspector":
        return current_user.facility
    # The facility comes from the chooser (GET) or the form's hidden field (POST).
    facility_id = query_int("facility", request.values)
    return db.session.get(Facility, facility_id) if facility_id else None


@bp.route("/fill", methods=["GET", "POST"])
@roles("admin", "inspector")
def fill():
    """Propose the best assignment of idle people to all vacancies, a few lines a page; ask
    once, naming the count, before placing the ticked ones."""
    facility = _fill_facility()
    if facility is None:
        facilities = db.session.scalars(select(Facility).order_by(Facility.code)).all()
        return render_template("marketplace/fill.html", facility=None, facilities=facilities)
    results = []
    if request.method == "POST":
        pairs = _ticked_pairs()
        if request.form.get("confirmed") != "1":
            chosen = filling.describe(facility, pairs)
            if chosen:
                return render_template("marketplace/fill_confirm.html", facility=facility,
                                       chosen=chosen)
            flash(_("Tick at least one proposal to place."), "warning")
        else:
            results = _accept_proposals(facility, pairs)
    on = today()
    groups = page_of(filling.by_line(filling.proposals(facility, on)), page_number(),
                     FILL_LINES_PER_PAGE)
    return render_template("marketplace/fill.html", facility=facility, results=results,
                           vacancies=filling.vacancies(facility, on),
                           vacancies_unfolded=FILL_VACANCIES_UNFOLDED, groups=groups,
                           facilities=None, floor=wage_floor(on))


def _ticked_pairs():
    """Read the ticked (person id, line id) proposals of the fill form."""
    pairs = []
    for value in request.form.getlist("accept")[:1000]:
        head, _sep, tail = value.partition(":")
        person_id, line_id = parse_id(head), parse_id(tail)
        if person_id and line_id:
            pairs.append((person_id, line_id))
    return pairs


def _accept_proposals(facility, pairs):
    """Place each confirmed proposal through the safe service; report each row's outcome."""
    results = filling.place_proposals(facility, pairs, today())
    for outcome in results:
        if outcome.placement_id:
            audit.record("create", entity="placement", entity_id=outcome.placement_id,
                         detail="fill")
    db.session.commit()
    return results


@bp.route("/workers")
@roles("admin", "owner")
def workers():
    """List the enterprise's current workers: name, file number, line, start and wage."""
    enterprise_id = current_user.enterprise_id if current_user.role == "owner" else None
    query = services.workers_query(enterprise_id).order_by(
        ProductionLine.title, Person.last_name, Person.first_name)
    if export.wanted():
        return export.respond("workers", list_exports.WORKERS, query)
    page = paginate(query, page_number(), per_page=50, scalars=False)
    latest = {}
    for record, below in wages.records_with_flags([row[0].id for row in page.items]):
        latest.setdefault(record.placement_id, (record, below))
    return render_template("marketplace/workers.html", page=page, latest=latest,
                           floor=wage_floor())
