"""Domain functions for people, their skills, release and transfer; they flush, never commit."""
import hashlib
import hmac
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, true

from extensions import db
from facilities.models import Facility
from reference.identifiers import iin_birth_and_gender, is_valid_number
from reference.models import Occupation
from timeutil import STORED_FROM, add_years, months_between, not_yet, today, utcnow
from web.errors import InputError
from web.formatting import day as format_day

from .models import Person, PersonChange, Skill, Stay, Supervision
from .signals import person_leaving


def pseudonym(person_id, line_id):
    """Return a stable pseudonym for a person seen from one line, different for every line."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{person_id}:{line_id}".encode(), hashlib.sha256).hexdigest()
    return "К-" + digest[:6].upper()


def pseudonymous_profile(person, line_id, on=None):
    """Return what a business owner may see of a candidate: pseudonym, skills, months left.

    Nothing else leaves this function: no name, file number, IIN, birth date, gender,
    restrictions or facility history (DESIGN.md section 6).
    """
    on = on or today()
    return {
        "pseudonym": pseudonym(person.id, line_id),
        "skills": [{"occupation_code": s.occupation_code,
                    "occupation": s.occupation.title if s.occupation else s.occupation_code,
                    "level": s.level,
                    "years_experience": s.years_experience,
                    "certified": bool(s.certified)} for s in person.skills],
        "months_available": max(0, months_between(on, term_end_on(person) or on)),
    }


def term_end_on(person):
    """Return the end of a person's term: the expected release while in custody, the court's
    end of the open supervision while on probation, None for a person free of both."""
    if person.custody_status == "in_custody":
        return person.expected_release_on
    return db.session.scalar(select(Supervision.ends_on).where(
        Supervision.person_id == person.id, Supervision.is_open()))


# --- Person records -----------------------------------------------------------------------

# Fields a person form or an import row may set; facility and custody change only through
# admission (create), release and transfer.
PERSON_FIELDS = ("file_number", "last_name", "first_name", "patronymic", "iin", "birth_on",
                 "gender", "admitted_on", "expected_release_on", "able_bodied",
                 "disability_group", "education_level", "no_work_with_minors", "no_outside_work")


def as_text(value):
    """Return a value as it is kept in the change history."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def iin_errors(iin, birth_on, gender):
    """Return a message if an IIN's check digit is wrong or it disagrees with birth and gender."""
    if not iin:
        return None
    encoded = iin_birth_and_gender(iin)  # checks the digits too: one pass for a good IIN
    if encoded is None:
        if not is_valid_number(iin):
            return _("The IIN must be 12 digits with a correct check digit.")
        return _("The IIN does not encode a real birth date.")
    born, sex = encoded
    if birth_on is not None and born != birth_on:
        return _("The IIN encodes the birth date %(date)s, not the one given.", date=born.isoformat())
    if gender and sex != gender:
        return _("The IIN encodes the other gender.")
    return None


# What a person's dates can be. Criminal responsibility starts at 14 for grave crimes
# (Criminal Code of the Republic of Kazakhstan, article 15); nobody is admitted past 100.
# The longest fixed term, with sentences added together, stays under 30 years; a life
# sentence is entered with its earliest parole date. Admission starts the stay, whose dates
# the database keeps from timeutil.STORED_FROM on.
BORN_FROM = date(1900, 1, 1)
AGE_AT_ADMISSION = (14, 100)
LONGEST_STAY_YEARS = 30


def date_errors(birth, admitted, release, now=None):
    """Return {field: message} for a birth, admission or expected release that cannot be;
    ``now`` is today's date (given once by a caller checking many rows)."""
    errors = {}
    now = now or today()
    youngest, oldest = AGE_AT_ADMISSION
    if birth and birth > now:
        errors["birth_on"] = _("The birth date cannot be in the future.")
    elif birth and birth < BORN_FROM:
        errors["birth_on"] = _("The birth date cannot be before %(date)s.",
                               date=format_day(BORN_FROM))
    if admitted and admitted > now:
        errors["admitted_on"] = _("The admission date cannot be in the future.")
    elif admitted and admitted < STORED_FROM:
        errors["admitted_on"] = _("The admission date cannot be before %(date)s.",
                                  date=format_day(STORED_FROM))
    elif birth and admitted and admitted <= birth:
        errors["admitted_on"] = _("Admission must come after the birth date.")
    elif birth and admitted and "birth_on" not in errors and not (
            add_years(birth, youngest) <= admitted < add_years(birth, oldest + 1)):
        errors["birth_on"] = _(
            "With this birth date the person was %(age)s at admission; a person is admitted "
            "at %(youngest)s to %(oldest)s years of age.",
            age=admitted.year - birth.year - ((admitted.month, admitted.day)
                                              < (birth.month, birth.day)),
            youngest=youngest, oldest=oldest)
    if not admitted or "admitted_on" in errors:
        return errors  # an impossible admission says nothing about the release
    if release and release < admitted:
        errors["expected_release_on"] = _("Expected release cannot be before admission.")
    elif release and release > add_years(admitted, LONGEST_STAY_YEARS):
        errors["expected_release_on"] = ngettext(
            "Expected release must be within %(years)s year of admission (by %(date)s).",
            "Expected release must be within %(years)s years of admission (by %(date)s).",
            LONGEST_STAY_YEARS, years=LONGEST_STAY_YEARS, date=format_day(add_years(admitted, LONGEST_STAY_YEARS)))
    return errors


