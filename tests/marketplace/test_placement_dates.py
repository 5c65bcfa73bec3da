"""A placement starts when it can (after admission and the line's opening, at most a short
configured window ahead) and ends on or after its start, on a day that has come. Every path
that starts one (place, accept a request, transfer, fill) shows the message next to the date
it was given and writes nothing; year 0001 or 9999 is never a 500."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from enterprises.models import ProductionLine
from extensions import db
from marketplace import fill
from marketplace.models import CandidateRequest, Placement, WageRecord
from tests import factories
from tests.markup import error_near
from timeutil import today

TODAY = today()


def ahead(days):
    return (TODAY + timedelta(days=days)).isoformat()


def placements():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Placement.id)))


@pytest.fixture
def newcomer(world):
    """A person admitted to FA after line_a opened (2021-01-10)."""
    person = factories.person(world.facility_a, admitted_on=date(2022, 3, 1))
    factories.consent_all()
    db.session.commit()
    return person


START_CASES = [
    ("2021-06-01", "before the person was admitted"),   # newcomer admitted 2022-03-01
    (ahead(15), "at most 14 days ahead"),
    ("9999-12-31", "at most 14 days ahead"),
    ("0001-01-01", "before the person was admitted"),
]


@pytest.mark.parametrize("started_on,text", START_CASES)
def test_placing_refuses_a_start_that_cannot_be_next_to_the_date(
        world, client, auth, newcomer, started_on, text):
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": newcomer.id, "started_on": started_on})
    assert response.status_code == 422
    message = error_near(response.get_data(as_text=True), f"start-{newcomer.id}")
    assert message and text in message
    assert placements() == 0


def test_a_start_before_the_line_opened_is_refused(world, client, auth):
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": world.person_a.id, "started_on": "2020-12-01"})
    assert response.status_code == 422
    assert "before the line opened" in error_near(response.get_data(as_text=True),
                                                  f"start-{world.person_a.id}")
    assert placements() == 0


def test_a_date_the_form_cannot_read_is_shown_next_to_the_field(world, client, auth):
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": world.person_a.id, "started_on": "10000-01-01"})
    assert response.status_code == 422
    assert error_near(response.get_data(as_text=True), f"start-{world.person_a.id}")
    assert placements() == 0


def test_the_window_ahead_is_configured(app, world, client, auth):
    factories.consent_all()
    db.session.commit()
    app.config["PLACEMENT_START_AHEAD_DAYS"] = 3
    auth.login("inspector_a")
    refused = client.post(f"/market/lines/{world.line_a.id}/place",
                          data={"person_id": world.person_a.id, "started_on": ahead(4)})
    assert refused.status_code == 422 and "at most 3 days ahead" in refused.get_data(as_text=True)
    accepted = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": world.person_a.id, "started_on": ahead(3)})
    assert accepted.status_code == 302 and placements() == 1


@pytest.mark.parametrize("started_on,text", START_CASES)
def test_accepting_a_request_refuses_a_start_that_cannot_be(
        world, client, auth, newcomer, started_on, text):
    asked = CandidateRequest(line_id=world.line_a.id, person_id=newcomer.id,
                             requested_by_id=world.users.owner_a.id)
    db.session.add(asked)
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/requests/{asked.id}/decide",
                           data={"decision": "accept", "started_on": started_on})
    assert response.status_code == 422
    message = error_near(response.get_data(as_text=True), f"start-{asked.id}")
    assert message and text in message
    assert placements() == 0
    assert db.session.get(CandidateRequest, asked.id).status == "requested"


@pytest.mark.parametrize("started_on,text", [
    (ahead(1), "cannot end in the future"),
    ("9999-12-31", "at most 14 days ahead"),
    ("2024-01-01", "before the current placement began"),
    ("0001-01-01", "before the person was admitted"),
])
def test_a_transfer_between_lines_refuses_a_date_that_cannot_be(
        world, client, auth, started_on, text):
    other = factories.line(world.sme_a, world.facility_a, title="Второй цех")
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{placement.id}/transfer",
                           data={"line_id": other.id, "started_on": started_on})
    assert response.status_code == 422
    message = error_near(response.get_data(as_text=True), "started_on")
    assert message and text in message
    assert placements() == 1 and db.session.get(Placement, placement.id).holds_place()


def test_the_fill_reports_a_start_that_cannot_be_on_its_row(world, client, auth):
    """Someone admitted after today (entered directly) is proposed, but cannot start today."""
    later = factories.person(world.facility_a, admitted_on=TODAY + timedelta(days=2))
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post("/market/fill", data={
        "accept": [f"{later.id}:{world.line_a.id}", f"{world.person_a.id}:{world.line_a.id}"],
        "confirmed": "1"})
    assert response.status_code == 200
    assert "before the person was admitted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Placement.person_id)).all() == [world.person_a.id]
    assert fill.proposals(world.facility_a, TODAY)  # the other one is still proposed


# --- ending -------------------------------------------------------------------------------

END_CASES = [
    ("2024-02-01", "before the start date"),
    ("0001-01-01", "before the start date"),
    (ahead(1), "cannot be in the future"),
    ("9999-12-31", "cannot be in the future"),
]


@pytest.mark.parametrize("ended_on,text", END_CASES)
def test_ending_refuses_a_date_that_cannot_be_on_the_persons_page(
        world, client, auth, ended_on, text):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{placement.id}/end",
                           data={"reason": "dismissed", "ended_on": ended_on, "next_person": "1"})
    assert response.status_code == 422
    assert text in (error_near(response.get_data(as_text=True), "ended_on") or "")
    assert fresh_end(placement) == (None, None)


@pytest.mark.parametrize("ended_on,text", END_CASES)
def test_ending_refuses_a_date_that_cannot_be_on_the_lines_page(
        world, client, auth, ended_on, text):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{placement.id}/end",
                           data={"reason": "dismissed", "ended_on": ended_on})
    assert response.status_code == 422
    assert text in (error_near(response.get_data(as_text=True), f"ended_on-{placement.id}") or "")
    assert fresh_end(placement) == (None, None)
    assert db.session.get(ProductionLine, world.line_a.id).places_taken == 1


# 23:48 UTC on 7 December is 04:48 on 8 December in Astana: a server on UTC is a day behind.
ASTANA_AHEAD = datetime(2026, 12, 7, 23, 48, tzinfo=timezone.utc)


@pytest.mark.parametrize("ended_on,status", [("2026-12-08", 302), ("2026-12-09", 422)])
def test_today_is_kazakhstan_s_date_while_the_server_s_is_a_day_behind(
        world, client, auth, ended_on, status):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.commit()
    with time_machine.travel(ASTANA_AHEAD, tick=False):
        auth.login("inspector_a")
        assert today() == date(2026, 12, 8)
        page = client.get(f"/market/lines/{world.line_a.id}/placements").get_data(as_text=True)
        response = client.post(f"/market/placements/{placement.id}/end",
                               data={"reason": "dismissed", "ended_on": ended_on})
    assert re.search(rf'id="ended_on-{placement.id}"[^>]* value="2026-12-08"', page)
    assert response.status_code == status
    assert fresh_end(placement) == ((date(2026, 12, 8), "dismissed") if status == 302
                                    else (None, None))


@pytest.mark.parametrize("reason", ["released", "transferred", "withdrawn"])
def test_a_placement_is_not_ended_by_hand_with_a_reason_an_event_gives(
        world, client, auth, reason):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{world.line_a.id}/placements").get_data(as_text=True)
    assert f'value="{reason}"' not in page
    response = client.post(f"/market/placements/{placement.id}/end",
                           data={"reason": reason, "ended_on": "2024-05-01"})
    assert response.status_code == 422
    assert error_near(response.get_data(as_text=True), f"reason-{placement.id}")
    assert fresh_end(placement) == (None, None)


def test_ending_before_a_month_whose_wages_are_recorded_is_refused(world, client, auth):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 3, 1))
    db.session.add(WageRecord(placement_id=placement.id, month=date(2024, 5, 1), days_worked=20,
                              hours_worked=160, norm_hours=160, norm_met=True,
                              accrued_kzt=90_000, credited_kzt=90_000))
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{placement.id}/end",
                           data={"reason": "dismissed", "ended_on": "2024-05-01",
                                 "next_person": "1"})
    assert "2024-05" in (error_near(response.get_data(as_text=True), "ended_on") or "")
    assert fresh_end(placement) == (None, None)
    assert client.post(f"/market/placements/{placement.id}/end", data={
        "reason": "dismissed", "ended_on": "2024-05-02"}).status_code == 302
    assert fresh_end(placement) == (date(2024, 5, 2), "dismissed")


def fresh_end(placement):
    db.session.expire_all()
    row = db.session.get(Placement, placement.id)
    return row.ended_on, row.end_reason
