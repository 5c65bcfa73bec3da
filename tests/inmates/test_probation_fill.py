"""The optimal fill of one line from both groups, through the page: the probation officer
fills an outside line with its clients, the inspector with people in custody, each accepted
row placed by the same placement service."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import timeutil
from extensions import db
from marketplace.models import Placement
from tests import factories
from tests.factories import PASSWORD


def _login(client, login):
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def _placed(line):
    db.session.expire_all()
    return set(db.session.scalars(select(Placement.person_id).where(
        Placement.line_id == line.id, Placement.holds_place())))


@pytest.fixture
def workshop(world):
    """An outside sewing line in Astana with two free places, open to people on probation."""
    owner = factories.enterprise("sme", region_code="KZ-71", name="ТОО Шебер")
    line = factories.line(owner, None, headcount=2, title="Тігін шеберханасы",
                          open_to_probation=True)
    db.session.commit()
    return line


@pytest.fixture
def clients(world):
    """Three clients of the Astana probation service, the first the most experienced."""
    service = factories.probation_service("KZ-71")
    people = [factories.client(service, last_name=f"Клиент{n}", ends_on=date(2030, 1, 1),
                               skills=(("7533", "expert" if n == 0 else "qualified", 9 - n),))
              for n in range(3)]
    factories.consent_all()  # the workshop is outside: consent comes before placing
    db.session.commit()
    return people


def test_officer_sees_the_best_clients_for_the_free_places_only(client, world, workshop,
                                                                   clients):
    _login(client, "probation_a")
    page = client.get(f"/market/lines/{workshop.id}/fill")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Тігін шеберханасы" in text
    shown = [p.last_name for p in clients if p.last_name in text]
    assert len(shown) == 2 and "Клиент0" in shown  # two free places, the expert first
    assert world.person_a.last_name not in text  # people in custody stay out of sight
    assert "On probation" in text


def test_officer_accepts_part_of_the_proposal(client, world, workshop, clients):
    _login(client, "probation_a")
    first = clients[0]
    response = client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": timeutil.today().isoformat(),
        # A person outside the officer's scope slipped into the form is ignored.
        "accept": [str(first.id), str(world.person_a.id)]})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Placed." in text
    assert _placed(workshop) == {first.id}
    # The free place left is proposed again, to one of the others.
    assert first.last_name not in text.split('id="line-proposals"')[1]


def test_accepting_the_whole_proposal_fills_the_line(client, world, workshop, clients):
    _login(client, "probation_a")
    client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": timeutil.today().isoformat(),
        "accept": [str(clients[0].id), str(clients[1].id)]})
    assert _placed(workshop) == {clients[0].id, clients[1].id}
    text = client.get(f"/market/lines/{workshop.id}/fill").get_data(as_text=True)
    assert "No idle eligible person fits a vacancy." in text


def test_a_row_that_cannot_be_placed_says_why_and_the_others_go_through(client, world,
                                                                         workshop, clients):
    factories.placement(clients[1], world.line_a, started_on=date(2021, 6, 1))  # placed since
    db.session.commit()
    _login(client, "probation_a")
    response = client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": timeutil.today().isoformat(),
        "accept": [str(clients[0].id), str(clients[1].id)]})
    text = response.get_data(as_text=True)
    assert "already placed" in text and "Placed." in text
    assert _placed(workshop) == {clients[0].id}


def test_a_start_date_too_far_ahead_is_reported_and_nothing_is_placed(client, world, workshop,
                                                                       clients):
    _login(client, "probation_a")
    far = timeutil.today() + timedelta(days=400)
    response = client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": far.isoformat(), "accept": [str(clients[0].id)]})
    assert response.status_code == 200 and "list-group-item-danger" in response.get_data(
        as_text=True)
    assert _placed(workshop) == set()
    response = client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": "not a date", "accept": [str(clients[0].id)]})
    assert response.status_code == 422 and _placed(workshop) == set()


def test_inspector_fills_the_same_line_with_people_in_custody(client, world, workshop,
                                                               clients):
    _login(client, "inspector_a")
    text = client.get(f"/market/lines/{workshop.id}/fill").get_data(as_text=True)
    assert world.person_a.last_name in text and "Клиент0" not in text
    client.post(f"/market/lines/{workshop.id}/fill", data={
        "started_on": timeutil.today().isoformat(),
        "accept": [str(world.person_a.id), str(clients[0].id)]})
    assert _placed(workshop) == {world.person_a.id}


def test_admin_is_proposed_both_groups(client, world, workshop, clients):
    workshop.headcount = 5
    db.session.commit()
    _login(client, "admin")
    text = client.get(f"/market/lines/{workshop.id}/fill").get_data(as_text=True)
    assert "In custody" in text and "On probation" in text


def test_officer_gets_404_for_a_line_outside_its_scope(client, world, workshop):
    _login(client, "probation_a")
    assert client.get(f"/market/lines/{world.line_a.id}/fill").status_code == 404
    assert client.post(f"/market/lines/{world.line_a.id}/fill", data={
        "started_on": timeutil.today().isoformat(),
        "accept": [str(world.person_a.id)]}).status_code == 404
    assert _placed(world.line_a) == set()
    client.post("/logout")
    _login(client, "owner_a")
    assert client.get(f"/market/lines/{workshop.id}/fill").status_code in (403, 404)
