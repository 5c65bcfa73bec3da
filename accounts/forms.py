"""Login, profile, user administration and audit filter forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from reference.codes import AUDIT_ACTIONS, ROLES
from timeutil import EARLIEST_ON, latest_on
from web.forms import CleanForm, DateWithin

LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


class LoginForm(CleanForm):
    """Log in with login and password."""

    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LanguageForm(CleanForm):
    """Switch the interface language."""

    lang = SelectField(_l("Language"), choices=LANGUAGES)


class NewPasswordMixin:
    """A new password typed twice."""

    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))])


class ProfileForm(CleanForm):
    """Change one's own interface language; role and scope are not fields here at all."""

    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGES)


class TokenForm(CleanForm):
    """Make a personal API token."""

    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=80)])
    read_only = BooleanField(_l("Read only: the token may read, not write"))


class OwnPasswordForm(NewPasswordMixin, CleanForm):
    """Change one's own password, proving the current one."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)])


class ResetPasswordForm(NewPasswordMixin, CleanForm):
    """Set a new password for another user."""


def _optional_int(value):
    """Coerce a select's value to an id, or None for the empty choice."""
    return int(value) if value not in (None, "", "None") else None


class UserForm(CleanForm):
    """Role, scope, name and language of a user (administrators only)."""

    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(key, label) for key, label in ROLES.items()])
    facility_id = SelectField(_l("Facility (inspectors)"), coerce=_optional_int)
    enterprise_bin = StringField(_l("Enterprise BIN (business owners)"), validators=[
        Optional(), Regexp(r"^\d{12}$", message=_l("A BIN has 12 digits."))])
    region_id = SelectField(_l("Region (analysts; empty for the whole country)"),
                            coerce=_optional_int)
    probation_service_id = SelectField(_l("Probation service (probation officers)"),
                                       coerce=_optional_int)
    language = SelectField(_l("Language"), choices=LANGUAGES)


class NewUserForm(NewPasswordMixin, UserForm):
    """A new user: login and first password besides role and scope."""

    login = StringField(_l("Login"), validators=[
        DataRequired(), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use Latin letters, digits, dots, dashes "
                                                   "and underscores."))])


class AuditFilterForm(CleanForm):
    """Filters of the audit log (read from the query string)."""

    class Meta:
        csrf = False

    login = StringField(_l("User"), validators=[Optional(), Length(max=60)])
    action = SelectField(_l("Action"), choices=[("", _l("Any")), *AUDIT_ACTIONS.items()],
                         validators=[Optional()])
    entity = StringField(_l("Record type"), validators=[Optional(), Length(max=40)])
    # Outside the range a date is refused next to its field and ignored (never a 500 from
    # year 9999 plus a day).
    date_from = DateField(_l("From"), validators=[Optional(), DateWithin(EARLIEST_ON, latest_on)])
    date_to = DateField(_l("To"), validators=[Optional(), DateWithin(EARLIEST_ON, latest_on)])
