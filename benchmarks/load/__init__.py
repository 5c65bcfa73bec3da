"""Load run: gunicorn with 2 sync workers on a copy of the scale-1 database, 20 users.

``python -m benchmarks.load [--db sqlite|postgresql] [--seconds 60] [--users 20]``
(or ``benchmarks/load/run.sh``). Every loop is bounded in time and in requests, and all
traffic stays on 127.0.0.1.
"""
