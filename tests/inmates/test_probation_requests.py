"""An owner's request for a candidate on probation reaches the probation officer of the
region, who accepts it (placing the client) or declines it; nobody else decides it."""
import re
from datetime import date

import pytest
from sqlalchemy import select

import timeutil
from extensions import db
from marketplace import services
from marketplace.models import CandidateRequest, Placement
from tests import factories
from tests.factories import PASSWORD


def _login(client, login):
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


@pytest.fixture
def workshop(world):
    """An outside sewing line in Astana open to people on probation, with its owner, and one
    client of the Astana probation service."""
    enterprise = factories.enterprise("sme", region_code="KZ-71", name="ТОО Шебер")
    line = factories.line(enterprise, None, headcount=3, title="Тігін шеберханасы",
                          open_to_probation=True)
    factories.user("owner", login="owner_ws", enterprise_id=enterprise.id)
    factories.user("probation_officer", login="probation_b",
                   probation_service_id=factories.probation_service("KZ-35").id)
    person = factories.client(factories.probation_service("KZ-71"), last_name="Сұраулы",
                              ends_on=date(2030, 1, 1))
    factories.consent(person, line)  # an outside line: the officer took the consent first
    db.session.commit()
    return line, person


def _ask(client, line, person):
    """The owner asks for the client, known to it only by the candidate's token."""
    _login(client, "owner_ws")
    page = client.get(f"/market/lines/{line.id}/candidates").get_data(as_text=True)
    token = services.token(line.id, person.id)
    assert token in page and person.last_name not in page
    response = client.post(f"/market/lines/{line.id}/request", data={"token": token},
                           follow_redirects=True)
    assert "Your request was sent to the probation service." in response.get_data(as_text=True)
    return db.session.scalars(select(CandidateRequest).where(
        CandidateRequest.person_id == person.id)).one()


def test_request_reaches_the_probation_officer_not_the_inspector(client, world, workshop):
    line, person = workshop
    asked = _ask(client, line, person)
    _login(client, "inspector_a")
    assert person.last_name not in client.get("/market/requests").get_data(as_text=True)
    assert client.post(f"/market/requests/{asked.id}/decide",
                       data={"decision": "accept"}).status_code == 404
    _login(client, "probation_b")  # another region's service
    assert person.last_name not in client.get("/market/requests").get_data(as_text=True)
    assert client.post(f"/market/requests/{asked.id}/decide",
                       data={"decision": "accept"}).status_code == 404
    _login(client, "probation_a")
    queue = client.get("/market/requests").get_data(as_text=True)
    assert person.last_name in queue and "Тігін шеберханасы" in queue
    assert re.search(rf"/market/requests/{asked.id}/decide", queue)


def test_officer_accepts_and_the_client_is_placed(client, world, workshop):
    line, person = workshop
    asked = _ask(client, line, person)
    _login(client, "probation_a")
    response = client.post(f"/market/requests/{asked.id}/decide", data={
        "decision": "accept", "started_on": timeutil.today().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "accepted"
    assert db.session.scalars(select(Placement.line_id).where(
        Placement.person_id == person.id, Placement.holds_place())).all() == [line.id]
    _login(client, "owner_ws")
    assert person.last_name in client.get("/market/workers").get_data(as_text=True)
    assert "Accepted" in client.get("/market/requests").get_data(as_text=True)


def test_officer_declines_with_a_reason_the_owner_reads(client, world, workshop):
    line, person = workshop
    asked = _ask(client, line, person)
    _login(client, "probation_a")
    response = client.post(f"/market/requests/{asked.id}/decide", data={"decision": "decline"},
                           follow_redirects=True)
    assert "Give the start date to accept, or a reason to decline." in response.get_data(
        as_text=True)
    client.post(f"/market/requests/{asked.id}/decide", data={
        "decision": "decline", "reason": "Суд запретил работу в вечернюю смену"})
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "declined"
    assert db.session.scalar(select(Placement.id).where(Placement.person_id == person.id)) is None
    _login(client, "owner_ws")
    assert "Суд запретил работу в вечернюю смену" in client.get("/market/requests").get_data(
        as_text=True)


def test_a_start_the_client_cannot_have_is_shown_beside_the_request(client, world, workshop):
    line, person = workshop
    asked = _ask(client, line, person)
    _login(client, "probation_a")
    response = client.post(f"/market/requests/{asked.id}/decide", data={
        "decision": "accept", "started_on": "2020-01-01"})  # before the line opened
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(CandidateRequest, asked.id).status == "requested"
    assert db.session.scalar(select(Placement.id).where(Placement.person_id == person.id)) is None


def test_officer_records_a_clients_consent_and_only_for_its_lines(client, world, workshop):
    line, person = workshop
    other = factories.client(factories.probation_service("KZ-71"), last_name="Келісім",
                             ends_on=date(2030, 1, 1))
    db.session.commit()
    _login(client, "probation_a")
    page = client.get(f"/compliance/people/{other.id}").get_data(as_text=True)
    assert "Тігін шеберханасы" in page and "Record consent" in page
    assert "Record the payment" not in page  # pay and safety stay with the facility's staff
    assert client.post(f"/compliance/people/{other.id}/consents", data={
        "line_id": world.line_a.id, "taken_on": timeutil.today().isoformat(),
        "taken_by": "Пробация"}).status_code == 404  # a line outside its scope
    response = client.post(f"/compliance/people/{other.id}/consents", data={
        "line_id": line.id, "taken_on": timeutil.today().isoformat(), "taken_by": "Пробация"})
    assert response.status_code == 302
    response = client.post(f"/market/lines/{line.id}/place", data={
        "person_id": other.id, "started_on": timeutil.today().isoformat()})
    assert response.status_code == 302
    assert client.get(f"/compliance/people/{world.person_a.id}").status_code == 404
