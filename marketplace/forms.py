"""Forms of the marketplace: placing, ending, transferring, requests, sites and wage import."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (DateField, DecimalField, FieldList, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from inmates.corrections import MAX_REASON
from reference.codes import CHOSEN_END_REASONS, END_REASONS, SPACE_KINDS
from reference.services import search_occupations
from tabular import UPLOAD_ACCEPT, UPLOAD_KINDS
from timeutil import today
from web.forms import CleanForm


MAX_SITE_OCCUPATIONS = 10


class PlaceForm(CleanForm):
    """Place one person from a candidate row."""

    person_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])
    started_on = DateField(_l("Start date"), default=today, validators=[DataRequired()])
    mode = HiddenField()


class LineFillForm(CleanForm):
    """The start date of the proposals accepted for one line's free places."""

    started_on = DateField(_l("Start date"), default=today, validators=[DataRequired()])


class EndForm(CleanForm):
    """End a placement with a reason and date."""

    reason = SelectField(_l("Reason"), choices=list(CHOSEN_END_REASONS.items()),
                         validators=[DataRequired()])
    ended_on = DateField(_l("End date"), default=today, validators=[DataRequired()])


class PlacementCorrectionForm(CleanForm):
    """Correct the end of a placement entered by mistake: its date and reason, or reopen it;
    always with a reason for the correction."""

    action = RadioField(_l("Correction"), default="end", validators=[InputRequired()],
                        choices=[("end", _l("Change the end date or reason")),
                                 ("reopen", _l("Reopen: the placement did not end"))])
    ended_on = DateField(_l("End date"), validators=[Optional()])
    end_reason = SelectField(_l("Reason"), choices=list(END_REASONS.items()))
    reason = TextAreaField(_l("Reason for the correction"), validators=[
        DataRequired(message=_l("Give the reason for the correction.")),
        Length(max=MAX_REASON)])


class TransferForm(CleanForm):
    """Move a person to another line: the current placement ends, the new one starts."""

    line_id = SelectField(_l("New line"), coerce=int, validators=[InputRequired()])
    started_on = DateField(_l("Start date"), default=today, validators=[DataRequired()])


class RequestForm(CleanForm):
    """An owner's request for one pseudonymous candidate."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{20}$")])


class DecideForm(CleanForm):
    """The inspector's decision on a candidate request."""

    started_on = DateField(_l("Start date"), default=today, validators=[Optional()])
    reason = TextAreaField(_l("Reason for declining"), validators=[Optional(), Length(max=500)])


class SitesForm(CleanForm):
    """A planned line to find a site for (read from the query string)."""

    class Meta:
        csrf = False

    # The same search picker as the line form; typed words or codes are accepted too.
    occupation = FieldList(SelectField(_l("Occupation"), validate_choice=False,
                                       render_kw={"data-occupation-picker": "1"}),
                           min_entries=3, max_entries=MAX_SITE_OCCUPATIONS)
    occupations = StringField(_l("Or type occupations: words or codes, comma separated"),
                              validators=[Optional(), Length(max=300)])
    headcount = IntegerField(_l("Headcount"), validators=[DataRequired(), NumberRange(1, 2000)])
    area_m2 = DecimalField(_l("Area, m²"), places=1,
                           validators=[DataRequired(), NumberRange(1, 1_000_000)])
    kind = SelectField(_l("Kind of space"), choices=list(SPACE_KINDS.items()),
                       validators=[DataRequired()])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])

    def validate(self, extra_validators=None):
        """Validate the fields, then resolve the picked and typed occupations to codes."""
        valid = super().validate(extra_validators)
        if self.occupations.errors:
            return False
        found = {code for code in (self.occupation.data or []) if code}
        if any(not (code.isascii() and code.isdigit() and len(code) == 4) for code in found):
            self.occupations.errors.append(_("Choose the occupations from the list."))
            return False
        for term in (t.strip() for t in (self.occupations.data or "").split(",")):
            if not term:
                continue
            matches = [o.code for o in search_occupations(term, limit=MAX_SITE_OCCUPATIONS)]
            if not matches:
                self.occupations.errors.append(_("No occupation matches “%(term)s”.", term=term))
                return False
            found.update(matches)
        if not found:
            self.occupations.errors.append(_("Choose or type at least one occupation."))
            return False
        self._codes = sorted(found)[:MAX_SITE_OCCUPATIONS]
        return valid

    def codes(self):
        """Return the occupation codes chosen or typed (after validation)."""
        return getattr(self, "_codes", [])


class WageImportForm(CleanForm):
    """Upload a wage sheet for one line and month."""

    file = FileField(_l("File (XLSX, XLS, ODS or CSV)"),
                     validators=[FileRequired(), FileAllowed(
                         UPLOAD_KINDS, _l("Upload an XLSX, XLS, ODS or CSV file."))],
                     render_kw={"accept": UPLOAD_ACCEPT})
