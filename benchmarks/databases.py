"""The benchmark databases: built once per scale and engine, cached between runs.

SQLite files live in benchmarks/out/ (git-ignored); PostgreSQL databases are bench_s1,
bench_s10 (and bench_tiny for the smoke test) on 127.0.0.1. Next to each, a JSON file in
benchmarks/out/ records how it was built and the synthetic facility's ids.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", Path(__file__).resolve().parent / "out"))


def pg_server():
    """Return the URL of the PostgreSQL server's maintenance database."""
    return os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def name(scale):
    """Return the database name of a scale ("1", "10" or "tiny")."""
    prefix = os.environ.get("BENCH_DB_PREFIX", "bench")
    return f"{prefix}_s{scale}" if str(scale).isdigit() else f"{prefix}_{scale}"


def url_for(scale, engine):
    """Return the SQLAlchemy URL of the benchmark database of a scale and engine."""
    if engine == "sqlite":
        return f"sqlite:///{OUT / (name(scale) + '.sqlite')}"
    return make_url(pg_server()).set(database=name(scale)).render_as_string(hide_password=False)


def _meta_path(scale, engine):
    return OUT / f"{name(scale)}.{engine}.json"


def _admin(url=None):
    """An autocommit engine on the server of ``url`` (or the benchmark server)."""
    server = make_url(url).set(database="postgres") if url else pg_server()
    return create_engine(server, isolation_level="AUTOCOMMIT")


def pg_exists(database):
    """Say whether a PostgreSQL database exists."""
    engine = _admin()
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": database})
    engine.dispose()
    return bool(found)


def drop(url):
    """Remove a benchmark database (file or PostgreSQL database) if it exists."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = _admin(url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    engine.dispose()


def create_empty(url):
    """Make sure ``url`` names an empty database."""
    drop(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    engine = _admin(url)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    engine.dispose()


def copy(url, new_database):
    """Copy a benchmark database for a run that writes (load, faults); return the copy's URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        target = Path(parsed.database).parent / f"{new_database}.sqlite"
        drop(f"sqlite:///{target}")
        source = sqlite3.connect(parsed.database)
        destination = sqlite3.connect(target)
        source.backup(destination)
        source.close()
        destination.close()
        return f"sqlite:///{target}"
    engine = _admin(url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{new_database}" WITH (FORCE)'))
        connection.execute(text(
            f'CREATE DATABASE "{new_database}" TEMPLATE "{parsed.database}"'))
    engine.dispose()
    return parsed.set(database=new_database).render_as_string(hide_password=False)


def build_in_subprocess(url, scale, synthetic=True):
    """Build a database in a fresh process; return (whole-process seconds, its summary)."""
    command = [sys.executable, "-m", "benchmarks.build", url, str(scale)]
    if not synthetic:
        command.append("--demo-only")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"building {url} failed:\n{done.stderr[-4000:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return elapsed, summary


def prepare(scale, engine, rebuild=False, log=print):
    """Return the metadata of a ready benchmark database, building it when needed."""
    url = url_for(scale, engine)
    meta_path = _meta_path(scale, engine)
    present = (Path(make_url(url).database).exists() if engine == "sqlite"
               else pg_exists(name(scale)))
    if present and meta_path.exists() and not rebuild:
        return json.loads(meta_path.read_text())
    log(f"building {engine} scale {scale} database (cached in {meta_path.name}) ...")
    create_empty(url)
    if scale == "tiny":  # in this process: the smoke test is short on time
        from .build import build

        started = time.perf_counter()
        summary = build(url, scale)
        seconds = time.perf_counter() - started
    else:
        seconds, summary = build_in_subprocess(url, scale)
    meta = dict(summary, url=url, scale=scale, engine=engine, process_seconds=seconds,
                built_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    OUT.mkdir(exist_ok=True)
    meta_path.write_text(json.dumps(meta, indent=1, default=str))
    log(f"  built in {seconds:.1f} s")
    return meta
