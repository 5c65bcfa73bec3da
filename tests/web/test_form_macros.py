"""The shared form macros (templates/macros.html): a field's errors stand in one element
that the field names in aria-describedby, however many errors it has, so a screen reader
reads them with the field and no id appears twice on the page."""
import re

from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, StringField
from wtforms.validators import InputRequired, Length, Regexp

ERROR = re.compile(r'<div class="invalid-feedback d-block" id="([^"]+)">([^<]*)</div>')


class CodeForm(Form):
    code = StringField("Code", validators=[Length(min=5, message="Five characters at least."),
                                           Regexp(r"^\d+$", message="Digits only.")])
    agreed = BooleanField("Agreed", validators=[InputRequired(message="Tick the box.")])


def _render(form, name):
    return render_template_string('{% from "macros.html" import field %}{{ field(form[name]) }}',
                                  form=form, name=name)


def test_two_errors_of_a_field_stand_in_one_element_the_field_names(app):
    form = CodeForm(MultiDict({"code": "ab"}))
    form.validate()
    with app.test_request_context():
        html = _render(form, "code")
    assert ERROR.findall(html) == [("code-error", "Five characters at least. Digits only.")]
    assert 'aria-describedby="code-error"' in html and 'id="code"' in html


def test_a_checkbox_names_its_error_too(app):
    form = CodeForm(MultiDict({"code": "12345"}))
    form.validate()
    with app.test_request_context():
        html = _render(form, "agreed")
    assert ERROR.findall(html) == [("agreed-error", "Tick the box.")]
    assert 'aria-describedby="agreed-error"' in html


def test_a_field_without_errors_names_none(app):
    form = CodeForm(MultiDict({"code": "12345", "agreed": "y"}))
    assert form.validate()
    with app.test_request_context():
        html = _render(form, "code")
    assert not ERROR.findall(html) and "aria-describedby" not in html


def test_the_audit_filters_name_their_errors(world, client, auth):
    auth.login("admin")
    page = client.get("/audit?date_from=0001-01-01").get_data(as_text=True)
    found = ERROR.findall(page)
    assert [identifier for identifier, _message in found] == ["date_from-error"]
    assert 'aria-describedby="date_from-error"' in page