def value_errors(values, now=None):
    """Check a person's values among themselves (no database); return {field: message}.
    ``now`` is today's date, given once by a caller checking many rows."""
    errors = {}
    message = iin_errors(values.get("iin"), values.get("birth_on"), values.get("gender"))
    if message:
        errors["iin"] = message
    errors.update(date_errors(values.get("birth_on"), values.get("admitted_on"),
                              values.get("expected_release_on"), now))
    group = values.get("disability_group")
    if group is not None:
        if values.get("able_bodied", True):
            errors["disability_group"] = _(
                "A disability group is given only to people who are not able-bodied.")
        elif group not in (1, 2, 3):
            errors["disability_group"] = _("The disability group is 1, 2 or 3.")
    return errors


def uniqueness_errors(values, person_id=None):
    """Return {field: message} when the file number or IIN belongs to another person."""
    errors = {}
    others = Person.id != person_id if person_id else true()
    if values.get("file_number") and db.session.scalar(select(Person.id).where(
            Person.file_number == values["file_number"], others)):
        errors["file_number"] = _("Another person already has this file number.")
    if values.get("iin") and db.session.scalar(select(Person.id).where(
            Person.iin == values["iin"], others)):
        errors["iin"] = _("Another person already has this IIN.")
    return errors


def check_person(values, person_id=None):
    """Raise InputError with every field problem of a person's values."""
    errors = {**uniqueness_errors(values, person_id), **value_errors(values)}
    if errors:
        raise InputError(errors)


def record_changes(person_id, changes, user_id, reason=None):
    """Keep the old and new value of each changed field (with the reason for a correction of
    a release or transfer); return the changed field names."""
    now = utcnow()
    db.session.add_all([PersonChange(person_id=person_id, field=name, old_value=as_text(old),
                                     new_value=as_text(new), reason=reason, changed_by=user_id,
                                     changed_at=now)
                        for name, (old, new) in changes.items()])
    return list(changes)


def _apply(person, values):
    changes = {}
    for name in PERSON_FIELDS:
        if name in values and getattr(person, name) != values[name]:
            changes[name] = (getattr(person, name), values[name])
            setattr(person, name, values[name])
    return changes


def create_person(values, facility_id):
    """Admit a new person to a facility, with an open stay; return the person."""
    check_person(values)
    person = Person(facility_id=facility_id, custody_status="in_custody",
                    **{k: values.get(k) for k in PERSON_FIELDS if k in values})
    db.session.add(person)
    db.session.flush()
    db.session.add(Stay(person_id=person.id, facility_id=facility_id, started_on=person.admitted_on))
    db.session.flush()
    return person


def update_person(person, values, user_id):
    """Correct a person's fields, keeping history; return the names of changed fields."""
    check_person(values, person.id)
    admitted = values.get("admitted_on")
    if person.released_on and admitted and admitted > person.released_on:
        raise InputError({"admitted_on": _("Admission cannot be after the release (%(date)s).",
                                           date=format_day(person.released_on))})
    changes = _apply(person, values)
    if "admitted_on" in changes:
        stay = open_stay(person.id)
        first = db.session.scalar(select(func.count(Stay.id)).where(Stay.person_id == person.id))
        if stay is not None and first == 1:
            stay.started_on = person.admitted_on  # the only stay starts on admission
    db.session.flush()
    return record_changes(person.id, changes, user_id)


def open_stay(person_id):
    """Return the person's open stay, if any."""
    return db.session.scalars(select(Stay).where(
        Stay.person_id == person_id, Stay.is_open())).first()


