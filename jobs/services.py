"""Submit, run and follow background jobs.

A job kind is a function registered with ``@handler("kind")``: it takes the job's
parameters and a ``progress(done, total)`` callback and returns (file name, MIME type,
bytes). ``start`` hands the job to RQ when REDIS_URL is set (a worker runs
``flask --app app jobs worker``), or to a thread of this process otherwise (``make run``).
The file is stored in the same transaction that marks the job finished, so a job killed
halfway leaves nothing written; it stops reporting progress and can be run again.
"""
import json
import logging
import threading
import time
import uuid
from datetime import timedelta

import redis
from flask import current_app
from flask_babel import force_locale
from rq import Queue
from sqlalchemy import update

from extensions import db
from timeutil import utcnow

from .models import Job

log = logging.getLogger(__name__)
HANDLERS = {}
_threads = set()  # jobs running in threads of this process (no Redis)


def handler(kind):
    """Register the function that does the work of a job kind."""
    def decorator(fn):
        HANDLERS[kind] = fn
        return fn
    return decorator


def submit(kind, user, params, language):
    """Record a job for a user; the caller commits, then calls ``start``."""
    if kind not in HANDLERS:
        raise KeyError(kind)
    job = Job(id=uuid.uuid4().hex, kind=kind, user_id=user.id, language=language,
              params=json.dumps(params, sort_keys=True, default=str), status="queued")
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id):
    """Hand a committed job to the queue (RQ on Redis) or to a thread of this process."""
    url = current_app.config.get("REDIS_URL")
    if url:
        Queue(current_app.config["JOB_QUEUE"], connection=redis.Redis.from_url(url)).enqueue(
            run, job_id, job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"])
        return
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_thread, args=(app, job_id), daemon=True,
                              name=f"job-{job_id[:8]}")
    _threads.add(thread)
    thread.start()


def finish_threads(timeout=60):
    """Wait for the jobs running in threads of this process (before a shutdown or a check)."""
    for thread in list(_threads):
        thread.join(timeout)


def _run_in_thread(app, job_id):
    try:
        with app.app_context():
            run(job_id)
    finally:
        _threads.discard(threading.current_thread())


class Progress:
    """Report a job's progress in its own short transactions, at most twice a second."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done, total=None):
        """Record that ``done`` of ``total`` steps are done."""
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        values = {"done": int(done), "heartbeat_at": utcnow()}
        if total is not None:
            values["total"] = int(total)
        with db.engine.begin() as connection:
            connection.execute(update(Job.__table__).where(Job.__table__.c.id == self.job_id)
                               .values(**values))


def run(job_id):
    """Do one queued job (in a worker or a thread, inside an app context)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        return
    kind = job.kind
    job.status, job.started_at, job.heartbeat_at = "running", utcnow(), utcnow()
    db.session.commit()
    try:
        with force_locale(job.language):
            filename, mimetype, data = HANDLERS[kind](json.loads(job.params), Progress(job_id))
        job = db.session.get(Job, job_id, populate_existing=True)
        if job is None:  # withdrawn meanwhile: nothing to keep
            return
        job.filename, job.mimetype, job.result = filename, mimetype, data
        job.status, job.finished_at, job.done = "finished", utcnow(), max(job.done, job.total)
        db.session.commit()
    except Exception:  # the job fails, the worker goes on: the user sees it and may retry
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        with db.engine.begin() as connection:
            connection.execute(update(Job.__table__).where(Job.__table__.c.id == job_id)
                               .values(status="failed", finished_at=utcnow(), error="failed"))
    finally:
        db.session.remove()


def is_stalled(job):
    """Say whether an unfinished job has stopped reporting (its worker died or was killed)."""
    if job.status not in ("queued", "running"):
        return False
    last = job.heartbeat_at or job.created_at
    return utcnow() - last > timedelta(seconds=current_app.config["JOB_STALL_SECONDS"])


def retry(job, user):
    """Submit the same work again; return the new job (the caller commits and starts it)."""
    return submit(job.kind, user, json.loads(job.params), job.language)


def recent_jobs(user, limit=20):
    """Return the user's latest jobs, newest first."""
    return db.session.scalars(db.select(Job).where(Job.user_id == user.id)
                              .order_by(Job.created_at.desc()).limit(limit)).all()
