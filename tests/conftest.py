"""Fixtures: one schema per test run (SQLite or PostgreSQL), a clean database per test.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the suite there; each xdist worker
gets its own database. Without it, each worker uses a SQLite file in a temp folder.
"""
import os
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from extensions import db
from tests import factories

REFERENCE_TABLES = {"region", "occupation", "minimum_wage", "probation_service"}


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url(base):
    """Create (if needed) a database for this worker and return its URL."""
    url = make_url(base)
    # Unique per run, so several runs on one server never share or drop each other's data.
    name = f"{url.database}_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url_string):
    url = make_url(url_string)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Build the schema and reference data once for the whole run."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _postgres_url(base)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        # The models build the test schema; tests/test_migrations.py proves the
        # migrations build the same one.
        db.create_all()
        from reference.services import load_reference

        load_reference()
        db.session.commit()
        db.engine.dispose()
    yield url
    if base:
        _drop_postgres(url)


class FreshContextClient(FlaskClient):
    """A client whose every request runs in a fresh app context, as in production.

    The test itself holds an app context for factories and queries; without this, requests
    would share its ``g`` (the logged-in user, the locale) and its database session.
    """

    def open(self, *args, **kwargs):
        # Pages read in English unless a test chooses a language (session or user).
        headers = kwargs.pop("headers", None) or {}
        if not any(key.lower() == "accept-language" for key in dict(headers)):
            headers = {**dict(headers), "Accept-Language": "en"}
        with self.application.app_context():
            return super().open(*args, headers=headers, **kwargs)


def make_test_app(database_url, **overrides):
    """Create an app bound to the test database."""
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret-key-" + "x" * 32,
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                "STATISTICS_CACHE_SECONDS": 0}
    settings.update(overrides)
    app = create_app(settings)
    app.test_client_class = FreshContextClient
    return app


def _wipe(app):
    """Delete every non-reference row so the next test starts clean."""
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
        # Tests may edit reference data too: put it back as shipped.
        from reference.models import MinimumWage
        from reference.services import load_reference

        db.session.execute(db.delete(MinimumWage))
        load_reference()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url):
    """An app with its context pushed for the test, and a clean database afterwards."""
    app = make_test_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
    _wipe(app)


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, login, password=factories.PASSWORD):
        """Log in; return the response."""
        return self._client.post("/login", data={"login": login, "password": password})

    def logout(self):
        """Log out; return the response."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to the client."""
    return AuthActions(client)


@pytest.fixture
def world(app):
    """A small world: two facilities, an enterprise of each kind, users of each role."""
    return factories.small_world()


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory):
    """A separate database holding the national demo data at scale 1, seed 2021; read-only.

    Mark tests that use it with ``@pytest.mark.xdist_group("demo")`` so one worker builds it.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _postgres_url(base)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "demo.db")
    app = make_test_app(url)
    with app.app_context():
        db.create_all()
        from demo.generator import build
        from reference.services import load_reference

        load_reference()
        db.session.commit()
        build(scale=1, seed=2021)
        db.session.commit()
        db.engine.dispose()
    yield url
    if base:
        _drop_postgres(url)


@pytest.fixture
def demo_app(demo_database_url):
    """An app bound to the demo database; tests must not change its data."""
    app = make_test_app(demo_database_url)
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
