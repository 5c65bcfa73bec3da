"""People: a person's record, corrections, skills, release and transfer."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import (MAX_ID, can_see, get_or_404, own_facility_id, roles,
                                  workable_facilities)
from accounts.services import user_names
from extensions import db
from facilities.services import facility_choices
from reference.services import occupation_choices
from timeutil import today
from web.errors import InputError
from web.forms import apply_input_errors

from . import corrections, history, services
from .blueprint import bp
from .forms import LeavingCorrectionForm, PersonForm, ReleaseForm, SkillForm, TransferForm
from .models import Person, Skill
from .signals import person_page


@bp.route("/<int:person_id>")
@roles("admin", "inspector")
def person(person_id):
    """Show a person's full record, skills, stays, placement and corrections."""
    obj = get_or_404(Person, person_id)
    sections = [section for _receiver, section in person_page.send(obj) if section]
    changes = services.person_history(obj.id)
    audit.record("view", entity="person", entity_id=obj.id)
    db.session.commit()
    return render_template("inmates/person.html", person=obj, sections=sections,
                           stays=services.stays_of(obj.id),
                           last_transfer=corrections.last_transfer(obj.id),
                           history=history.shown(changes, user_names(c.changed_by
                                                                     for c in changes)))


def _person_form(form, obj=None):
    if obj is not None or current_user.role == "inspector":
        del form.facility_id  # an inspector files people only at their own facility
    else:
        form.facility_id.choices = [(f.id, f.label) for f in workable_facilities()]
    return form


def _conflict(form):
    db.session.rollback()
    apply_input_errors(form, {"file_number": _(
        "Someone saved a person with this file number or IIN a moment ago, or changed this "
        "record; check and save again.")})


@bp.route("/new", methods=["GET", "POST"])
@roles("admin", "inspector")
def person_new():
    """Admit a new person to a facility."""
    form = _person_form(PersonForm())
    if form.validate_on_submit():
        facility_id = own_facility_id() or form.facility_id.data
        try:
            obj = services.create_person(form.values(), facility_id)
            audit.record("create", entity="person", entity_id=obj.id)
            db.session.commit()
        except InputError as error:
            apply_input_errors(form, error.errors)
        except IntegrityError:
            _conflict(form)
        else:
            flash(_("The person is saved."), "success")
            return redirect(url_for("inmates.person", person_id=obj.id))
    return render_template("inmates/person_form.html", form=form, person=None)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@roles("admin", "inspector")
