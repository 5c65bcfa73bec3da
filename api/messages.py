"""marshmallow's and webargs' messages about bad input, in the token user's language.

The libraries refuse a field in English. Every message of a problem's ``errors`` passes
through ``translated``, which finds it in the catalogue below (each msgid is the library's
own text, with the values it fills in written as %(name)s placeholders) and gives it in the
request's language with the same values. A message not listed (one of ours, already
translated) is left as it is. tests/api/test_messages.py holds the catalogue to the texts
the installed libraries write.
"""
import re

from flask_babel import gettext


def N_(message):
    """Mark a message for extraction; it is translated when it is shown."""
    return message


LIBRARY_MESSAGES = (
    # marshmallow's fields and schemas
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid list."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid mapping type."),
    # marshmallow's validators
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be one of: %(choices)s."),
    N_("String does not match expected pattern."),
    # webargs
    N_("Invalid JSON body."),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid):
    """Return the regular expression of the texts a msgid stands for."""
    parts = _PLACEHOLDER.split(msgid)  # literal, name, literal, name, ..., literal
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)), re.DOTALL)


# The most specific first: "... %(min)s and ... %(max)s." before "... %(min)s.".
_PATTERNS = sorted(((msgid, _pattern(msgid)) for msgid in LIBRARY_MESSAGES),
                   key=lambda item: -len(_PLACEHOLDER.sub("", item[0])))


def translate(text):
    """Return one library message in the request's language (others as they are)."""
    for msgid, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return gettext(msgid, **found.groupdict())
    return text


def translated(errors):
    """Return the errors of a refused request (nested by location, field, row) translated."""
    if isinstance(errors, dict):
        return {key: translated(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [translated(value) for value in errors]
    if isinstance(errors, str):
        return translate(errors)
    return errors
