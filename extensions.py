"""Unbound extension objects; nothing here imports the app."""
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names make migrations reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
cache = Cache()
# Only the API is limited (per token, api/setup.py); pages keep their own login throttling.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Turn on foreign keys and WAL for every SQLite connection.

    The page cache stays at SQLite's default (2 MB): 64 MB and 16 MB were tried for the
    national statistics, and each pushed the raw export past its 150 MB memory budget (234
    and 169 MB against 141 MB) for a gain lost in this machine's noise (benchmarks/RESULTS.md).
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
        # SQLite's own lower() folds ASCII only; Kazakh and Russian search needs Unicode.
        dbapi_connection.create_function(
            "lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
            deterministic=True)


def gather_statistics(session, *tables):
    """On PostgreSQL, gather the planner's statistics of ``tables`` (every table when none is
    named), in the session's transaction. Rows just written in bulk are otherwise planned for
    as the statistics last saw the tables, until autovacuum takes them a minute or more
    later: a roster of 2,000 people written into empty tables took 4.9 s a page in nested
    loops, and 6 ms after ANALYZE. SQLite plans without such statistics: nothing is done."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE " + ", ".join(tables)))


# autovacuum's own default share (autovacuum_analyze_scale_factor): a table that has grown
# by more than this part of the rows its statistics last counted is due for new ones.
STATISTICS_STALE_SHARE = 0.1


def statistics_outgrown(session, table, added):
    """On PostgreSQL, say whether ``added`` new rows are more than STATISTICS_STALE_SHARE of
    the rows the planner last counted in ``table`` (any, for a table never analysed)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    counted = session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table})
    return added > STATISTICS_STALE_SHARE * max(counted or 0, 0)
