"""The benchmarked operations, each timed beside the building block it is made of.

A case takes a Context and returns a timing.Row. A product function that does not exist
yet gives a row with status "missing" instead of failing the whole run.
"""
import cProfile
import io
import pstats
import resource
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Date, bindparam, delete, insert, select, text, update

from extensions import db

from . import facts, rawexport, spreadsheets, sqlcapture
from .timing import Row, Timing, measure

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
        return date.today() if self.tiny else LETTER_DAY

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
    timing = measure(product, ctx.runs, warmup=ctx.warmup, setup=setup, teardown=teardown)
    limit_timing = (measure(limit, ctx.runs, warmup=ctx.warmup, setup=limit_setup,
                            teardown=limit_teardown) if limit else None)
    row = Row(operation, ctx.engine, ctx.scale, timing, limit_timing, budget, extra)
    if budget and ctx.scale == "1" and timing.median > budget:
        if setup:
            setup()
        ctx.profiles[f"{operation} ({ctx.engine}, scale {ctx.scale})"] = profile(product)
        if teardown:
            teardown()
    return row


def _missing(ctx, operation, budget, why):
    return Row(operation, ctx.engine, ctx.scale, Timing(note=why), None, budget, status="missing")


def _reset():
    db.session.rollback()
    db.session.expire_all()


# --- matching -------------------------------------------------------------------------------

def candidates(ctx):
    """Rank candidates for one line of the 1,500-person synthetic facility."""
    operation = "rank candidates for one line"
    try:
        from enterprises.models import ProductionLine
        from marketplace.matching import candidates as rank
    except ImportError as error:
        return _missing(ctx, operation, 0.050, f"marketplace.matching.candidates: {error}")
    line_id = ctx.synthetic["line_ids"][0]

    def product():
        return rank(db.session.get(ProductionLine, line_id), ctx.on)

    _reset()
    with sqlcapture.captured() as statements:
        found = len(product())
    _reset()
    limit = sqlcapture.replay(sqlcapture.main_statements(statements))
    return _row(ctx, operation, 0.050, product, limit, teardown=_reset,
                extra=f"{found} candidates of {ctx.synthetic['people']}; limit = the same SQL alone")


def fill(ctx):
    """Propose the optimal assignment of the synthetic facility's idle people to its vacancies."""
    operation = "fill a facility"
    try:
        import marketplace.fill as fill_module
        from facilities.models import Facility
    except ImportError as error:
        return _missing(ctx, operation, 0.250, f"marketplace.fill: {error}")
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    facility_id = ctx.synthetic["facility_id"]

    def product():
        return fill_module.proposals(db.session.get(Facility, facility_id), ctx.on)

    # Catch the product's own score matrix once, so the limit solves exactly that problem.
    seen = {}
    original = fill_module.assign

    def spy(gains, capacities):
        seen["gains"], seen["capacities"] = gains, capacities
        return original(gains, capacities)

    fill_module.assign = spy
    try:
        _reset()
        proposed = len(product())
    finally:
        fill_module.assign = original
    _reset()
    gains, capacities = seen["gains"], seen["capacities"]
    cost = -gains[:, np.repeat(np.arange(len(capacities)), capacities)]

    def limit():
        linear_sum_assignment(cost)

    return _row(ctx, operation, 0.250, product, limit, teardown=_reset,
                extra=f"{cost.shape[0]} people × {cost.shape[1]} vacancies, {proposed} proposed; "
                      "limit = linear_sum_assignment on the same matrix")


# --- capacity (places on a line) ------------------------------------------------------------

