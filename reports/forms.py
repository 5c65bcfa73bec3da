"""The dashboard's date and scope filter, a GET form whose state lives in the URL."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from reference.codes import ENTERPRISE_KINDS, SECURITY_LEVELS
from timeutil import EARLIEST_ON, latest_on
from web.forms import CleanForm, DateWithin

LANGUAGES = [("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")]
TABLES = ("region", "facility", "security_level", "employer_kind", "gender", "age_band",
          "series", "wages", "probation")


# A date outside these is refused next to its field and the figures fall back to today (or
# to no comparison), so year 0001 or 9999 never moves a figure.
PLAUSIBLE = DateWithin(EARLIEST_ON, latest_on)


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ReportFilterForm(CleanForm):
    """Pick the date, the earlier date to compare with, and the scope."""

    class Meta:
        csrf = False  # a read-only GET form: its state is the shareable URL

    on = DateField(_l("Date"), validators=[Optional(), PLAUSIBLE])
    since = DateField(_l("Compare with"), validators=[Optional(), PLAUSIBLE])
    region = SelectField(_l("Region"), coerce=_int_or_none, validators=[Optional()],
                         validate_choice=True)
    facility = SelectField(_l("Facility"), coerce=_int_or_none, validators=[Optional()],
                           validate_choice=True)
    security_level = SelectField(
        _l("Security level"), validators=[Optional()],
        choices=[("", _l("All security levels"))] + list(SECURITY_LEVELS.items()))
    employer_kind = SelectField(
        _l("Employer kind"), validators=[Optional()],
        choices=[("", _l("All employer kinds"))] + list(ENTERPRISE_KINDS.items()))

    def set_choices(self, regions, facilities):
        """Offer only the regions and facilities the user may choose."""
        self.region.choices = [(None, _l("All regions"))] + [(r.id, r.name) for r in regions]
        self.facility.choices = [(None, _l("All facilities"))] + [
            (f.id, f"{f.code} · {f.name}") for f in facilities]
