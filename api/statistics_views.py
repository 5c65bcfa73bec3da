"""Statistics for a date and scope, as the dashboard computes and suppresses them
(reports/services.py), and the monthly series."""
from flask_login import current_user

from accounts.permissions import roles
from reports import services as reports
from reports.views import READERS
from timeutil import today

from .blueprint import bp
from .statistics_schemas import SeriesQuery, SeriesSchema, StatisticsQuery, StatisticsSchema


def _report(on=None, region=None, facility=None, security_level=None, employer_kind=None,
            months=12):
    """Build the report the dashboard would show the token's user for these filters."""
    scope = reports.scope_for(current_user, region_id=region, facility_id=facility,
                              security_level=security_level, employer_kind=employer_kind)
    return reports.build_report(on or today(), scope, suppress=reports.suppresses(current_user),
                                months=months, recent=True)


def _shown(report):
    return {"on": report.on, "scope": report.scope, "suppressed": report.suppressed,
            "headline": report.headline, "breakdowns": report.breakdowns,
            "enterprises": report.enterprises, "wages": report.wages, "series": report.series}


@bp.route("/statistics", tags=["statistics"])
@roles(*READERS)
@bp.arguments(StatisticsQuery, location="query", as_kwargs=True)
@bp.response(200, StatisticsSchema)
def statistics(**filters):
    """Return the dashboard's figures for a date (default today) and scope."""
    return _shown(_report(**filters))


@bp.route("/statistics/series", tags=["statistics"])
@roles(*READERS)
@bp.arguments(SeriesQuery, location="query", as_kwargs=True)
@bp.response(200, SeriesSchema)
def statistics_series(months=12, **filters):
    """Return the employment series (each month's last day) and wages by month up to a date."""
    report = _report(months=months, **filters)
    return {"on": report.on, "scope": report.scope, "suppressed": report.suppressed,
            "series": report.series, "wages": report.wages}
