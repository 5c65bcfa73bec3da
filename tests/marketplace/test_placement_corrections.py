"""The end of a placement entered by mistake can be corrected (date, reason) or undone
(reopened, under the line's capacity), with a reason; the history keeps both versions, the
audit log says who, and only the person's facility and administrators may do it."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Stay
from marketplace.models import Placement, PlacementChange
from tests import factories
from timeutil import today

REASON = "The dismissal order was for another worker"


@pytest.fixture
def ended(world):
    """person_a's placement on line_a, ended (dismissed) on 2024-05-01."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10),
                                    ended_on=date(2024, 5, 1), end_reason="dismissed", slot=1)
    db.session.commit()
    return placement


def fresh(placement):
    db.session.expire_all()
    return db.session.get(Placement, placement.id)


def kept():
    db.session.expire_all()
    return {(c.field, c.old_value, c.new_value, c.reason) for c in db.session.scalars(
        select(PlacementChange))}


def corrections_audited():
    db.session.expire_all()
    return [(e.entity, e.entity_id, e.detail, e.login) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "correct"))]


def error_of(page, field):
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    return found.group(1) if found else None


def correct(client, placement, **data):
    return client.post(f"/market/placements/{placement.id}/correct",
                       data={"reason": REASON, **data})


@pytest.mark.parametrize("claimed", ["released", "transferred", "withdrawn"])
def test_a_correction_does_not_give_an_end_an_event_s_reason(world, client, auth, ended, claimed):
    auth.login("inspector_a")
    form = client.get(f"/market/placements/{ended.id}/correct").get_data(as_text=True)
    assert f'value="{claimed}"' not in form
    response = correct(client, ended, action="end", ended_on="2024-05-01", end_reason=claimed)
    assert response.status_code == 422 and error_of(response.get_data(as_text=True), "end_reason")
    assert fresh(ended).end_reason == "dismissed" and kept() == set()


def test_an_end_that_came_with_a_release_keeps_its_reason(world, client, auth):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10),
                                    ended_on=date(2024, 5, 1), end_reason="released", slot=1)
    db.session.commit()
    auth.login("inspector_a")
    form = client.get(f"/market/placements/{placement.id}/correct").get_data(as_text=True)
    assert 'value="released" selected' in form or 'selected value="released"' in form
    response = correct(client, placement, action="end", ended_on="2024-04-20",
                       end_reason="released")
    assert response.status_code == 302
    assert (fresh(placement).ended_on, fresh(placement).end_reason) == (date(2024, 4, 20),
                                                                        "released")
    # Nor does it become a dismissal: the release is corrected with the person's record.
    assert 'value="dismissed"' not in client.get(
        f"/market/placements/{placement.id}/correct").get_data(as_text=True)
    refused = correct(client, placement, action="end", ended_on="2024-04-20",
                      end_reason="dismissed")
    assert refused.status_code == 422 and error_of(refused.get_data(as_text=True), "end_reason")
    assert fresh(placement).end_reason == "released"


def test_changing_the_end_keeps_both_versions_and_is_audited(world, client, auth, ended):
    auth.login("inspector_a")
    page = client.get(f"/market/people/{world.person_a.id}/placements").get_data(as_text=True)
    assert f"/market/placements/{ended.id}/correct" in page
    assert client.get(f"/market/placements/{ended.id}/correct").status_code == 200
    response = correct(client, ended, action="end", ended_on="2024-04-20", end_reason="health")
    assert response.status_code == 302
    placement = fresh(ended)
    assert (placement.ended_on, placement.end_reason) == (date(2024, 4, 20), "health")
    assert kept() == {("ended_on", "2024-05-01", "2024-04-20", REASON),
                      ("end_reason", "dismissed", "health", REASON)}
    assert corrections_audited() == [("placement", str(ended.id), "end", "inspector_a")]
    client.post("/language", data={"lang": "ru"})
    page = client.get(f"/market/people/{world.person_a.id}/placements",
                      headers={"Accept-Language": "ru"}).get_data(as_text=True)
    table = page[page.index("Исправления"):]
    table = table[:table.index("</table>")]
    for text in ("Дата окончания", "Причина", "Уволен", "2024", REASON, "inspector_a"):
        assert text in table, text
    for raw in ("ended_on", "end_reason", "dismissed", "2024-04-20"):
        assert raw not in table, raw


