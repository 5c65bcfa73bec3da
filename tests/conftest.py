"""Fixtures: one app and one schema per test run (SQLite or PostgreSQL), and a fresh copy of
a clean database for every test.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the suite there; each xdist worker
gets its own database. Without it, each worker uses a SQLite file in a temp folder.

The schema and the reference data are built once, then kept as a template: on SQLite a file
copied over the test database, on PostgreSQL a database the test database is created from
(``CREATE DATABASE ... TEMPLATE``). A test that asks for the small ``world`` starts from a
second template that holds it, built once too.
"""
import fcntl
import logging.config
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app import create_app
from demo.generator import build as build_demo
from extensions import cache, db, limiter
from jobs.services import finish_threads
from reference.services import load_reference
from reports.facts import refresh
from tests import factories
from tests.databases import (APPS, TestDatabase, _drop_postgres, _let_go, _postgres,
                             _postgres_url)
from web.logging import logging_config

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds (LibreOffice, "
                                       "big files, the demo data, migrations, benchmarks)")


SLOW_FILES = ("test_benchmarks_smoke.py", "test_migrations.py", "test_migration_")


def pytest_collection_modifyitems(items):
    """Mark as slow the tests of the demo data (one build of the national set), of the
    migrations (every step up and down) and of the benchmark harness: `make test-slow`."""
    for item in items:
        name = os.path.basename(str(item.fspath))
        if _uses_demo(item) or name.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)
    # The demo data's tests last: the demo database is being built meanwhile.
    items.sort(key=_uses_demo)


def _uses_demo(item):
    return "demo_app" in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    """Build the schema and reference data once for the whole run, kept as the template
    'clean'."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _postgres_url(base)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    database = TestDatabase(url)
    app = make_test_app(url)
    with app.app_context():
        # The models build the test schema; tests/migrations/test_migrations.py proves the
        # migrations build the same one.
        db.create_all()
        load_reference()
        db.session.commit()
    database.save("clean")
    yield database
    database.drop()


@pytest.fixture(scope="session")
def session_app(test_database):
    """The one app of the run, bound to the test database."""
    return make_test_app(test_database.url)


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
                "STATISTICS_CACHE_SECONDS": 0,
                # A test asks for the background rebuild of the facts where it checks it.
                "FACTS_REBUILD_IN_BACKGROUND": False}
    settings.update(overrides)
    app = create_app(settings)
    app.test_client_class = FreshContextClient
    APPS.add(app)
    return app


@pytest.fixture
def app(session_app, test_database, request):
    """The run's app with its context pushed, over a fresh copy of the clean database (or of
    the small world's, for a test that asks for ``world``); settings a test changes are put
    back afterwards, and the cache and the rate limits start empty."""
    template = "world" if "world" in request.fixturenames else "clean"
    if template == "world" and "world" not in test_database.templates:
        _build_world(session_app, test_database)
    test_database.restore(template)
    settings = session_app.config.copy()
    # Logging is process-wide: an app a test made for production switched it to JSON lines.
    logging.config.dictConfig(logging_config(level=session_app.config.get("LOG_LEVEL", "INFO")))
    with session_app.app_context():
        cache.clear()
        limiter.reset()
        yield session_app
        db.session.remove()
    finish_threads()
    refresh.wait()
    session_app.config.clear()
    session_app.config.update(settings)


@pytest.fixture
def database_url(app, test_database):
    """The URL of the test database, fresh for this test (for apps a test makes itself)."""
    return test_database.url


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


_WORLD = {}


def _build_world(app, database):
    """Build the small world once, keep it as the template 'world', and note where each of
    its rows is (class and primary key) to load it again in each test."""
    database.restore("clean")
    with app.app_context():
        world = factories.small_world()
        _WORLD.update(_addresses(world))
        db.session.remove()
    database.save("world")


def _addresses(namespace):
    return {name: _addresses(value) if isinstance(value, SimpleNamespace)
            else (type(value), inspect(value).identity) for name, value in vars(namespace).items()}


def _load(addresses):
    return SimpleNamespace(**{
        name: _load(value) if isinstance(value, dict) else db.session.get(value[0], value[1])
        for name, value in addresses.items()})


@pytest.fixture
def world(app):
    """A small world: two facilities, an enterprise of each kind, users of each role
    (tests/factories.small_world), from its template."""
    return _load(_WORLD)


def _run_id(config):
    """The id of this run, the same in every xdist worker and in the controller."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return workerinput["testrunuid"]
    if not getattr(config.option, "testrunuid", None):
        config.option.testrunuid = uuid.uuid4().hex  # handed to the workers
    return config.option.testrunuid


