"""Migration 0010 (date ranges, placement corrections) upgrades and downgrades with data in
place: rows and the capacity triggers survive both ways, and the ranges hold after it."""
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from extensions import db
from tests.migrations.test_migrations import _counts, _triggers, empty_app  # noqa: F401  (fixture)

BEFORE, AFTER = "0009", "0010"  # the revision 0010 builds on, and 0010


def _data_before():
    """Fill the schema before 0010 with a world, a placement, a wage record and a person change.

    Today's models write today's schema: the world is made at the head, and the schema goes
    down to 0009 with it in place; the rows 0010 changes are written for 0009's schema.
    """
    from reference.services import load_reference
    from tests import factories

    upgrade()
    load_reference()
    db.session.commit()
    world = factories.small_world()
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))
    db.session.commit()
    db.session.execute(text("DELETE FROM wage_record"))
    db.session.execute(text("DELETE FROM person_change"))
    db.session.commit()
    placement_id, person_id, line_id = placement.id, world.person_a.id, world.line_a.id
    db.session.remove()
    downgrade(revision=BEFORE)
    db.session.remove()
    # The models already have the columns 0010 adds: write these rows without them.
    db.session.execute(text(
        "INSERT INTO wage_record (placement_id, month, days_worked, hours_worked, norm_hours, "
        "norm_met, accrued_kzt, deduction_upkeep_kzt, deduction_alimony_kzt, "
        "deduction_damages_kzt, deduction_tax_kzt, deduction_other_kzt, credited_kzt, "
        "entered_at, version_id) VALUES (:p, '2021-03-01', 20, 160, 160, true, 90000, 0, 0, 0, "
        "0, 0, 90000, '2021-04-01 10:00:00', 1)"), {"p": placement_id})
    db.session.execute(text(
        "INSERT INTO person_change (person_id, field, old_value, new_value, changed_at) "
        "VALUES (:p, 'gender', 'M', 'F', '2021-04-01 10:00:00')"), {"p": person_id})
    db.session.commit()
    return line_id


def _places_taken(line_id):
    return db.session.execute(text("SELECT places_taken FROM production_line WHERE id = :id"),
                              {"id": line_id}).scalar()


def _columns(table):
    with db.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}


def _absurd_placement_refused(line_id):
    """Try to store a placement starting in year 9999; return True when the database refuses."""
    person_id = db.session.execute(text("SELECT id FROM person WHERE last_name = 'Борисов'")
                                   ).scalar()
    try:
        db.session.execute(text(
            "INSERT INTO placement (person_id, line_id, slot, started_on, wage_kzt, created_at) "
            "VALUES (:person, :line, 4, '9999-12-31', 90000, '2021-01-01 00:00:00')"),
            {"person": person_id, "line": line_id})
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return True
    db.session.rollback()
    return False


def test_0010_goes_up_and_down_with_data_in_place(empty_app):  # noqa: F811
    line_id = _data_before()
    counts = {**_counts(), "wage_record": 1, "person_change": 1}
    with db.engine.connect() as connection:
        triggers = _triggers(connection)
    assert _places_taken(line_id) == 1
    assert not _absurd_placement_refused(line_id)  # no range before 0010
    db.session.remove()

    upgrade(revision=AFTER)
    db.session.remove()
    assert {**_counts(), "wage_record": 1, "person_change": 1} == counts
    assert db.session.execute(text("SELECT count(*) FROM wage_record")).scalar() == 1
    assert db.session.execute(text("SELECT reason FROM person_change")).scalar() is None
    assert "reason" in _columns("person_change") and "placement_change" in inspect(
        db.engine).get_table_names()
    with db.engine.connect() as connection:
        assert _triggers(connection) == triggers  # SQLite's rebuilt tables kept their triggers
    assert _absurd_placement_refused(line_id)
    # The capacity triggers still count places: a second placement takes one more.
    person_id = db.session.execute(text("SELECT id FROM person WHERE last_name = 'Борисов'")
                                   ).scalar()
    db.session.execute(text(
        "INSERT INTO placement (person_id, line_id, slot, started_on, wage_kzt, created_at) "
        "VALUES (:person, :line, 2, '2021-03-01', 90000, '2021-03-01 00:00:00')"),
        {"person": person_id, "line": line_id})
    db.session.commit()
    assert _places_taken(line_id) == 2
    db.session.execute(text(
        "INSERT INTO placement_change (placement_id, field, old_value, new_value, reason, "
        "changed_at) SELECT id, 'ended_on', '2021-05-01', NULL, 'test', '2021-06-01 00:00:00' "
        "FROM placement WHERE slot = 2"))
    db.session.commit()
    db.session.remove()

    downgrade(revision=BEFORE)
    db.session.remove()
    assert db.session.execute(text("SELECT count(*) FROM placement")).scalar() == 2
    assert db.session.execute(text("SELECT count(*) FROM wage_record")).scalar() == 1
    assert db.session.execute(text("SELECT count(*) FROM person_change")).scalar() == 1
    assert "reason" not in _columns("person_change")
    assert "placement_change" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        assert _triggers(connection) == triggers
    assert _places_taken(line_id) == 2
    db.session.remove()

    upgrade(revision=AFTER)
    db.session.remove()
    assert db.session.execute(text("SELECT count(*) FROM placement")).scalar() == 2
    assert _absurd_placement_refused(line_id)


def test_0010_refuses_to_upgrade_over_dates_it_cannot_keep(empty_app):  # noqa: F811
    """A row already out of range stops the upgrade instead of being kept or changed."""
    _data_before()
    db.session.execute(text("UPDATE stay SET started_on = '0001-01-01'"))
    db.session.commit()
    db.session.remove()
    with pytest.raises(IntegrityError):
        upgrade(revision=AFTER)
