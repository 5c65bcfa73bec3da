"""What every benchmark case shares: the Context it is given, and the helpers that time a
product function beside its limit (``_row``), profile it when it misses its budget, report a
case that cannot run (``_missing``) and reset the session between runs (``_reset``).

The cases are in benchmarks/matching_cases.py, benchmarks/figure_cases.py and
benchmarks/api_cases.py; benchmarks/cases.py lists them.
"""
import cProfile
import io
import pstats
from dataclasses import dataclass, field
from datetime import date

import timeutil
from extensions import db

from .timing import Row, Timing, measure, measure_turns

LETTER_DAY = date(2021, 7, 1)  # the date the demo data is calibrated to


@dataclass
class Context:
    """What a case needs: the app bound to one benchmark database, and how to run."""

    app: object
    engine: str
    scale: str
    meta: dict
    runs: int
    warmup: int = 1
    profiles: dict = field(default_factory=dict)  # operation -> cProfile text, when over budget

    @property
    def tiny(self):
        return self.scale == "tiny"

    @property
    def on(self):
        return timeutil.today() if self.tiny else LETTER_DAY

    @property
    def synthetic(self):
        return self.meta["synthetic"]


def profile(function, limit=15):
    """Return the top entries of a cProfile of one call, by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


def _row(ctx, operation, budget, product, limit=None, setup=None, teardown=None, extra="",
         limit_setup=None, limit_teardown=None):
    """Time a product function and its limit; profile it when it misses its budget."""
    if limit:
        timing, limit_timing = measure_turns(
            [(product, setup, teardown), (limit, limit_setup, limit_teardown)], ctx.runs,
            ctx.warmup)
    else:
        timing, limit_timing = measure(product, ctx.runs, ctx.warmup, setup, teardown), None
    row = Row(operation, ctx.engine, ctx.scale, timing, limit_timing, budget, extra)
    if budget and ctx.scale == "1" and timing.median > budget:
        if setup:
            setup()
        ctx.profiles[f"{operation} ({ctx.engine}, scale {ctx.scale})"] = profile(product)
        if teardown:
            teardown()
    return row


def _missing(ctx, operation, budget, why):
    """Return the row of a case that cannot run (yet), saying why."""
    return Row(operation, ctx.engine, ctx.scale, Timing(note=why), None, budget, status="missing")


def _reset():
    """Forget the session's state, so each run starts from the database."""
    db.session.rollback()
    db.session.expire_all()