def _demo_name(config):
    return f"demo_{_run_id(config)[:12]}"


def pytest_sessionstart(session):
    """Fix the run's id in the controller before the workers start."""
    _run_id(session.config)


def pytest_unconfigure(config):
    """The controller (or a run without workers) drops the run's shared demo database."""
    for builder in _BUILDERS:
        builder.wait()
    if getattr(config, "workerinput", None) is None and \
            getattr(config.option, "testrunuid", None):
        shutil.rmtree(_shared_folder(config), ignore_errors=True)
    base = os.environ.get("TEST_DATABASE_URL")
    if base and getattr(config, "workerinput", None) is None and \
            getattr(config.option, "testrunuid", None):
        name = f"{make_url(base).database}_{_demo_name(config)}"
        _drop_postgres(make_url(base).set(database=name).render_as_string(hide_password=False))


def _shared_folder(config):
    """The run's folder shared by its workers (the demo database and its lock)."""
    return Path(tempfile.gettempdir()) / f"marketplace-tests-{_run_id(config)[:12]}"


def _demo_place(config):
    """(url, lock file) of the run's demo database: a file beside the workers' own folders
    on SQLite, a database named after the run on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    name = _demo_name(config)
    shared = _shared_folder(config)
    shared.mkdir(exist_ok=True)
    if base:
        url = make_url(base).set(database=f"{make_url(base).database}_{name}").render_as_string(
            hide_password=False)
    else:
        url = f"sqlite:///{shared / (name + '.db')}"
    return url, shared / f"{name}.lock"


def build_demo_once(url, lock_path):
    """Build the demo database unless it is built; whoever comes second waits for it."""
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = lock_path.with_suffix(".built")
        if not built.exists():
            _build_demo(url, os.environ.get("TEST_DATABASE_URL"))
            built.write_text(url)
        fcntl.flock(lock, fcntl.LOCK_UN)


_BUILDERS = []


def pytest_collection_finish(session):
    """When the run has tests of the demo data, start building it at once, in a process of
    its own, so that it is ready (or nearly) when the first of them comes up."""
    if any(map(_uses_demo, session.items)):
        url, lock = _demo_place(session.config)
        _BUILDERS.append(subprocess.Popen(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from tests.conftest import build_demo_once; "
             "build_demo_once(sys.argv[1], Path(sys.argv[2]))", url, str(lock)],
            cwd=ROOT))


@pytest.fixture(scope="session")
def demo_database_url(request):
    """A database holding the national demo data at scale 1, seed 2021, built once for the
    whole run (started as soon as the tests are collected; the first to need it waits for
    it, the others share it). Read-only: a test that writes takes its writes away again."""
    url, lock = _demo_place(request.config)
    build_demo_once(url, lock)
    yield url
    _let_go()


def _build_demo(url, base):
    if base:
        _postgres(base, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)',
                  f'CREATE DATABASE "{make_url(url).database}"')
    app = make_test_app(url)
    with app.app_context():
        db.create_all()
        load_reference()
        db.session.commit()
        build_demo(scale=1, seed=2021)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_session_app(demo_database_url):
    """The run's app bound to the demo database."""
    return make_test_app(demo_database_url)


@pytest.fixture
def demo_app(demo_session_app):
    """The demo database's app with its context pushed; tests must not change its data."""
    settings = demo_session_app.config.copy()
    with demo_session_app.app_context():
        cache.clear()
        limiter.reset()
        yield demo_session_app
        db.session.rollback()
        db.session.remove()
    demo_session_app.config.clear()
    demo_session_app.config.update(settings)
