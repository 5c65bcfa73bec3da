"""Login and profile forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Log in with login and password."""

    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LanguageForm(FlaskForm):
    """Switch the interface language."""

    lang = SelectField(_l("Language"), choices=[("kk", "Қазақша"), ("ru", "Русский"),
                                                ("en", "English")])
