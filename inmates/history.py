"""A person's corrections as a user reads them: field labels and values in their language.

The history (PersonChange) keeps column names and plain text values ("yes", ISO dates,
codes, ids), so that it never depends on the language of whoever made the change; this
module turns each row into the form's label and a value formatted for the reader.
"""
from collections import namedtuple
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reference.codes import label
from reference.models import Occupation
from web.formatting import day

from .forms import PersonForm, ReleaseForm, TransferForm
from .services import PERSON_FIELDS

Row = namedtuple("Row", "changed_at field old new reason changed_by")


def _form_label(form, name):
    unbound = getattr(form, name)
    return unbound.args[0] if unbound.args else unbound.kwargs.get("label", name)


# Field name -> label, the same words as the forms that set the field.
LABELS = {
    **{name: _form_label(PersonForm, name) for name in PERSON_FIELDS},
    "facility_id": _form_label(PersonForm, "facility_id"),
    "custody_status": _l("Status"),
    "released_on": _form_label(ReleaseForm, "on"),
    "transferred_on": _form_label(TransferForm, "on"),
    "skills": _l("Skills"),
}
DATES = {"birth_on", "admitted_on", "expected_release_on", "released_on", "transferred_on"}
BOOLEANS = {"able_bodied", "no_work_with_minors", "no_outside_work"}
CODES = {"gender": "genders", "education_level": "education_levels",
         "custody_status": "custody_statuses"}


class _Lookups:
    """Facility and occupation names the rows refer to, loaded in two queries."""

    def __init__(self, changes):
        facility_ids = {int(text) for c in changes if c.field == "facility_id"
                        for text in (c.old_value, c.new_value) if text and text.isdigit()}
        self.facilities = {f.id: f"{f.code} · {f.name}" for f in db.session.scalars(
            select(Facility).where(Facility.id.in_(facility_ids)))} if facility_ids else {}
        codes = {part.split(":")[0].strip() for c in changes
                 if c.field == "skills" or c.field.startswith("skill ")
                 for text in (c.old_value, c.new_value, c.field[6:]) if text
                 for part in text.split(";")}
        self.occupations = {o.code: o.title for o in db.session.scalars(
            select(Occupation).where(Occupation.code.in_(codes)))} if codes else {}


def _skill(text, lookups):
    """Format one skill kept as code:level:years:certified."""
    parts = [part.strip() for part in text.split(":")]
    code = parts[0]
    shown = f"{code} · {lookups.occupations.get(code, code)}"
    if len(parts) < 4 or not parts[2].isdigit():
        return shown
    years = int(parts[2])
    return ", ".join([shown, str(label("skill_levels", parts[1])),
                      ngettext("%(num)d year of experience", "%(num)d years of experience", years),
                      _("certified") if parts[3] == "yes" else _("not certified")])


def value(field, text, lookups):
    """Return a kept value formatted for the reader ("—" for none)."""
    if text is None or text == "":
        return "—"
    if field in DATES:
        try:
            return day(date.fromisoformat(text))
        except ValueError:
            return text
    if field in BOOLEANS:
        return _("Yes") if text == "yes" else _("No")
    if field in CODES:
        return str(label(CODES[field], text))
    if field == "facility_id":
        return lookups.facilities.get(int(text), text) if text.isdigit() else text
    if field == "skills" or field.startswith("skill "):
        return "; ".join(_skill(part, lookups) for part in text.split(";") if part.strip())
    return text


def field_label(field, lookups):
    """Return the label of a changed field in the reader's language."""
    if field.startswith("skill "):
        code = field[6:]
        return _("Skill: %(occupation)s",
                 occupation=f"{code} · {lookups.occupations.get(code, code)}")
    return str(LABELS.get(field, field))


def shown(changes, names):
    """Return the rows of a person's history ready to show; ``names`` maps user ids to the
    names of who made each change."""
    lookups = _Lookups(changes)
    return [Row(c.changed_at, field_label(c.field, lookups), value(c.field, c.old_value, lookups),
                value(c.field, c.new_value, lookups), c.reason, names.get(c.changed_by, "—"))
            for c in changes]
