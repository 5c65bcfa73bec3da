"""gunicorn entry for the killed-request drill: the app, pausing inside one transaction.

When FAULT_PAUSE_PATH names a POST path, the first such request flushes everything it
has written, records its worker's pid in FAULT_MARKER and sleeps before committing, so
the drill can kill -9 that worker while the transaction is open. Nothing else changes.
"""
import os
import time

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import create_app

app = create_app()
PAUSE_PATH = os.environ.get("FAULT_PAUSE_PATH", "")
MARKER = os.environ.get("FAULT_MARKER", "")


@event.listens_for(Session, "before_commit")
def _pause_before_commit(session):
    """Hold the paused request's transaction open, all its rows written, not committed."""
    if not (PAUSE_PATH and MARKER and has_request_context()):
        return
    if request.method != "POST" or request.path != PAUSE_PATH or os.path.exists(MARKER):
        return
    session.flush()
    with open(MARKER, "w") as marker:
        marker.write(str(os.getpid()))
    time.sleep(60)
