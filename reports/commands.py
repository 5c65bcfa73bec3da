"""Report commands."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from accounts import audit
from extensions import db
from facilities.models import Facility
from reference.codes import ENTERPRISE_KINDS, SECURITY_LEVELS
from reference.models import Region

from .exports import write_xlsx
from .services import build_report, file_stem
from .statistics import Scope


@click.command("export-stats")
@click.option("--on", "on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date of the figures, YYYY-MM-DD.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The XLSX file to write.")
@click.option("--lang", type=click.Choice(["ru", "kk", "en"]), default="ru", show_default=True,
              help="Language of the headers.")
@click.option("--region", "region_code", default=None, help="A region code such as KZ-71.")
@click.option("--facility", "facility_code", default=None, help="A facility code.")
@click.option("--security-level", type=click.Choice(sorted(SECURITY_LEVELS)), default=None)
@click.option("--employer-kind", type=click.Choice(sorted(ENTERPRISE_KINDS)), default=None)
@with_appcontext
def export_stats_command(on, out, lang, region_code, facility_code, security_level,
                         employer_kind):
    """Write the statistics workbook for a date and scope, small cells suppressed."""
    region_id = facility_id = None
    if region_code:
        region_id = db.session.scalar(select(Region.id).where(Region.code == region_code.upper()))
        if region_id is None:
            raise click.BadParameter(f"unknown region {region_code}", param_hint="--region")
    if facility_code:
        facility_id = db.session.scalar(select(Facility.id).where(Facility.code == facility_code))
        if facility_id is None:
            raise click.BadParameter(f"unknown facility {facility_code}", param_hint="--facility")
    scope = Scope(region_id=region_id, facility_id=facility_id, security_level=security_level,
                  employer_kind=employer_kind)
    report = build_report(on.date(), scope, suppress=True)
    with open(out, "wb") as output:
        write_xlsx(report, output, lang)
    audit.record("export", entity="statistics", detail=file_stem(report) + ".xlsx (cli)")
    db.session.commit()
    click.echo(f"{out}: {file_stem(report)}")


commands = [export_stats_command]
