"""Run the benchmarks and print one table: ``python -m benchmarks.run``.

Options: ``--scale 1,10`` ``--db sqlite,postgresql`` ``--runs 5`` ``--only NAME[,NAME]`` (the API's
calls are ``api_statistics`` and ``api_lines``)
``--warmup 1`` ``--rebuild`` (build the cached databases again) ``--record`` (write the table into
benchmarks/RESULTS.md). ``--scale tiny`` runs everything at a toy size without demo data,
for the smoke test.
"""
import argparse
import json
import platform
import sys
import time
import traceback
from pathlib import Path

from . import databases
from .api_cases import API_CASES
from .cases import CASES
from .context import Context
from .timing import Row, Timing, table

CASES = {**CASES, **API_CASES}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- benchmark table: start -->", "<!-- benchmark table: end -->"


def machine():
    """Describe the machine: CPU model, cores, memory, Python and database versions."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(l for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal"))
        memory = f"{int(memory.split()[1]) // 2 ** 20} GB RAM"
    except (OSError, StopIteration):
        memory = "unknown RAM"
    import os
    import sqlite3
    import subprocess

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=databases.ROOT).stdout.strip() or "unknown"
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"{model}, {os.cpu_count()} cores, {memory}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; code at commit {commit}; "
            f"load average at the end {load}")


def run(scales, engines, runs, only, rebuild, log=print, warmup=1):
    """Run every selected case on every selected database; return (rows, profiles)."""
    from app import create_app

    rows, profiles = [], {}
    scale1 = {}
    for scale in scales:
        for engine in engines:
            meta = databases.prepare(scale, engine, rebuild=rebuild, log=log)
            app = create_app({"SQLALCHEMY_DATABASE_URI": meta["url"]})
            ctx = Context(app=app, engine=engine, scale=scale, meta=meta, runs=runs,
                          warmup=warmup, profiles=profiles)
            for name, case in CASES.items():
                if only and name not in only:
                    continue
                log(f"  {engine} scale {scale}: {name} ...")
                started = time.perf_counter()
                with app.app_context():
                    try:
                        found = case(ctx)
                    except Exception as error:  # one broken case must not hide the others
                        traceback.print_exc()
                        found = Row(name, engine, scale, Timing(note=_first_line(error)), None,
                                    None, status="error")
                for row in found if isinstance(found, list) else [found]:  # a case may time several
                    key = name if row is found else f"{name}/{row.operation}"
                    log(f"    {row.product.median} s median "
                        f"({time.perf_counter() - started:.0f} s)")
                    if scale == "1":
                        scale1[key, engine] = row.product.median
                        remember(key, engine, row)
                    elif scale != "tiny":
                        row.scale1_median = scale1.get((key, engine), recalled(key, engine))
                    rows.append(row)
            with app.app_context():
                from extensions import db

                db.engine.dispose()
    return rows, profiles


def _store():
    return databases.OUT / "scale1_medians.json"


def remember(name, engine, row):
    """Keep scale-1 medians, so a later scale-10 run can compare with them."""
    if row.product.median is None:
        return
    known = json.loads(_store().read_text()) if _store().exists() else {}
    known[f"{name}/{engine}"] = row.product.median
    _store().write_text(json.dumps(known, indent=1))


def recalled(name, engine):
    """Return the scale-1 median of an earlier run, or None."""
    known = json.loads(_store().read_text()) if _store().exists() else {}
    return known.get(f"{name}/{engine}")


def _first_line(error):
    lines = [l for l in str(error).strip().splitlines() if l.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


def record(text_block):
    """Put the table between the markers of RESULTS.md (added at the end if missing)."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"{START}\n{text_block}\n{END}"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(current)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", default="1,10")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    scales = [s.strip() for s in args.scale.split(",") if s.strip()]
    engines = [e.strip() for e in args.db.split(",") if e.strip()]
    only = {o.strip() for o in args.only.split(",") if o.strip()}
    unknown = only - set(CASES)
    if unknown or not set(engines) <= {"sqlite", "postgresql"}:
        parser.error(f"unknown case or database: {sorted(unknown) or engines}; "
                     f"cases are {', '.join(CASES)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    rows, profiles = run(scales, engines, args.runs, only, args.rebuild, log=log,
                         warmup=max(args.warmup, 0))
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = [f"Run {stamp} on {machine()}.", "", table(rows)]
    for title, text_profile in profiles.items():
        block += ["", f"Profile of {title} (cProfile, top entries by cumulative time):", "",
                  "```", text_profile.strip(), "```"]
    output = "\n".join(block)
    print(output)
    if args.record:
        record(output)
    return 0 if all(r.status != "error" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
