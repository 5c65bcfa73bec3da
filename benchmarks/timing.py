"""Timing helpers: repeated runs after a warm-up, and the results table."""
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Seconds taken by each run of one operation."""

    seconds: list = field(default_factory=list)
    note: str = ""
    cpu: list = field(default_factory=list)  # this process's CPU seconds per run

    @property
    def cpu_median(self):
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def median(self):
        """Return the median run time, or None when nothing ran."""
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def low(self):
        return min(self.seconds) if self.seconds else None

    @property
    def high(self):
        return max(self.seconds) if self.seconds else None


def measure(function, runs, warmup=1, setup=None, teardown=None):
    """Run ``function`` ``warmup`` times untimed, then ``runs`` times timed with perf_counter.

    ``setup`` and ``teardown`` run around every call, outside the timed part.
    """
    return measure_turns([(function, setup, teardown)], runs, warmup)[0]


def measure_turns(cases, runs, warmup=1):
    """Time several (function, setup, teardown) cases in turns, one run of each in each round,
    and return a Timing for each.

    A product and its limit are timed so: both meet the machine in the same state, so a slow
    spell of a shared machine does not fall on the runs of one of them and swing their ratio.
    """
    timings = [Timing() for _case in cases]
    for index in range(warmup + runs):
        for (function, setup, teardown), timing in zip(cases, timings):
            if setup:
                setup()
            started, cpu = time.perf_counter(), time.process_time()
            function()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if teardown:
                teardown()
            if index >= warmup:
                timing.seconds.append(elapsed)
                timing.cpu.append(cpu)
    return timings


def seconds_text(value):
    """Format a duration compactly: ms below ten seconds, s above."""
    if value is None:
        return "—"
    if value < 10:
        return f"{value * 1000:,.1f} ms" if value < 1 else f"{value * 1000:,.0f} ms"
    return f"{value:,.1f} s"


def ratio_text(value):
    return "—" if value is None else f"{value:.1f}×"


@dataclass
class Row:
    """One line of the results table."""

    operation: str
    database: str
    scale: str
    product: Timing
    limit: Timing | None
    budget: float | None  # seconds, at scale 1
    extra: str = ""  # peak memory and other notes
    status: str = "ok"  # ok, missing, error
    scale1_median: float | None = None  # filled for scale-10 rows

    @property
    def limit_ratio(self):
        if not self.limit or self.limit.median in (None, 0) or self.product.median is None:
            return None
        return self.product.median / self.limit.median

    @property
    def verdict(self):
        """Say whether the row meets its budget (scale 1) or the 10× rule (scale 10)."""
        if self.status != "ok":
            return self.status.upper()
        if self.scale in ("1", "tiny"):
            if self.budget is None or self.product.median is None:
                return "—"
            return "within" if self.product.median <= self.budget else "OVER"
        if self.scale1_median is None or self.product.median is None:
            return "—"
        return "within 10×" if self.product.median <= 10 * self.scale1_median else "OVER 10×"


HEADER = ("operation", "db", "scale", "runs", "median", "min", "max", "CPU median",
          "limit (median)",
          "÷ limit", "budget", "verdict", "s10 ÷ s1", "notes")


def table(rows):
    """Return the rows as one Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        growth = (None if row.scale1_median in (None, 0) or row.product.median is None
                  else row.product.median / row.scale1_median)
        notes = "; ".join(n for n in (row.extra, row.product.note) if n)
        cells = (row.operation, row.database, row.scale, str(len(row.product.seconds)),
                 seconds_text(row.product.median), seconds_text(row.product.low),
                 seconds_text(row.product.high), seconds_text(row.product.cpu_median),
                 seconds_text(row.limit.median) if row.limit else "—",
                 ratio_text(row.limit_ratio),
                 seconds_text(row.budget) if row.budget else "—",
                 row.verdict, ratio_text(growth), notes.replace("|", "/"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