def place_one(ctx):
    """Place one idle person on an open line of the synthetic facility, as the place view
    does: start_placement (line lock, rules again, lowest free place, insert in a savepoint,
    the database's capacity triggers) and the commit."""
    operation = "place one person"
    try:
        from enterprises.models import ProductionLine
        from marketplace.matching import candidates as rank
        from marketplace.models import Placement
        from marketplace.placements import start_placement
    except ImportError as error:
        return _missing(ctx, operation, None, f"marketplace.placements: {error}")
    line_id = ctx.synthetic["line_ids"][0]
    on = date.today()  # placements start now, whatever date the statistics are read for
    _reset()
    line = db.session.get(ProductionLine, line_id)
    wage_kzt = line.wage_kzt
    # A fresh idle person for every run, product and limit alike.
    people = iter([c.person_id for c in rank(line, on)][:2 * (ctx.warmup + ctx.runs)])
    state = {}

    def next_person():
        _reset()
        state["person_id"] = next(people)

    def product():
        placement = start_placement(state["person_id"], line_id, on)
        db.session.commit()
        state["placement_id"] = placement.id

    def bare_insert():
        state["placement_id"] = db.session.execute(insert(Placement.__table__).values(
            person_id=state["person_id"], line_id=line_id, slot=state["slot"], started_on=on,
            wage_kzt=wage_kzt)).inserted_primary_key[0]
        db.session.commit()

    def limit_setup():
        next_person()
        taken = set(db.session.scalars(select(Placement.slot).where(
            Placement.line_id == line_id, Placement.holds_place())))
        state["slot"] = min(set(range(1, line.headcount + 1)) - taken)
        _reset()

    def remove():
        db.session.execute(delete(Placement).where(Placement.id == state.pop("placement_id")))
        db.session.commit()

    return _row(ctx, operation, None, product, bare_insert, setup=next_person, teardown=remove,
                limit_setup=limit_setup, limit_teardown=remove,
                extra="a fresh idle person each run, the placement deleted after it; "
                      "limit = the bare INSERT of the same placement row + commit")


def save_one_line(ctx):
    """Save an existing line from its edit form, as the edit view does: save_line (line
    lock, version check, every field checked, occupations) and the commit."""
    operation = "save one line"
    try:
        from enterprises.lines import LineInput, save_line
        from enterprises.models import ProductionLine
    except ImportError as error:
        return _missing(ctx, operation, None, f"enterprises.lines: {error}")
    line_id = ctx.synthetic["line_ids"][1]
    _reset()
    line = db.session.get(ProductionLine, line_id)
    title = line.title
    data = dict(headcount=line.headcount, wage_kzt=line.wage_kzt, facility_id=line.facility_id,
                region_id=line.region_id, lease_id=line.lease_id,
                description=line.description, hours_per_week=line.hours_per_week,
                min_months_left=line.min_months_left, involves_minors=line.involves_minors,
                outside_work=line.outside_work, training_provided=line.training_provided,
                occupations=[(o.occupation_code, o.min_level) for o in line.occupations])
    runs = iter(range(10 ** 6))
    state = {}

    def load():
        # What the view has loaded before it calls the service: the line and its enterprise.
        _reset()
        state["line"] = db.session.get(ProductionLine, line_id)
        state["enterprise"] = state["line"].enterprise
        state["title"] = title if next(runs) % 2 else f"{title} ·"  # a real change each run

    def product():
        save_line(state["line"], state["enterprise"], LineInput(title=state["title"], **data))
        db.session.commit()

    table = ProductionLine.__table__

    def bare_update():
        db.session.execute(update(table).where(table.c.id == line_id)
                           .values(title=state["title"]))
        db.session.commit()

    def restore():
        db.session.execute(update(table).where(table.c.id == line_id).values(title=title))
        db.session.commit()

    try:
        return _row(ctx, operation, None, product, bare_update, setup=load,
                    limit_setup=load, teardown=_reset,
                    extra="the title changes each run; limit = the bare UPDATE of the line's "
                          "row + commit")
    finally:
        restore()


# --- statistics -----------------------------------------------------------------------------

