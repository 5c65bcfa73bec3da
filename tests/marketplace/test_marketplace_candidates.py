"""Candidates for owners (pseudonymous) and inspectors, requests, sites, fill and home panel."""
import re
from datetime import date

from sqlalchemy import select

from extensions import db
from marketplace.models import CandidateRequest, Placement
from tests import factories


def owner_page(client, line):
    response = client.get(f"/market/lines/{line.id}/candidates")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_owner_candidate_page_holds_no_identifying_field(client, auth, world):
    person = factories.person(world.facility_a, last_name="Жаксылыков", first_name="Ерлан",
                              patronymic="Серикович", iin="850505300123",
                              file_number="KZ-FILE-777", birth_on=date(1985, 5, 5))
    db.session.commit()
    auth.login("owner_a")
    page = owner_page(client, world.line_a)
    assert "К-" in page and "exact occupation 7533 · Sewing, embroidery and related workers" in page
    for secret in ("Жаксылыков", "Ерлан", "Серикович", "850505300123", "KZ-FILE-777",
                   "1985-05-05", "05.05.1985", "Алиев", world.person_a.file_number):
        assert secret not in page
    for link in re.findall(r'(?:href|action|value)="([^"]*)"', page):
        assert f"/{person.id}" not in link and f"={person.id}" not in link
        assert link not in (str(person.id), str(world.person_a.id))


def test_owner_cannot_see_another_owners_candidates_or_workers(client, auth, world):
    factories.placement(world.person_b, world.line_b)
    db.session.commit()
    auth.login("owner_a")
    assert client.get(f"/market/lines/{world.line_b.id}/candidates").status_code == 404
    workers = client.get("/market/workers").get_data(as_text=True)
    assert "Борисов" not in workers
    assert client.post(f"/market/lines/{world.line_b.id}/request",
                       data={"token": "0" * 20}).status_code == 404


def test_owner_asks_and_inspector_accepts_which_places_the_person(client, auth, world):
    factories.consent_all()
    db.session.commit()
    auth.login("owner_a")
    page = owner_page(client, world.line_a)
    token = re.search(r'name="token" value="([0-9a-f]{20})"', page).group(1)
    assert client.post(f"/market/lines/{world.line_a.id}/request",
                       data={"token": token}).status_code == 302
    assert "Requested" in owner_page(client, world.line_a)
    mine = client.get("/market/requests").get_data(as_text=True)
    assert "Waiting" in mine and "Алиев" not in mine
    auth.logout()
    auth.login("inspector_b")
    assert "Алиев" not in client.get("/market/requests").get_data(as_text=True)
    auth.logout()
    auth.login("inspector_a")
    queue = client.get("/market/requests").get_data(as_text=True)
    assert "Алиев" in queue
    asked = db.session.scalars(select(CandidateRequest)).one()
    response = client.post(f"/market/requests/{asked.id}/decide",
                           data={"decision": "accept", "started_on": "2024-06-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "accepted"
    assert db.session.scalar(select(Placement.person_id)) == world.person_a.id
    auth.logout()
    auth.login("owner_a")
    assert "Accepted" in client.get("/market/requests?status=accepted").get_data(as_text=True)
    workers = client.get("/market/workers").get_data(as_text=True)
    assert "Алиев" in workers and world.person_a.file_number in workers


def test_declined_request_shows_the_reason_to_the_owner(client, auth, world):
    asked = CandidateRequest(line_id=world.line_a.id, person_id=world.person_a.id,
                             requested_by_id=world.users.owner_a.id)
    db.session.add(asked)
    db.session.commit()
    auth.login("inspector_a")
    assert client.post(f"/market/requests/{asked.id}/decide",
                       data={"decision": "decline", "reason": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "requested"
    client.post(f"/market/requests/{asked.id}/decide",
                data={"decision": "decline", "reason": "Переводится в другое учреждение"})
    auth.logout()
    auth.login("owner_a")
    page = client.get("/market/requests").get_data(as_text=True)
    assert "Declined" in page and "Переводится в другое учреждение" in page


def test_accepting_a_request_for_someone_placed_meanwhile_is_a_409(client, auth, world):
    asked = CandidateRequest(line_id=world.line_a.id, person_id=world.person_a.id,
                             requested_by_id=world.users.owner_a.id)
    db.session.add(asked)
    other = factories.line(world.sme_a, world.facility_a)
    factories.placement(world.person_a, other)
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/requests/{asked.id}/decide",
                           data={"decision": "accept", "started_on": "2024-06-01"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "requested"


def test_no_candidate_says_which_rule_excluded_how_many(client, auth, world):
    line = factories.line(world.sme_a, world.facility_a, involves_minors=True)
    world.person_a.no_work_with_minors = True
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{line.id}/candidates").get_data(as_text=True)
    assert "No eligible candidate" in page and "barred by a restriction — 1 person" in page


def test_sites_rank_facilities_by_space_and_people(client, auth, world):
    roomy = factories.facility(region_code="KZ-35", security_level="medium")
    roomy.name_en = "Roomy facility"  # not "Facility 1x": the world's "Facility 1" is its prefix
    factories.space(roomy, area=900, name="Большой цех")
    for _ in range(3):
        factories.person(roomy, skills=(("7531", "qualified", 2),))
    db.session.commit()
    auth.login("owner_a")
    page = client.get("/market/sites?occupations=7533&headcount=5&area_m2=600&kind=workshop"
                      "&region_id=0").get_data(as_text=True)
    assert page.index(roomy.name_en) < page.index(world.facility_a.name_en)
    assert "/enterprises/spaces/" in page
    bad = client.get("/market/sites?occupations=abc&headcount=0&area_m2=x&kind=workshop")
    assert bad.status_code == 200 and "invalid-feedback" in bad.get_data(as_text=True)


def test_fill_page_proposes_and_places_the_checked_rows(client, auth, world):
    extra = [factories.person(world.facility_a) for _ in range(2)]
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    page = client.get("/market/fill").get_data(as_text=True)
    assert "Алиев" in page and 'name="accept"' in page
    factories.placement(extra[0], factories.line(world.sme_a, world.facility_a, headcount=1))
    db.session.commit()
    ticked = [f"{world.person_a.id}:{world.line_a.id}", f"{extra[0].id}:{world.line_a.id}"]
    asked = client.post("/market/fill", data={"accept": ticked}).get_data(as_text=True)
    assert "Place 2 people on the lines below?" in asked and "Алиев" in asked
    assert not db.session.scalars(select(Placement.id).where(
        Placement.line_id == world.line_a.id)).all()  # nothing placed before the answer
    response = client.post("/market/fill", data={"accept": ticked, "confirmed": "1"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Placed." in text and "already placed" in text
    db.session.expire_all()
    placed = db.session.scalars(select(Placement.person_id).where(
        Placement.line_id == world.line_a.id)).all()
    assert placed == [world.person_a.id]


def test_admin_chooses_the_facility_to_fill(client, auth, world):
    auth.login("admin")
    assert "FA" in client.get("/market/fill").get_data(as_text=True)
    page = client.get(f"/market/fill?facility={world.facility_b.id}").get_data(as_text=True)
    assert "Борисов" in page


def test_home_panels(client, auth, world):
    auth.login("inspector_a")
    page = client.get("/").get_data(as_text=True)
    assert "Vacant places open to the facility: 5" in page
    auth.logout()
    auth.login("owner_a")
    page = client.get("/").get_data(as_text=True)
    assert "Workers: 0" in page
