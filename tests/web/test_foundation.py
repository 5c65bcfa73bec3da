"""The factory, configuration, health check, languages and schema invariants."""
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import config
from app import create_app
from extensions import db
from inmates.models import Person
from marketplace.models import Placement
from reference.identifiers import is_valid_number
from reference.models import MinimumWage, Occupation, Region
from tests import factories


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", config.DEFAULT_SECRET)
    with pytest.raises(RuntimeError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_COOKIE_SECURE"]


def test_healthz_answers_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_503_when_database_is_unreachable(database_url):
    from tests.conftest import make_test_app

    app = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_reference_data_loaded(app):
    assert db.session.scalar(select(func.count()).select_from(Region)) == 20
    assert db.session.scalar(select(func.count()).select_from(Occupation)) >= 70
    wages = dict(db.session.execute(select(MinimumWage.year, MinimumWage.amount_kzt)).all())
    assert wages[2021] == 42_500 and wages[2022] == 60_000 and wages[2023] == 70_000
    assert wages[2024] == wages[2025] == wages[2026] == 85_000


def test_load_reference_is_idempotent(runner):
    first = runner.invoke(args=["load-reference"])
    second = runner.invoke(args=["load-reference"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "regions: 0 added, 0 updated" in second.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 20


def test_reference_shows_names_in_each_language(app):
    from flask_babel import force_locale

    astana = factories.region("KZ-71")
    with app.test_request_context():
        for lang, expected in (("kk", "Астана қаласы"), ("ru", "город Астана"), ("en", "Astana")):
            with force_locale(lang):
                assert astana.name == expected


def test_login_page_in_three_languages(client):
    for lang, word in (("kk", "Кіру"), ("ru", "Войти"), ("en", "Log in")):
        client.post("/language", data={"lang": lang, "next": "/login"})
        page = client.get("/login").get_data(as_text=True)
        assert f'lang="{lang}"' in page
        assert word in page


def test_static_assets_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn" not in page.lower()
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


@pytest.mark.parametrize("number,valid", [
    ("940140000385", True), ("990140004654", True), ("061211600012", True),
    ("791028302728", True), ("791028302729", False), ("94014000038", False),
    ("94014000038a", False), ("９４０１４０００００３８５", False)])
def test_bin_iin_check_digit(number, valid):
    assert is_valid_number(number) is valid


def test_one_active_placement_per_person_in_database(world):
    second_line = factories.line(world.sme_a, world.facility_a, title="Second")
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    with pytest.raises(IntegrityError):
        factories.placement(world.person_a, second_line)
    db.session.rollback()


def test_slot_unique_among_active_placements(world):
    other = factories.person(world.facility_a)
    factories.placement(world.person_a, world.line_a, slot=1)
    db.session.commit()
    with pytest.raises(IntegrityError):
        factories.placement(other, world.line_a, slot=1)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1


@pytest.mark.parametrize("field,value", [
    ("expected_release_on", date(1999, 1, 1)), ("gender", "X"), ("disability_group", 7)])
def test_person_check_constraints(world, field, value):
    table = Person.__table__
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(table.update().where(table.c.id == world.person_b.id)
                               .values({field: value}))


def test_lost_database_gives_503_page_without_traceback(database_url):
    from tests.conftest import make_test_app

    app = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/login?next=/")
    assert response.status_code in (200, 503)  # the login page needs no database
    response = app.test_client().post("/login", data={"login": "x", "password": "y" * 12})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "psycopg" not in body


def test_logged_in_user_gets_503_not_500_when_the_database_goes_away(app, world, client, auth):
    auth.login("admin")
    from sqlalchemy.exc import OperationalError

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    from accounts import services

    original = services.load_session_user
    try:
        app.login_manager._user_callback = down
        response = client.get("/")
    finally:
        app.login_manager._user_callback = original
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_full_disk_gives_a_clear_page(app, world, client, auth, monkeypatch):
    import errno

    import reports.views

    auth.login("admin")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    # Writing the page (like writing an export's temporary file) hits a full disk.
    monkeypatch.setattr(reports.views, "render_template", full)
    response = client.get("/reports/")
    assert response.status_code == 507
    assert "disk space" in response.get_data(as_text=True)


def test_postgresql_connections_do_not_jit_compile(app):
    from sqlalchemy import text as sql

    if db.engine.dialect.name != "postgresql":
        assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        return
    assert db.session.execute(sql("SHOW jit")).scalar() == "off"