def person_edit(person_id):
    """Correct a person's record, keeping the old values in the history."""
    obj = get_or_404(Person, person_id)
    form = _person_form(PersonForm(obj=obj), obj)
    if form.validate_on_submit():
        try:
            changed = services.update_person(obj, form.values(), current_user.id)
            if changed:
                audit.record("update", entity="person", entity_id=obj.id,
                             detail="fields: " + ", ".join(changed))
            db.session.commit()
        except InputError as error:
            apply_input_errors(form, error.errors)
        except (IntegrityError, StaleDataError):
            _conflict(form)
        else:
            flash(_("The record is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("inmates.person", person_id=obj.id))
    return render_template("inmates/person_form.html", form=form, person=obj)


def _leave(obj, form, reason, act):
    """Run a release or transfer from a submitted form; return True once committed."""
    if not form.validate_on_submit():
        return False
    try:
        ended = act()
        audit.record("end", entity="person", entity_id=obj.id, detail=reason)
        for placement in ended:
            audit.record("end", entity="placement", entity_id=placement.id, detail=reason)
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        apply_input_errors(form, error.errors)
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        apply_input_errors(form, {"on": _("The record changed meanwhile; try again.")})
    else:
        return True
    return False


@bp.route("/<int:person_id>/release", methods=["GET", "POST"])
@roles("admin", "inspector")
def person_release(person_id):
    """Release a person from custody on a date, ending any active placement."""
    obj = get_or_404(Person, person_id)
    form = ReleaseForm(on=today())
    if _leave(obj, form, "released", lambda: services.release_person(obj, form.on.data, current_user.id)):
        flash(_("The person is released."), "success")
        return redirect(url_for("inmates.person", person_id=person_id))
    return render_template("inmates/leave_form.html", form=form, person=obj, action="release")


@bp.route("/<int:person_id>/transfer", methods=["GET", "POST"])
@roles("admin", "inspector")
def person_transfer(person_id):
    """Transfer a person to another facility on a date, ending any active placement."""
    obj = get_or_404(Person, person_id)
    form = TransferForm(on=today())
    form.facility_id.choices = facility_choices(exclude=obj.facility_id)
    if _leave(obj, form, "transferred",
              lambda: services.transfer_person(obj, form.facility_id.data, form.on.data,
                                               current_user.id)):
        if current_user.role == "inspector":
            # The person is no longer in this inspector's scope; the sending facility may
            # still correct or undo its transfer (inmates.transfer_correct).
            flash(Markup('{} <a href="{}">{}</a>').format(
                _("The person is transferred."),
                url_for("inmates.transfer_correct", person_id=person_id),
                _("Correct or undo the transfer")), "success")
            return redirect(url_for("marketplace.roster"))
        flash(_("The person is transferred."), "success")
        return redirect(url_for("inmates.person", person_id=person_id))
    return render_template("inmates/leave_form.html", form=form, person=obj, action="transfer")


RELEASE_CHOICES = [("date", _l("Change the release date")),
                   ("undo", _l("Undo the release: the person is in custody again"))]
TRANSFER_CHOICES = [("date", _l("Change the transfer date")),
                    ("undo", _l("Undo the transfer: the person is back at the previous "
                                "facility"))]


def _correct(obj, form, act):
    """Run a correction from a submitted form; return True once committed.

    The correction and what follows it in the marketplace commit together, audited as
    "correct" (the detail names the kind, never a value); each placement it changed is
    audited too, and the subscribers' messages are flashed.
    """
    if not form.validate_on_submit():
        return False
    try:
        detail, outcomes = act()
        audit.record("correct", entity="person", entity_id=obj.id, detail=detail)
        for outcome in outcomes:
            if outcome.get("changed"):
                audit.record("correct", entity="placement", entity_id=outcome["placement_id"],
                             detail=detail)
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        apply_input_errors(form, error.errors)
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        apply_input_errors(form, {"on": _("The record changed meanwhile; try again.")})
    else:
        for outcome in outcomes:
            if outcome.get("message"):
                flash(outcome["message"], "info" if outcome.get("changed") else "warning")
        return True
    return False


@bp.route("/<int:person_id>/release/correct", methods=["GET", "POST"])
@roles("admin", "inspector")
def release_correct(person_id):
    """Correct a release entered by mistake: change its date, or undo it (with a reason)."""
    obj = get_or_404(Person, person_id)
    if corrections.released_stay(obj) is None:
        flash(_("This person is not released."), "warning")
        return redirect(url_for("inmates.person", person_id=obj.id))
    form = LeavingCorrectionForm(on=obj.released_on)
    form.action.choices = RELEASE_CHOICES
    form.on.label.text = _("Released on")

    def act():
        if form.action.data == "undo":
            return "undo release", corrections.undo_release(obj, form.reason.data,
                                                            current_user.id)
        return "release date", corrections.redate_release(obj, form.on.data, form.reason.data,
                                                          current_user.id)

    if _correct(obj, form, act):
        flash(_("The release is corrected."), "success")
        return redirect(url_for("inmates.person", person_id=obj.id))
    return render_template("inmates/leave_correct.html", form=form, person=obj, kind="release",
                           on=obj.released_on, move=None)


def _person_for_transfer_correction(person_id):
    """Load a person whose latest transfer the user may correct: an administrator, an
    inspector of the facility the person is at, or of the facility the transfer came from
    (which entered it and no longer sees the person); anyone else gets a 404."""
    if (current_user.role == "inspector" and 0 < person_id <= MAX_ID
            and corrections.transferred_from(person_id, current_user.facility_id)):
        return db.session.get(Person, person_id)
    return get_or_404(Person, person_id)


@bp.route("/<int:person_id>/transfer/correct", methods=["GET", "POST"])
@roles("admin", "inspector")
def transfer_correct(person_id):
    """Correct a transfer entered by mistake: change its date, or undo it (with a reason)."""
    obj = _person_for_transfer_correction(person_id)
    move = corrections.last_transfer(obj.id)
    if move is None:
        flash(_("There is no transfer to correct: the person's latest move is not a transfer "
                "that is still in effect."), "warning")
        return redirect(url_for("inmates.person", person_id=obj.id))
    form = LeavingCorrectionForm(on=move.on)
    form.action.choices = TRANSFER_CHOICES
    form.on.label.text = _("Transferred on")

    def act():
        if form.action.data == "undo":
            return "undo transfer", corrections.undo_transfer(obj, form.reason.data,
                                                              current_user.id)
        return "transfer date", corrections.redate_transfer(obj, form.on.data,
                                                            form.reason.data, current_user.id)

    if _correct(obj, form, act):
        flash(_("The transfer is corrected."), "success")
        if not can_see(obj):
            return redirect(url_for("marketplace.roster"))
        return redirect(url_for("inmates.person", person_id=obj.id))
    return render_template("inmates/leave_correct.html", form=form, person=obj, kind="transfer",
                           on=move.on, move={
                               "from": corrections.facility_label(move.left.facility_id),
                               "to": corrections.facility_label(move.arrived.facility_id)})


def record_url(person_id):
    """Return the address of a person's record as the current user reads it: a probation
    officer reads their client's record, others the person's."""
    endpoint = "inmates.client" if current_user.role == "probation_officer" else "inmates.person"
    return url_for(endpoint, person_id=person_id)


def _skill_page(person_obj, skill=None):
    form = SkillForm(obj=skill)
    form.occupation_code.choices = occupation_choices()
    if form.validate_on_submit():
        try:
            saved = services.save_skill(person_obj, skill, form.occupation_code.data,
                                        form.level.data, form.years_experience.data,
                                        form.certified.data, current_user.id)
            audit.record("update", entity="person", entity_id=person_obj.id,
                         detail=f"skill {saved.occupation_code}")
            db.session.commit()
        except InputError as error:
            apply_input_errors(form, error.errors)
        except IntegrityError:
            db.session.rollback()
            apply_input_errors(form, {"occupation_code": _(
                "This person already has this occupation.")})
        else:
            flash(_("The skill is saved."), "success")
            return redirect(record_url(person_obj.id))
    return render_template("inmates/skill_form.html", form=form, person=person_obj, skill=skill,
                           back=record_url(person_obj.id))


@bp.route("/<int:person_id>/skills/new", methods=["GET", "POST"])
@roles("admin", "inspector", "probation_officer")
def skill_new(person_id):
    """Add a skill to a person."""
    return _skill_page(get_or_404(Person, person_id))


@bp.route("/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@roles("admin", "inspector", "probation_officer")
def skill_edit(skill_id):
    """Change a skill's occupation, level, experience or certification."""
    skill = get_or_404(Skill, skill_id)
    return _skill_page(get_or_404(Person, skill.person_id), skill)


@bp.route("/skills/<int:skill_id>/remove", methods=["POST"])
@roles("admin", "inspector", "probation_officer")
def skill_remove(skill_id):
    """Remove a skill from a person, keeping it in the history."""
    skill = get_or_404(Skill, skill_id)
    person_id, code = skill.person_id, skill.occupation_code
    services.remove_skill(skill, current_user.id)
    audit.record("update", entity="person", entity_id=person_id, detail=f"skill {code} removed")
    db.session.commit()
    flash(_("The skill is removed."), "success")
    return redirect(record_url(person_id))