def leaving_day_error(on, started, reason):
    """Return why a person cannot leave a stay begun on ``started`` on day ``on`` (released
    or transferred, by ``reason``), or None: the one rule of a leaving date, as entered and
    as corrected."""
    if on < started:
        return _("The date cannot be before the current stay began (%(date)s).",
                 date=format_day(started))
    if not_yet(on):
        if reason == "transferred":
            return _("The date cannot be in the future: a transfer is recorded on the day it "
                     "happens.")
        # A release still to come is the expected release date, not a release.
        return _("The date cannot be in the future. A release still to come is the expected "
                 "release date on the record.")
    return None


def _check_leaving(person, on, reason):
    if person.custody_status != "in_custody":
        raise InputError({"on": _("This person is no longer in custody.")})
    stay = open_stay(person.id)
    problem = leaving_day_error(on, stay.started_on if stay else person.admitted_on, reason)
    if problem:
        raise InputError({"on": problem})
    return stay


def _leave(person, on, reason):
    """Tell the subscribers (the marketplace) that the person leaves; return what they ended."""
    return [ended for _receiver, ended in person_leaving.send(person, on=on, reason=reason)
            if ended is not None]


def release_person(person, on, user_id):
    """Release a person on a date and close the open stay; the placement ends with it.

    Return what ended besides the stay (the person's placement, if any).
    """
    stay = _check_leaving(person, on, "released")
    if stay is not None:
        stay.ended_on, stay.end_reason = on, "released"
    changes = {"custody_status": (person.custody_status, "released"),
               "released_on": (person.released_on, on)}
    person.custody_status, person.released_on = "released", on
    db.session.flush()
    record_changes(person.id, changes, user_id)
    return _leave(person, on, "released")


def transfer_person(person, facility_id, on, user_id):
    """Move a person to another facility on a date: close this stay, open the next one; the
    placement ends with the stay. Return what ended besides the stay."""
    if facility_id == person.facility_id:
        raise InputError({"facility_id": _("Choose a different facility.")})
    if db.session.get(Facility, facility_id) is None:
        raise InputError({"facility_id": _("Unknown facility.")})
    stay = _check_leaving(person, on, "transferred")
    if stay is not None:
        stay.ended_on, stay.end_reason = on, "transferred"
    changes = {"facility_id": (person.facility_id, facility_id)}
    person.facility_id = facility_id
    db.session.flush()
    db.session.add(Stay(person_id=person.id, facility_id=facility_id, started_on=on))
    db.session.flush()
    record_changes(person.id, changes, user_id)
    return _leave(person, on, "transferred")


# --- Skills -------------------------------------------------------------------------------

def skill_text(skill):
    """Return a skill in the compact import form, e.g. 7533:qualified:4:yes."""
    return f"{skill.occupation_code}:{skill.level}:{skill.years_experience}:" + (
        "yes" if skill.certified else "no")


def save_skill(person, skill, occupation_code, level, years, certified, user_id):
    """Add a skill to a person or change one; return the skill."""
    if db.session.get(Occupation, occupation_code) is None:
        raise InputError({"occupation_code": _("Unknown occupation code.")})
    clash = db.session.scalar(select(Skill.id).where(
        Skill.person_id == person.id, Skill.occupation_code == occupation_code,
        Skill.id != (skill.id if skill else 0)))
    if clash:
        raise InputError({"occupation_code": _("This person already has this occupation.")})
    old = skill_text(skill) if skill else None
    if skill is None:
        skill = Skill(person_id=person.id)
        db.session.add(skill)
    skill.occupation_code, skill.level = occupation_code, level
    skill.years_experience, skill.certified = years, bool(certified)
    db.session.flush()
    if old != skill_text(skill):
        record_changes(person.id, {f"skill {occupation_code}": (old, skill_text(skill))}, user_id)
    return skill


def remove_skill(skill, user_id):
    """Remove a skill from a person, keeping it in the change history."""
    record_changes(skill.person_id, {f"skill {skill.occupation_code}": (skill_text(skill), None)},
                   user_id)
    db.session.delete(skill)
    db.session.flush()


def person_history(person_id):
    """Return a person's corrections, newest first."""
    return db.session.scalars(select(PersonChange).where(PersonChange.person_id == person_id)
                              .order_by(PersonChange.changed_at.desc(), PersonChange.id.desc())
                              ).all()


def stays_of(person_id):
    """Return a person's stays with their facility, newest first."""
    return db.session.execute(select(Stay, Facility).join(Facility, Facility.id == Stay.facility_id)
                              .where(Stay.person_id == person_id)
                              .order_by(Stay.started_on.desc(), Stay.id.desc())).all()
