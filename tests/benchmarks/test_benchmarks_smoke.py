"""The benchmark harness runs end to end at a toy size and prints its table."""
import os
import subprocess
import sys
import uuid
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_harness_prints_its_table(tmp_path):
    """Every case runs (or says it is missing) and the table has a row per case."""
    engine = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    env = dict(os.environ, BENCH_OUT=str(tmp_path),
               BENCH_DB_PREFIX=f"bench_smoke_{uuid.uuid4().hex[:8]}")
    if engine == "postgresql":
        from sqlalchemy.engine import make_url

        server = make_url(os.environ["TEST_DATABASE_URL"]).set(database="postgres")
        env["BENCH_PG_URL"] = server.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scale", "tiny", "--db", engine, "--runs",
         "1", "--warmup", "0", "--only",
         "candidates,fill,place,line,statistics,series,workbook,import"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
        assert table[0].startswith("| operation | db | scale | runs | median")
        operations = {line.split(" | ")[0].strip("| ") for line in table[1:]}
        assert {"rank candidates for one line", "fill a facility", "place one person",
                "save one line",
                "national statistics, one date", "12-month national series",
                "national statistics workbook", "roster import"} <= operations
        assert not [line for line in table if "| ERROR |" in line], done.stdout
    finally:
        if engine == "postgresql":
            from benchmarks import databases

            databases.drop(server.set(database=f"{env['BENCH_DB_PREFIX']}_tiny")
                           .render_as_string(hide_password=False))
