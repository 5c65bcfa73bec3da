"""Forms for production spaces."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, FieldList, FormField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from reference.codes import SPACE_KINDS

# Control characters (NUL above all) that PostgreSQL refuses in text and nobody types.
CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def strip_control(value):
    """Remove control characters from submitted text."""
    return value.translate(CONTROL) if isinstance(value, str) else value


class CleanMeta:
    """Form meta that strips control characters from every field's input."""

    def bind_field(self, form, unbound_field, options):
        """Bind a field with the control-character filter added (not to nested forms)."""
        if issubclass(unbound_field.field_class, (FieldList, FormField)):
            return unbound_field.bind(form=form, **options)
        filters = tuple(unbound_field.kwargs.get("filters", ())) + (strip_control,)
        return unbound_field.bind(form=form, filters=filters, **options)


class CleanForm(FlaskForm):
    """A Flask-WTF form whose text never carries control characters."""

    class Meta(CleanMeta):
        pass


class SpaceForm(CleanForm):
    """Describe a production space of a facility."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(SPACE_KINDS.items()))
    area_m2 = DecimalField(_l("Area, m²"), places=1, validators=[
        InputRequired(), NumberRange(min=0.1, max=10_000_000)])
    power_kw = DecimalField(_l("Power, kW"), places=1, validators=[
        Optional(), NumberRange(min=0, max=1_000_000)])
    is_active = BooleanField(_l("In use"), default=True)
