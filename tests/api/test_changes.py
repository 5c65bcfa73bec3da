"""What changed since a moment: a line is stamped by the database when its fields, its
occupations or its places change, and an owner sees a worker's placement end."""
from datetime import date, datetime

import pytest

from enterprises.models import LineOccupation, ProductionLine
from extensions import db
from marketplace.models import Placement
from marketplace.placements import end_placement
from tests import factories
from tests.api.conftest import bearer

LONG_AGO = datetime(2021, 1, 1)
SINCE = "2022-01-01T00:00:00+00:00"


@pytest.fixture
def aged(world):
    """Stamp every line and placement long ago, so the feed holds only what a test changes."""
    def age():
        for table in (Placement.__table__, ProductionLine.__table__):
            db.session.execute(table.update().values(updated_at=LONG_AGO))
        db.session.commit()
        db.session.expire_all()
    age()
    return age


def changed(client, secret, what):
    response = client.get(f"/api/v1/changes/{what}", query_string={"since": SINCE},
                          headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def line_ids(client, secret):
    return [row["id"] for row in changed(client, secret, "lines")]


def test_a_place_taken_or_freed_brings_the_line_into_the_changes(client, world, tokens, aged):
    assert line_ids(client, tokens["admin"]) == []
    placement = factories.placement(world.person_a, world.line_a)
    db.session.commit()
    lines = changed(client, tokens["admin"], "lines")
    assert [(row["id"], row["places_taken"]) for row in lines] == [(world.line_a.id, 1)]
    aged()
    end_placement(db.session.get(Placement, placement.id), date(2021, 6, 30), "completed")
    db.session.commit()
    lines = changed(client, tokens["inspector_a"], "lines")
    assert [(row["id"], row["places_taken"]) for row in lines] == [(world.line_a.id, 0)]
    assert line_ids(client, tokens["inspector_b"]) == []  # not in that inspector's scope


def test_a_lines_own_fields_and_occupations_bring_it_into_the_changes(client, world, tokens,
                                                                       aged):
    db.session.get(ProductionLine, world.line_b.id).title = "Швейный цех, вторая смена"
    db.session.commit()
    assert line_ids(client, tokens["admin"]) == [world.line_b.id]
    aged()
    line = db.session.get(ProductionLine, world.line_a.id)
    line.occupations.append(LineOccupation(occupation_code="7114", min_level="trainee"))
    db.session.commit()
    assert line_ids(client, tokens["admin"]) == [world.line_a.id]
    aged()
    line = db.session.get(ProductionLine, world.line_a.id)
    line.occupations = [o for o in line.occupations if o.occupation_code != "7114"]
    db.session.commit()
    body = changed(client, tokens["owner_a"], "lines")
    assert [row["id"] for row in body] == [world.line_a.id]
    assert [o["occupation_code"] for o in body[0]["occupations"]] == ["7533"]


def test_an_owner_sees_a_workers_placement_end(client, world, tokens, placed, aged):
    assert changed(client, tokens["owner_a"], "placements") == []
    end_placement(db.session.get(Placement, placed.id), date(2021, 6, 30), "completed")
    db.session.commit()
    feed = changed(client, tokens["owner_a"], "placements")
    assert [(row["id"], row["ended_on"], row["end_reason"]) for row in feed] == [
        (placed.id, "2021-06-30", "completed")]
    assert "person_id" not in feed[0]  # still no person id for an owner
    assert feed[0]["file_number"] == world.person_a.file_number
    assert changed(client, tokens["owner_b"], "placements") == []
    # No longer a worker: not in the owner's placements, nor the feed once it is old news.
    listed = client.get("/api/v1/placements", headers=bearer(tokens["owner_a"])).get_json()
    assert listed == []
    aged()
    assert changed(client, tokens["owner_a"], "placements") == []
    assert [row["id"] for row in changed(client, tokens["inspector_a"], "placements")] == []
