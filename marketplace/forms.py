"""Forms of the marketplace: placing, ending, transferring, requests, sites and wage import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from inmates.corrections import MAX_REASON
from reference.codes import END_REASONS, SPACE_KINDS
from timeutil import today
from web.forms import CleanForm


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

    reason = SelectField(_l("Reason"), choices=list(END_REASONS.items()),
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

    occupations = StringField(_l("Occupations (ISCO-08 codes, comma separated)"),
                              validators=[DataRequired(), Regexp(r"^\s*\d{4}(\s*,\s*\d{4}){0,9}\s*$",
                                                                 message=_l("Enter 4-digit codes separated by commas."))])
    headcount = IntegerField(_l("Headcount"), validators=[DataRequired(), NumberRange(1, 2000)])
    area_m2 = DecimalField(_l("Area, m²"), places=1,
                           validators=[DataRequired(), NumberRange(1, 1_000_000)])
    kind = SelectField(_l("Kind of space"), choices=list(SPACE_KINDS.items()),
                       validators=[DataRequired()])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])

    def codes(self):
        """Return the occupation codes entered."""
        return sorted({code.strip() for code in (self.occupations.data or "").split(",")
                       if code.strip()})


class WageImportForm(CleanForm):
    """Upload a wage sheet for one line and month."""

    file = FileField(_l("File (XLSX or CSV)"),
                     validators=[FileRequired(), FileAllowed(["xlsx", "csv"],
                                                             _l("Upload an XLSX or CSV file."))])
