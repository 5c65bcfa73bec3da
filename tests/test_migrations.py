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
    before = _counts()
    assert before["person"] == 2 and before["placement"] == 1
    db.session.remove()

    downgrade(revision="-1")
    db.session.remove()
    assert _counts() == before
    with db.engine.connect() as connection:  # the newest step is undone, and only it
        indexes = {index["name"] for index in db.inspect(connection).get_indexes("wage_record")}
        assert "ix_wage_record_month_placement" in indexes
        assert "ix_wage_record_month_cover" not in indexes
        assert "person_change" in db.inspect(connection).get_table_names()
    db.session.remove()

    upgrade()
    db.session.remove()
    assert _counts() == before
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
