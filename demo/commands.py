"""The demo-data command."""
import time

import click
from flask.cli import with_appcontext

from extensions import db

from .generator import build


@click.command("demo-data")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100))
@click.option("--seed", default=2021, show_default=True, type=int)
@with_appcontext
def demo_data_command(scale, seed):
    """Build the deterministic national demo data set (DESIGN.md section 8)."""
    started = time.perf_counter()
    summary = build(scale=scale, seed=seed)
    db.session.commit()
    click.echo(f"demo data built in {time.perf_counter() - started:.1f} s: "
               + ", ".join(f"{k} {v}" for k, v in summary.items()))


commands = [demo_data_command]
