"""The probation service's clients: the list, registering one, taking over a released
person, a client's record and the end of a supervision."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from extensions import db
from reference.models import ProbationService
from reference.services import occupation_choices, probation_service_choices
from web.errors import InputError
from web.forms import apply_input_errors
from web.pagination import paginate
from web.query import page_number

from . import probation, services
from .blueprint import bp
from .forms import ClientForm, EndSupervisionForm, PassToProbationForm
from .models import Person, Supervision
from .signals import person_page


def _service_id(form):
    """The service a new supervision belongs to: the officer's own, or the admin's choice."""
    if current_user.role == "probation_officer":
        return current_user.probation_service_id
    return form.service_id.data


def _with_service_choice(form):
    """Let administrators choose the probation service; officers keep their own."""
    if current_user.role == "admin":
        form.service_id.choices = probation_service_choices()
    else:
        del form.service_id
    return form


def _supervision_values(form):
    return {"started_on": form.started_on.data, "ends_on": form.ends_on.data,
            "barred_group": form.barred_group.data, "note": form.restrictions_note.data}


@bp.route("/probation")
@roles("admin", "probation_officer")
def clients():
    """List the probation service's clients with their supervision and status."""
    query = (select(Person, Supervision, ProbationService)
             .join(Supervision, Supervision.person_id == Person.id)
             .join(ProbationService, ProbationService.id == Supervision.service_id)
             .where(visible(Person), visible(Supervision))
             .order_by(Supervision.ended_on.is_not(None), Person.last_name, Person.first_name,
                       Supervision.started_on.desc()))
    page = paginate(query, page_number(), per_page=50, scalars=False)
    return render_template("inmates/clients.html", page=page)


@bp.route("/probation/new", methods=["GET", "POST"])
@roles("admin", "probation_officer")
def client_new():
    """Register a person sentenced without custody as a client."""
    form = _with_service_choice(ClientForm())
    form.occupation_code.choices = occupation_choices(blank="—")
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in probation.CLIENT_FIELDS
                  if hasattr(form, name)}
        try:
            person = probation.register_client(values, _service_id(form),
                                               **_supervision_values(form))
            if form.occupation_code.data:
                services.save_skill(person, None, form.occupation_code.data, form.level.data,
                                    form.years_experience.data or 0, False, current_user.id)
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except IntegrityError:
            db.session.rollback()
            apply_input_errors(form, {"file_number": _(
                "Someone saved a person with this file number or IIN a moment ago; check and "
                "save again.")})
        else:
            audit.record("create", entity="person", entity_id=person.id, detail="probation")
            db.session.commit()
            flash(_("The client is registered."), "success")
            return redirect(url_for("inmates.client", person_id=person.id))
    return render_template("inmates/client_form.html", form=form)


@bp.route("/probation/take", methods=["GET", "POST"])
@roles("admin", "probation_officer")
def client_take():
    """Take over a released person: they pass to probation with their skills and history."""
    form = _with_service_choice(PassToProbationForm())
    if form.validate_on_submit():
        person = probation.released_person(form.file_number.data)
        try:
            if person is None:
                raise InputError({"file_number": _(
                    "No released person has this file number.")})
            supervision = probation.pass_to_probation(person, _service_id(form),
                                                      user_id=current_user.id,
                                                      **_supervision_values(form))
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        except IntegrityError:
            db.session.rollback()
            apply_input_errors(form, {"file_number": _(
                "This person came under supervision a moment ago.")})
        else:
            audit.record("update", entity="person", entity_id=person.id,
                         detail=f"probation {supervision.service_id}")
            db.session.commit()
            flash(_("The person is now under supervision."), "success")
            return redirect(url_for("inmates.client", person_id=person.id))
    return render_template("inmates/client_take.html", form=form)


@bp.route("/probation/<int:person_id>")
@roles("admin", "probation_officer")
def client(person_id):
    """Show a client's record: identity, supervisions, restrictions, skills and work."""
    person = get_or_404(Person, person_id)
    supervisions = probation.supervisions_of(person.id)
    if not supervisions:
        return redirect(url_for("inmates.person", person_id=person.id))
    sections = [section for _receiver, section in person_page.send(person) if section]
    audit.record("view", entity="person", entity_id=person.id)
    db.session.commit()
    return render_template("inmates/client.html", person=person, supervisions=supervisions,
                           sections=sections, end_form=EndSupervisionForm(formdata=None))


@bp.route("/probation/supervisions/<int:supervision_id>/end", methods=["POST"])
@roles("admin", "probation_officer")
def supervision_end(supervision_id):
    """End a client's supervision on a date."""
    supervision = get_or_404(Supervision, supervision_id)
    form = EndSupervisionForm()
    if form.validate_on_submit():
        try:
            probation.end_supervision(supervision, form.on.data, current_user.id)
        except InputError as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "danger")
        else:
            audit.record("update", entity="person", entity_id=supervision.person_id,
                         detail="supervision ended")
            db.session.commit()
            flash(_("The supervision has ended."), "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
    return redirect(url_for("inmates.client", person_id=supervision.person_id))
