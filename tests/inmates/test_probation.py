"""People on probation: the database's rules, the probation officer's scope, matching them to
outside lines open to them, placing them, and their figure kept apart from custody's."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

import timeutil
from extensions import db
from inmates.models import Person, Supervision
from marketplace import employment, fill, matching
from marketplace.placements import start_placement
from reports.probation import probation_figures
from tests import factories
from tests.factories import PASSWORD

ON = date(2021, 7, 1)


def _login(client, login):
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


@pytest.fixture
def workshop(world):
    """An outside sewing line in Astana open to people on probation, beside custody."""
    branch = factories.enterprise("state_branch", facility=world.facility_a, name="Еңбек Астана")
    line = factories.line(branch, None, headcount=3, title="Швейный цех Астана",
                          open_to_probation=True, leavers_within_months=12)
    db.session.commit()
    return line


def test_one_open_supervision_per_person_and_a_facility_unless_free(app, world):
    service = factories.probation_service("KZ-71")
    person = factories.client(service)
    db.session.commit()
    db.session.add(Supervision(person_id=person.id, service_id=service.id, kind="non_custodial",
                               started_on=date(2021, 2, 1), ends_on=date(2022, 2, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Person(file_number="X-1", last_name="А", first_name="Б", gender="M",
                          birth_on=date(1980, 1, 1), custody_status="in_custody"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_officer_sees_own_clients_never_people_in_custody(client, world):
    mine = factories.client(factories.probation_service("KZ-71"), last_name="Свой")
    other = factories.client(factories.probation_service("KZ-35"), last_name="Чужой")
    db.session.commit()
    _login(client, "probation_a")
    assert "Свой" in client.get("/people/probation").get_data(as_text=True)
    assert client.get(f"/people/probation/{mine.id}").status_code == 200
    assert client.get(f"/people/probation/{other.id}").status_code == 404
    assert client.get(f"/people/probation/{world.person_a.id}").status_code == 404
    assert client.get(f"/people/{world.person_a.id}").status_code == 404
    assert client.get(f"/market/lines/{world.line_a.id}/candidates").status_code == 404


def test_register_a_client_with_bad_dates_saves_nothing(client, world):
    _login(client, "probation_a")
    data = {"file_number": "ПР-77", "last_name": "Ахметов", "first_name": "Ерлан",
            "birth_on": "1990-01-01", "gender": "M", "education_level": "general_secondary",
            "able_bodied": "y", "started_on": "2021-02-01", "ends_on": "2021-01-01",
            "occupation_code": "7533", "level": "qualified", "years_experience": "2"}
    page = client.post("/people/probation/new", data=data)
    assert page.status_code == 200 and "The supervision must end after it begins." in \
        page.get_data(as_text=True)
    assert db.session.query(Person).filter_by(file_number="ПР-77").count() == 0
    page = client.post("/people/probation/new", data=dict(data, ends_on="2023-01-01"))
    assert page.status_code == 302
    person = db.session.query(Person).filter_by(file_number="ПР-77").one()
    assert person.custody_status == "on_probation" and person.facility_id is None
    assert [s.occupation_code for s in person.skills] == ["7533"]


def test_released_person_passes_to_probation_keeping_skills(client, world):
    released = factories.person(world.facility_a, released_on=date(2021, 3, 1),
                                custody_status="released", file_number="ЛД-REL")
    db.session.commit()
    _login(client, "probation_a")
    page = client.post("/people/probation/take", data={
        "file_number": world.person_a.file_number, "started_on": "2021-03-02",
        "ends_on": "2022-03-02"})
    assert "No released person has this file number." in page.get_data(as_text=True)
    page = client.post("/people/probation/take", data={
        "file_number": "ЛД-REL", "started_on": "2021-03-02", "ends_on": "2022-03-02"})
    assert page.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, released.id)
    assert person.custody_status == "on_probation" and person.skills
    assert client.get(f"/people/probation/{person.id}").status_code == 200


def test_matching_takes_both_groups_and_reads_the_court(app, world, workshop):
    service = factories.probation_service("KZ-71")
    ok = factories.client(service)
    barred = factories.client(service, barred_group="75")  # 7533 is in group 75
    ending = factories.client(service, ends_on=date(2021, 9, 1))
    elsewhere = factories.client(factories.probation_service("KZ-35"))
    workshop.min_months_left = 6
    db.session.commit()
    found = {c.person_id: c.group for c in matching.candidates(workshop, ON)}
    assert found.get(ok.id) == "probation" and found.get(world.person_a.id) == "custody"
    assert barred.id not in found and ending.id not in found and elsewhere.id not in found
    assert "restriction" in matching.failed_rules(barred.id, workshop, ON)
    assert "months_left" in matching.failed_rules(ending.id, workshop, ON)
    # A line not open to probation takes nobody on probation.
    assert "custody" in matching.failed_rules(ok.id, world.line_a, ON)
    # The optimal fill of the line proposes from both groups.
    proposed = {p.person_id for p in fill.line_proposals(workshop, ON)}
    assert {ok.id, world.person_a.id} <= proposed


def test_probation_figure_kept_apart_from_custody(app, world, workshop):
    person = factories.client(factories.probation_service("KZ-71"))
    factories.consents([person, world.person_a], [workshop])
    db.session.commit()
    before = employment.counts(ON)
    start_placement(person.id, workshop.id, date(2021, 6, 1))
    start_placement(world.person_a.id, workshop.id, date(2021, 6, 1))
    db.session.commit()
    after = employment.counts(ON)
    assert after["in_custody"] == before["in_custody"]
    assert after["employed"] == before["employed"] + 1  # only the convict
    figures = probation_figures(ON)
    assert (figures["on_probation"], figures["employed"]) == (1, 1)
    assert figures["lines"][0]["id"] == workshop.id and figures["lines"][0]["employed"] == 1
    assert employment.line_workers_by_group(workshop.id, ON) == {
        "custody": 1, "probation": 1, "other": 0}


def test_officer_places_a_client_and_owner_sees_them_pseudonymously(client, world, workshop):
    person = factories.client(factories.probation_service("KZ-71"), last_name="Клиентов",
                              ends_on=date(2030, 1, 15))
    owner = factories.user("owner", login="owner_ws", enterprise_id=workshop.enterprise_id)
    factories.consent(person, workshop)  # an outside line: consent comes first
    db.session.commit()
    factories_owner = owner.login
    _login(client, factories_owner)
    page = client.get(f"/market/lines/{workshop.id}/candidates").get_data(as_text=True)
    assert "Клиентов" not in page and "К-" in page
    client.post("/logout")
    _login(client, "probation_a")
    assert "Швейный цех Астана" in client.get("/enterprises/lines").get_data(as_text=True)
    assert client.get(f"/enterprises/lines/{world.line_a.id}").status_code == 404
    page = client.get(f"/market/lines/{workshop.id}/candidates").get_data(as_text=True)
    assert "Клиентов" in page and world.person_a.last_name not in page
    response = client.post(f"/market/lines/{workshop.id}/place", data={
        "person_id": person.id, "started_on": timeutil.today().isoformat()})
    assert response.status_code == 302
    assert "Клиентов" in client.get(f"/market/lines/{workshop.id}/placements").get_data(
        as_text=True)
    client.post("/logout")
    client.post("/login", data={"login": factories_owner, "password": PASSWORD})
    assert "Клиентов" in client.get("/market/workers").get_data(as_text=True)
