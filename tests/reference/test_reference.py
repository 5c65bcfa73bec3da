"""Reference data pages: minimum wage and occupations, kept by administrators."""
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from reference.models import MinimumWage, Occupation


def test_admin_changes_minimum_wage_and_it_is_audited(world, client, auth):
    auth.login("admin")
    response = client.post("/reference/minimum-wage", data={"year": 2027, "amount_kzt": 93_000})
    assert response.status_code == 302
    assert db.session.get(MinimumWage, 2027).amount_kzt == 93_000
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "minimum_wage", AuditEvent.entity_id == "2027")).first() is not None


def test_minimum_wage_rejects_bad_input_and_saves_nothing(world, client, auth):
    auth.login("admin")
    page = client.post("/reference/minimum-wage", data={"year": "abc", "amount_kzt": -5},
                       follow_redirects=True)
    assert page.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(MinimumWage)) == 8


def test_only_admin_edits_reference(world, client, auth):
    auth.login("inspector_a")
    assert client.get("/reference/").status_code == 403
    assert client.post("/reference/minimum-wage", data={"year": 2021, "amount_kzt": 1}).status_code == 403
    assert db.session.get(MinimumWage, 2021).amount_kzt == 42_500


def test_occupation_titles_corrected(world, client, auth):
    auth.login("admin")
    page = client.get("/reference/?q=7533").get_data(as_text=True)
    assert "7533" in page
    response = client.post("/reference/occupations/7533",
                           data={"title_kk": "Тігінші", "title_ru": "Швея", "title_en": "Sewer"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Occupation, "7533").title_ru == "Швея"
    assert client.get("/reference/occupations/0000").status_code == 404


def test_occupation_picker_searches_all_languages(world, client, auth):
    auth.login("owner_a")
    for term in ("ШВЕИ", "sewing", "тігін", "753"):
        results = client.get(f"/reference/occupations.json?q={term}").json["results"]
        assert any(r["code"].startswith("753") for r in results), term
