"""People: the roster, a person's record, corrections, skills, release and transfer."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import marketplace.placements as placements
from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from extensions import db
from facilities.models import Facility
from facilities.services import paginate_rows
from facilities.views import apply_input_errors, query_choice, query_int, sort_order
from marketplace.models import Placement
from reference.codes import SKILL_LEVELS
from reference.models import Occupation
from timeutil import today

from . import roster as roster_service
from . import services
from .forms import PersonForm, ReleaseForm, SkillForm, TransferForm
from .models import Person, Skill

bp = Blueprint("inmates", __name__)

YES_NO = {"yes": True, "no": False}


def own_facility_id():
    """Return the inspector's facility, or None for an administrator."""
    return current_user.facility_id if current_user.role == "inspector" else None


def facilities_for_user():
    """Return the facilities the user may file people in."""
    query = select(Facility).order_by(Facility.code)
    if current_user.role == "inspector":
        query = query.where(Facility.id == current_user.facility_id)
    return db.session.scalars(query).all()


def occupation_choices():
    """Return (code, "code · title") pairs of the reference occupations."""
    return [(o.code, f"{o.code} · {o.title}")
            for o in db.session.scalars(select(Occupation).order_by(Occupation.code))]


def roster_filter():
    """Read the roster's filters from the query string."""
    facility_id = own_facility_id() or query_int("facility")
    return roster_service.RosterFilter(
        facility_id=facility_id, term=request.args.get("q", "")[:80].strip(),
        able_bodied=YES_NO.get(request.args.get("able")),
        employed=YES_NO.get(request.args.get("employed")),
        occupation=request.args.get("occupation", "")[:4] or None,
        level=query_choice("level", SKILL_LEVELS),
        min_months=query_int("months"),
        restriction=query_choice("restriction", roster_service.RESTRICTIONS),
        status=query_choice("status", ("in_custody", "released", "all"))
        or "in_custody")


@bp.route("/", endpoint="roster")
@roles("admin", "inspector")
def roster():
    """List the people of a facility with search, filters, sorting and today's counts."""
    wanted = roster_filter()
    if wanted.status == "all":
        wanted.status = None
    query, active = roster_service.roster_query(visible(Person), wanted)
    query = query.order_by(*sort_order(roster_service.sort_columns(active), "name"),
                           Person.first_name, Person.id)
    page = paginate_rows(query, query_int("page") or 1, per_page=roster_service.PER_PAGE)
    counts = roster_service.facility_counts(visible(Person), wanted.facility_id)
    return render_template("inmates/roster.html", page=page, wanted=wanted, counts=counts,
                           facilities=facilities_for_user(), occupations=occupation_choices(),
                           status=request.args.get("status", "in_custody"))


@bp.route("/<int:person_id>")
@roles("admin", "inspector")
def person(person_id):
    """Show a person's full record, skills, stays, placement and corrections."""
    obj = get_or_404(Person, person_id)
    placement = db.session.scalars(select(Placement).where(
        Placement.person_id == obj.id, Placement.ended_on.is_(None))).first()
    audit.record("view", entity="person", entity_id=obj.id)
    db.session.commit()
    return render_template("inmates/person.html", person=obj, placement=placement,
                           stays=services.stays_of(obj.id),
                           history=services.person_history(obj.id))


