"""Serve the app with gunicorn on 127.0.0.1 for the load run and the fault drills."""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port():
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving one database on 127.0.0.1; a context manager.

    Sync workers by default (the fault drills); ``threads`` gives each worker a pool of
    threads (gthread), as the project's gunicorn.conf.py does in production.
    """

    def __init__(self, database_url, workers=2, log_path=None, extra_env=None, timeout=60,
                 threads=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or ROOT / "benchmarks" / "out" / "gunicorn.log")
        self.env = dict(os.environ, DATABASE_URL=database_url,
                        SECRET_KEY=secrets.token_hex(32), MARKETPLACE_ENV="development",
                        PYTHONPATH=str(ROOT), **(extra_env or {}))
        kind = ["--worker-class", "gthread", "--threads", str(threads)] if threads else \
            ["--worker-class", "sync"]
        self.command = [GUNICORN, "--workers", str(workers), *kind,
                        "--bind", f"127.0.0.1:{self.port}", "--timeout", str(timeout),
                        "--graceful-timeout", "5", "app:create_app()"]
        self.process = None

    def start(self):
        """Start gunicorn and wait until /healthz answers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + self.log_path.read_text()[-3000:])

    def worker_pids(self):
        """Return the process ids of the gunicorn workers."""
        done = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                              capture_output=True, text=True)
        return [int(p) for p in done.stdout.split()]

    def log(self):
        """Return what gunicorn and the app wrote so far."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        """Stop gunicorn (its own process group only) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()
