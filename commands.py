"""Command-line interface: reference data, demo data, users and exports."""
import click
from flask.cli import with_appcontext

from accounts.commands import commands as account_commands
from demo.commands import commands as demo_commands
from extensions import db
from jobs.commands import commands as job_commands
from reference.services import load_reference
from reports.commands import commands as report_commands
from reports.facts.commands import commands as facts_commands


@click.command("load-reference")
@with_appcontext
def load_reference_command():
    """Load regions, occupations and minimum wages (idempotent)."""
    report = load_reference()
    db.session.commit()
    for name, (added, updated) in report.items():
        click.echo(f"{name}: {added} added, {updated} updated")


def register(app):
    """Attach every package's commands to the app."""
    app.cli.add_command(load_reference_command)
    for command in (*account_commands, *demo_commands, *report_commands, *job_commands,
                    *facts_commands):
        app.cli.add_command(command)
