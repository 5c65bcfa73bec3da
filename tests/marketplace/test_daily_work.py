"""Daily work without friction: the language kept, locale formats, names instead of codes,
paged candidates with the rules' counts, asked confirmations and pre-filled forms."""
import re
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


def test_candidates_are_paged_with_the_total_and_the_rules_counts(client, auth, world):
    line = factories.line(world.sme_a, world.facility_a, headcount=5)
    for n in range(55):
        factories.person(world.facility_a, last_name=f"Кандидат{n:02d}")
    factories.person(world.facility_a, able_bodied=False)
    db.session.commit()
    auth.login("inspector_a")
    first = client.get(f"/market/lines/{line.id}/candidates").get_data(as_text=True)
    total = first.count('name="person_id"')
    assert total == 50 and "Page 1 of 2." in first and "eligible people, best first." in first
    assert "not able-bodied — 1 person" in first  # shown although people are left
    assert "56 eligible people, best first." in first  # the 55 and the world's person
    second = client.get(f"/market/lines/{line.id}/candidates?page=2").get_data(as_text=True)
    assert second.count('name="person_id"') == 6 and "Page 2 of 2." in second
    assert "56 eligible people, best first." in second
    # Equal scores and release dates rank by id: the world's person first, so the 51st
    # eligible person is Кандидат49, and page 2 holds Кандидат49 to Кандидат54 in order.
    shown = re.findall(r"Кандидат\d\d", second)
    assert list(dict.fromkeys(shown)) == [f"Кандидат{n}" for n in range(49, 55)]
    assert "Кандидат48" in first and "Кандидат49" not in first
    past = client.get(f"/market/lines/{line.id}/candidates?page=9").get_data(as_text=True)
    assert "Page 2 of 2." in past and "Кандидат54" in past


def test_lease_decision_is_two_buttons_and_the_flash_names_the_lease(client, auth, world):
    lease = factories.lease(world.sme_b, world.space_a, area=50, status="requested")
    db.session.commit()
    auth.login("inspector_a")
    home = client.get("/").get_data(as_text=True)
    assert f'/enterprises/leases/{lease.id}/decide' in home and 'value="approve"' in home
    assert 'value="reject"' in home and 'name="back" value="home"' in home
    response = client.post(f"/enterprises/leases/{lease.id}/decide",
                           data={"decision": "approve", "back": "home"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/"
    assert f"Lease of 50 m² in {world.space_a.name} for {world.sme_b.name} approved." in page


def test_admin_home_shows_who_registered_a_pending_enterprise(client, auth, world):
    from accounts.services import register_business
    register_business("ТОО Жаңа", factories.bin_number(), world.facility_a.region_id,
                      "+7 700 1", "zhana.owner", "Айгүл Жаңа", factories.PASSWORD)
    db.session.commit()
    auth.login("admin")
    page = client.get("/").get_data(as_text=True)
    assert "ТОО Жаңа" in page and "Registered by Айгүл Жаңа (login zhana.owner)" in page
    assert 'id="pending-enterprises"' in page and 'value="reject"' in page


def test_refused_registration_keeps_the_passwords_and_other_fields(client, world):
    data = {"name": "ТОО Екінші", "bin": world.sme_a.bin, "region_id": str(world.facility_a.region_id),
            "contact_phone": "+7 777 1", "login": "ekinshi", "full_name": "Ерлан Екінші",
            "password": factories.PASSWORD, "password2": factories.PASSWORD}
    page = client.post("/enterprises/register", data=data).get_data(as_text=True)
    assert "already registered" in page
    assert page.count(f'value="{factories.PASSWORD}"') == 2 and 'value="ekinshi"' in page


def test_new_line_starts_at_the_owners_leased_facility(client, auth, world):
    auth.login("owner_a")
    page = client.get("/enterprises/lines/new").get_data(as_text=True)
    assert f'<option selected value="{world.facility_a.id}">' in page


def test_lease_request_keeps_the_area_searched_for(client, auth, world):
    auth.login("owner_b")
    page = client.get("/facilities/spaces?min_free=120").get_data(as_text=True)
    assert f"/facilities/spaces/{world.space_a.id}?area=120" in page
    space = client.get(f"/facilities/spaces/{world.space_a.id}?area=120").get_data(as_text=True)
    assert "area=120" in space
    form = client.get(f"/enterprises/spaces/{world.space_a.id}/lease?area=120").get_data(as_text=True)
    assert 'value="120.0"' in form or 'value="120"' in form


def test_ending_refusing_and_pausing_ask_once_naming_the_object(client, auth, world):
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/people/{world.person_a.id}/placements").get_data(as_text=True)
    assert "data-confirm=\"End the placement of" in page
    auth.logout()
    auth.login("owner_a")
    page = client.get(f"/enterprises/lines/{world.line_a.id}").get_data(as_text=True)
    assert "data-confirm=\"Pause" in page and "/market/lines/" in page
