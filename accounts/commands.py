"""Account commands."""
import os

import click
from flask.cli import with_appcontext

from extensions import db


@click.command("create-user")
@click.option("--role", required=True, type=click.Choice(["admin", "analyst", "inspector", "owner"]))
@click.option("--login", "login_name", required=True)
@click.option("--facility", "facility_code", help="Facility code, for inspectors.")
@click.option("--enterprise", "enterprise_bin", help="Enterprise BIN, for business owners.")
@click.option("--region", "region_code", help="Region code (KZ-xx), for regional analysts.")
@click.option("--password-env", default="MARKETPLACE_PASSWORD", show_default=True,
              help="Environment variable to read the password from instead of a prompt.")
@with_appcontext
def create_user_command(role, login_name, facility_code, enterprise_bin, region_code, password_env):
    """Create a user; the password comes from a prompt or an environment variable."""
    from sqlalchemy import select

    from enterprises.models import Enterprise
    from facilities.models import Facility
    from reference.models import Region

    from .services import create_user, find_user

    password = os.environ.get(password_env) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    if find_user(login_name):
        raise click.ClickException(f"login {login_name!r} is taken")
    scope = {}
    if facility_code:
        scope["facility_id"] = db.session.scalar(select(Facility.id).where(Facility.code == facility_code))
        if scope["facility_id"] is None:
            raise click.ClickException(f"unknown facility {facility_code}")
    if enterprise_bin:
        scope["enterprise_id"] = db.session.scalar(select(Enterprise.id).where(Enterprise.bin == enterprise_bin))
        if scope["enterprise_id"] is None:
            raise click.ClickException(f"unknown enterprise {enterprise_bin}")
    if region_code:
        scope["region_id"] = db.session.scalar(select(Region.id).where(Region.code == region_code))
        if scope["region_id"] is None:
            raise click.ClickException(f"unknown region {region_code}")
    create_user(login_name, password, role, **scope)
    db.session.commit()
    click.echo(f"created {role} {login_name}")


commands = [create_user_command]
