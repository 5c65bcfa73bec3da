"""Races for the capacity tests: calls released together, each in its own thread, app
context, request context and database session, and the invariants read back from the
database after every try."""
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import case, func, select

from enterprises.models import ProductionLine
from extensions import db
from facilities.models import Lease, ProductionSpace
from marketplace.models import Placement
from marketplace.placements import PlacementConflict
from tests.conftest import make_test_app
from web.errors import InputError

CYRILLIC = re.compile("[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]")


@dataclass
class Outcome:
    """How one call of a race ended: ok, conflict (PlacementConflict), refused (InputError,
    LeaseConflict among them) or error (anything else: the test fails on it)."""

    kind: str
    message: str = ""
    started: float = 0.0
    finished: float = 0.0
    value: object = None  # what the call returned


def race_app(database_url, connections):
    """An app whose pool holds a connection for every thread of a race at once."""
    return make_test_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": connections, "max_overflow": 0, "pool_timeout": 30})


class Race:
    """A pool of ``width`` threads that run one try's calls released by a barrier."""

    def __init__(self, app, width):
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=width)
        self.overlapped = 0  # tries where every call was in flight before the first finished

    def close(self):
        self.pool.shutdown()
        with self.app.app_context():
            db.engine.dispose()

    def _call(self, barrier, function):
        # Russian pages, so a loser's message shows whether it went through the catalogue.
        with self.app.test_request_context(headers={"Accept-Language": "ru"}):
            try:
                # Take the pooled connection before the barrier, so the calls start together.
                db.session.execute(select(1)).all()
                barrier.wait(timeout=30)
                started = time.perf_counter()
                value = None
                try:
                    value = function()
                    db.session.commit()
                    kind, message = "ok", ""
                except PlacementConflict as error:
                    kind, message = "conflict", str(error.message)
                except InputError as error:  # LeaseConflict is one
                    kind = "refused"
                    message = " ".join(str(m) for m in error.errors.values())
                except Exception as error:  # any other error fails the test
                    kind, message = "error", repr(error)[:2000]
                finished = time.perf_counter()
                if kind != "ok":
                    db.session.rollback()
                return Outcome(kind, message, started, finished, value)
            finally:
                db.session.remove()

    def run(self, functions):
        """Run the calls together; return their outcomes in order."""
        barrier = threading.Barrier(len(functions))
        futures = [self.pool.submit(self._call, barrier, f) for f in functions]
        outcomes = [future.result(timeout=120) for future in futures]
        if max(o.started for o in outcomes) < min(o.finished for o in outcomes):
            self.overlapped += 1
        errors = [o.message for o in outcomes if o.kind == "error"]
        assert not errors, errors
        for outcome in outcomes:
            if outcome.kind != "ok":
                assert CYRILLIC.search(outcome.message), outcome.message
        return outcomes


def kinds(outcomes):
    """Return how many outcomes of each kind a try had."""
    counts = {}
    for outcome in outcomes:
        counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
    return counts


def line_invariants():
    """Assert, from the database, that no line holds more places than its headcount."""
    held = (select(Placement.line_id, func.count().label("held"),
                   func.count(func.distinct(Placement.slot)).label("slots"),
                   func.max(Placement.slot).label("top"))
            .where(Placement.holds_place()).group_by(Placement.line_id).subquery())
    rows = db.session.execute(
        select(ProductionLine.id, ProductionLine.headcount, ProductionLine.places_taken,
               func.coalesce(held.c.held, 0), func.coalesce(held.c.slots, 0),
               func.coalesce(held.c.top, 0))
        .outerjoin(held, held.c.line_id == ProductionLine.id)).all()
    for line_id, headcount, taken, count, slots, top in rows:
        assert count <= headcount, f"line {line_id}: {count} held > headcount {headcount}"
        assert top <= headcount, f"line {line_id}: place {top} > headcount {headcount}"
        assert slots == count, f"line {line_id}: {count} held on {slots} distinct places"
        assert taken == count, f"line {line_id}: places_taken {taken} but {count} held"
    twice = db.session.execute(
        select(Placement.person_id).where(Placement.holds_place())
        .group_by(Placement.person_id).having(func.count() > 1)).all()
    assert not twice, f"people holding two places: {twice}"


def space_invariants():
    """Assert, from the database, that no space's active leases exceed its area."""
    held = func.coalesce(func.sum(case((Lease.holds_area(), Lease.area_m2), else_=0)), 0)
    rows = db.session.execute(
        select(ProductionSpace.id, ProductionSpace.area_m2, held)
        .outerjoin(Lease, Lease.space_id == ProductionSpace.id)
        .group_by(ProductionSpace.id, ProductionSpace.area_m2)).all()
    for space_id, area, leased in rows:
        assert round(float(leased), 1) <= float(area), (
            f"space {space_id}: {leased} m² under active leases > area {area} m²")

