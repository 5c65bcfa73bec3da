"""Account commands."""
import os

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from enterprises.models import Enterprise
from extensions import db
from facilities.models import Facility
from reference.models import Region

from . import audit
from .passwords import password_problems
from .services import create_user, find_user
from .tokens import active_tokens, create_token, revoke_token

# Which scope option each role needs (required) or accepts.
ROLE_OPTIONS = {
    "inspector": ({"facility"}, {"facility"}),
    "owner": ({"enterprise"}, {"enterprise"}),
    "analyst": (set(), {"region"}),
    "admin": (set(), set()),
}


def _lookup(model_column, value, what):
    found = db.session.scalar(select(model_column.class_.id).where(model_column == value))
    if found is None:
        raise click.ClickException(f"unknown {what} {value}")
    return found


@click.command("create-user")
@click.option("--role", required=True, type=click.Choice(["admin", "analyst", "inspector", "owner"]))
@click.option("--login", "login_name", required=True)
@click.option("--facility", "facility_code", help="Facility code, for inspectors.")
@click.option("--enterprise", "enterprise_bin", help="Enterprise BIN, for business owners.")
@click.option("--region", "region_code", help="Region code (KZ-xx), for regional analysts.")
@click.option("--full-name", default="", help="The person's name, shown to administrators.")
@click.option("--password-env", default="MARKETPLACE_PASSWORD", show_default=True,
              help="Environment variable to read the password from instead of a prompt.")
@with_appcontext
def create_user_command(role, login_name, facility_code, enterprise_bin, region_code, full_name,
                        password_env):
    """Create a user; the password comes from a prompt or an environment variable."""
    given = {name for name, value in (("facility", facility_code), ("enterprise", enterprise_bin),
                                      ("region", region_code)) if value}
    required, allowed = ROLE_OPTIONS[role]
    if required - given:
        raise click.UsageError(f"role {role} needs --{' --'.join(sorted(required - given))}")
    if given - allowed:
        raise click.UsageError(f"role {role} takes no --{' --'.join(sorted(given - allowed))}")
    if find_user(login_name):
        raise click.ClickException(f"login {login_name!r} is taken")
    scope = {}
    if facility_code:
        scope["facility_id"] = _lookup(Facility.code, facility_code, "facility")
    if enterprise_bin:
        scope["enterprise_id"] = _lookup(Enterprise.bin, enterprise_bin, "enterprise")
    if region_code:
        scope["region_id"] = _lookup(Region.code, region_code, "region")
    password = os.environ.get(password_env) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    problems = password_problems(password, login_name)
    if problems:
        raise click.ClickException("password refused: " + " ".join(problems))
    create_user(login_name, password, role, full_name=full_name, **scope)
    db.session.commit()
    click.echo(f"created {role} {login_name}")


@click.group("tokens")
def tokens_group():
    """Personal API tokens."""


@tokens_group.command("create")
@click.argument("login_name")
@click.option("--name", default="command line", show_default=True,
              help="What the token is for, shown on the user's profile.")
@click.option("--read-only", is_flag=True, help="The token may read, not write.")
@with_appcontext
def create_token_command(login_name, name, read_only):
    """Make an API token for a user and print its secret (shown this once only)."""
    user = find_user(login_name)
    if user is None:
        raise click.ClickException(f"unknown login {login_name!r}")
    token, secret = create_token(user, name, read_only=read_only)
    audit.record("create", entity="api_token", entity_id=token.id, user=user,
                 detail="command line")
    db.session.commit()
    click.echo(secret)


@tokens_group.command("revoke")
@click.argument("login_name")
@with_appcontext
def revoke_tokens_command(login_name):
    """Revoke every API token of a user."""
    user = find_user(login_name)
    if user is None:
        raise click.ClickException(f"unknown login {login_name!r}")
    revoked = 0
    for token in active_tokens(user):
        revoke_token(token)
        audit.record("revoke", entity="api_token", entity_id=token.id, user=user,
                     detail="command line")
        revoked += 1
    db.session.commit()
    click.echo(f"revoked {revoked} tokens of {login_name}")


commands = [create_user_command, tokens_group]
