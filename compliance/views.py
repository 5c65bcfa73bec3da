"""Routes for one person's consent, safety, pauses, reasons for not working and account.

Everything hangs off a person or a placement the user may see (``get_or_404``), so another
facility's records answer 404. Every write is audited; a refused write saves nothing and
shows its message next to the field.
"""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.permissions import get_or_404, roles, scoped, visible
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from marketplace.models import Placement
from marketplace.placements import placements_of
from web.errors import InputError
from web.forms import apply_input_errors

from . import ledger, services
from .blueprint import bp
from .codes import INJURY_SEVERITIES, NOT_WORKING_REASONS, PAUSE_KINDS
from .forms import (BriefingForm, ConsentForm, InjuryForm, PauseForm, PaymentForm, ReasonForm,
                    ResumeForm, WithdrawForm)
from .models import Consent, Pause

ROLES = ("admin", "inspector")
# A probation officer takes its clients' consent to work (every line open to them is outside).
CONSENT_ROLES = (*ROLES, "probation_officer")
FORMS = {"consent": ConsentForm, "briefing": BriefingForm, "injury": InjuryForm,
         "pause": PauseForm, "resume": ResumeForm, "withdraw": WithdrawForm,
         "reason": ReasonForm, "payment": PaymentForm}


def _line_choices():
    lines = db.session.scalars(scoped(ProductionLine).where(
        ProductionLine.status.in_(("open", "paused"))).order_by(ProductionLine.title)).all()
    return [(line.id, line.label) for line in lines]


def _forms(posted=None, form=None):
    forms = {name: (form if name == posted else cls(formdata=None))
             for name, cls in FORMS.items()}
    forms["consent"].line_id.choices = forms["briefing"].line_id.choices = _line_choices()
    return forms


def _page(person, posted=None, form=None, status=200, row=None):
    """Render the person's page; a form sent back shows its errors next to its fields, and
    a form of one row of a list (``row``, "consent-3") next to that row's fields only."""
    refused = (row, form) if row else None
    if row:
        posted = form = None
    placements = placements_of(person_id=person.id, scope=visible(Placement))
    missing = {p.id for p in placements if services.briefing_missing(p)}
    return render_template(
        "compliance/person.html", person=person, placements=placements,
        current=next((p for p in placements if p.holds_place()), None),
        briefing_missing=missing, records=services.records_of(person.id),
        account=ledger.account_on(person.id), payments=ledger.payments_of(person.id),
        forms=_forms(posted, form), refused=refused, pause_kinds=PAUSE_KINDS, injury_severities=INJURY_SEVERITIES,
        not_working_reasons=NOT_WORKING_REASONS), status


@bp.route("/people/<int:person_id>")
@roles(*CONSENT_ROLES)
def person(person_id):
    """Show a person's consents, briefings, pauses, injuries, reasons and account."""
    obj = get_or_404(Person, person_id)
    audit.record("view", entity="person_compliance", entity_id=obj.id)
    db.session.commit()
    return _page(obj)


def _posted(name, person):
    """Return the posted form of ``name``, its line chosen among the user's lines."""
    form = FORMS[name]()
    if hasattr(form, "line_id"):
        form.line_id.choices = _line_choices()
    return form


def _save(name, person, form, write, entity, row=None):
    """Run a write for a valid form; show its errors next to the fields otherwise (next to
    those of ``row`` for a form of one row of a list)."""
    if form.validate_on_submit():
        try:
            with services.documents_kept_on_commit():
                obj = write(form)
                audit.record("create", entity=entity, entity_id=getattr(obj, "id", None))
                db.session.commit()
        except InputError as error:
            db.session.rollback()
            apply_input_errors(form, error.errors)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("compliance.person", person_id=person.id))
    return _page(person, name, form, 422, row)


def _line(form):
    return get_or_404(ProductionLine, form.line_id.data)


@bp.route("/people/<int:person_id>/consents", methods=["POST"])
@roles(*CONSENT_ROLES)
def consent_new(person_id):
    """Record a person's consent to a line's work, with an optional scanned document."""
    obj = get_or_404(Person, person_id)
    form = _posted("consent", obj)

    def write(form):
        upload = form.document.data
        content = upload.read() if upload and getattr(upload, "filename", "") else None
        return services.record_consent(obj, _line(form), form.taken_on.data,
                                       form.taken_by.data, current_user, late=form.late.data,
                                       content=content)
    return _save("consent", obj, form, write, "consent")


