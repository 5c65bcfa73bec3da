"""`flask --app app facts rebuild [--from D]` and `facts status`."""
import time

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from extensions import db

from .build import people_in, rebuild
from .models import FactDay, FactEnterprise, FactPeople, FactStale

facts_cli = AppGroup("facts", help="The stored daily facts of the statistics.")


@facts_cli.command("rebuild")
@click.option("--from", "first", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Rebuild every stored day and month end from this day, YYYY-MM-DD "
                   "(default: only the stale and missing ones).")
def rebuild_command(first):
    """Build the facts of every month end up to yesterday, and of stale stored days."""
    started = time.perf_counter()
    days = rebuild(db.session, first.date() if first else None,
                   progress=lambda done, total: click.echo(f"\r{done}/{total}", nl=False))
    db.session.commit()
    if days:
        click.echo("")
    click.echo(f"{len(days)} days built in {time.perf_counter() - started:.1f} s"
               + (f" ({days[0]} .. {days[-1]})" if days else ""))


@facts_cli.command("status")
def status_command():
    """Print the stored days, the rows per day and the earliest logged change."""
    count = lambda query: db.session.scalar(query)  # noqa: E731
    days = count(select(func.count()).select_from(FactDay))
    fresh = count(select(func.count()).select_from(FactDay).where(FactDay.fresh.is_(True)))
    last = count(select(func.max(FactDay.day)))
    people = count(select(func.count()).select_from(FactPeople))
    enterprises = count(select(func.count()).select_from(FactEnterprise))
    click.echo(f"{days} days stored ({fresh} fresh), {people} people rows, "
               f"{enterprises} enterprise rows; earliest logged change: "
               f"{count(select(func.min(FactStale.day)))}")
    if last:
        click.echo("rows on %s: people %s, enterprises %s" % (last, *people_in(db.session, last)))


commands = [facts_cli]
