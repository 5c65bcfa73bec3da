"""Forms for people, their skills, release, transfer and the roster import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from reference.codes import EDUCATION_LEVELS, GENDERS, SKILL_LEVELS
from tabular import UPLOAD_ACCEPT
from web.forms import CleanForm

from .corrections import MAX_REASON
from .services import PERSON_FIELDS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_blank(value):
    value = _strip(value)
    return value or None


class PersonForm(CleanForm):
    """Identity, custody dates, working ability, education and restrictions of a person."""

    facility_id = SelectField(_l("Facility"), coerce=int, validators=[Optional()])
    file_number = StringField(_l("File number"), filters=[_strip],
                              validators=[DataRequired(), Length(max=30)])
    last_name = StringField(_l("Last name"), filters=[_strip], validators=[DataRequired(), Length(max=80)])
    first_name = StringField(_l("First name"), filters=[_strip], validators=[DataRequired(), Length(max=80)])
    patronymic = StringField(_l("Patronymic"), filters=[_none_if_blank],
                             validators=[Optional(), Length(max=80)])
    iin = StringField(_l("IIN"), filters=[_none_if_blank], validators=[
        Optional(), Regexp(r"^\d{12}$", message=_l("The IIN is 12 digits."))])
    birth_on = DateField(_l("Birth date"), validators=[InputRequired()])
    gender = SelectField(_l("Gender"), choices=list(GENDERS.items()))
    admitted_on = DateField(_l("Admitted on"), validators=[InputRequired()])
    expected_release_on = DateField(_l("Expected release"), validators=[InputRequired()])
    able_bodied = BooleanField(_l("Able-bodied"), default=True)
    disability_group = SelectField(_l("Disability group"), coerce=lambda v: int(v) if v else None,
                                   choices=[("", "—"), ("1", "1"), ("2", "2"), ("3", "3")],
                                   validators=[Optional()])
    education_level = SelectField(_l("Education"), choices=list(EDUCATION_LEVELS.items()),
                                  default="general_secondary")
    no_work_with_minors = BooleanField(_l("No work with minors"))
    no_outside_work = BooleanField(_l("No work outside the facility"))

    def values(self):
        """Return the person's fields as entered (facility excluded)."""
        return {name: getattr(self, name).data for name in PERSON_FIELDS}


class SkillForm(CleanForm):
    """One occupation of a person with level, experience and certification."""

    occupation_code = SelectField(_l("Occupation (ISCO-08)"), validators=[DataRequired()])
    level = SelectField(_l("Level"), choices=list(SKILL_LEVELS.items()), default="qualified")
    years_experience = IntegerField(_l("Years of experience"), default=0, validators=[
        InputRequired(), NumberRange(min=0, max=60)])
    certified = BooleanField(_l("Certified"))


class ReleaseForm(CleanForm):
    """The date a person leaves custody."""

    on = DateField(_l("Released on"), validators=[InputRequired()])


class TransferForm(CleanForm):
    """The facility a person moves to and the date."""

    facility_id = SelectField(_l("To facility"), coerce=int, validators=[InputRequired()])
    on = DateField(_l("Transferred on"), validators=[InputRequired()])


class LeavingCorrectionForm(CleanForm):
    """Correct a release or transfer entered by mistake: change its date or undo it, always
    with a reason (the view names the choices and the date after the kind of leaving)."""

    action = RadioField(_l("Correction"), default="date", validators=[InputRequired()])
    on = DateField(_l("Corrected date"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for the correction"), validators=[
        DataRequired(message=_l("Give the reason for the correction.")),
        Length(max=MAX_REASON)])


class ImportForm(CleanForm):
    """An XLSX, XLS, ODS or CSV file of people and skills."""

    file = FileField(_l("Spreadsheet (XLSX, XLS, ODS or CSV)"), validators=[FileRequired()],
                     render_kw={"accept": UPLOAD_ACCEPT})


class ConfirmImportForm(CleanForm):
    """Confirm a previewed upload, kept on the server under a random token."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{20,64}$")])


class SupervisionMixin:
    """The court's supervision: its service (administrators choose it), its dates and the
    restrictions it imposed."""

    service_id = SelectField(_l("Probation service"), coerce=int, validators=[Optional()])
    started_on = DateField(_l("Supervision since"), validators=[InputRequired()])
    ends_on = DateField(_l("Supervision until (set by the court)"), validators=[InputRequired()])
    barred_group = StringField(_l("Barred occupation group (ISCO-08, 2 digits)"),
                               filters=[_none_if_blank], validators=[
                                   Optional(), Regexp(r"^\d{2}$", message=_l(
                                       "An occupation group is two digits of ISCO-08 "
                                       "(for example 83)."))])
    restrictions_note = StringField(_l("Other restrictions set by the court"),
                                    filters=[_none_if_blank], validators=[Optional(), Length(max=500)])


class ClientForm(SupervisionMixin, CleanForm):
    """A person sentenced without custody, registered by the probation service."""

    file_number = StringField(_l("File number"), filters=[_strip],
                              validators=[DataRequired(), Length(max=30)])
    last_name = StringField(_l("Last name"), filters=[_strip], validators=[DataRequired(), Length(max=80)])
    first_name = StringField(_l("First name"), filters=[_strip], validators=[DataRequired(), Length(max=80)])
    patronymic = StringField(_l("Patronymic"), filters=[_none_if_blank],
                             validators=[Optional(), Length(max=80)])
    iin = StringField(_l("IIN"), filters=[_none_if_blank], validators=[
        Optional(), Regexp(r"^\d{12}$", message=_l("The IIN is 12 digits."))])
    birth_on = DateField(_l("Birth date"), validators=[InputRequired()])
    gender = SelectField(_l("Gender"), choices=list(GENDERS.items()))
    able_bodied = BooleanField(_l("Able-bodied"), default=True)
    education_level = SelectField(_l("Education"), choices=list(EDUCATION_LEVELS.items()),
                                  default="general_secondary")
    no_work_with_minors = BooleanField(_l("No work with minors"))
    occupation_code = SelectField(_l("Occupation (ISCO-08)"), validators=[Optional()])
    level = SelectField(_l("Level"), choices=list(SKILL_LEVELS.items()), default="qualified")
    years_experience = IntegerField(_l("Years of experience"), default=0, validators=[
        Optional(), NumberRange(min=0, max=60)])


class PassToProbationForm(SupervisionMixin, CleanForm):
    """A released person passing to the probation service, found by file number."""

    file_number = StringField(_l("File number"), filters=[_strip],
                              validators=[DataRequired(), Length(max=30)])


class EndSupervisionForm(CleanForm):
    """The day a supervision ends."""

    on = DateField(_l("Supervision ended on"), validators=[InputRequired()])
