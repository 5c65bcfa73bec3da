"""Forms for enterprises, leases and production lines."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, DecimalField, FieldList, FormField, HiddenField,
                     IntegerField, PasswordField, SelectField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)
from wtforms.widgets import PasswordInput

from accounts.passwords import password_problems
from reference.codes import ENTERPRISE_KINDS, LINE_CLOSING_REASONS, SKILL_LEVELS
from reference.identifiers import is_valid_number
from timeutil import today
from web.forms import CleanForm, CleanSubform, optional_record_id, record_id

from .models import STATE_PARENTS


def clean_bin(value):
    """Return a BIN with spaces removed."""
    return "".join((value or "").split())


def bin_problem(value):
    """Return the translated reason a BIN is refused, or None when it is valid."""
    value = clean_bin(value)
    if not value.isascii() or not value.isdigit():
        return _("A BIN contains digits only.")
    if len(value) != 12:
        return _("A BIN has exactly 12 digits; this one has %(count)d.", count=len(value))
    if not is_valid_number(value):
        return _("The BIN's check digit does not match. Check the number for a typo.")
    return None


def valid_bin(_form, field):
    """Refuse a BIN that is not 12 digits with a correct check digit."""
    problem = bin_problem(field.data)
    if problem:
        raise ValidationError(problem)
    field.data = clean_bin(field.data)


def good_password(form, field):
    """Refuse a weak password, with the policy's reasons."""
    problems = password_problems(field.data, form.login.data)
    if problems:
        raise ValidationError(" ".join(problems))


PHONE = Regexp(r"^\+?[0-9 ()\-]{6,20}$", message=_l("Enter a phone number, e.g. +7 701 123 45 67."))


class RegistrationForm(CleanForm):
    """Register an SME and its owner's account."""

    name = StringField(_l("Enterprise name"), validators=[DataRequired(), Length(max=200)])
    bin = StringField(_l("BIN"), validators=[DataRequired(), valid_bin])
    region_id = SelectField(_l("Region"), coerce=int, validate_choice=True)
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), PHONE])
    login = StringField(_l("Login"), validators=[
        DataRequired(), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9._-]+$",
               message=_l("Use Latin letters, digits, dot, dash or underscore."))])
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    # A refused registration (a BIN taken, a login in use) keeps the passwords typed: the
    # page is never stored (no-store) and goes back only to the browser that sent them.
    password = PasswordField(_l("Password"), widget=PasswordInput(hide_value=False),
                             validators=[DataRequired(), Length(max=200), good_password])
    password2 = PasswordField(_l("Password again"), widget=PasswordInput(hide_value=False),
                              validators=[DataRequired(), EqualTo(
                                  "password", message=_l("The two passwords differ."))])


class EnterpriseForm(CleanForm):
    """Create an enterprise of any kind (administrators)."""

    kind = SelectField(_l("Kind"), choices=list(ENTERPRISE_KINDS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    bin = StringField(_l("BIN"), validators=[DataRequired(), valid_bin])
    region_id = SelectField(_l("Region"), coerce=int)
    parent = SelectField(_l("Parent state enterprise"),
                         choices=[("", "—")] + list(STATE_PARENTS.items()))
    facility_id = SelectField(_l("Facility"), coerce=lambda v: int(v) if v else None)
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), PHONE])


class DecisionForm(CleanForm):
    """Approve or reject a request, with a reason when rejecting."""

    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                    ("reject", _l("Reject"))])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])

    def validate_reason(self, field):
        """Require a reason for a rejection."""
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for the rejection."))


class LeaseRequestForm(CleanForm):
    """Ask for part or all of a production space."""

    area_m2 = DecimalField(_l("Area, m²"), places=1, validators=[
        InputRequired(), NumberRange(min=0.1, max=10_000_000)])
    starts_on = DateField(_l("Start date"), default=today, validators=[InputRequired()])
    purpose = TextAreaField(_l("Purpose"), validators=[DataRequired(), Length(max=2000)])


class EndForm(CleanForm):
    """End something on a date."""

    ended_on = DateField(_l("End date"), default=today, validators=[InputRequired()])


class OccupationRow(CleanSubform):
    """One required occupation of a line and the minimum level it accepts."""

    code = SelectField(_l("Occupation"), validate_choice=False,
                       render_kw={"data-occupation-picker": "1"})
    min_level = SelectField(_l("Minimum level"), choices=list(SKILL_LEVELS.items()),
                            default="trainee", validate_choice=False)


class LineForm(CleanForm):
    """Create or edit a production line."""

    enterprise_id = SelectField(_l("Enterprise"), coerce=record_id, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    facility_id = SelectField(_l("Site"), coerce=optional_record_id,
                              validate_choice=False)
    region_id = SelectField(_l("Region (for work outside a facility)"),
                            coerce=optional_record_id, validate_choice=False)
    lease_id = SelectField(_l("Lease"), coerce=optional_record_id,
                           validate_choice=False)
    occupations = FieldList(FormField(OccupationRow), min_entries=4, max_entries=12)
    headcount = IntegerField(_l("Headcount"), validators=[InputRequired(),
                                                          NumberRange(min=1, max=10_000)])
    hours_per_week = IntegerField(_l("Hours per week"), default=40, validators=[
        InputRequired(), NumberRange(min=1, max=48)])
    wage_kzt = IntegerField(_l("Monthly wage, ₸"), validators=[
        InputRequired(), NumberRange(min=1, max=100_000_000)])
    min_months_left = IntegerField(_l("Minimum months of sentence left"), default=0, validators=[
        InputRequired(), NumberRange(min=0, max=600)])
    involves_minors = BooleanField(_l("Involves work with minors"))
    outside_work = BooleanField(_l("Outside work"))
    training_provided = BooleanField(_l("Training provided"))
    open_to_probation = BooleanField(_l("Open to people on probation in the region"))
    leavers_within_months = IntegerField(
        _l("Open to people released within this many months"), validators=[
            Optional(), NumberRange(min=1, max=60)])
    publish = BooleanField(_l("Open the line for candidates now"))
    version_id = HiddenField()


class CloseLineForm(CleanForm):
    """Close a line and end its active placements."""

    ended_on = DateField(_l("Closing date"), default=today, validators=[InputRequired()])
    end_reason = SelectField(_l("Reason for ending the placements"),
                             choices=list(LINE_CLOSING_REASONS.items()), default="line_closed")


class LineStatusForm(CleanForm):
    """Open, pause or reopen a line."""

    action = SelectField(choices=[("open", "open"), ("pause", "pause")])
