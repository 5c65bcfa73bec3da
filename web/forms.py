"""Form helpers every package shares: the one base form and showing errors.

``CleanForm`` is the base of every form of the project. It refuses, with a message next to
the field, what can never be stored or shown faithfully, rather than removing it silently:

- NUL and other control characters in any field (PostgreSQL refuses NUL in text; a text
  area keeps tab and line breaks), and unpaired surrogates (they cannot be encoded);
- in one-line text (names, titles, logins, numbers typed as text), zero-width and
  text-direction characters, which make two different values look the same;
- NaN and infinities in decimal and float fields, which no comparison can order;
- control characters in an uploaded file's name.

A service's ``InputError`` goes next to its fields with ``apply_input_errors``; a form
without a page of its own (a button in a list) flashes its errors with ``flash_errors``.
"""
import math
import re

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import (DecimalField, FieldList, FileField, FloatField, Form, FormField, IntegerField,
                     PasswordField, StringField, TextAreaField)
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange, StopValidation, ValidationError

from .formatting import day as format_day

MAX_INT = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL
MAX_SMALLINT = 2**15 - 1  # of a SMALLINT column

# C0 controls but tab and line breaks, DEL, C1 controls, and surrogates (valid UTF-8 never
# carries one alone): refused everywhere, query strings and addresses included.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What a single line may not hold either: tab, line breaks and the Unicode line separators.
LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")
# Zero-width characters, the byte order mark and the bidirectional embeddings, overrides and
# isolates: invisible, they make "Иванов" and "Ива\u200bнов" two different names.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

CONTROL_MESSAGE = _l("This field contains characters that cannot be stored "
                     "(a NUL or control character).")
LINE_MESSAGE = _l("This field takes a single line: remove the tab or line break.")
INVISIBLE_MESSAGE = _l("This field contains invisible or text-direction characters "
                       "(such as a zero-width space). Please type it again without them.")
NUMBER_MESSAGE = _l("Enter an ordinary number, e.g. 12.5 (not NaN or infinity).")
INTEGER_MESSAGE = _l("Enter a number between %(min)s and %(max)s.")
FILE_NAME_MESSAGE = _l("The file's name contains characters that cannot be stored or shown "
                       "(a control, invisible or text-direction character). Rename the file "
                       "and upload it again.")


def has_control(value):
    """Say whether text holds a NUL, another control character or an unpaired surrogate."""
    return isinstance(value, str) and CONTROL.search(value) is not None


def text_problem(value, single_line=True, plain=True):
    """Return the translated reason a submitted text is refused, or None."""
    if not isinstance(value, str):
        return None
    if CONTROL.search(value):
        return CONTROL_MESSAGE
    if single_line and LINE_BREAK.search(value):
        return LINE_MESSAGE
    if plain and INVISIBLE.search(value):
        return INVISIBLE_MESSAGE
    return None


def _refuse(field, message):
    # The only message shown: "Not a valid date" next to a NUL would say less.
    field.errors[:] = []
    raise StopValidation(message)


class RefuseUnstorable:
    """Refuse a field's submitted text that cannot be stored or would look like another."""

    def __init__(self, single_line, plain, file_names=False):
        self.single_line = single_line
        self.plain = plain
        self.file_names = file_names

    def __call__(self, form, field):
        for value in field.raw_data or ():
            if isinstance(value, FileStorage):
                if text_problem(value.filename or "", single_line=True, plain=True):
                    _refuse(field, FILE_NAME_MESSAGE)
                continue
            if self.file_names:
                continue  # text sent instead of a file: the field's FileRequired says so
            problem = text_problem(value, self.single_line, self.plain)
            if problem:
                _refuse(field, problem)


def refuse_non_finite(form, field):
    """Refuse NaN and infinities, which WTForms' decimal and float fields accept."""
    data = field.data
    if data is None or field.process_errors:
        return
    finite = data.is_finite() if hasattr(data, "is_finite") else math.isfinite(data)
    if not finite:
        _refuse(field, NUMBER_MESSAGE)


def refuse_beyond_integer(form, field):
    """Refuse a whole number no INTEGER column can hold, in a field without its own range."""
    if any(isinstance(check, NumberRange) for check in field.validators):
        return  # its own range, with its own message, is narrower
    if field.data is not None and not field.process_errors and not -MAX_INT <= field.data <= MAX_INT:
        _refuse(field, INTEGER_MESSAGE % {"min": -MAX_INT, "max": MAX_INT})


def record_id(value):
    """Coerce a submitted choice to a row id; refuse what no id column can hold."""
    number = int(value)
    if not 0 < number <= MAX_INT:
        raise ValueError("not an id")
    return number


def optional_record_id(value):
    """Coerce a submitted choice to a row id, or None for the empty choice."""
    return None if value in (None, "", "None") else record_id(value)


def guards_for(field_class):
    """Return the validators the base form puts in front of a field's own."""
    if issubclass(field_class, FileField):
        return (RefuseUnstorable(single_line=True, plain=True, file_names=True),)
    if issubclass(field_class, (DecimalField, FloatField)):
        return (RefuseUnstorable(single_line=True, plain=False), refuse_non_finite)
    if issubclass(field_class, IntegerField):
        return (RefuseUnstorable(single_line=True, plain=False), refuse_beyond_integer)
    if issubclass(field_class, TextAreaField):
        return (RefuseUnstorable(single_line=False, plain=False),)
    if issubclass(field_class, PasswordField):
        # Any printable character may be part of a password; a line break cannot be typed.
        return (RefuseUnstorable(single_line=True, plain=False),)
    if issubclass(field_class, StringField):
        return (RefuseUnstorable(single_line=True, plain=True),)
    return (RefuseUnstorable(single_line=True, plain=False),)


class CleanMeta:
    """Form meta that puts the base form's refusals in front of every field's validators."""

    def bind_field(self, form, unbound_field, options):
        """Bind a field with the refusals first (nested forms carry their own)."""
        if issubclass(unbound_field.field_class, (FieldList, FormField)):
            return unbound_field.bind(form=form, **options)
        guards = guards_for(unbound_field.field_class)
        args, kwargs = list(unbound_field.args), dict(unbound_field.kwargs)
        if len(args) > 1:  # validators given by position, after the label
            args[1] = [*guards, *(args[1] or ())]
        else:
            kwargs["validators"] = [*guards, *(kwargs.get("validators") or ())]
        return UnboundField(unbound_field.field_class, *args, **kwargs).bind(form=form, **options)


class CleanForm(FlaskForm):
    """The base of every form: refuses what cannot be stored, with a message by the field."""

    class Meta(CleanMeta):
        pass


class CleanSubform(Form):
    """The base of a form nested in another (a FormField's rows): the same refusals."""

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
