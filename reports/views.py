"""Routes of the reports package: the dashboard and its exports."""
import io

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.permissions import roles
from extensions import db
from i18n import current_language
from jobs import services as jobs
from timeutil import add_months, month_start, today

from . import definitions as defs
from . import raw_export as _raw_export  # noqa: F401  (registers the raw export job)
from . import services
from .blueprint import bp
from .exports import write_csv, write_xlsx
from .forms import LANGUAGES, TABLES, ReportFilterForm
from .probation import DEFINITION as PROBATION_DEFINITION
from .statistics import BREAKDOWNS
from .tables import summary, table, table_titles

READERS = ("admin", "analyst", "inspector")
EXPORT_LANGUAGES = {code for code, _name in LANGUAGES}


def _report_from_request(exporting=False):
    """Parse the filter from the URL and build the report the user may see."""
    form = ReportFilterForm(request.args)
    regions, facilities = services.choices_for(current_user)
    form.set_choices(regions, facilities)
    form.validate()  # errors show beside the fields; valid fields still apply
    value = (lambda field: field.data if not field.errors else None)  # noqa: E731
    on = value(form.on) or today()
    since = value(form.since)
    scope = services.scope_for(
        current_user, region_id=value(form.region), facility_id=value(form.facility),
        security_level=value(form.security_level) or None,
        employer_kind=value(form.employer_kind) or None)
    report = services.build_report(on, scope, since=since,
                                   suppress=services.suppresses(current_user, exporting),
                                   recent=not exporting)
    return form, report


def _download(body, filename, mimetype):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export_language(lang=None):
    lang = request.args.get("lang", "") if lang is None else lang
    return lang if lang in EXPORT_LANGUAGES else "ru"


@bp.route("/")
@roles(*READERS)
def dashboard():
    """Show employment against the able-bodied population for a date and scope."""
    form, report = _report_from_request()
    language = current_language()
    tables = {name: table(report, name, language) for name in TABLES}
    rows = {name: tables[name][1] for name in BREAKDOWNS}
    return render_template("reports/dashboard.html", form=form, report=report, rows=rows,
                           tables=tables, summary=summary(report),
                           chart_data=chart_data(report, rows), languages=LANGUAGES,
                           table_names=TABLES, titles=table_titles(),
                           definition_text=defs.text,
                           definition_title=lambda key: defs.definition(key).title,
                           definition=PROBATION_DEFINITION)


@bp.route("/definitions")
@roles(*READERS)
def definitions():
    """List the definition of every figure of the dashboard and the export."""
    return render_template("reports/definitions.html", definitions=defs.rows())


def chart_data(report, rows):
    """Return the numbers the charts draw; a suppressed value is null."""
    number = (lambda value: value if isinstance(value, (int, float)) else None)  # noqa: E731
    return {
        "region": {"labels": [row["label"] for row in rows["region"]],
                   "rate": [None if row["rate"] is None else round(row["rate"] * 100, 1)
                            for row in rows["region"]],
                   "title": _("Employment rate, %")},
        "series": {"labels": [row["on"].isoformat() for row in report.series],
                   "able_bodied": [number(row["able_bodied"]) for row in report.series],
                   "employed": [number(row["employed"]) for row in report.series],
                   "able_title": _("Able-bodied"), "employed_title": _("Employed")},
    }


@bp.route("/export.xlsx")
@roles(*READERS)
def export_xlsx():
    """Download the report as an XLSX workbook, small cells suppressed."""
    _form, report = _report_from_request(exporting=True)
    output = io.BytesIO()
    write_xlsx(report, output, _export_language())
    audit.record("export", entity="statistics", detail=services.file_stem(report) + ".xlsx")
    db.session.commit()
    return _download(output.getvalue(), services.file_stem(report) + ".xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/export.csv")
@roles(*READERS)
def export_csv():
    """Download one table of the report as CSV, small cells suppressed."""
    name = request.args.get("table", "region")
    if name not in TABLES:
        abort(404)
    _form, report = _report_from_request(exporting=True)
    body = write_csv(report, name, _export_language())
    filename = f"{services.file_stem(report)}_{name}.csv"
    audit.record("export", entity="statistics", detail=filename)
    db.session.commit()
    return _download(body.encode("utf-8"), filename, "text/csv; charset=utf-8")


@bp.route("/raw", methods=["POST"])
@roles("admin")
def raw_export():
    """Prepare the raw export of the 12 months up to the dashboard's date in the background."""
    form = ReportFilterForm(request.form)
    on = form.on.data if form.on.validate(form) and form.on.data else today()
    first = add_months(month_start(on), -11)
    job = jobs.submit("raw_export", current_user, {"first": first, "last": on},
                      _export_language(request.form.get("lang", "")))
    audit.record("export", entity="raw_wages", detail=f"{first.isoformat()}..{on.isoformat()}")
    db.session.commit()
    jobs.start(job.id)
    return redirect(url_for("jobs.status", job_id=job.id))
