"""People under probation supervision (служба пробации / пробация қызметі): registering a
person sentenced without custody, passing a released person to probation with their skills
and history, ending a supervision. Functions flush, never commit.

A person is 'on_probation' exactly while they have an open supervision; the supervision
names the region's probation service that keeps the record.
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from extensions import db
from reference.models import ProbationService
from timeutil import STORED_FROM, add_years, today
from web.errors import InputError
from web.formatting import day as format_day

from .models import Person, Supervision
from .services import check_person, record_changes

# Fields the probation service keeps of a client registered directly (no custody dates).
CLIENT_FIELDS = ("file_number", "last_name", "first_name", "patronymic", "iin", "birth_on",
                 "gender", "able_bodied", "disability_group", "education_level",
                 "no_work_with_minors")
# Probation lasts at most this long (the longest term a court may set, with margin).
LONGEST_SUPERVISION_YEARS = 10


def clients_of(service_id):
    """SQL: the ids of the people a probation service has ever supervised."""
    return select(Supervision.person_id).where(Supervision.service_id == service_id)


def open_supervision(person_id):
    """Return the person's supervision that has not ended, or None."""
    return db.session.scalars(select(Supervision).where(
        Supervision.person_id == person_id, Supervision.is_open())).first()


def supervisions_of(person_id):
    """Return a person's supervisions, newest first, with their services."""
    return db.session.scalars(select(Supervision).where(Supervision.person_id == person_id)
                              .order_by(Supervision.started_on.desc())).all()


def supervision_errors(started_on, ends_on, barred_group=None, released_on=None):
    """Return {field: message} for supervision dates or a restriction that cannot be."""
    errors = {}
    if started_on is None:
        errors["started_on"] = _("Enter the date the supervision began.")
    elif started_on > today():
        errors["started_on"] = _("The supervision cannot begin in the future.")
    elif started_on < STORED_FROM:
        errors["started_on"] = _("The supervision cannot begin before %(date)s.",
                                 date=format_day(STORED_FROM))
    elif released_on is not None and started_on < released_on:
        errors["started_on"] = _("The supervision cannot begin before the release (%(date)s).",
                                 date=format_day(released_on))
    if ends_on is None:
        errors["ends_on"] = _("Enter the date the court set for the end of the supervision.")
    elif started_on is not None and "started_on" not in errors:
        if ends_on <= started_on:
            errors["ends_on"] = _("The supervision must end after it begins.")
        elif ends_on > add_years(started_on, LONGEST_SUPERVISION_YEARS):
            errors["ends_on"] = ngettext("A supervision lasts at most %(years)s year (until %(date)s).",
                                         "A supervision lasts at most %(years)s years (until %(date)s).",
                                         LONGEST_SUPERVISION_YEARS, years=LONGEST_SUPERVISION_YEARS,
                                  date=format_day(add_years(started_on,
                                                            LONGEST_SUPERVISION_YEARS)))
    if barred_group and not (len(barred_group) == 2 and barred_group.isdigit()):
        errors["barred_group"] = _("An occupation group is two digits of ISCO-08 (for example 83).")
    return errors


def _service(service_id):
    if db.session.get(ProbationService, service_id) is None:
        raise InputError({"service_id": _("Unknown probation service.")})


def register_client(values, service_id, started_on, ends_on, barred_group=None, note=None):
    """Register a person sentenced without custody as a client of a probation service;
    return the person (on probation, no facility, with an open supervision)."""
    _service(service_id)
    errors = supervision_errors(started_on, ends_on, barred_group)
    try:
        check_person({k: values.get(k) for k in CLIENT_FIELDS})
    except InputError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise InputError(errors)
    person = Person(custody_status="on_probation", facility_id=None,
                    **{k: values.get(k) for k in CLIENT_FIELDS if k in values})
    db.session.add(person)
    db.session.flush()
    db.session.add(Supervision(person_id=person.id, service_id=service_id, kind="non_custodial",
                               started_on=started_on, ends_on=ends_on,
                               barred_group=barred_group or None, restrictions_note=note or None))
    db.session.flush()
    return person


def released_person(file_number):
    """Return the released person with this file number, or None: the only people a
    probation service may take over (nobody in custody, nobody already supervised)."""
    return db.session.scalars(select(Person).where(
        Person.file_number == (file_number or "").strip(),
        Person.custody_status == "released")).first()


def pass_to_probation(person, service_id, started_on, ends_on, user_id, barred_group=None,
                      note=None):
    """Put a released person under a probation service's supervision; their skills, stays
    and placements stay as they are. Return the supervision."""
    _service(service_id)
    if person.custody_status != "released":
        raise InputError({"file_number": _("Only a person released from custody can pass to "
                                           "probation.")})
    errors = supervision_errors(started_on, ends_on, barred_group, person.released_on)
    if errors:
        raise InputError(errors)
    supervision = Supervision(person_id=person.id, service_id=service_id, kind="after_release",
                              started_on=started_on, ends_on=ends_on,
                              barred_group=barred_group or None, restrictions_note=note or None)
    db.session.add(supervision)
    record_changes(person.id, {"custody_status": (person.custody_status, "on_probation")},
                   user_id)
    person.custody_status = "on_probation"
    db.session.flush()
    return supervision


def end_supervision(supervision, on, user_id):
    """End a supervision on a date; the person is then free (released)."""
    if supervision.ended_on is not None:
        raise InputError({"on": _("This supervision has already ended.")})
    if on < supervision.started_on:
        raise InputError({"on": _("The end cannot be before the supervision began (%(date)s).",
                                  date=format_day(supervision.started_on))})
    if on > today():
        raise InputError({"on": _("The date cannot be in the future.")})
    person = supervision.person
    supervision.ended_on = on
    record_changes(person.id, {"custody_status": (person.custody_status, "released")}, user_id)
    person.custody_status = "released"
    db.session.flush()
    return supervision
