"""The shared form macros (templates/macros.html): a field's errors stand in one element
that the field names in aria-describedby, however many errors it has, so a screen reader
reads them with the field and no id appears twice on the page."""
import re

import pytest
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


@pytest.mark.parametrize("sent,name,message", [
    ({"code": "ab"}, "code", "Five characters at least. Digits only."),  # two errors, one element
    ({"code": "12345"}, "agreed", "Tick the box."),  # a checkbox names its error too
])
def test_a_fields_errors_stand_in_one_element_the_field_names(app, sent, name, message):
    form = CodeForm(MultiDict(sent))
    form.validate()
    with app.test_request_context():
        html = _render(form, name)
    assert ERROR.findall(html) == [(f"{name}-error", message)]
    assert f'aria-describedby="{name}-error"' in html and f'id="{name}"' in html


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
