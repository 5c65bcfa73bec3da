"""A release or transfer entered by mistake can be undone or redated, with a reason: the
stays and the placement that ended with it follow in one transaction, the history keeps
both versions, the audit log says who did it, and only the right inspectors may do it."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person, PersonChange, Stay
from marketplace.models import Placement, PlacementChange, WageRecord
from tests import factories

REASON = "Entered on the wrong card"


@pytest.fixture
def placed(world):
    """person_a working on line_a (at FA) since January 2024."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    return placement


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def stays(person_id):
    db.session.expire_all()
    return [(s.facility_id, s.started_on, s.ended_on, s.end_reason) for s in db.session.scalars(
        select(Stay).where(Stay.person_id == person_id).order_by(Stay.started_on, Stay.id))]


def changes(model=PersonChange):
    db.session.expire_all()
    return {(c.field, c.old_value, c.new_value, c.reason) for c in db.session.scalars(select(model))}


def audits(action="correct"):
    db.session.expire_all()
    return [(e.entity, e.entity_id, e.detail, e.login) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def release(client, person, on="2024-05-01"):
    assert client.post(f"/people/{person.id}/release", data={"on": on}).status_code == 302


def transfer(client, person, facility, on="2024-05-01"):
    response = client.post(f"/people/{person.id}/transfer",
                           data={"on": on, "facility_id": facility.id})
    assert response.status_code == 302


def error_of(page, field):
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    return found.group(1) if found else None


# --- release ------------------------------------------------------------------------------

def test_undo_release_returns_the_person_and_restores_the_placement(world, client, auth, placed):
    auth.login("inspector_a")
    release(client, world.person_a)
    page = client.get(f"/people/{world.person_a.id}").get_data(as_text=True)
    assert f"/people/{world.person_a.id}/release/correct" in page
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "undo", "reason": REASON}, follow_redirects=True)
    assert response.status_code == 200
    assert f"The placement on {world.line_a.title} is restored." in response.get_data(as_text=True)
    person = fresh(Person, world.person_a.id)
    assert (person.custody_status, person.released_on) == ("in_custody", None)
    assert stays(person.id) == [(world.facility_a.id, date(2019, 3, 1), None, None)]
    placement = fresh(Placement, placed.id)
    assert (placement.ended_on, placement.end_reason) == (None, None)
    assert fresh(ProductionLine, world.line_a.id).places_taken == 1
    assert changes() >= {("custody_status", "released", "in_custody", REASON),
                         ("released_on", "2024-05-01", None, REASON)}
    assert changes(PlacementChange) == {("ended_on", "2024-05-01", None, REASON),
                                        ("end_reason", "released", None, REASON)}
    assert audits() == [("person", str(person.id), "undo release", "inspector_a"),
                        ("placement", str(placed.id), "undo release", "inspector_a")]
    # The reason is personal enough to stay out of the audit log, like every value.
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.detail.contains("wrong"))) == 0


@pytest.mark.parametrize("blocker", ["full", "closed"])
def test_undo_release_says_so_when_the_placement_cannot_come_back(
        world, client, auth, placed, blocker):
    auth.login("inspector_a")
    release(client, world.person_a)
    line = fresh(ProductionLine, world.line_a.id)
    if blocker == "full":
        for _ in range(line.headcount):
            factories.placement(factories.person(world.facility_a), line,
                                started_on=date(2024, 6, 1))
    else:
        line.status, line.closed_on = "closed", date(2024, 6, 1)
    db.session.commit()
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "undo", "reason": REASON}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"The placement on {line.title} was not restored" in page
    assert ("all places on this line are taken" if blocker == "full"
            else "not open for placements") in page.replace("All places", "all places")
    assert fresh(Person, world.person_a.id).custody_status == "in_custody"
    assert fresh(Placement, placed.id).end_reason == "released"
    assert audits() == [("person", str(world.person_a.id), "undo release", "inspector_a")]


