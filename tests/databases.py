"""The test databases: a database per worker (a file on SQLite, a database on PostgreSQL)
and its templates, the named states a test starts from (tests/conftest.py uses them)."""
import os
import shutil
import uuid
import weakref

from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import make_url

from extensions import db
from jobs.services import finish_threads

# Every app the tests made in this process: their engines let go of the database before it
# is replaced by a template.
APPS = weakref.WeakSet()


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin(url):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _postgres_url(base):
    """Create (if needed) a database for this worker and return its URL."""
    url = make_url(base)
    # Unique per run, so several runs on one server never share or drop each other's data.
    name = f"{url.database}_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = _admin(base)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url_string):
    url = make_url(url_string)
    admin = _admin(url_string)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def _let_go():
    """Close every pooled connection of every test app (jobs in threads finished first)."""
    finish_threads()
    for app in list(APPS):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class TestDatabase:
    """The test database of this worker and its templates (named states to start from).

    On SQLite a template is a copy of the file. On PostgreSQL it is a template database
    (``CREATE DATABASE ... TEMPLATE``, the safe way back from anything) and, inside the test
    database itself, a schema ``_tpl_<name>`` holding a copy of every table's rows and the
    sequences' values. Going back to a template is then one transaction (TRUNCATE every
    table, copy the rows back with triggers off, set the sequences), about five times faster
    than creating the database again; if the tables are not the ones saved, it creates the
    database again from the template database.
    """

    def __init__(self, url):
        self.url = url
        self.postgres = url.startswith("postgresql")
        self.templates = set()
        self._copies = {}       # template database -> the in-database copies it holds
        self._present = set()   # the in-database copies of the database as it is now
        self._tables = {}       # template -> its tables, in the order they were saved

    def _template(self, name):
        if self.postgres:
            return f"{make_url(self.url).database}_{name}"
        return f"{make_url(self.url).database}.{name}"

    def save(self, name):
        """Keep the database as it is now as the template ``name``."""
        _let_go()
        if self.postgres:
            self._save_copy(name)
            self._postgres(f'DROP DATABASE IF EXISTS "{self._template(name)}"',
                           f'CREATE DATABASE "{self._template(name)}" '
                           f'TEMPLATE "{make_url(self.url).database}"')
            self._copies[name] = set(self._present)
        else:
            shutil.copyfile(make_url(self.url).database, self._template(name))
        self.templates.add(name)

    def restore(self, name):
        """Replace the database by a fresh copy of the template ``name``."""
        _let_go()
        database = make_url(self.url).database
        if self.postgres:
            if name in self._present and self._restore_copy(name):
                return
            self._postgres(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                           f'CREATE DATABASE "{database}" TEMPLATE "{self._template(name)}"')
            self._present = set(self._copies[name])
            return
        for suffix in ("-wal", "-shm"):
            if os.path.exists(database + suffix):
                os.remove(database + suffix)
        copy = database + ".copy"
        shutil.copyfile(self._template(name), copy)
        os.replace(copy, database)

    def _save_copy(self, name):
        """Copy every table's rows into the schema _tpl_<name>, with a function there that
        puts them and the sequences' values back."""
        schema = f"_tpl_{name}"
        engine = create_engine(self.url)
        with engine.begin() as connection:
            tables = _public_tables(connection)
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            statements = []
            for table in tables:
                connection.execute(text(
                    f'CREATE TABLE "{schema}"."{table}" AS TABLE public."{table}"'))
                statements.append(f'DELETE FROM public."{table}";')
                copied = text(f'SELECT EXISTS (SELECT FROM "{schema}"."{table}")')
                if connection.execute(copied).scalar():
                    statements.append(
                        f'INSERT INTO public."{table}" SELECT * FROM "{schema}"."{table}";')
            for row in connection.execute(text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public'")):
                statements.append(
                    f"PERFORM setval('public.\"{row.sequencename}\"', "
                    f"{row.last_value or 1}, {'true' if row.last_value else 'false'});")
            body = "\n".join(statements)
            connection.execute(text(
                f'CREATE FUNCTION "{schema}".restore() RETURNS void LANGUAGE plpgsql AS '
                f"$body$ BEGIN\n{body}\nEND $body$"))
        engine.dispose()
        self._tables[name] = tables
        self._present.add(name)

    def _restore_copy(self, name):
        """Put the saved rows back in one transaction; False when the tables have changed
        (a test altered the schema) or another session holds a lock."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '5s'"))
                if _public_tables(connection) != self._tables[name]:
                    raise LookupError("the tables are not the ones saved")
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text("SET LOCAL synchronous_commit = off"))
                connection.execute(text(f'SELECT "_tpl_{name}".restore()'))
            return True
        except (LookupError, exc.DBAPIError):
            return False
        finally:
            engine.dispose()

    def drop(self):
        """Drop the database and its templates (PostgreSQL; SQLite's go with the temp folder)."""
        _let_go()
        if self.postgres:
            names = [make_url(self.url).database, *map(self._template, self.templates)]
            self._postgres(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))

    def _postgres(self, *statements):
        _postgres(self.url, *statements)


def _public_tables(connection):
    """The tables of the public schema, by name."""
    return sorted(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())


def _postgres(url, *statements):
    """Run statements on the server's maintenance database (outside any transaction)."""
    admin = _admin(url)
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()
