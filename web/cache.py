"""One cache for every worker: Redis when REDIS_URL is set, else inside the process.

Cached figures are keyed with the data's generation, a counter in the cache that every
commit writing a table the figures read moves on: after a placement, every worker's next
dashboard is computed afresh instead of waiting for its entry to expire.
"""
import hashlib
import threading
import weakref

from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import cache

GENERATION = "data-generation"
# Writes to these do not change any figure: audit events land on every page view.
IGNORED_TABLES = {"audit_event", "login_attempt", "app_user"}
_guard = threading.Lock()
_flights = weakref.WeakValueDictionary()  # key -> the lock of the thread computing it


def init_app(app):
    """Bind the cache: Redis at REDIS_URL, or a simple in-process cache for `make run`."""
    url = app.config.get("REDIS_URL")
    settings = {"CACHE_DEFAULT_TIMEOUT": app.config.get("STATISTICS_CACHE_SECONDS", 60),
                "CACHE_KEY_PREFIX": app.config.get("CACHE_KEY_PREFIX", "marketplace:")}
    if app.config.get("CACHE_TYPE") == "NullCache":
        settings["CACHE_TYPE"] = "NullCache"
    elif url:
        settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
    else:
        settings.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=512)
    cache.init_app(app, config=settings)


def generation():
    """Return the current generation of the data (0 before any write)."""
    return cache.get(GENERATION) or 0


def _digest(parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def key(*parts):
    """Return a cache key for the parts at the current generation of the data."""
    return f"{generation()}:{_digest(parts)}"


class _Flight:
    """The lock of the one thread computing a value (weakly held: gone when unused)."""

    __slots__ = ("lock", "__weakref__")

    def __init__(self):
        self.lock = threading.Lock()


def remembered(parts, compute, timeout=None):
    """Return the cached value for the parts at this generation, or compute and keep it.

    Within a process one thread computes a missing value while the others asking for it
    wait for it (a national dashboard costs seconds; eight threads computing it at once
    after a write would each take several times as long). They are not given the value from
    before the write meanwhile: a dashboard's figures and the cells it hides (its lattice)
    are separate values, and must come from the same data.
    """
    name = key(*parts)
    value = cache.get(name)
    if value is not None:
        return value
    with _guard:
        flight = _flights.get(name)
        if flight is None:
            flight = _flights[name] = _Flight()
    with flight.lock:
        value = cache.get(name)
        if value is None:
            value = compute()
            cache.set(name, value, timeout=timeout)
    return value


def _kept_name(parts):
    return "kept:" + _digest(parts)


def kept_value(parts):
    """Return the value kept for the parts (``keep``), or None."""
    return cache.get(_kept_name(parts))


def keep(parts, value, timeout=None):
    """Keep a value under its parts whatever the data's generation: for values that are a
    function of their parts alone (a stored day's facts, named by when they were built)."""
    cache.set(_kept_name(parts), value, timeout=timeout)


def _note(session, tables):
    if set(tables) - IGNORED_TABLES:
        session.info["figures_changed"] = True


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    tables = {type(obj).__tablename__ for obj in (*session.new, *session.dirty, *session.deleted)
              if hasattr(type(obj), "__tablename__")}
    _note(session, tables)


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state):
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _note(state.session, {state.bind_mapper.local_table.name})


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop("figures_changed", False):
        try:
            backend = cache.cache  # the backend (cachelib) counts atomically, Redis with INCR
        except RuntimeError:  # no application context (scripts): no cache to move on
            return
        backend.inc(GENERATION)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("figures_changed", None)