def test_redating_a_release_moves_the_stay_and_the_placement(world, client, auth, placed):
    auth.login("inspector_a")
    release(client, world.person_a)
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "date", "on": "2024-04-20", "reason": REASON})
    assert response.status_code == 302
    assert fresh(Person, world.person_a.id).released_on == date(2024, 4, 20)
    assert stays(world.person_a.id) == [(world.facility_a.id, date(2019, 3, 1),
                                         date(2024, 4, 20), "released")]
    assert fresh(Placement, placed.id).ended_on == date(2024, 4, 20)
    assert ("released_on", "2024-05-01", "2024-04-20", REASON) in changes()
    assert changes(PlacementChange) == {("ended_on", "2024-05-01", "2024-04-20", REASON)}
    assert [a[2] for a in audits()] == ["release date", "release date"]


@pytest.mark.parametrize("on,text", [
    ("2024-05-01", "already recorded"),
    ("2019-01-01", "before the current stay began"),
    ("0001-01-01", "before the current stay began"),
    ("9999-12-31", "cannot be in the future"),
    ("", "Give the corrected date"),
])
def test_a_corrected_release_date_that_cannot_be_is_refused(world, client, auth, placed, on, text):
    auth.login("inspector_a")
    release(client, world.person_a)
    before = (changes(), stays(world.person_a.id))
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "date", "on": on, "reason": REASON})
    assert response.status_code == 200
    assert text in (error_of(response.get_data(as_text=True), "on") or "")
    assert (changes(), stays(world.person_a.id)) == before
    assert fresh(Placement, placed.id).ended_on == date(2024, 5, 1)


def test_a_release_cannot_move_before_wages_recorded_on_its_placement(world, client, auth, placed):
    auth.login("inspector_a")
    release(client, world.person_a, on="2024-06-10")
    db.session.add(WageRecord(placement_id=placed.id, month=date(2024, 5, 1), days_worked=20,
                              hours_worked=160, norm_hours=160, norm_met=True,
                              accrued_kzt=90_000, credited_kzt=90_000))
    db.session.commit()
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "date", "on": "2024-04-20", "reason": REASON})
    assert "2024-05" in (error_of(response.get_data(as_text=True), "on") or "")
    assert fresh(Person, world.person_a.id).released_on == date(2024, 6, 10)
    assert fresh(Placement, placed.id).ended_on == date(2024, 6, 10)
    assert audits() == []


def test_a_correction_needs_a_reason(world, client, auth, placed):
    auth.login("inspector_a")
    release(client, world.person_a)
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "undo", "reason": "   "})
    assert error_of(response.get_data(as_text=True), "reason") == (
        "Give the reason for the correction.")
    assert fresh(Person, world.person_a.id).custody_status == "released"


def test_only_a_released_person_has_a_release_to_correct(world, client, auth):
    auth.login("inspector_a")
    response = client.post(f"/people/{world.person_a.id}/release/correct",
                           data={"action": "undo", "reason": REASON})
    assert response.status_code == 302 and audits() == []
    assert "release/correct" not in client.get(f"/people/{world.person_a.id}").get_data(
        as_text=True)


def test_another_facility_cannot_correct_a_release(world, client, auth, placed):
    auth.login("inspector_a")
    release(client, world.person_a)
    auth.logout()
    auth.login("inspector_b")
    assert client.post(f"/people/{world.person_a.id}/release/correct",
                       data={"action": "undo", "reason": REASON}).status_code == 404
    assert fresh(Person, world.person_a.id).custody_status == "released"
    assert audits("deny")[-1][:2] == ("person", str(world.person_a.id))


# --- transfer -----------------------------------------------------------------------------

@pytest.fixture
def facility_c(world):
    """A third facility with its own inspector, who must not correct transfers between A and B."""
    other = factories.facility(code="FC", region_code="KZ-71")
    factories.user("inspector", login="inspector_c", facility_id=other.id)
    db.session.commit()
    return other


