"""Migration 0005 (history of agreed wages) goes up and down with data in place."""
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from extensions import db
from tests.migrations.test_migrations import empty_app  # noqa: F401  (fixture)


def _tables():
    with db.engine.connect() as connection:
        return set(db.inspect(connection).get_table_names())


def test_0005_adds_the_wage_history_and_keeps_the_data(empty_app):  # noqa: F811
    from reference.services import load_reference
    from tests import factories

    # Today's models write today's schema: the data is made at the head, then the schema
    # goes down to 0004 with it in place.
    upgrade()
    load_reference()
    db.session.commit()
    world = factories.small_world()
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2025, 3, 1))
    db.session.commit()
    placement_id, admin_id = placement.id, world.users.admin.id
    db.session.remove()
    downgrade(revision="0004")
    db.session.remove()
    assert "placement_wage_change" not in _tables()

    upgrade(revision="0005")
    db.session.execute(text(
        "INSERT INTO placement_wage_change (placement_id, old_wage_kzt, new_wage_kzt, "
        "effective_on, changed_by_id, changed_at) VALUES (:p, 90000, 95000, :on, :u, :at)"),
        {"p": placement_id, "on": date(2026, 1, 1), "u": admin_id, "at": date(2026, 1, 1)})
    db.session.commit()
    with db.engine.connect() as connection:
        indexes = {i["name"] for i in db.inspect(connection).get_indexes("placement_wage_change")}
    assert "ix_placement_wage_change_placement" in indexes
    db.session.remove()

    downgrade(revision="0004")
    db.session.remove()
    assert "placement_wage_change" not in _tables()
    assert db.session.execute(text("SELECT wage_kzt FROM placement WHERE id = :id"),
                              {"id": placement_id}).scalar() == 90000
    db.session.remove()

    upgrade(revision="0005")
    db.session.remove()
    assert db.session.execute(text("SELECT COUNT(*) FROM placement_wage_change")).scalar() == 0
    assert db.session.execute(text("SELECT COUNT(*) FROM placement")).scalar() == 1
