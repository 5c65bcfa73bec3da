"""Consent, safety briefings, injuries and pauses: each rule has its home here.

Services take plain values or models, flush and never commit; they raise
``web.errors.InputError`` ({field: message}) and write nothing when a rule refuses.
"""
import os
import uuid
from contextlib import contextmanager, suppress

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, exists, or_, select, true

from accounts.models import AuditEvent
from enterprises.lines import lock_line
from extensions import db
from marketplace.models import Placement
from marketplace.placements import end_date_errors, end_placement
from timeutil import covers, not_yet, today
from web.errors import InputError
from web.formatting import day as format_day

from .models import AccountPayment, Consent, Injury, NotWorkingReason, Pause, SafetyBriefing

# Content magic: a scanned consent is a PDF or a JPEG, whatever its name says.
DOCUMENT_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg"}
DOCUMENT_FOLDER = "consents"
WRITTEN_DOCUMENTS = "compliance.documents_written"  # the session's info: this transaction's files

# The audit entities of a person's compliance records (compliance/views.py writes them).
AUDITED = {
    "consent": _l("Consent recorded"),
    "consent_withdrawal": _l("Consent withdrawn"),
    "safety_briefing": _l("Safety briefing recorded"),
    "injury": _l("Injury recorded"),
    "pause": _l("Placement paused"),
    "pause_resume": _l("Placement resumed"),
    "not_working_reason": _l("Reason for not working recorded"),
    "account_payment": _l("Payment out of the account recorded"),
}


def needs_consent(line):
    """Say whether work on a line needs the person's consent first: an SME's line or an
    outside line (facility services and state branches record it when the inspector
    chooses)."""
    return line.enterprise.kind == "sme" or line.is_outside


def consent_in_force(person_id, line_id, day):
    """SQL: a consent of the person to the line's work in force on ``day``."""
    return exists().where(Consent.person_id == person_id, Consent.line_id == line_id,
                          covers(Consent.taken_on, Consent.withdrawn_on, day))


def consent_refusal(person_id, line, started_on):
    """Return why a placement on ``line`` from ``started_on`` cannot start for lack of
    consent, or None (the start-placement rule asks this through a signal)."""
    if not needs_consent(line):
        return None
    if db.session.scalar(select(consent_in_force(person_id, line.id, started_on))):
        return None
    return _("Work for a business or outside the facility needs the person's consent, "
             "recorded on or before %(date)s: record it on the person's page first.",
             date=format_day(started_on))


def briefed():
    """SQL: the placement's person was briefed on safety for its line on or before its first
    day (the one home of "a placement has a briefing")."""
    return exists().where(SafetyBriefing.person_id == Placement.person_id,
                          SafetyBriefing.line_id == Placement.line_id,
                          SafetyBriefing.briefed_on <= Placement.started_on)


def _holding(person_id, line_id):
    return db.session.scalars(select(Placement).where(
        Placement.person_id == person_id, Placement.line_id == line_id,
        Placement.holds_place())).first()


def document_type(content):
    """Return the MIME type of a scanned document by its content, or None if not allowed."""
    return next((kind for magic, kind in DOCUMENT_TYPES.items() if content.startswith(magic)),
                None)


