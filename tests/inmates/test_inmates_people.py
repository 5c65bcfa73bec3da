"""Person records: create, correct with history, skills, scope, release and transfer."""
from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db
from inmates.models import Person, PersonChange, Skill, Stay
from inmates.services import iin_errors
from inmates.signals import person_leaving
from marketplace.models import Placement
from tests import factories


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Read pages in English: the assertions quote the English messages."""
    from tests.conftest import AuthActions

    plain_login = AuthActions.login

    def login(self, *args, **kwargs):
        response = plain_login(self, *args, **kwargs)
        self._client.post("/language", data={"lang": "en"})
        return response

    monkeypatch.setattr(AuthActions, "login", login)


VALID_IIN = "791028302728"  # born 1979-10-28, male


def form_data(**overrides):
    data = {"file_number": "N-100", "last_name": "Сейтқали", "first_name": "Нұрлан",
            "patronymic": "", "iin": VALID_IIN, "birth_on": "1979-10-28", "gender": "M",
            "admitted_on": "2021-03-01", "expected_release_on": "2028-03-01", "able_bodied": "y",
            "disability_group": "", "education_level": "vocational"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def person_by_number(number):
    db.session.expire_all()
    return db.session.scalars(select(Person).where(Person.file_number == number)).first()


def test_iin_validator_accepts_the_example_and_rejects_a_changed_digit(app):
    with app.test_request_context():
        assert iin_errors(VALID_IIN, date(1979, 10, 28), "M") is None
        assert iin_errors("791028302729", date(1979, 10, 28), "M") is not None
        assert iin_errors(VALID_IIN, date(1979, 10, 29), "M") is not None
        assert iin_errors(VALID_IIN, date(1979, 10, 28), "F") is not None


def test_inspector_creates_a_person_at_own_facility_only(world, client, auth):
    auth.login("inspector_a")
    response = client.post("/people/new", data=form_data(facility_id=world.facility_b.id))
    assert response.status_code == 302
    person = person_by_number("N-100")
    assert person.facility_id == world.facility_a.id
    stay = db.session.scalars(select(Stay).where(Stay.person_id == person.id)).one()
    assert stay.facility_id == world.facility_a.id and stay.ended_on is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create",
                                                        AuditEvent.entity == "person")).one()
    assert "Сейтқали" not in (event.detail or "")


def test_admin_chooses_the_facility(world, client, auth):
    auth.login("admin")
    client.post("/people/new", data=form_data(facility_id=world.facility_b.id))
    assert person_by_number("N-100").facility_id == world.facility_b.id


@pytest.mark.parametrize("overrides,field,text", [
    ({"iin": "791028302729"}, "iin", "check digit"),
    ({"birth_on": "1980-10-28"}, "iin", "birth date"),
    ({"gender": "F"}, "iin", "other gender"),
    ({"expected_release_on": "2020-01-01"}, "expected_release_on", "before admission"),
    ({"disability_group": "2"}, "disability_group", "not able-bodied"),
])
def test_bad_values_are_shown_next_to_the_field(world, client, auth, overrides, field, text):
    auth.login("inspector_a")
    response = client.post("/people/new", data=form_data(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and text in page
    assert person_by_number("N-100") is None


def test_iin_and_file_number_must_be_unique(world, client, auth):
    auth.login("inspector_a")
    client.post("/people/new", data=form_data())
    response = client.post("/people/new", data=form_data())
    page = response.get_data(as_text=True)
    assert "already has this file number" in page and "already has this IIN" in page
    assert db.session.scalar(select(func.count(Person.id))) == 3


def test_correction_keeps_history_and_audit_holds_no_values(world, client, auth):
    auth.login("inspector_a")
    person = world.person_a
    data = form_data(file_number=person.file_number, last_name="Әлиев", first_name=person.first_name,
                     iin="", birth_on="1985-05-05", admitted_on="2019-03-01",
                     expected_release_on="2030-01-01", education_level="general_secondary")
    assert client.post(f"/people/{person.id}/edit", data=data).status_code == 302
    changes = db.session.scalars(select(PersonChange).where(PersonChange.person_id == person.id)).all()
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {("last_name", "Алиев", "Әлиев")}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.detail == "fields: last_name" and event.entity_id == str(person.id)
    # Saving the same values again writes no history.
    client.post(f"/people/{person.id}/edit", data=data)
    assert db.session.scalar(select(func.count(PersonChange.id))) == 1


def test_person_page_is_audited(world, client, auth):
    auth.login("inspector_a")
    response = client.get(f"/people/{world.person_a.id}")
    assert response.status_code == 200 and "Алиев" in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.entity == "person",
        AuditEvent.entity_id == str(world.person_a.id))).first() is not None


@pytest.mark.parametrize("method,path", [
    ("get", "/people/{id}"), ("get", "/people/{id}/edit"), ("post", "/people/{id}/edit"),
    ("post", "/people/{id}/release"), ("post", "/people/{id}/transfer"),
    ("post", "/people/{id}/skills/new"), ("get", "/people/skills/{skill}/edit"),
    ("post", "/people/skills/{skill}/remove"),
])
def test_inspector_cannot_see_or_change_another_facility(world, client, auth, method, path):
    auth.login("inspector_a")
    other = world.person_b
    url = path.format(id=other.id, skill=other.skills[0].id)
    response = getattr(client, method)(url, data=form_data(on="2024-01-01", last_name="X"))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Person, other.id).last_name == "Борисов"
    assert db.session.get(Person, other.id).custody_status == "in_custody"
    assert len(db.session.get(Person, other.id).skills) == 1
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deny")).first()


def test_roster_does_not_list_another_facility(world, client, auth):
    auth.login("inspector_a")
    page = client.get("/market/roster?facility=%d" % world.facility_b.id).get_data(as_text=True)
    assert "Алиев" in page and "Борисов" not in page


def test_skills_add_edit_remove(world, client, auth):
    auth.login("inspector_a")
    person = world.person_a
    response = client.post(f"/people/{person.id}/skills/new", data={
        "occupation_code": "8153", "level": "trainee", "years_experience": "0"})
    assert response.status_code == 302
    skill_id = db.session.scalars(select(Skill.id).where(Skill.person_id == person.id,
                                                         Skill.occupation_code == "8153")).one()
    client.post(f"/people/skills/{skill_id}/edit", data={
        "occupation_code": "8153", "level": "expert", "years_experience": "7", "certified": "y"})
    db.session.expire_all()
    assert db.session.get(Skill, skill_id).level == "expert"
    duplicate = client.post(f"/people/{person.id}/skills/new", data={
        "occupation_code": "8153", "level": "trainee", "years_experience": "0"})
    assert "already has this occupation" in duplicate.get_data(as_text=True)
    client.post(f"/people/skills/{skill_id}/remove")
    db.session.expire_all()
    assert db.session.get(Skill, skill_id) is None
    fields = set(db.session.scalars(select(PersonChange.field).where(
        PersonChange.person_id == person.id)))
    assert fields == {"skill 8153"}


def _placed(world):
    return factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))


def test_release_ends_stay_and_placement_together(world, client, auth):
    placement = _placed(world)
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/people/{world.person_a.id}/release", data={"on": "2024-05-01"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, world.person_a.id)
    assert person.custody_status == "released" and person.released_on == date(2024, 5, 1)
    stay = db.session.scalars(select(Stay).where(Stay.person_id == person.id)).one()
    assert (stay.ended_on, stay.end_reason) == (date(2024, 5, 1), "released")
    ended = db.session.get(Placement, placement.id)
    assert (ended.ended_on, ended.end_reason) == (date(2024, 5, 1), "released")


def test_transfer_moves_person_and_ends_placement(world, client, auth):
    placement = _placed(world)
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/people/{world.person_a.id}/transfer",
                           data={"on": "2024-05-01", "facility_id": world.facility_b.id})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, world.person_a.id)
    assert person.facility_id == world.facility_b.id and person.custody_status == "in_custody"
    stays = db.session.scalars(select(Stay).where(Stay.person_id == person.id)
                               .order_by(Stay.started_on)).all()
    assert [(s.facility_id, s.ended_on, s.end_reason) for s in stays] == [
        (world.facility_a.id, date(2024, 5, 1), "transferred"),
        (world.facility_b.id, None, None)]
    assert db.session.get(Placement, placement.id).end_reason == "transferred"
    # The old facility's inspector no longer reaches the person.
    assert client.get(f"/people/{person.id}").status_code == 404


@pytest.mark.parametrize("path,data", [
    ("release", {"on": "2024-05-01"}),
    ("transfer", {"on": "2024-05-01", "facility_id": None}),
])
def test_failure_halfway_changes_nothing(world, client, auth, path, data):
    placement = _placed(world)
    db.session.commit()
    if "facility_id" in data:
        data["facility_id"] = world.facility_b.id

    def broken(_person, **_kwargs):
        raise RuntimeError("a subscriber fails after the placement ended")

    person_leaving.connect(broken)
    auth.login("inspector_a")
    try:
        with pytest.raises(RuntimeError):
            client.post(f"/people/{world.person_a.id}/{path}", data=data)
    finally:
        person_leaving.disconnect(broken)
    db.session.expire_all()
    person = db.session.get(Person, world.person_a.id)
    assert (person.custody_status, person.facility_id, person.released_on) == (
        "in_custody", world.facility_a.id, None)
    stays = db.session.scalars(select(Stay).where(Stay.person_id == person.id)).all()
    assert [(s.ended_on, s.end_reason) for s in stays] == [(None, None)]
    assert db.session.get(Placement, placement.id).holds_place()
    assert db.session.scalar(select(func.count(PersonChange.id))) == 0


def test_release_before_admission_is_refused(world, client, auth):
    auth.login("inspector_a")
    response = client.post(f"/people/{world.person_a.id}/release", data={"on": "2010-01-01"})
    assert response.status_code == 200 and 'id="on-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, world.person_a.id).custody_status == "in_custody"


def test_pages_render(world, client, auth):
    auth.login("inspector_a")
    for url in ("/market/roster", "/people/new", f"/people/{world.person_a.id}/edit",
                f"/people/{world.person_a.id}/release", f"/people/{world.person_a.id}/transfer",
                f"/people/{world.person_a.id}/skills/new", "/people/import", "/"):
        assert client.get(url).status_code == 200, url