def _person_form(form, obj=None):
    if obj is not None or current_user.role == "inspector":
        del form.facility_id  # an inspector files people only at their own facility
    else:
        form.facility_id.choices = [(f.id, f"{f.code} · {f.name}") for f in facilities_for_user()]
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
        except services.InputError as error:
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
        except services.InputError as error:
            apply_input_errors(form, error.errors)
        except (IntegrityError, StaleDataError):
            _conflict(form)
        else:
            flash(_("The record is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("inmates.person", person_id=obj.id))
    return render_template("inmates/person_form.html", form=form, person=obj)


def release(person_obj, on, user_id):
    """Release a person and end their active placement, in the caller's transaction."""
    services.release_person(person_obj, on, user_id)
    return placements.end_active_placement_of(person_obj.id, on, "released")


def transfer(person_obj, facility_id, on, user_id):
    """Transfer a person and end their active placement, in the caller's transaction."""
    services.transfer_person(person_obj, facility_id, on, user_id)
    return placements.end_active_placement_of(person_obj.id, on, "transferred")


def _leave(obj, form, reason, act):
    """Run a release or transfer from a submitted form; return True once committed."""
    if not form.validate_on_submit():
        return False
    try:
        ended = act()
        audit.record("end", entity="person", entity_id=obj.id, detail=reason)
        if ended is not None:
            audit.record("end", entity="placement", entity_id=ended.id, detail=reason)
        db.session.commit()
    except services.InputError as error:
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
    if _leave(obj, form, "released", lambda: release(obj, form.on.data, current_user.id)):
        flash(_("The person is released."), "success")
        return redirect(url_for("inmates.person", person_id=person_id))
    return render_template("inmates/leave_form.html", form=form, person=obj, action="release")


@bp.route("/<int:person_id>/transfer", methods=["GET", "POST"])
@roles("admin", "inspector")
def person_transfer(person_id):
    """Transfer a person to another facility on a date, ending any active placement."""
    obj = get_or_404(Person, person_id)
    form = TransferForm(on=today())
    form.facility_id.choices = [(f.id, f"{f.code} · {f.name}") for f in db.session.scalars(
        select(Facility).where(Facility.id != obj.facility_id).order_by(Facility.code))]
    if _leave(obj, form, "transferred",
              lambda: transfer(obj, form.facility_id.data, form.on.data, current_user.id)):
        flash(_("The person is transferred."), "success")
        if current_user.role == "inspector":
            return redirect(url_for("inmates.roster"))  # no longer in this inspector's scope
        return redirect(url_for("inmates.person", person_id=person_id))
    return render_template("inmates/leave_form.html", form=form, person=obj, action="transfer")


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
        except services.InputError as error:
            apply_input_errors(form, error.errors)
        except IntegrityError:
            db.session.rollback()
            apply_input_errors(form, {"occupation_code": _(
                "This person already has this occupation.")})
        else:
            flash(_("The skill is saved."), "success")
            return redirect(url_for("inmates.person", person_id=person_obj.id))
    return render_template("inmates/skill_form.html", form=form, person=person_obj, skill=skill)


@bp.route("/<int:person_id>/skills/new", methods=["GET", "POST"])
@roles("admin", "inspector")
def skill_new(person_id):
    """Add a skill to a person."""
    return _skill_page(get_or_404(Person, person_id))


@bp.route("/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@roles("admin", "inspector")
def skill_edit(skill_id):
    """Change a skill's occupation, level, experience or certification."""
    skill = get_or_404(Skill, skill_id)
    return _skill_page(get_or_404(Person, skill.person_id), skill)


@bp.route("/skills/<int:skill_id>/remove", methods=["POST"])
@roles("admin", "inspector")
def skill_remove(skill_id):
    """Remove a skill from a person, keeping it in the history."""
    skill = get_or_404(Skill, skill_id)
    person_id, code = skill.person_id, skill.occupation_code
    services.remove_skill(skill, current_user.id)
    audit.record("update", entity="person", entity_id=person_id, detail=f"skill {code} removed")
    db.session.commit()
    flash(_("The skill is removed."), "success")
    return redirect(url_for("inmates.person", person_id=person_id))


@bp.app_template_global()
def roster_counts():
    """Return today's custody and employment counts of the inspector's facility."""
    if not current_user.is_authenticated or current_user.role != "inspector":
        return None
    return roster_service.facility_counts(visible(Person), current_user.facility_id)


from . import import_views  # noqa: E402,F401  (routes on this blueprint)
