"""Bad input is refused with a message next to the field, in the user's language, and writes
nothing: NUL and control characters, invisible and text-direction characters in names, NaN
and infinities, numbers beyond their column, absurd dates, hostile query strings and paths.

Each 500 the property test (test_no_500.py) or a probe found has its case here.
"""
import io

import pytest
import wtforms
from sqlalchemy import func, select
from wtforms.validators import NumberRange

import timeutil
from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import ProductionSpace
from inmates.models import Person, Skill
from tests.factories import PASSWORD
from tests.web.test_no_500 import data_snapshot
from web.forms import MAX_INT, MAX_SMALLINT, CleanForm, CleanSubform, refuse_non_finite

CONTROL_EN = "This field contains characters that cannot be stored (a NUL or control character)."
CONTROL_RU = "Поле содержит символы, которые невозможно сохранить (NUL или управляющий символ)."
CONTROL_KK = "Өрісте сақтауға болмайтын таңбалар бар (NUL немесе басқару таңбасы)."
INVISIBLE_EN = "This field contains invisible or text-direction characters"
NUMBER_EN = "Enter an ordinary number, e.g. 12.5 (not NaN or infinity)."
SINGLE_LINE_EN = "This field takes a single line: remove the tab or line break."
FILE_NAME_EN = "name contains characters that cannot be stored or shown"
GUARD_EN = "The address or the form contains characters that cannot be processed"
GUARD_RU = "Адрес или форма содержит символы, которые невозможно обработать"
# Columns that are SMALLINT: their form fields may not go past 32767.
SMALLINT_FIELDS = {"hours_per_week", "min_months_left", "years_experience", "disability_group",
                   "days_worked", "hours_worked", "norm_hours"}


def _login(client, login, lang="en"):
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302
    client.post("/language", data={"lang": lang})


def _page(response):
    return response.get_data(as_text=True)


def _project_forms():
    """Every form class of the project's packages (import app first: it imports them all)."""
    found, todo = set(), [wtforms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in {"accounts", "enterprises", "facilities", "home",
                                                "inmates", "marketplace", "reference", "reports",
                                                "web"}:
                found.add(sub)
    return found - {CleanForm, CleanSubform}


def test_every_form_of_the_project_derives_from_the_one_base(app):
    forms = _project_forms()
    assert len(forms) > 25
    strays = sorted(f"{f.__module__}.{f.__name__}" for f in forms
                    if not issubclass(f, (CleanForm, CleanSubform)))
    assert not strays, f"forms not derived from web.forms.CleanForm: {strays}"


def test_number_fields_are_bounded_within_their_column_and_refuse_nan(app):
    problems = []
    with app.test_request_context():
        for cls in _project_forms():
            form = cls(formdata=None, meta={"csrf": False})
            for field in form:
                if not isinstance(field, (wtforms.IntegerField, wtforms.DecimalField,
                                          wtforms.FloatField)):
                    continue
                name = f"{cls.__name__}.{field.name}"
                bounds = [v for v in field.validators if isinstance(v, NumberRange)]
                if not bounds or bounds[0].min is None or bounds[0].max is None:
                    problems.append(f"{name}: no NumberRange with both bounds")
                    continue
                ceiling = MAX_SMALLINT if field.name in SMALLINT_FIELDS else MAX_INT
                if not -ceiling <= bounds[0].min <= bounds[0].max <= ceiling:
                    problems.append(f"{name}: range beyond its column ({ceiling})")
                if isinstance(field, wtforms.DecimalField) and \
                        refuse_non_finite not in field.validators:
                    problems.append(f"{name}: NaN not refused")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang, message", [("en", CONTROL_EN), ("ru", CONTROL_RU),
                                           ("kk", CONTROL_KK)])
def test_nul_in_the_anonymous_login_is_refused_next_to_the_field(app, client, world, lang,
                                                                   message):
    client.post("/language", data={"lang": lang})
    before = data_snapshot()
    response = client.post("/login", data={"login": "admin\x00", "password": "x\x00"})
    assert response.status_code == 200
    assert _page(response).count(message) == 2  # login and password each say it
    assert data_snapshot() == before


