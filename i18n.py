"""Helpers for kk/ru/en names carried by reference data."""
from flask_babel import get_locale


def current_language():
    """Return the current UI language code (kk, ru or en)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):
        return "ru"
    return locale.language if locale is not None else "ru"


class Named:
    """Mixin for rows with name_kk/name_ru/name_en columns."""

    @property
    def name(self):
        """Return the name in the current language, falling back to Russian."""
        lang = current_language()
        return getattr(self, f"name_{lang}", None) or self.name_ru
