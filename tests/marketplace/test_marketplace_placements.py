"""Placements: safe under concurrency, conflicts as 409 pages, end, transfer and history."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from marketplace.models import Placement
from marketplace.placements import PlacementConflict, start_placement
from tests import factories

START = date(2024, 6, 1)


def race(app, attempts):
    """Run every (person id, line id) attempt in its own thread, app context and session,
    all released at once; return the outcomes."""
    barrier = threading.Barrier(len(attempts))

    def attempt(args):
        person_id, line_id = args
        with app.app_context():
            barrier.wait()
            try:
                start_placement(person_id, line_id, START)
                db.session.commit()
                return "ok"
            except PlacementConflict:
                db.session.rollback()
                return "conflict"
            except Exception as error:  # anything else is a failure of the test
                db.session.rollback()
                return repr(error)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def test_twenty_concurrent_placements_of_one_person_yield_one(app, world):
    lines = [world.line_a] + [factories.line(world.sme_a, world.facility_a, headcount=30)
                              for _ in range(3)]
    factories.consent_all()
    db.session.commit()
    outcomes = race(app, [(world.person_a.id, lines[i % 4].id) for i in range(20)])
    assert sorted(outcomes) == ["conflict"] * 19 + ["ok"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Placement.id)).where(
        Placement.person_id == world.person_a.id)) == 1


def test_headcount_plus_ten_concurrent_placements_yield_headcount(app, world):
    k = 5
    line = factories.line(world.sme_a, world.facility_a, headcount=k)
    people = [factories.person(world.facility_a) for _ in range(k + 10)]
    factories.consent_all()
    db.session.commit()
    outcomes = race(app, [(p.id, line.id) for p in people])
    assert outcomes.count("ok") == k and outcomes.count("conflict") == 10
    db.session.expire_all()
    slots = db.session.scalars(select(Placement.slot).where(Placement.line_id == line.id)).all()
    assert sorted(slots) == list(range(1, k + 1))


def test_start_checks_rules_again_and_takes_the_lowest_free_slot(world):
    line = factories.line(world.sme_a, world.facility_a, headcount=3)
    first, second = factories.person(world.facility_a), factories.person(world.facility_a)
    factories.placement(first, line, slot=1)
    factories.placement(second, line, slot=3)
    factories.consent_all()
    db.session.commit()
    placed = start_placement(world.person_a.id, line.id, START)
    assert placed.slot == 2 and placed.wage_kzt == line.wage_kzt
    with pytest.raises(PlacementConflict):
        newcomer = factories.person(world.facility_a)
        factories.consent_all()
        start_placement(newcomer.id, line.id, START)
    with pytest.raises(PlacementConflict) as refused:
        start_placement(world.person_b.id, world.line_a.id, START)
    assert refused.value.rules[0] == "custody"


def test_transfer_ends_and_starts_in_one_step(world):
    other = factories.line(world.sme_a, world.facility_a)
    old = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    factories.consent_all()
    db.session.commit()
    new = start_placement(world.person_a.id, other.id, START, transfer=True)
    db.session.commit()
    db.session.refresh(old)
    assert old.ended_on == START and old.end_reason == "transferred"
    assert new.line_id == other.id and new.holds_place()


def test_failed_transfer_leaves_the_old_placement_running(world):
    full = factories.line(world.sme_a, world.facility_a, headcount=1)
    factories.placement(factories.person(world.facility_a), full)
    old = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    factories.consent_all()
    db.session.commit()
    with pytest.raises(PlacementConflict):
        start_placement(world.person_a.id, full.id, START, transfer=True)
    db.session.commit()
    db.session.refresh(old)
    assert old.holds_place()


def test_placing_someone_already_placed_answers_409_with_a_message(client, auth, world):
    factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    other = factories.line(world.sme_a, world.facility_a)
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{other.id}/place",
                           data={"person_id": world.person_a.id, "started_on": "2024-06-01"})
    assert response.status_code == 409
    assert "already placed" in response.get_data(as_text=True)


def test_inspector_places_from_the_candidate_list(client, auth, world):
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{world.line_a.id}/candidates").get_data(as_text=True)
    assert "Алиев" in page and world.person_a.file_number in page
    assert "exact occupation 7533 · Sewing, embroidery and related workers" in page
    response = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": world.person_a.id, "started_on": "2024-06-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Placement.person_id)) == world.person_a.id


def test_inspector_cannot_place_someone_of_another_facility(client, auth, world):
    auth.login("inspector_a")
    response = client.post(f"/market/lines/{world.line_a.id}/place",
                           data={"person_id": world.person_b.id, "started_on": "2024-06-01"})
    assert response.status_code == 404
    assert client.get(f"/market/lines/{world.line_b.id}/candidates").status_code == 404


def test_end_with_reason_and_history_pages(client, auth, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    db.session.commit()
    auth.login("inspector_a")
    page = client.get(f"/market/people/{world.person_a.id}/placements").get_data(as_text=True)
    assert world.line_a.title in page
    response = client.post(f"/market/placements/{placement.id}/end",
                           data={"reason": "dismissed", "ended_on": "2024-05-01"})
    assert response.status_code == 302
    db.session.expire_all()
    ended = db.session.get(Placement, placement.id)
    assert ended.ended_on == date(2024, 5, 1) and ended.end_reason == "dismissed"
    page = client.get(f"/market/lines/{world.line_a.id}/placements").get_data(as_text=True)
    assert "Алиев" in page and "Dismissed" in page


def test_end_before_start_is_refused_without_change(client, auth, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    db.session.commit()
    auth.login("inspector_a")
    client.post(f"/market/placements/{placement.id}/end",
                data={"reason": "other", "ended_on": "2023-05-01"})
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).holds_place()


def test_transfer_through_the_page(client, auth, world):
    other = factories.line(world.sme_a, world.facility_a, title="Второй цех")
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    factories.consent_all()
    db.session.commit()
    auth.login("inspector_a")
    response = client.post(f"/market/placements/{placement.id}/transfer",
                           data={"line_id": other.id, "started_on": "2024-06-01"})
    assert response.status_code == 302
    db.session.expire_all()
    active = db.session.scalars(select(Placement).where(Placement.holds_place())).all()
    assert [(p.person_id, p.line_id) for p in active] == [(world.person_a.id, other.id)]


def test_other_inspector_sees_no_history_of_foreign_people(client, auth, world):
    auth.login("inspector_b")
    assert client.get(f"/market/people/{world.person_a.id}/placements").status_code == 404
