"""gunicorn's settings: threaded workers sized for the machine, the app's log format.

`gunicorn` in the project folder reads this file; every value can be overridden from the
environment (WEB_CONCURRENCY, GUNICORN_THREADS, BIND) or the command line.
"""
import multiprocessing
import os
import sys

# gunicorn reads this file before it imports the app: the project folder goes on the path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web.logging import logging_config  # noqa: E402

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")

# gthread: a few processes, each with a pool of threads. Requests mostly wait on the
# database, so threads keep both cores busy while one process's request waits; one process
# per core keeps a CPU-bound page (statistics, the fill) from stalling the others.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Long work (large exports and imports) runs as background jobs, so a request is short.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The master's and the workers' lines in the app's format (JSON lines in production):
# gunicorn's own loggers hand their lines to the app's one handler.
logconfig_dict = logging_config(json_lines=os.environ.get("MARKETPLACE_ENV") == "production",
                                level=os.environ.get("LOG_LEVEL", "INFO"))
logconfig_dict["loggers"] = {name: {"handlers": [], "propagate": True}
                             for name in ("gunicorn.error", "gunicorn.access")}
accesslog = None  # the app logs denials and errors; nginx keeps the access log
