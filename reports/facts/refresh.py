"""Rebuilding stale and missing facts in the background, when a page finds them.

A page that reads a closed day whose facts are stale (a back-dated write reached it) or not
stored computes that day live, which is always right but costs the full live computation,
and asks here for the facts to be built. The rebuild runs as a job on RQ when REDIS_URL is
set (the worker of ``flask --app app jobs worker``), or in a thread of this process
otherwise (``make run``), so the next read of those days is a read of the facts again.

At most one rebuild is queued or running at a time: per process a thread takes every
request made meanwhile; with Redis, one key marks a queued rebuild for every worker.
Each wage month and each day is built in a short transaction of its own under the rebuild
lock (``build.lock``), so a rebuild never holds writers back for long, and a write
committed meanwhile leaves its mark in ``fact_stale`` for the next one: a day it reaches
is not read from the facts until it is built again (``read.fresh_days``).
"""
import hashlib
import logging
import threading
from datetime import date

import redis
from flask import current_app
from rq import Queue

from extensions import db
from timeutil import today

from .build import build_day, build_wage_month, lock, plan

log = logging.getLogger(__name__)
QUEUED_SECONDS = 600  # a queued rebuild that never ran lets another be queued after this

_guard = threading.Lock()
_wanted = None  # days asked for since the thread last took them (None: nothing asked)
_thread = None


def request_rebuild(days=()):
    """Ask for the stale facts, the missing month ends and the closed ``days`` not stored
    to be built in the background. Returns at once."""
    if not current_app.config.get("FACTS_REBUILD_IN_BACKGROUND", True):
        return
    wanted = sorted({day for day in days if day < today()})
    url = current_app.config.get("REDIS_URL")
    if url:
        _enqueue(url, wanted)
    else:
        _in_thread(current_app._get_current_object(), wanted)


def _queued_key():
    database = db.engine.url.render_as_string(hide_password=True)
    return "facts-rebuild-queued:" + hashlib.sha256(database.encode()).hexdigest()[:16]


def _enqueue(url, days):
    connection = redis.Redis.from_url(url)
    try:
        if not connection.set(_queued_key(), "1", nx=True, ex=QUEUED_SECONDS):
            return  # one is queued already; it will see what is stale then
        Queue(current_app.config["JOB_QUEUE"], connection=connection).enqueue(
            run, [day.isoformat() for day in days],
            job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"])
    except redis.RedisError:  # the page is served live anyway; the nightly rebuild remains
        log.warning("could not queue a rebuild of the facts", exc_info=True)


def run(days=()):
    """The queued job (in the worker's app context): rebuild what is stale and ``days``."""
    url = current_app.config.get("REDIS_URL")
    if url:  # from now on a new request queues a new rebuild, which sees later writes
        redis.Redis.from_url(url).delete(_queued_key())
    rebuild_in_steps([date.fromisoformat(day) for day in days])


def _in_thread(app, days):
    global _wanted, _thread
    with _guard:
        _wanted = (_wanted or set()) | set(days)
        if _thread is not None and _thread.is_alive():
            return  # the running thread takes these days after its current rebuild
        _thread = threading.Thread(target=_work, args=(app,), daemon=True,
                                   name="facts-rebuild")
        _thread.start()


def _work(app):
    global _wanted
    with app.app_context():
        while True:
            with _guard:
                days, _wanted = _wanted, None
            if days is None:
                return
            try:
                rebuild_in_steps(sorted(days))
            except Exception:  # logged; the pages stay right (live), the nightly one remains
                log.exception("the background rebuild of the facts failed")
            finally:
                db.session.remove()


def wait(timeout=60):
    """Wait for this process's rebuild thread, if one runs (tests, shutdown)."""
    thread = _thread
    if thread is not None:
        thread.join(timeout)


def rebuild_in_steps(also=()):
    """Rebuild what is stale, the missing month ends and the days of ``also`` not stored,
    each wage month and day in its own transaction. Return the days built."""
    with db.engine.begin() as connection:
        lock(connection)
        months, days = plan(connection, also=also)
    for month in months:
        with db.engine.begin() as connection:
            lock(connection)
            build_wage_month(connection, month)
    for day in days:
        with db.engine.begin() as connection:
            lock(connection)
            build_day(connection, day)
    if months or days:
        log.info("facts rebuilt in the background: %d days, %d wage months",
                 len(days), len(months))
    return days