def test_the_sending_inspector_undoes_a_transfer(world, client, auth, placed, facility_c):
    auth.login("inspector_a")
    response = client.post(f"/people/{world.person_a.id}/transfer",
                           data={"on": "2024-05-01", "facility_id": world.facility_b.id},
                           follow_redirects=True)
    # The success message links to the correction (a link, not escaped text).
    assert f'<a href="/people/{world.person_a.id}/transfer/correct">' in response.get_data(
        as_text=True)
    assert client.get(f"/people/{world.person_a.id}").status_code == 404  # no longer theirs
    assert client.get(f"/people/{world.person_a.id}/transfer/correct").status_code == 200
    response = client.post(f"/people/{world.person_a.id}/transfer/correct",
                           data={"action": "undo", "reason": REASON})
    assert response.status_code == 302
    person = fresh(Person, world.person_a.id)
    assert person.facility_id == world.facility_a.id
    assert stays(person.id) == [(world.facility_a.id, date(2019, 3, 1), None, None)]
    placement = fresh(Placement, placed.id)
    assert (placement.ended_on, placement.end_reason) == (None, None)
    assert {("facility_id", str(world.facility_b.id), str(world.facility_a.id), REASON),
            ("transferred_on", "2024-05-01", None, REASON)} <= changes()
    assert [a[:3] for a in audits()] == [("person", str(person.id), "undo transfer"),
                                         ("placement", str(placed.id), "undo transfer")]


def test_only_the_two_facilities_and_administrators_may_correct_a_transfer(
        world, client, auth, placed, facility_c):
    auth.login("inspector_a")
    transfer(client, world.person_a, world.facility_b)
    auth.logout()
    for login in ("inspector_c", "owner_a", "analyst"):
        auth.login(login)
        assert client.get(f"/people/{world.person_a.id}/transfer/correct").status_code == 404
        assert client.post(f"/people/{world.person_a.id}/transfer/correct",
                           data={"action": "undo", "reason": REASON}).status_code == 404
        auth.logout()
    assert fresh(Person, world.person_a.id).facility_id == world.facility_b.id
    for login in ("inspector_b", "admin"):
        auth.login(login)
        assert client.get(f"/people/{world.person_a.id}/transfer/correct").status_code == 200
        auth.logout()


def test_a_transfer_after_which_the_person_worked_cannot_be_undone(world, client, auth, placed):
    auth.login("inspector_a")
    transfer(client, world.person_a, world.facility_b)
    factories.placement(world.person_a, world.line_b, started_on=date(2024, 6, 1))
    db.session.commit()
    auth.logout()
    auth.login("inspector_b")
    before = stays(world.person_a.id)
    response = client.post(f"/people/{world.person_a.id}/transfer/correct",
                           data={"action": "undo", "reason": REASON})
    assert response.status_code == 200
    assert "cannot be undone" in response.get_data(as_text=True)
    assert stays(world.person_a.id) == before
    assert fresh(Person, world.person_a.id).facility_id == world.facility_b.id
    assert fresh(Placement, placed.id).end_reason == "transferred"


def test_redating_a_transfer_moves_both_stays_and_the_placement(world, client, auth, placed):
    auth.login("inspector_a")
    transfer(client, world.person_a, world.facility_b)
    auth.logout()
    auth.login("inspector_b")
    page = client.get(f"/people/{world.person_a.id}").get_data(as_text=True)
    assert f"/people/{world.person_a.id}/transfer/correct" in page
    response = client.post(f"/people/{world.person_a.id}/transfer/correct",
                           data={"action": "date", "on": "2024-04-15", "reason": REASON})
    assert response.status_code == 302
    assert stays(world.person_a.id) == [
        (world.facility_a.id, date(2019, 3, 1), date(2024, 4, 15), "transferred"),
        (world.facility_b.id, date(2024, 4, 15), None, None)]
    assert fresh(Placement, placed.id).ended_on == date(2024, 4, 15)
    assert ("transferred_on", "2024-05-01", "2024-04-15", REASON) in changes()


def test_a_transfer_cannot_move_past_work_at_the_new_facility(world, client, auth, placed):
    auth.login("inspector_a")
    transfer(client, world.person_a, world.facility_b)
    factories.placement(world.person_a, world.line_b, started_on=date(2024, 6, 1))
    db.session.commit()
    auth.logout()
    auth.login("inspector_b")
    before = stays(world.person_a.id)
    for on in ("2024-07-01", "9999-12-31", "0001-01-01"):
        response = client.post(f"/people/{world.person_a.id}/transfer/correct",
                               data={"action": "date", "on": on, "reason": REASON})
        assert response.status_code == 200 and error_of(response.get_data(as_text=True), "on")
    assert stays(world.person_a.id) == before
    assert fresh(Placement, placed.id).ended_on == date(2024, 5, 1)


