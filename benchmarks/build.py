"""Build one benchmark database: schema, reference data, demo data, synthetic facility.

Run as ``python -m benchmarks.build URL SCALE [--demo-only]``; the last line printed is a
JSON summary. SCALE "tiny" skips the demo data and builds a small synthetic facility, for
the smoke test.
"""
import json
import sys
import time

from app import create_app
from extensions import db

TINY = {"people": 60, "lines": 4, "headcount": 3}


def build(url, scale, synthetic=True):
    """Build the database at ``url``; return a summary dict."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    summary = {}
    with app.app_context():
        from reference.services import load_reference

        db.create_all()
        load_reference()
        db.session.commit()
        if scale != "tiny":
            from demo.generator import build as build_demo

            started = time.perf_counter()
            result = build_demo(scale=int(scale), seed=2021)
            db.session.commit()
            summary["demo_seconds"] = time.perf_counter() - started
            summary["demo"] = {str(k): str(v) for k, v in (result or {}).items()}
        if synthetic:
            from benchmarks import synthetic as synthetic_facility

            sizes = TINY if scale == "tiny" else {}
            summary["synthetic"] = synthetic_facility.build(**sizes)
            db.session.commit()
            # The synthetic facility's back-dated admissions made the facts stale; the
            # nightly rebuild has run, as in production.
            from reports.facts.build import rebuild

            rebuild(db.session)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return summary


if __name__ == "__main__":
    print(json.dumps(build(sys.argv[1], sys.argv[2], "--demo-only" not in sys.argv[3:]),
                     default=str))
