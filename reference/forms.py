"""Forms for reference data kept by administrators."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from web.forms import CleanForm


class MinimumWageForm(CleanForm):
    """Set the minimum wage of a year."""

    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=1995, max=2100)])
    amount_kzt = IntegerField(_l("Minimum wage, ₸"),
                              validators=[DataRequired(), NumberRange(min=1, max=10_000_000)])


class OccupationForm(CleanForm):
    """Correct an occupation's titles."""

    title_kk = StringField(_l("Title (Kazakh)"), validators=[DataRequired(), Length(max=200)])
    title_ru = StringField(_l("Title (Russian)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
