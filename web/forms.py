"""Form helpers every package shares: the clean base form and showing errors.

``CleanForm`` is the base of every form: its text never carries control characters.
A service's ``InputError`` goes next to its fields with ``apply_input_errors``; a form
without a page of its own (a button in a list) flashes its errors with ``flash_errors``.
"""
from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField
from wtforms.validators import ValidationError

from .formatting import day as format_day

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


class DateWithin:
    """Validator: a date field's value lies between two days (dates or callables, so that
    "a year from today" is read at each request); a message names both ends."""

    def __init__(self, first, last):
        self.first, self.last = first, last

    def __call__(self, form, field):
        """Refuse a date outside the range with a message next to the field."""
        if field.data is None:
            return
        first = self.first() if callable(self.first) else self.first
        last = self.last() if callable(self.last) else self.last
        if not first <= field.data <= last:
            raise ValidationError(_("Choose a date between %(first)s and %(last)s.",
                                    first=format_day(first), last=format_day(last)))


def apply_input_errors(form, errors):
    """Show a service's field messages next to the fields, others as a flash."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            flash(message, "danger")
        else:
            field.errors = list(field.errors or []) + [message]


def flash_errors(errors):
    """Flash every message of a form (with its field's label) or of a service's errors."""
    if isinstance(errors, Form):
        form = errors
        for name, messages in form.errors.items():
            label = form[name].label.text if name in form else name
            for message in _as_list(messages):
                flash(f"{label}: {message}", "danger")
        return
    for messages in errors.values():
        for message in _as_list(messages):
            flash(message, "danger")


def _as_list(messages):
    if isinstance(messages, dict):  # a FormField's errors, by subfield
        return [m for values in messages.values() for m in _as_list(values)]
    return [messages] if isinstance(messages, str) else list(messages)