def _store_document(content):
    """Check a scanned document and keep it under the instance folder; return (name, type)."""
    if len(content) > current_app.config.get("CONSENT_DOCUMENT_MAX_BYTES", 2 * 1024 * 1024):
        raise InputError({"document": _("The document is larger than %(mb)s MB.",
                                        mb=current_app.config.get(
                                            "CONSENT_DOCUMENT_MAX_BYTES",
                                            2 * 1024 * 1024) // (1024 * 1024))})
    kind = document_type(content)
    if kind is None:
        raise InputError({"document": _("The document must be a PDF or a JPEG scan.")})
    name = uuid.uuid4().hex + (".pdf" if kind == "application/pdf" else ".jpg")
    folder = document_folder()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    db.session.info.setdefault(WRITTEN_DOCUMENTS, []).append(path)
    with open(path, "wb") as handle:
        handle.write(content)
    return name, kind


@contextmanager
def documents_kept_on_commit():
    """Keep the scanned documents written inside the block only if the block ends: one that
    raises (a refused form, a failed commit, an outage) removes them again, so no document
    stays on disk without the record that names it. The block ends with the commit."""
    db.session.info.pop(WRITTEN_DOCUMENTS, None)
    try:
        yield
    except BaseException:
        for path in db.session.info.pop(WRITTEN_DOCUMENTS, ()):
            with suppress(OSError):
                os.remove(path)
        raise
    db.session.info.pop(WRITTEN_DOCUMENTS, None)


def document_folder():
    """Return the folder scanned consents are kept in: under instance/, outside the web root."""
    return os.path.join(current_app.instance_path, DOCUMENT_FOLDER)


def record_consent(person, line, taken_on, taken_by, user, late=False, content=None):
    """Record a person's consent to a line's work; return it.

    A consent dated after a placement on the line started is refused unless entered as a
    late record, which stays flagged.
    """
    errors = {}
    if taken_on > today():
        errors["taken_on"] = _("The consent cannot be dated in the future.")
    current = _holding(person.id, line.id)
    if current is not None and taken_on > current.started_on and not late:
        errors["taken_on"] = _(
            "The placement on this line started on %(date)s, before this consent: tick "
            "\"late record\" to enter it as one.", date=format_day(current.started_on))
    if not (taken_by or "").strip():
        errors["taken_by"] = _("Say who took the consent.")
    if errors:
        raise InputError(errors)
    name = kind = None
    if content:
        name, kind = _store_document(content)
    consent = Consent(person_id=person.id, line_id=line.id, taken_on=taken_on,
                      taken_by=taken_by.strip(), late=bool(late and current is not None and
                                                             taken_on > current.started_on),
                      document_name=name, document_type=kind, entered_by_id=user.id)
    db.session.add(consent)
    db.session.flush()
    return consent


def withdraw_consent(consent, withdrawn_on):
    """Withdraw a consent on a day; the person's placement on the line ends that day with
    the reason "consent withdrawn". Return the placement ended, or None."""
    if consent.withdrawn_on is not None:
        raise InputError({"withdrawn_on": _("This consent is already withdrawn.")})
    if withdrawn_on < consent.taken_on:
        raise InputError({"withdrawn_on": _("Consent cannot be withdrawn before it was "
                                            "taken (%(date)s).",
                                            date=format_day(consent.taken_on))})
    placement = _holding(consent.person_id, consent.line_id)
    if placement is not None:
        errors = end_date_errors(placement, withdrawn_on)
        if errors:
            raise InputError({"withdrawn_on": errors["ended_on"]})
        end_placement(placement, withdrawn_on, "withdrawn")
    elif withdrawn_on > today():
        raise InputError({"withdrawn_on": _("The date cannot be in the future.")})
    consent.withdrawn_on = withdrawn_on
    db.session.flush()
    return placement


def record_briefing(person, line, briefed_on, briefed_by, kind_of_work, user):
    """Record a safety briefing of a person for a line's work; return it."""
    errors = {}
    if briefed_on > today():
        errors["briefed_on"] = _("The briefing cannot be dated in the future.")
    if not (briefed_by or "").strip():
        errors["briefed_by"] = _("Say who gave the briefing.")
    if not (kind_of_work or "").strip():
        errors["kind_of_work"] = _("Say what kind of work the briefing covered.")
    if errors:
        raise InputError(errors)
    briefing = SafetyBriefing(person_id=person.id, line_id=line.id, briefed_on=briefed_on,
                              briefed_by=briefed_by.strip(), kind_of_work=kind_of_work.strip(),
                              entered_by_id=user.id)
    db.session.add(briefing)
    db.session.flush()
    return briefing


def within_placement(placement, day):
    """Say whether ``day`` lies within the placement (from its start, before its end)."""
    return placement.active_on(day)


def record_injury(placement, occurred_on, severity, days_lost, cause, measures, user):
    """Record an injury at work on a placement, dated within it and not in the future."""
    if occurred_on > today():
        raise InputError({"occurred_on": _("The injury cannot be dated in the future.")})
    if not within_placement(placement, occurred_on):
        raise InputError({"occurred_on": _(
            "The injury must be dated within the placement, from %(start)s%(end)s.",
            start=format_day(placement.started_on),
            end="" if placement.holds_place()
            else _(" to before %(date)s", date=format_day(placement.ended_on)))})
    injury = Injury(placement_id=placement.id, occurred_on=occurred_on, severity=severity,
                    days_lost=days_lost, cause=cause.strip(), measures=measures.strip(),
                    entered_by_id=user.id)
    db.session.add(injury)
    db.session.flush()
    return injury


def pause_placement(placement, kind, started_on, user, ended_on=None):
    """Pause a placement from a day (and, for a past pause, up to a day); return the pause.

    The placement keeps its place. The line's lock is taken before the overlap check, so two
    pauses entered at the same moment queue up and the second sees the first.
    """
    lock_line(placement.line_id)
    errors = {}
    if not within_placement(placement, started_on):
        errors["started_on"] = _("The pause must start within the placement (from %(date)s).",
                                 date=format_day(placement.started_on))
    elif started_on > today():
        errors["started_on"] = _("A pause is entered from a day that has come.")
    elif ended_on is not None and ended_on <= started_on:
        errors["ended_on"] = _("The pause must end after it starts.")
    else:
        # [started_on, ended_on) meets an existing [from, to): open ends reach forever.
        clash = db.session.scalars(select(Pause).where(
            Pause.placement_id == placement.id,
            or_(Pause.ended_on.is_(None), Pause.ended_on > started_on),
            true() if ended_on is None else Pause.started_on < ended_on)).first()
        if clash is not None:
            errors["started_on"] = _("This pause overlaps another, from %(date)s.",
                                     date=format_day(clash.started_on))
    if errors:
        raise InputError(errors)
    pause = Pause(placement_id=placement.id, kind=kind, started_on=started_on,
                  ended_on=ended_on, entered_by_id=user.id)
    db.session.add(pause)
    db.session.flush()
    return pause


def resume_placement(pause, ended_on):
    """End a pause: the person works again from ``ended_on``."""
    if pause.ended_on is not None:
        raise InputError({"ended_on": _("This pause has already ended.")})
    if ended_on <= pause.started_on:
        raise InputError({"ended_on": _("Work resumes after the pause starts (%(date)s).",
                                        date=format_day(pause.started_on))})
    if not_yet(ended_on):
        raise InputError({"ended_on": _("Work resumes on a day that has come.")})
    pause.ended_on = ended_on
    db.session.flush()
    return pause


def set_not_working_reason(person, reason, since_on, user):
    """Record why an able-bodied person is without work, from a day; return the record."""
    if since_on > today():
        raise InputError({"since_on": _("The date cannot be in the future.")})
    row = NotWorkingReason(person_id=person.id, reason=reason, since_on=since_on,
                           entered_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def records_of(person_id):
    """Return the person's consents, briefings, injuries, pauses and reasons, newest first."""
    placements = select(Placement.id).where(Placement.person_id == person_id)
    return {
        "consents": db.session.scalars(select(Consent).where(Consent.person_id == person_id)
                                       .order_by(Consent.taken_on.desc(), Consent.id.desc())).all(),
        "briefings": db.session.scalars(
            select(SafetyBriefing).where(SafetyBriefing.person_id == person_id)
            .order_by(SafetyBriefing.briefed_on.desc())).all(),
        "injuries": db.session.scalars(
            select(Injury).where(Injury.placement_id.in_(placements))
            .order_by(Injury.occurred_on.desc())).all(),
        "pauses": db.session.scalars(
            select(Pause).where(Pause.placement_id.in_(placements))
            .order_by(Pause.started_on.desc())).all(),
        "reasons": db.session.scalars(
            select(NotWorkingReason).where(NotWorkingReason.person_id == person_id)
            .order_by(NotWorkingReason.since_on.desc(), NotWorkingReason.id.desc())).all(),
    }


def briefing_missing(placement):
    """Say whether a loaded placement lacks a safety briefing before its first day."""
    return not db.session.scalar(select(briefed()).select_from(Placement)
                                 .where(Placement.id == placement.id))


def audit_of(person_id, limit=100):
    """Return the audit events of the person's compliance records, newest first: who
    recorded, withdrew, paused or paid what, and when (one query)."""
    placements = select(Placement.id).where(Placement.person_id == person_id)
    ids = {
        "consent": (Consent.id, Consent.person_id == person_id),
        "safety_briefing": (SafetyBriefing.id, SafetyBriefing.person_id == person_id),
        "injury": (Injury.id, Injury.placement_id.in_(placements)),
        "pause": (Pause.id, Pause.placement_id.in_(placements)),
        "not_working_reason": (NotWorkingReason.id, NotWorkingReason.person_id == person_id),
        "account_payment": (AccountPayment.id, AccountPayment.person_id == person_id),
    }
    ids["consent_withdrawal"], ids["pause_resume"] = ids["consent"], ids["pause"]
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.outcome == "ok", or_(*(and_(
            AuditEvent.entity == entity,
            AuditEvent.entity_id.in_(select(cast(column, String(40))).where(condition)))
            for entity, (column, condition) in ids.items())))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()
