"""The background worker command: `flask --app app jobs worker` (needs REDIS_URL)."""
import click
import redis
from flask import current_app
from flask.cli import AppGroup
from rq import Queue, SimpleWorker

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests).")
def worker_command(burst):
    """Run queued jobs until stopped, in this process and its app context."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without it, jobs run in the app's "
                                   "own threads and need no worker")
    connection = redis.Redis.from_url(url)
    # SimpleWorker runs each job in this process (no fork): the app context, its database
    # pool and its logging stay as they are.
    SimpleWorker([Queue(current_app.config["JOB_QUEUE"], connection=connection)],
                 connection=connection).work(
        burst=burst)


commands = [jobs_cli]