def test_control_characters_are_refused_in_names_kept_in_text_areas(app, client, world):
    _login(client, "inspector_a")
    before = data_snapshot()
    for value, message in (("Алиев\x00", CONTROL_EN), ("Али\x1bев", CONTROL_EN),
                           ("Алиев\x85", CONTROL_EN), ("Али\nев", SINGLE_LINE_EN),
                           ("Али\tев", SINGLE_LINE_EN)):
        response = client.post(f"/people/{world.person_a.id}/edit", data={
            "file_number": world.person_a.file_number, "last_name": value,
            "first_name": "Марат", "birth_on": "1990-01-01", "gender": "M",
            "admitted_on": "2020-01-01", "expected_release_on": "2030-01-01"})
        assert message in _page(response), value
    assert data_snapshot() == before
    # A text area keeps its line breaks and tabs.
    _login(client, "owner_a")
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data={
        "area_m2": "10", "starts_on": timeutil.today().isoformat(), "purpose": "Цех\r\n\tшвейный"})
    assert response.status_code == 302


NAME_FORMS = [
    ("inspector_a", "/people/new", "last_name", {
        "file_number": "N-1", "first_name": "Марат", "birth_on": "1990-01-01", "gender": "M",
        "admitted_on": "2020-01-01", "expected_release_on": "2030-01-01"}),
    ("inspector_a", "/people/new", "first_name", {
        "file_number": "N-1", "last_name": "Алиев", "birth_on": "1990-01-01", "gender": "M",
        "admitted_on": "2020-01-01", "expected_release_on": "2030-01-01"}),
    (None, "/enterprises/register", "name", {
        "bin": "180340021791", "region_id": "1", "contact_phone": "+7 701 123 45 67",
        "login": "newowner", "full_name": "Ерлан Серік", "password": "Long-Passw0rd-Here!",
        "password2": "Long-Passw0rd-Here!"}),
    ("owner_a", "/enterprises/lines/new", "title", {
        "headcount": "2", "hours_per_week": "40", "wage_kzt": "200000", "min_months_left": "0",
        "facility_id": "", "region_id": "1", "occupations-0-code": "7533",
        "occupations-0-min_level": "trainee"}),
    ("inspector_a", "/facilities/{facility_id}/spaces/new", "name", {
        "kind": "workshop", "area_m2": "100", "power_kw": "10"}),
    ("admin", "/profile", "full_name", {"language": "en"}),
    ("admin", "/users/new", "login", {
        "role": "analyst", "full_name": "Аналитик", "language": "ru", "facility_id": "",
        "region_id": "", "new_password": "Long-Passw0rd-Here!",
        "confirm": "Long-Passw0rd-Here!"}),
    ("admin", "/users/new", "full_name", {
        "login": "analyst2", "role": "analyst", "language": "ru", "facility_id": "",
        "region_id": "", "new_password": "Long-Passw0rd-Here!",
        "confirm": "Long-Passw0rd-Here!"}),
]


@pytest.mark.parametrize("login, path, field, data", NAME_FORMS,
                         ids=[f"{p}:{f}" for _l, p, f, _d in NAME_FORMS])
@pytest.mark.parametrize("value", ["Ива\u200bнов", "\ufeffАлиев", "\u202eвонавИ",
                                   "a\u2066b\u2069", "Ali\u200dyev", "x\u2060y"])
def test_invisible_and_direction_characters_in_names_are_refused(app, client, world, login,
                                                                  path, field, data, value):
    if login:
        _login(client, login)
    else:
        client.post("/language", data={"lang": "en"})
    before = data_snapshot()
    response = client.post(path.format(facility_id=world.facility_a.id),
                           data={**data, field: value})
    assert response.status_code in (200, 400)
    assert INVISIBLE_EN in _page(response)
    assert data_snapshot() == before