def _consent(consent_id):
    consent = db.session.get(Consent, consent_id) if 0 < consent_id < 2**31 else None
    if consent is None:
        abort(404)
    get_or_404(Person, consent.person_id)
    return consent


@bp.route("/consents/<int:consent_id>/withdraw", methods=["POST"])
@roles(*CONSENT_ROLES)
def consent_withdraw(consent_id):
    """Withdraw a consent; the placement on its line ends that day, "consent withdrawn"."""
    consent = _consent(consent_id)
    obj = db.session.get(Person, consent.person_id)
    form = _posted("withdraw", obj)

    def write(form):
        placement = services.withdraw_consent(consent, form.withdrawn_on.data)
        if placement is not None:
            audit.record("update", entity="placement", entity_id=placement.id,
                         detail="ended: consent withdrawn")
        return consent
    return _save("withdraw", obj, form, write, "consent_withdrawal", row=f"consent-{consent.id}")


@bp.route("/consents/<int:consent_id>/document")
@roles(*CONSENT_ROLES)
def consent_document(consent_id):
    """Send a consent's scanned document to those who may see the person."""
    consent = _consent(consent_id)
    if not consent.document_name:
        abort(404)
    audit.record("view", entity="consent_document", entity_id=consent.id)
    db.session.commit()
    path = services.document_folder() + "/" + consent.document_name
    response = send_file(path, mimetype=consent.document_type, as_attachment=True,
                         download_name=f"consent-{consent.id}{consent.document_name[-4:]}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people/<int:person_id>/briefings", methods=["POST"])
@roles(*ROLES)
def briefing_new(person_id):
    """Record a safety briefing of a person for a line's work."""
    obj = get_or_404(Person, person_id)
    form = _posted("briefing", obj)
    return _save("briefing", obj, form, lambda f: services.record_briefing(
        obj, _line(f), f.briefed_on.data, f.briefed_by.data, f.kind_of_work.data,
        current_user), "safety_briefing")


def _placement(placement_id):
    placement = get_or_404(Placement, placement_id)
    return placement, get_or_404(Person, placement.person_id)


@bp.route("/placements/<int:placement_id>/injuries", methods=["POST"])
@roles(*ROLES)
def injury_new(placement_id):
    """Record an injury at work on a placement."""
    placement, obj = _placement(placement_id)
    form = _posted("injury", obj)
    return _save("injury", obj, form, lambda f: services.record_injury(
        placement, f.occurred_on.data, f.severity.data, f.days_lost.data, f.cause.data,
        f.measures.data, current_user), "injury")


@bp.route("/placements/<int:placement_id>/pauses", methods=["POST"])
@roles(*ROLES)
def pause_new(placement_id):
    """Pause a placement; it keeps its place."""
    placement, obj = _placement(placement_id)
    form = _posted("pause", obj)
    return _save("pause", obj, form, lambda f: services.pause_placement(
        placement, f.kind.data, f.started_on.data, current_user, f.ended_on.data), "pause")


@bp.route("/pauses/<int:pause_id>/resume", methods=["POST"])
@roles(*ROLES)
def pause_resume(pause_id):
    """Resume a paused placement."""
    pause = db.session.get(Pause, pause_id) if 0 < pause_id < 2**31 else None
    if pause is None:
        abort(404)
    _placement_obj, obj = _placement(pause.placement_id)
    form = _posted("resume", obj)
    return _save("resume", obj, form,
                 lambda f: services.resume_placement(pause, f.ended_on.data), "pause_resume",
                 row=f"pause-{pause.id}")


@bp.route("/people/<int:person_id>/reasons", methods=["POST"])
@roles(*ROLES)
def reason_new(person_id):
    """Record why an able-bodied person is without work."""
    obj = get_or_404(Person, person_id)
    form = _posted("reason", obj)
    return _save("reason", obj, form, lambda f: services.set_not_working_reason(
        obj, f.reason.data, f.since_on.data, current_user), "not_working_reason")


@bp.route("/people/<int:person_id>/payments", methods=["POST"])
@roles(*ROLES)
def payment_new(person_id):
    """Pay out of a person's account."""
    obj = get_or_404(Person, person_id)
    form = _posted("payment", obj)
    return _save("payment", obj, form, lambda f: ledger.pay_out(
        obj, f.paid_on.data, f.amount_kzt.data, f.purpose.data, current_user), "account_payment")


