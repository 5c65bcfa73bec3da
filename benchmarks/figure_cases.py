"""Benchmark cases of the figures and the files made from the data: the national
statistics for one date and over 12 months, the statistics workbook, the raw export of
placements and wages, the roster import and building the demo data.

Each case takes a Context (benchmarks/context.py) and returns a timing.Row.
"""
import resource
import tempfile
from pathlib import Path

from sqlalchemy import Date, bindparam, text

from extensions import db
from reports.exports import write_xlsx
from reports.services import build_report
from reports.statistics import Scope, last_months, series, statistics, wages

from . import databases, rawexport, roster, spreadsheets
from .context import _missing, _reset, _row, profile
from .timing import Row, Timing


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
    """Return raw SQL whose named parameters are dates."""
    return text(sql).bindparams(*(bindparam(n, type_=Date) for n in names))


def national_statistics(ctx):
    """Every figure of the dashboard for one date, nationally, without the two monthly tables."""
    operation = "national statistics, one date"
    raw = _dated(CUSTODY_BY_FACILITY.format(d=":d", group="s.facility_id"), ["d"])
    return _row(ctx, operation, 0.150,
                lambda: statistics(ctx.on, Scope(), monthly=False),
                lambda: db.session.execute(raw, {"d": ctx.on}).all(), teardown=_reset,
                extra="headline, all breakdowns, enterprises; limit = one GROUP BY "
                      "(custody, able-bodied, employed by facility)")


def national_series(ctx):
    """The dashboard's two monthly tables: employment at each of 12 month ends, and wages."""
    operation = "12-month national series"
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

    def product():
        with tempfile.TemporaryFile() as handle:
            write_xlsx(build_report(ctx.on, Scope(), suppress=True), handle, "ru")

    return _row(ctx, operation, 3.0, product, teardown=_reset,
                extra="build_report (suppressed, as exported) + write_xlsx")


# --- exports --------------------------------------------------------------------------------

def raw_export(ctx):
    """Every wage record with its placement, streamed to XLSX, in a fresh process per run."""
    operation = "raw export of placements and wages"
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
    importer = roster.importer()
    rows = 50 if ctx.tiny else 30_000
    if importer is None:
        return _missing(ctx, operation, 15.0, "no roster import service in inmates/ yet")
    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    with ctx.app.test_request_context():  # the Russian headers need a request's locale
        roster.write_file(path, rows, ctx.synthetic["import_facility_id"])
    facility_id = ctx.synthetic["import_facility_id"]
    mark = roster.stale_mark()

    def product():
        importer(path, facility_id)

    def clean():
        roster.remove_imported(facility_id, stale_after=mark)

    row = _row(ctx, operation, 15.0, product,
               lambda: roster.calamine_and_insert(path, facility_id), setup=clean, teardown=clean,
               limit_setup=clean, limit_teardown=clean,
               extra=f"{rows:,} rows validated and saved; limit = calamine parse + one bulk "
                     f"INSERT of the same rows (goal: within 2x)")
    path.unlink()
    cap = 50 if ctx.tiny else ctx.app.config["IMPORT_MAX_ROWS"]
    added, process, seconds = spreadsheets.import_peak(ctx, cap)
    row.extra += (f"; at the {cap:,}-row cap (fresh process, preview + confirmation, "
                  f"{seconds:.1f} s): peak +{added:.0f} MB (process {process:.0f} MB; goal "
                  f"under 150 MB)" + ("; OVER memory" if added > 150 else ""))
    return row


# --- demo data ------------------------------------------------------------------------------

def demo_build(ctx):
    """Build the demo data set in a fresh process (whole-process time)."""
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
