"""Forms of the compliance records, the norms administrators set and the evidence pack."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from reference.norms import CAP_KINDS, HOURS_CATEGORIES
from timeutil import EARLIEST_ON, latest_on, today
from web.forms import CleanForm, DateWithin, optional_record_id, record_id

from .codes import INJURY_SEVERITIES, NOT_WORKING_REASONS, PAUSE_KINDS

DATES = DateWithin(EARLIEST_ON, latest_on)


class ConsentForm(CleanForm):
    """Record a person's consent to a line's work."""

    line_id = SelectField(_l("Line"), coerce=record_id, validate_choice=False)
    taken_on = DateField(_l("Consent taken on"), default=today, validators=[DataRequired(), DATES])
    taken_by = StringField(_l("Taken by"), validators=[DataRequired(), Length(max=200)])
    late = BooleanField(_l("Late record (entered after the placement started)"))
    document = FileField(_l("Scanned document (PDF or JPEG, optional)"))


class WithdrawForm(CleanForm):
    """Withdraw a consent on a day."""

    withdrawn_on = DateField(_l("Withdrawn on"), default=today, validators=[DataRequired(), DATES])


class BriefingForm(CleanForm):
    """Record a safety briefing for a line's work."""

    # The person's page holds this form beside the consent form, whose line is "line_id".
    line_id = SelectField(_l("Line"), coerce=record_id, validate_choice=False,
                          id="briefing-line_id")
    briefed_on = DateField(_l("Briefed on"), default=today, validators=[DataRequired(), DATES])
    briefed_by = StringField(_l("Briefed by"), validators=[DataRequired(), Length(max=200)])
    kind_of_work = StringField(_l("Kind of work"), validators=[DataRequired(), Length(max=200)])


class InjuryForm(CleanForm):
    """Record an injury at work on a placement."""

    occurred_on = DateField(_l("Date of the injury"), validators=[DataRequired(), DATES])
    severity = SelectField(_l("Severity"), choices=list(INJURY_SEVERITIES.items()))
    days_lost = IntegerField(_l("Days lost"), default=0,
                             validators=[InputRequired(), NumberRange(min=0, max=366)])
    cause = StringField(_l("Cause"), validators=[DataRequired(), Length(max=500)])
    measures = StringField(_l("Measures taken"), validators=[DataRequired(), Length(max=500)])


class PauseForm(CleanForm):
    """Pause a placement."""

    kind = SelectField(_l("Kind of pause"), choices=list(PAUSE_KINDS.items()))
    started_on = DateField(_l("Paused from"), default=today, validators=[DataRequired(), DATES])
    ended_on = DateField(_l("Resumed on (for a past pause)"), validators=[Optional(), DATES])


class ResumeForm(CleanForm):
    """Resume a paused placement."""

    ended_on = DateField(_l("Resumed on"), default=today, validators=[DataRequired(), DATES])


class ReasonForm(CleanForm):
    """Record why an able-bodied person is without work."""

    reason = SelectField(_l("Reason for not working"), choices=list(NOT_WORKING_REASONS.items()))
    since_on = DateField(_l("Since"), default=today, validators=[DataRequired(), DATES])


class PaymentForm(CleanForm):
    """Pay out of a personal account."""

    paid_on = DateField(_l("Paid on"), default=today, validators=[DataRequired(), DATES])
    amount_kzt = IntegerField(_l("Amount, ₸"), validators=[InputRequired(),
                                                           NumberRange(min=1, max=100_000_000)])
    purpose = StringField(_l("Purpose"), validators=[DataRequired(), Length(max=200)])


class CapForm(CleanForm):
    """Set a deduction cap from a day."""

    kind = SelectField(_l("Deduction"), choices=list(CAP_KINDS.items()))
    percent = IntegerField(_l("Cap, percent of accrued pay"), validators=[InputRequired(),
                                                                NumberRange(min=0, max=100)])
    effective_on = DateField(_l("Effective from"), validators=[DataRequired(), DATES])


class HoursForm(CleanForm):
    """Set the statutory working week of a category from a year."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    category = SelectField(_l("Category"), choices=list(HOURS_CATEGORIES.items()))
    hours_per_week = IntegerField(_l("Hours per week"), validators=[InputRequired(),
                                                                    NumberRange(min=1, max=48)])


class SavingsForm(CleanForm):
    """Set the release savings share from a day."""

    percent = IntegerField(_l("Share kept for release, %"), validators=[
        InputRequired(), NumberRange(min=0, max=100)])
    effective_on = DateField(_l("Effective from"), validators=[DataRequired(), DATES])


class EvidenceForm(CleanForm):
    """Choose the employer or facility, the period and the language of an evidence pack."""

    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_record_id, validate_choice=False)
    facility_id = SelectField(_l("Facility"), coerce=optional_record_id, validate_choice=False)
    first_on = DateField(_l("From"), validators=[DataRequired(), DATES])
    last_on = DateField(_l("To"), validators=[DataRequired(), DATES])
    lang = SelectField(_l("Language of the summary"), choices=[("kk", "Қазақша"),
                                                              ("ru", "Русский")])


class FiguresForm(CleanForm):
    """Choose the period of the compliance figures (a GET form: its state is the URL)."""

    class Meta:
        csrf = False

    first_on = DateField(_l("From"), validators=[Optional(), DATES])
    last_on = DateField(_l("To"), validators=[Optional(), DATES])
