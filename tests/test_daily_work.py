"""Daily work without friction: the language kept, locale formats, names instead of codes,
paged candidates with the rules' counts, asked confirmations and pre-filled forms."""
from datetime import date

from extensions import db
from tests import factories

KK = {"Accept-Language": "kk"}


def kk_login(client, auth, login):
    """Pick Kazakh on the login page, then log in."""
    client.post("/language", data={"lang": "kk", "next": "/login"})
    auth.login(login)


def test_kazakh_picked_at_login_stays_until_after_logout(client, auth, world):
    world.users.inspector_a.language = "ru"
    db.session.commit()
    kk_login(client, auth, "inspector_a")
    for path in ("/", "/market/roster", "/market/wages"):
        assert 'lang="kk"' in client.get(path).get_data(as_text=True)
    client.post("/logout")
    assert 'lang="kk"' in client.get("/login").get_data(as_text=True)


def test_months_areas_and_counts_follow_the_locale(app):
    from flask_babel import force_locale

    from web.formatting import area, month, people
    with app.test_request_context():
        with force_locale("ru"):
            assert month(date(2026, 12, 1)) == "декабрь 2026\u202fг."
            assert area(394) == "394 м²" and area(12.5) == "12,5 м²"
            assert [people(n) for n in (1, 3, 5, 21)] == [
                "1 человек", "3 человека", "5 человек", "21 человек"]
        with force_locale("kk"):
            assert "2026-12" not in month(date(2026, 12, 1)) and "желтоқсан" in month(date(2026, 12, 1))
            assert area(1200) == "1\xa0200 м²"


def test_site_search_takes_kazakh_words_and_the_picker(client, auth, world):
    auth.login("owner_a")
    page = client.get("/market/sites?occupations=тігінші&headcount=1&area_m2=10&kind=workshop"
                      "&region_id=0").get_data(as_text=True)
    assert "invalid-feedback" not in page and world.facility_a.code in page
    page = client.get("/market/sites?occupation-0=7533&headcount=1&area_m2=10&kind=workshop"
                      "&region_id=0").get_data(as_text=True)
    assert "invalid-feedback" not in page and 'data-search-url="/reference/occupations.json"' in page
    page = client.get("/market/sites?occupations=абырвалг&headcount=1&area_m2=10&kind=workshop"
                      ).get_data(as_text=True)
    assert "No occupation matches “абырвалг”." in page


def test_roster_shows_skill_titles_and_lines_with_their_enterprise(client, auth, world):
    person = factories.person(world.facility_a, last_name="Титулов", skills=(("7533", "expert", 3),))
    factories.placement(person, world.line_a)
    db.session.commit()
    auth.login("inspector_a")
    page = client.get("/market/roster?q=Титулов").get_data(as_text=True)
    assert "Sewing, embroidery and related workers</span> — Expert, 3 years of experience" in page
    assert f"{world.line_a.title} — {world.sme_a.name}" in page
    assert f"{world.facility_a.code} · {world.facility_a.name_en}" in client.get("/").get_data(as_text=True)