CUSTODY_BY_FACILITY = """
SELECT s.facility_id, count(*) AS in_custody,
       sum(CASE WHEN p.able_bodied THEN 1 ELSE 0 END) AS able_bodied,
       count(pl.id) AS employed
FROM stay s
JOIN person p ON p.id = s.person_id
LEFT JOIN placement pl ON pl.person_id = s.person_id AND pl.started_on <= {d}
     AND (pl.ended_on IS NULL OR pl.ended_on > {d})
WHERE s.started_on <= {d} AND (s.ended_on IS NULL OR s.ended_on > {d})
GROUP BY {group}
"""


def _dated(sql, names):
    return text(sql).bindparams(*(bindparam(n, type_=Date) for n in names))


def national_statistics(ctx):
    """Every figure of the dashboard for one date, nationally, without the two monthly tables."""
    operation = "national statistics, one date"
    try:
        from reports.statistics import Scope, statistics
    except ImportError as error:
        return _missing(ctx, operation, 0.150, f"reports.statistics: {error}")
    raw = _dated(CUSTODY_BY_FACILITY.format(d=":d", group="s.facility_id"), ["d"])
    return _row(ctx, operation, 0.150,
                lambda: statistics(ctx.on, Scope(), monthly=False),
                lambda: db.session.execute(raw, {"d": ctx.on}).all(), teardown=_reset,
                extra="headline, all breakdowns, enterprises; limit = one GROUP BY "
                      "(custody, able-bodied, employed by facility)")


def national_series(ctx):
    """The dashboard's two monthly tables: employment at each of 12 month ends, and wages."""
    operation = "12-month national series"
    try:
        from reports.statistics import Scope, last_months, series, wages
    except ImportError as error:
        return _missing(ctx, operation, 0.400, f"reports.statistics: {error}")
    days = last_months(ctx.on, 12)
    names = [f"d{i}" for i in range(len(days))]
    values = ", ".join(f"(:{n})" for n in names)
    sql = (f"WITH days(day) AS (VALUES {values}) "
           + CUSTODY_BY_FACILITY.format(d="days.day", group="days.day").replace(
               "FROM stay s", "FROM days JOIN stay s ON 1 = 1")
           .replace("SELECT s.facility_id,", "SELECT days.day,"))
    raw = _dated(sql, names)
    params = dict(zip(names, days))
    def product():
        series(days, Scope())
        wages(days[0], days[-1], Scope())

    return _row(ctx, operation, 0.400, product,
                lambda: db.session.execute(raw, params).all(), teardown=_reset,
                extra="employment on 12 month ends and 12 months of wages; limit = the raw SQL "
                      "(one GROUP BY of custody and employment over 12 month ends)")


def statistics_workbook(ctx):
    """The national statistics workbook (XLSX) for one date, as an analyst exports it."""
    operation = "national statistics workbook"
    try:
        from reports.exports import write_xlsx
        from reports.services import build_report
        from reports.statistics import Scope
    except ImportError as error:
        return _missing(ctx, operation, 3.0, f"reports.exports.write_xlsx: {error}")

    def product():
        with tempfile.TemporaryFile() as handle:
            write_xlsx(build_report(ctx.on, Scope(), suppress=True), handle, "ru")

    return _row(ctx, operation, 3.0, product, teardown=_reset,
                extra="build_report (suppressed, as exported) + write_xlsx")


# --- exports --------------------------------------------------------------------------------