FUTURE = {"release": "A release still to come is the expected release date",
          "transfer": "a transfer is recorded on the day it happens"}


@pytest.mark.parametrize("kind", ["release", "transfer"])
def test_a_future_leaving_date_is_refused_in_the_words_of_its_kind(
        world, client, auth, placed, kind):
    auth.login("inspector_a")
    other = FUTURE["transfer" if kind == "release" else "release"]
    extra = {"facility_id": world.facility_b.id} if kind == "transfer" else {}
    entered = client.post(f"/people/{world.person_a.id}/{kind}",
                          data={"on": "9999-12-31", **extra}).get_data(as_text=True)
    assert FUTURE[kind] in (error_of(entered, "on") or "") and other not in entered
    (release(client, world.person_a) if kind == "release"
     else transfer(client, world.person_a, world.facility_b))
    if kind == "transfer":  # the receiving facility corrects it too
        auth.logout()
        auth.login("inspector_b")
    corrected = client.post(f"/people/{world.person_a.id}/{kind}/correct", data={
        "action": "date", "on": "9999-12-31", "reason": REASON}).get_data(as_text=True)
    assert FUTURE[kind] in (error_of(corrected, "on") or "") and other not in corrected


# --- the history on the person's page -----------------------------------------------------

def _corrections_table(page):
    start = page.index("<h2 class=\"h5\">Исправления</h2>")
    return page[start:page.index("</table>", start)]


def test_the_corrections_table_shows_labels_and_values_in_the_users_language(
        world, client, auth):
    person = world.person_a
    auth.login("inspector_a")
    client.post("/language", data={"lang": "ru"})
    data = {"file_number": person.file_number, "last_name": person.last_name,
            "first_name": person.first_name, "birth_on": "1986-06-06", "gender": "F",
            "admitted_on": "2019-03-01", "expected_release_on": "2030-01-01",
            "education_level": "higher"}  # not able-bodied any more: the box is left out
    assert client.post(f"/people/{person.id}/edit", data=data).status_code == 302
    transfer(client, person, world.facility_b)
    client.post(f"/people/{person.id}/transfer/correct",
                data={"action": "undo", "reason": REASON})
    release(client, person, on="2024-06-01")
    page = client.get(f"/people/{person.id}", headers={"Accept-Language": "ru"}).get_data(
        as_text=True)
    table = _corrections_table(page)
    for text in ("Пол", "Мужской", "Женский", "Образование", "Высшее", "Трудоспособный", "Да",
                 "Нет", "Дата рождения", "Учреждение", "FA · ", "FB · ", "Статус",
                 "Отбывает наказание", "Освобождён", "Дата освобождения", "Дата перевода",
                 REASON, "1986"):
        assert text in table, text
    for raw in ("gender", "birth_on", "facility_id", "custody_status", "released_on",
                "transferred_on", "education_level", "in_custody", ">yes<", ">no<",
                "1986-06-06", "2024-06-01"):
        assert raw not in table, raw


def test_skill_changes_show_the_occupation_and_the_level_in_words(world, client, auth):
    auth.login("inspector_a")
    client.post(f"/people/{world.person_a.id}/skills/new", data={
        "occupation_code": "8153", "level": "expert", "years_experience": "1", "certified": "y"})
    db.session.add(PersonChange(person_id=world.person_a.id, field="skills",
                                old_value="7533:qualified:4:no", new_value=None))
    db.session.commit()
    page = client.get(f"/people/{world.person_a.id}").get_data(as_text=True)
    table = page[page.index("<h2 class=\"h5\">Corrections</h2>"):]
    table = table[:table.index("</table>")]
    assert "Skill: 8153 · " in table and "Expert, 1 year of experience, certified" in table
    assert "7533 · " in table and "Qualified, 4 years of experience, not certified" in table
    assert "8153:expert" not in table and "7533:qualified" not in table
