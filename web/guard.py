"""Guards of the raw request, before any view reads it.

Route ids are bounded by the converter: ``<int:...>`` beyond an INTEGER column answers 404,
as for an id that exists nowhere, instead of reaching the database. A NUL, another control
character or an unpaired surrogate in the address, in a query-string key or value, or in a
form key answers 400 with the translated error page: nobody types them, PostgreSQL refuses
NUL in text, and not every view reads its arguments through a form. Form values are left to
the forms, which refuse them with a message next to the field (web.forms).

A query-string key that ``url_for`` reads as its own (``endpoint``, ``_external``, ``_scheme``,
``_anchor``, ``_method``) answers 400 too: the pagers and sort links build their links from
the request's arguments, where such a key would break the page or point its links elsewhere.
"""
from flask import request
from werkzeug.routing import IntegerConverter

from .errors import ReservedParameter, UnreadableInput
from .forms import MAX_INT, has_control


URL_FOR_KEYS = frozenset({"endpoint", "_anchor", "_method", "_scheme", "_external"})


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an INTEGER column holds; larger numbers match no route."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_unreadable_input():
    """Answer 400 when the address, the query string or a form key holds a control character."""
    if has_control(request.path) or _any_control(request.args.items(multi=True)):
        raise UnreadableInput()
    reserved = URL_FOR_KEYS.intersection(request.args.keys())
    if reserved:
        raise ReservedParameter(min(reserved))
    if request.method in ("POST", "PUT", "PATCH") and any(
            has_control(key) for key in request.form.keys()):
        raise UnreadableInput()
    return None


def _any_control(pairs):
    return any(has_control(key) or has_control(value) for key, value in pairs)


def register_input_guards(app):
    """Bound the route ids and refuse unreadable input (call before the routes are added)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unreadable_input)