def raw_export(ctx):
    """Every wage record with its placement, streamed to XLSX, in a fresh process per run."""
    operation = "raw export of placements and wages"
    from reports.statistics import last_months

    url = ctx.meta["url"]
    months = last_months(ctx.on, 13)
    first, last = months[0].replace(day=1), months[-2].replace(day=1)  # 12 months before D
    runs = ctx.runs if ctx.scale in ("1", "tiny") else 1  # 1.4 million rows take minutes
    product = Timing(note="" if runs == ctx.runs else "one run at this scale")
    peaks, rows = [], 0
    # No warm-up: every run is a fresh process, as a download would be on a fresh worker.
    for _ in range(runs):
        report = rawexport.run_once("product", url, first=first, last=last)
        product.seconds.append(report["seconds"])
        product.cpu.append(report["cpu"])
        peaks.append(report["peak_bytes"])
        rows = report["rows"]
    limit, limit_peaks = Timing(), []
    for _ in range(runs):
        report = rawexport.run_once("limit", rows=rows)
        limit.seconds.append(report["seconds"])
        limit.cpu.append(report["cpu"])
        limit_peaks.append(report["peak_bytes"])
    peak, limit_peak = max(peaks) / 2 ** 20, max(limit_peaks) / 2 ** 20
    budget = 12.0
    row = Row(operation, ctx.engine, ctx.scale, product, limit, budget,
              extra=f"{rows:,} rows (wages {first:%Y-%m}..{last:%Y-%m}); peak {peak:.0f} MB (budget 150 MB; XlsxWriter alone "
                    f"{limit_peak:.0f} MB); export written in benchmarks/rawexport.py")
    if ctx.scale == "1" and (product.median > budget or peak > 150):
        row.extra += "; OVER memory" if peak > 150 else ""
        with ctx.app.app_context(), tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            ctx.profiles[f"{operation} ({ctx.engine}, scale {ctx.scale})"] = profile(
                lambda: rawexport.export(handle.name, first, last))
    return row


# --- imports --------------------------------------------------------------------------------

def roster_import(ctx):
    """Validate and save a 30,000-row roster XLSX; the limit is the bare calamine parse of the
    same file plus one bulk INSERT of the same people, in the same run."""
    operation = "roster import"
    from . import roster

    importer = roster.importer()
    rows = 50 if ctx.tiny else 30_000
    if importer is None:
        return _missing(ctx, operation, 15.0, "no roster import service in inmates/ yet")
    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    with ctx.app.test_request_context():  # the Russian headers need a request's locale
        roster.write_file(path, rows, ctx.synthetic["import_facility_id"])
    facility_id = ctx.synthetic["import_facility_id"]

    def product():
        importer(path, facility_id)

    def clean():
        roster.remove_imported(facility_id)

    row = _row(ctx, operation, 15.0, product,
               lambda: roster.calamine_and_insert(path, facility_id), setup=clean, teardown=clean,
               limit_setup=clean, limit_teardown=clean,
               extra=f"{rows:,} rows validated and saved; limit = calamine parse + one bulk "
                     f"INSERT of the same rows (goal: within 2x)")
    path.unlink()
    return row


# --- demo data ------------------------------------------------------------------------------

def demo_build(ctx):
    """Build the demo data set in a fresh process (whole-process time)."""
    from . import databases

    operation = "demo data"
    if ctx.tiny:
        return _missing(ctx, operation, 60.0, "not built at tiny size")
    if ctx.scale != "1":
        timing = Timing([ctx.meta["process_seconds"]],
                        note="one build (the cached benchmark database, with the synthetic facility)")
        return Row(operation, ctx.engine, ctx.scale, timing, None, None)
    url = databases.url_for("demo_tmp", ctx.engine)
    timing = Timing(note="whole process: schema, reference data, demo build; CPU of the child")
    for _ in range(ctx.runs):
        databases.create_empty(url)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, _summary = databases.build_in_subprocess(url, 1, synthetic=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        timing.seconds.append(seconds)
        timing.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    databases.drop(url)
    return Row(operation, ctx.engine, ctx.scale, timing, None, 60.0)


CASES = {
    "candidates": candidates,
    "fill": fill,
    "place": place_one,
    "line": save_one_line,
    "statistics": national_statistics,
    "series": national_series,
    "dashboard": facts.dashboard,
    "series_facts": facts.series,
    "workbook": statistics_workbook,
    "export": raw_export,
    "import": roster_import,
    "import-memory": spreadsheets.hostile_memory,
    "roster-export": spreadsheets.roster_export,
    "writers": spreadsheets.placements_writers,
    "demo": demo_build,
}