@pytest.mark.parametrize("value, message", [
    ("NaN", NUMBER_EN), ("nan", NUMBER_EN), ("sNaN", NUMBER_EN), ("-sNaN", NUMBER_EN),
    ("Infinity", NUMBER_EN), ("-Infinity", NUMBER_EN), ("inf", NUMBER_EN),
    ("1e999", "Number must be between"), ("-1e999", "Number must be between")])
def test_nan_and_infinities_are_refused_in_areas_and_power(app, client, world, value, message):
    _login(client, "inspector_a")
    before = data_snapshot()
    for data in ({"name": "Цех", "kind": "workshop", "area_m2": value, "power_kw": "10"},
                 {"name": "Цех", "kind": "workshop", "area_m2": "100", "power_kw": value}):
        response = client.post(f"/facilities/{world.facility_a.id}/spaces/new", data=data)
        assert response.status_code == 200 and message in _page(response), data
        response = client.post(f"/facilities/spaces/{world.space_a.id}/edit", data=data)
        assert response.status_code == 200 and message in _page(response), data
    assert data_snapshot() == before
    _login(client, "owner_a")
    before = data_snapshot()  # logging in writes the time of the login
    response = client.post(f"/enterprises/spaces/{world.space_a.id}/lease", data={
        "area_m2": value, "starts_on": timeutil.today().isoformat(), "purpose": "Цех"})
    assert message in _page(response)
    response = client.get("/market/sites", query_string={
        "occupations": "7533", "headcount": "2", "area_m2": value, "kind": "workshop"})
    assert response.status_code == 200 and message in _page(response)
    assert data_snapshot() == before


def test_whole_numbers_beyond_the_column_are_refused_with_a_message(app, client, world):
    _login(client, "inspector_a")
    before = data_snapshot()
    for value in ("2147483648", "-2147483649", "9" * 40, "32768", "-1"):
        response = client.post(f"/people/{world.person_a.id}/skills/new", data={
            "occupation_code": "7533", "level": "qualified", "years_experience": value})
        assert response.status_code == 200
        assert "Number must be between 0 and 60." in _page(response), value
    assert data_snapshot() == before
    _login(client, "owner_a")
    before = data_snapshot()  # logging in writes the time of the login
    for field in ("headcount", "hours_per_week", "wage_kzt", "min_months_left"):
        data = {"title": "Цех", "headcount": "2", "hours_per_week": "40", "wage_kzt": "200000",
                "min_months_left": "0", "facility_id": "", "region_id": "1",
                "occupations-0-code": "7533", "occupations-0-min_level": "trainee",
                field: "99999999999999999999"}
        response = client.post("/enterprises/lines/new", data=data)
        assert response.status_code == 200 and "Number must be between" in _page(response)
    # Ids of choices the form does not check against its list: beyond an id, no choice.
    response = client.post("/enterprises/lines/new", data={**data, field: "0",
                                                           "lease_id": "99999999999999999999"})
    assert response.status_code == 200 and "Invalid Choice" in _page(response)
    assert data_snapshot() == before


@pytest.mark.parametrize("path", [
    "/people/2147483648", "/people/99999999999999999999/edit", "/enterprises/lines/2147483648",
    "/enterprises/99999999999999999999999", "/facilities/spaces/9223372036854775808",
    "/users/2147483648", "/market/placements/2147483648/end"])
def test_route_ids_beyond_an_integer_column_answer_404(app, client, world, path):
    _login(client, "admin")
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


@pytest.mark.parametrize("url", [
    "/enterprises/lines?facility=2147483648", "/enterprises/lines?facility=99999999999999999999",
    "/facilities/spaces?region=2147483648&min_free=1e999", "/facilities/spaces?min_free=sNaN",
    "/reports/?region=99999999999999999999&facility=2147483648",
    "/users?page=99999999999999999999", "/users?page=²", "/audit?page=-5",
    "/market/fill?facility=99999999999999999999", "/market/roster?page=2147483648&months=-1",
    "/market/wages?month=9999-12", "/market/wages?month=0001-01"])
