"""Forms for production spaces."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from reference.codes import SPACE_KINDS
from web.forms import CleanForm


class SpaceForm(CleanForm):
    """Describe a production space of a facility."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(SPACE_KINDS.items()))
    area_m2 = DecimalField(_l("Area, m²"), places=1, validators=[
        InputRequired(), NumberRange(min=0.1, max=10_000_000)])
    power_kw = DecimalField(_l("Power, kW"), places=1, validators=[
        Optional(), NumberRange(min=0, max=1_000_000)])
    is_active = BooleanField(_l("In use"), default=True)
