"""Bad input is refused beside its field in the token user's language, the library's
messages included; a wage write without an Idempotency-Key is a 428."""
import pytest
from flask_babel import force_locale
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from api.messages import LIBRARY_MESSAGES, translate
from extensions import db
from marketplace.models import WageRecord
from tests.api.conftest import bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def kazakh(world, tokens):
    """The Kazakh-speaking inspector's token."""
    world.users.inspector_a.language = "kk"
    db.session.commit()
    return tokens["inspector_a"]


def errors(response):
    assert response.status_code == 422 and response.mimetype == PROBLEM, response.get_json()
    return response.get_json()["errors"]


def test_a_kazakh_tokens_bad_query_gets_kazakh_field_messages(client, world, kazakh):
    query = errors(client.get("/api/v1/lines?facility=abc&status=nonsense",
                              headers=bearer(kazakh)))["query"]
    assert query["facility"] == ["Бүтін сан болуы керек."]
    assert query["status"] == ["Рұқсат етілген мәндер: closed, draft, open, paused."]
    ranged = errors(client.get("/api/v1/lines?facility=0", headers=bearer(kazakh)))
    assert ranged["query"]["facility"] == ["Мән 1 пен 2147483647 аралығында болуы керек."]
    paged = errors(client.get("/api/v1/lines?page_size=1000", headers=bearer(kazakh)))
    assert paged["query"]["page_size"] == ["Мән 1 пен 100 аралығында болуы керек."]
    since = errors(client.get("/api/v1/changes/lines?since=yesterday", headers=bearer(kazakh)))
    assert since["query"]["since"][0].startswith("Күні мен уақыты дұрыс емес")


def test_a_kazakh_tokens_bad_wage_rows_get_kazakh_messages(client, world, kazakh, placed):
    response = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month=2021-03",
                          json={"rows": [{"placement_id": placed.id, "days_worked": 40,
                                          "norm_met": "maybe", "colour": "red"}]},
                          headers=bearer(kazakh, **{"Idempotency-Key": "kk-bad-rows-1"}))
    row = errors(response)["json"]["rows"]["0"]
    assert row["days_worked"] == ["Мән 0 пен 31 аралығында болуы керек."]
    assert row["norm_met"] == ["Логикалық мән (true немесе false) болуы керек."]
    assert row["accrued_kzt"] == ["Міндетті өріс толтырылмаған."]
    assert row["colour"] == ["Белгісіз өріс."]
    assert response.get_json()["title"] == "Сұраныста қате мәндер бар; ештеңе өзгертілмеді."
    not_json = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month=2021-03",
                          data="{", content_type="application/json",
                          headers=bearer(kazakh, **{"Idempotency-Key": "kk-bad-rows-2"}))
    assert not_json.get_json()["errors"] == {"json": ["Сұраныс денесі дұрыс JSON емес."]}


def test_russian_and_english_tokens_read_their_own_language(client, world, tokens):
    world.users.analyst.language = "ru"
    db.session.commit()
    russian = errors(client.get("/api/v1/lines?region=x", headers=bearer(tokens["analyst"])))
    assert russian["query"]["region"] == ["Должно быть целое число."]
    english = errors(client.get("/api/v1/lines?region=x", headers=bearer(tokens["admin"])))
    assert english["query"]["region"] == ["Not a valid integer."]


class Everything(Schema):
    """A field of every kind the API reads, with every validator it uses."""

    number = fields.Integer()
    real = fields.Float(allow_nan=False)
    text = fields.String()
    flag = fields.Boolean()
    day = fields.Date()
    moment = fields.DateTime()
    items = fields.List(fields.Integer())
    mapping = fields.Dict()
    nested = fields.Nested(lambda: Everything())
    required = fields.Integer(required=True)
    not_null = fields.Integer(allow_none=False)
    at_least = fields.Integer(validate=validate.Range(min=1))
    at_most = fields.Integer(validate=validate.Range(max=5))
    between = fields.Integer(validate=validate.Range(min=1, max=5))
    short = fields.List(fields.Integer(), validate=validate.Length(min=2))
    long = fields.List(fields.Integer(), validate=validate.Length(max=1))
    sized = fields.List(fields.Integer(), validate=validate.Length(min=2, max=3))
    exact = fields.List(fields.Integer(), validate=validate.Length(equal=2))
    choice = fields.String(validate=validate.OneOf(["a", "b"]))
    pattern = fields.String(validate=validate.Regexp("^[0-9]+$"))


BAD = {"number": "x", "real": "nan", "text": 5, "flag": "maybe", "day": "2021-13-01",
       "moment": "soon", "items": 5, "mapping": 5, "nested": 5, "not_null": None,
       "at_least": 0, "at_most": 6, "between": 9, "short": [1], "long": [1, 2],
       "sized": [1], "exact": [1], "choice": "c", "pattern": "x", "unknown": 1}


def _messages(tree):
    if isinstance(tree, dict):
        return [m for value in tree.values() for m in _messages(value)]
    if isinstance(tree, list):
        return [m for value in tree for m in _messages(value)]
    return [tree]


def test_the_catalogue_holds_the_texts_the_installed_libraries_write(app):
    """Every message marshmallow writes for these fields is found and given in Kazakh; a
    library upgrade that rewords one fails here, not silently in English."""
    with pytest.raises(ValidationError) as refused:
        Everything().load(BAD)
    written = _messages(refused.value.messages)
    assert len(written) >= len(BAD)
    with app.test_request_context(), force_locale("kk"):
        assert [m for m in written if translate(m) == m] == []
        assert [m for m in LIBRARY_MESSAGES if "%(" not in m and translate(m) == m] == []


def test_a_wage_write_without_an_idempotency_key_is_a_428(client, world, tokens, placed):
    response = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month=2021-03",
                          json={"rows": [{"placement_id": placed.id, "days_worked": 20,
                                          "hours_worked": 160, "norm_hours": 160,
                                          "norm_met": True, "accrued_kzt": 60000}]},
                          headers=bearer(tokens["inspector_a"]))
    assert response.status_code == 428 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["code"] == "idempotency_key_required" and "Idempotency-Key" in body["detail"]
    assert db.session.scalar(select(func.count(WageRecord.id))) == 0
    operation = client.get("/api/v1/openapi.json").get_json()[
        "paths"]["/api/v1/lines/{line_id}/wages"]["put"]
    assert "428" in operation["responses"]
    assert PROBLEM in operation["responses"]["428"]["content"]
    header = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header and header[0]["in"] == "header" and header[0]["required"] is True
