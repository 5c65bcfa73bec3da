"""Migrations build the models' schema, and go down and up again with data in place."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from extensions import db
from tests.conftest import _drop_postgres, _postgres_url, make_test_app


@pytest.fixture
def empty_app(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    url = _postgres_url(base) if base else "sqlite:///" + str(tmp_path / "migrate.db")
    app = make_test_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if base:
        _drop_postgres(url)


def test_migrations_match_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def _triggers(connection):
    """Return the names of the database's triggers."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return set(connection.execute(text(query)).scalars())


def test_migrations_create_the_models_triggers(empty_app):
    """The triggers a fresh schema gets from the models are the ones the migrations make."""
    upgrade()
    with db.engine.connect() as connection:
        migrated = _triggers(connection)
    downgrade(revision="base")
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    db.create_all()
    with db.engine.connect() as connection:
        created = _triggers(connection)
    assert migrated == created and len(created) >= 4


def _counts():
    return {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("person", "stay", "placement", "production_line", "app_user")}


def test_upgrade_downgrade_upgrade_with_data_in_place(empty_app):
    from reference.services import load_reference
    from tests import factories

    upgrade()
    load_reference()
    db.session.commit()
    world = factories.small_world()
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    line_id = world.line_a.id
    before = _counts()
    assert before["person"] == 2 and before["placement"] == 1
    db.session.remove()

    downgrade(revision="0003")
    db.session.remove()
    assert _counts() == before
    with db.engine.connect() as connection:  # the steps after 0003 are undone, and only they
        columns = {column["name"] for column in db.inspect(connection).get_columns(
            "production_line")}
        assert "places_taken" not in columns and "headcount" in columns
        assert _triggers(connection) == set()
        indexes = {index["name"] for index in db.inspect(connection).get_indexes("wage_record")}
        assert "ix_wage_record_month_cover" in indexes
    db.session.remove()

    upgrade()
    db.session.remove()
    assert _counts() == before
    # The places taken are counted from the placements already there.
    assert db.session.execute(text("SELECT places_taken FROM production_line WHERE id = :id"),
                              {"id": line_id}).scalar() == 1
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
    assert db.session.scalar(select(func.count()).select_from(
        db.metadata.tables["region"])) == 20


def test_every_migration_goes_down_to_base_and_back(empty_app):
    upgrade()
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(db.inspect(connection).get_table_names()) <= {"alembic_version"}
    upgrade()