def test_query_ids_beyond_range_are_treated_as_missing(app, client, world, url):
    _login(client, "admin")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/audit?date_to=9999-12-31", "/audit.csv?date_to=9999-12-31",
                                 "/audit?date_from=0001-01-01&date_to=0001-01-01",
                                 "/reports/?on=9999-12-31&since=0001-01-01",
                                 "/reports/export.csv?on=9999-12-31&since=0001-01-01"])
def test_absurd_dates_never_make_a_500(app, client, world, url):
    _login(client, "admin")
    assert client.get(url).status_code == 200


def test_an_accepted_proposal_spelled_with_superscripts_is_skipped(app, client, world):
    _login(client, "inspector_a")
    response = client.post("/market/fill", data={"accept": ["²:1", "1:²", "1:", ":1", "x"]})
    assert response.status_code == 200


@pytest.mark.parametrize("url", [
    "/enterprises/lines?q=%00", "/enterprises/lines?q=a%01b", "/enterprises/lines?%00=1",
    "/reports/?on=2021-07-01%00", "/users?page=1%00", "/reference/occupations/%00",
    "/reference/occupations/7533%00", "/static/css%00/app.css"])
def test_nul_in_the_address_or_query_string_answers_400_in_the_users_language(
        app, client, world, url):
    _login(client, "admin", lang="ru")
    before = data_snapshot()
    response = client.get(url)
    assert response.status_code == 400
    assert GUARD_RU in _page(response)
    response = client.post(url, data={"x": "1"})
    assert response.status_code in (400, 405)
    assert data_snapshot() == before


def test_nul_in_a_form_key_answers_400(app, client, world):
    _login(client, "admin")
    response = client.post("/language", data={"lang": "en", "next\x00": "/"})
    assert response.status_code == 400 and GUARD_EN in _page(response)


def test_the_occupation_picker_answers_json_for_hostile_searches(app, client, world):
    _login(client, "owner_a")
    response = client.get("/reference/occupations.json?q=%00",
                          headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json() == {"error": 400}
    for term in ("Қ" * 500, "\u202e7533", "%", "_", "'", "7533\u200b"):
        response = client.get("/reference/occupations.json", query_string={"q": term})
        assert response.status_code == 200 and "results" in response.get_json()


@pytest.mark.parametrize("name", ["people\x00.csv", "peo\x1bple.csv", "evil\u202evsc.exe"])
def test_an_upload_whose_name_holds_control_characters_is_refused(app, client, world, name):
    _login(client, "inspector_a")
    before = data_snapshot()
    response = client.post("/people/import", data={
        "file": (io.BytesIO("Фамилия;Имя\nАлиев;Марат\n".encode()), name)})
    assert response.status_code in (200, 400)
    assert FILE_NAME_EN in _page(response)
    assert data_snapshot() == before


def test_refused_requests_leave_every_table_as_it_was(app, client, world):
    """A sweep of the writing forms with a NUL in every field writes nothing."""
    _login(client, "admin")
    counts = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in (Person, Skill, Enterprise, ProductionLine, ProductionSpace)}
    nul = {name: "\x00" for name in ("name", "title", "last_name", "first_name", "file_number",
                                     "area_m2", "headcount", "on", "started_on", "ended_on",
                                     "occupation_code", "years_experience", "bin", "kind")}
    for path in ("/people/new", f"/people/{world.person_a.id}/edit",
                 f"/people/{world.person_a.id}/skills/new", "/enterprises/new",
                 "/enterprises/lines/new", f"/enterprises/lines/{world.line_a.id}/edit",
                 f"/facilities/{world.facility_a.id}/spaces/new",
                 f"/facilities/spaces/{world.space_a.id}/edit",
                 f"/people/{world.person_a.id}/release"):
        assert client.post(path, data=nul).status_code < 500, path
    db.session.expire_all()
    assert counts == {model: db.session.scalar(select(func.count()).select_from(model))
                      for model in counts}