@pytest.mark.parametrize("ended_on,text", [
    ("2024-01-01", "before the start date"),
    ("0001-01-01", "before the start date"),
    ((today() + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ("9999-12-31", "cannot be in the future"),
    ("2024-05-01", "already recorded"),
    ("", "Give the end date"),
])
def test_an_end_that_cannot_be_is_refused_next_to_the_field(
        world, client, auth, ended, ended_on, text):
    auth.login("inspector_a")
    response = correct(client, ended, action="end", ended_on=ended_on, end_reason="dismissed")
    assert response.status_code == 422
    assert text in (error_of(response.get_data(as_text=True), "ended_on") or "")
    assert (fresh(ended).ended_on, kept(), corrections_audited()) == (date(2024, 5, 1), set(), [])


def test_the_end_cannot_move_past_the_persons_release(world, client, auth):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    auth.login("inspector_a")
    client.post(f"/people/{world.person_a.id}/release", data={"on": "2024-05-01"})
    response = correct(client, placement, action="end", ended_on="2024-06-01",
                       end_reason="released")
    assert "left the facility" in (error_of(response.get_data(as_text=True), "ended_on") or "")
    assert fresh(placement).ended_on == date(2024, 5, 1)


def test_a_correction_needs_a_reason(world, client, auth, ended):
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{ended.id}/correct",
                           data={"action": "reopen", "reason": ""})
    assert error_of(response.get_data(as_text=True), "reason")
    assert fresh(ended).ended_on == date(2024, 5, 1)


def test_reopening_holds_a_place_again(world, client, auth, ended):
    auth.login("inspector_a")
    assert correct(client, ended, action="reopen").status_code == 302
    placement = fresh(ended)
    assert (placement.ended_on, placement.end_reason, placement.slot) == (None, None, 1)
    assert db.session.get(ProductionLine, world.line_a.id).places_taken == 1
    assert kept() == {("ended_on", "2024-05-01", None, REASON),
                      ("end_reason", "dismissed", None, REASON)}
    assert corrections_audited() == [("placement", str(ended.id), "reopen", "inspector_a")]


def test_reopening_takes_another_place_when_its_own_was_taken(world, client, auth, ended):
    factories.placement(factories.person(world.facility_a), world.line_a,
                        started_on=date(2024, 6, 1), slot=1)
    db.session.commit()
    auth.login("inspector_a")
    assert correct(client, ended, action="reopen").status_code == 302
    assert fresh(ended).slot == 2
    assert ("slot", "1", "2", REASON) in kept()
    assert db.session.get(ProductionLine, world.line_a.id).places_taken == 2


@pytest.mark.parametrize("blocker,text", [
    ("full", "All places on this line are taken"),
    ("closed", "not open for placements"),
    ("placed", "already placed"),
    ("released", "not in custody"),
])
def test_reopening_is_refused_when_the_place_cannot_be_held(
        world, client, auth, ended, blocker, text):
    line = db.session.get(ProductionLine, world.line_a.id)
    if blocker == "full":
        for _ in range(line.headcount):
            factories.placement(factories.person(world.facility_a), line,
                                started_on=date(2024, 6, 1))
    elif blocker == "closed":
        line.status, line.closed_on = "closed", date(2024, 6, 1)
    elif blocker == "placed":
        factories.placement(world.person_a, factories.line(world.sme_a, world.facility_a),
                            started_on=date(2024, 6, 1))
    else:
        world.person_a.custody_status, world.person_a.released_on = "released", date(2024, 6, 1)
        stay = db.session.scalars(select(Stay).where(Stay.person_id == world.person_a.id)).one()
        stay.ended_on, stay.end_reason = date(2024, 6, 1), "released"
    db.session.commit()
    taken = db.session.get(ProductionLine, world.line_a.id).places_taken
    auth.login("inspector_a")
    response = correct(client, ended, action="reopen")
    assert response.status_code == 422
    assert text in (error_of(response.get_data(as_text=True), "action") or "")
    assert fresh(ended).ended_on == date(2024, 5, 1) and kept() == set()
    assert db.session.get(ProductionLine, world.line_a.id).places_taken == taken


def test_another_facility_or_an_owner_gets_a_404(world, client, auth, ended):
    for login in ("inspector_b", "owner_a"):
        auth.login(login)
        assert client.get(f"/market/placements/{ended.id}/correct").status_code == 404
        assert correct(client, ended, action="reopen").status_code == 404
        auth.logout()
    assert fresh(ended).ended_on == date(2024, 5, 1)
    auth.login("admin")
    assert correct(client, ended, action="reopen").status_code == 302


def test_the_lines_page_offers_the_correction_only_for_people_in_scope(world, client, auth):
    """An inside line's inspector sees placements of people who have left for another
    facility, but corrects only the placements of their own people."""
    gone = factories.person(world.facility_b)
    mine = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10),
                               ended_on=date(2024, 5, 1), end_reason="dismissed")
    theirs = factories.placement(gone, world.line_a, started_on=date(2024, 1, 10),
                                 ended_on=date(2024, 3, 1), end_reason="transferred")
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{world.line_a.id}/placements").get_data(as_text=True)
    assert f"/market/placements/{mine.id}/correct" in page
    assert f"/market/placements/{theirs.id}/correct" not in page
    assert client.get(f"/market/placements/{theirs.id}/correct").status_code == 404
