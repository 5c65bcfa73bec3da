"""Routes for monthly wages: the month's lines, the entry grid, review, template and import."""
from contextlib import contextmanager

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from enterprises.lines import wage_floor
from enterprises.models import ProductionLine
from extensions import db
from reference.services import minimum_wage
from tabular import export
from timeutil import today
from web.pagination import paginate
from web.query import page_number

from . import list_exports, wage_entry, wage_import, wages
from .blueprint import bp
from .forms import WageImportForm
from .models import Placement

WAGE_ROLES = ("admin", "inspector", "owner")


def _month():
    """Return the month a page shows: the one asked for, moved into the months wages are
    kept for (with a note saying so), so no ?month= can show or fetch a month to come."""
    asked = wage_entry.parse_month(request.values.get("month"), today())
    shown = wage_entry.shown_month(asked)
    if shown != asked:
        flash(wage_entry.month_problem(asked), "warning")
    return shown


def _writable_month():
    """Return the month a write is for, or None (with a message) for a month wages cannot be
    kept for: a write is refused, never moved to another month."""
    month = wage_entry.parse_month(request.values.get("month"), today())
    problem = wage_entry.month_problem(month)
    if problem is not None:
        flash(problem, "danger")
        return None
    return month


def _refused():
    """Send the user back to the wage grid of the month nearest to the one refused."""
    month = wage_entry.shown_month(wage_entry.parse_month(request.values.get("month"), today()))
    return redirect(url_for("marketplace.wage_grid", line_id=request.view_args["line_id"],
                            month=f"{month:%Y-%m}"))


@bp.route("/wages", endpoint="wages")
@roles(*WAGE_ROLES)
def wages_index():
    """List the lines with placements in a month and how far their wages are entered."""
    month = _month()
    floor = wage_floor()
    summary = wages.month_summary(visible(ProductionLine), visible(Placement), month, floor.year)
    if export.wanted():
        return export.respond(f"wages-{month:%Y-%m}", list_exports.WAGE_MONTHS, summary)
    page = paginate(summary, page_number(), scalars=False)
    return render_template("marketplace/wages.html", page=page, month=month, floor=floor,
                           months=wage_entry.months_open())


def _grid_context(line, month, values=None, errors=None):
    rows = wages.grid(line.id, month, visible(Placement))
    minimum = minimum_wage(month.year)
    flags = {}
    for row in rows:
        posted = (values or {}).get(row.placement.id)
        if posted is not None:
            current, problems = wage_entry.validate(posted)
            current = {} if problems else current
        else:
            current = {f: getattr(row.record, f) for f in wage_entry.FIELDS} if row.record else {}
        flags[row.placement.id] = wages.below_minimum(current, row.placement, month, minimum)
    return {"line": line, "month": month, "rows": rows, "values": values or {},
            "errors": errors or {}, "flags": flags, "minimum": minimum,
            "entered": sum(1 for row in rows if row.record is not None),
            "floor": wage_floor(), "fields": wage_entry.FIELDS, "labels": wage_entry.LABELS,
            "import_form": WageImportForm(formdata=None), "months": wage_entry.months_open()}


def _posted_rows(rows, month):
    """Read the grid's rows from the form: {placement id: raw values} of the rows to save
    (left blank: not entered yet; repeating the saved record: kept as it is) and their
    errors."""
    values, errors, clean = {}, {}, {}
    for row in rows:
        raw = {f: request.form.get(f"{f}-{row.placement.id}", "") for f in wage_entry.FIELDS}
        if row.record is None and wage_entry.not_entered(raw, row.prefill):
            continue  # not entered yet: the month is completed on a later visit
        if row.record is not None and wage_entry.unchanged(raw, row.record):
            continue  # kept as saved, with its review
        values[row.placement.id] = raw
        if row.record is not None and wage_entry.not_entered(raw, {}):
            errors[row.placement.id] = {"month": _(
                "This month is already saved: correct its figures rather than empty them.")}
            continue
        clean[row.placement.id], row_errors = wage_entry.validate(raw, row.placement, month)
        problem = wage_entry.month_problem(month)
        if problem is not None:
            row_errors = {**row_errors, "days_worked": problem}
        if row_errors:
            errors[row.placement.id] = row_errors
    return values, errors, clean


@bp.route("/lines/<int:line_id>/wages", methods=["GET", "POST"])
@roles(*WAGE_ROLES)
def wage_grid(line_id):
    """Enter or correct a line's wages for a month, one row per placement active in it.

    Rows left blank are not entered yet and are skipped, so a month can be completed over
    several visits; a bad row saves nothing and is marked in red.
    """
    line = get_or_404(ProductionLine, line_id)
    if request.method == "GET":
        return render_template("marketplace/wage_grid.html", **_grid_context(line, _month()))
    month = _writable_month()
    if month is None:
        return _refused()
    rows = wages.grid(line.id, month, visible(Placement))
    values, errors, clean = _posted_rows(rows, month)
    if errors:
        flash(_("Nothing was saved: correct the rows marked in red."), "danger")
        return render_template("marketplace/wage_grid.html",
                               **_grid_context(line, month, values, errors)), 422
    saved = 0
    with conflicts_as_409():
        for row in rows:
            if row.placement.id in clean:
                record, created = wages.save_record(row.placement, month,
                                                    clean[row.placement.id], current_user,
                                                    row.record)
                audit.record("create" if created else "update", entity="wage_record",
                             entity_id=record.id)
                saved += 1
        db.session.commit()
    flash(ngettext("%(count)s wage row saved.", "%(count)s wage rows saved.", saved, count=saved), "success")
    return redirect(url_for("marketplace.wage_grid", line_id=line.id,
                            month=month.strftime("%Y-%m")))


@contextmanager
def conflicts_as_409():
    """Turn a concurrent edit of the same wages (a second insert or a stale version) into 409."""
    try:
        yield
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        abort(409, description=_("Someone else changed these wages meanwhile. "
                                 "Reload the page and enter them again."))


@bp.route("/lines/<int:line_id>/wages/review", methods=["POST"])
@roles("admin", "inspector")
def wage_review(line_id):
    """Mark a line's wages of a month reviewed."""
    line = get_or_404(ProductionLine, line_id)
    month = _writable_month()
    if month is None:
        return _refused()
    with conflicts_as_409():
        count = wages.mark_reviewed(line.id, month, current_user, visible(Placement))
        audit.record("update", entity="wage_month", entity_id=line.id,
                     detail=f"reviewed {month:%Y-%m}: {count}")
        db.session.commit()
    flash(ngettext("%(count)s wage row marked reviewed.", "%(count)s wage rows marked reviewed.", count,
                   count=count), "success")
    return redirect(url_for("marketplace.wage_grid", line_id=line.id, month=f"{month:%Y-%m}"))


@bp.route("/lines/<int:line_id>/wages/template.xlsx")
@roles(*WAGE_ROLES)
def wage_template(line_id):
    """Download the wage sheet of a line and month, headers in the user's language."""
    line = get_or_404(ProductionLine, line_id)
    month = _month()
    audit.record("export", entity="wage_template", entity_id=line.id)
    db.session.commit()
    return wage_import.template_response(line, month, visible(Placement))


@bp.route("/lines/<int:line_id>/wages/import", methods=["POST"])
@roles(*WAGE_ROLES)
def wage_import_preview(line_id):
    """Check an uploaded wage sheet and show every bad row, or the rows ready to save."""
    line = get_or_404(ProductionLine, line_id)
    month = _writable_month()
    if month is None:
        return _refused()
    form = WageImportForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(str(error), "danger")
        return redirect(url_for("marketplace.wage_grid", line_id=line.id, month=f"{month:%Y-%m}"))
    result = wage_import.check_upload(form.file.data, line, month, visible(Placement))
    token = (wage_import.keep_upload(result, line, month, current_user, form.file.data.filename)
             if result.ok else None)
    return render_template("marketplace/wage_import.html", line=line, month=month,
                           result=result, payload=token)


@bp.route("/lines/<int:line_id>/wages/import/confirm", methods=["POST"])
@roles(*WAGE_ROLES)
def wage_import_confirm(line_id):
    """Save every row of a checked wage sheet, or none."""
    line = get_or_404(ProductionLine, line_id)
    month = _writable_month()
    if month is None:
        return _refused()
    token = request.form.get("payload", "")
    table = wage_import.take_upload(token, line, month, current_user)
    if table is None:
        flash(_("The checked file expired or was altered. Upload it again."), "danger")
        return redirect(url_for("marketplace.wage_grid", line_id=line.id, month=f"{month:%Y-%m}"))
    result = wage_import.check_rows(table, line, month, visible(Placement))
    if not result.ok:  # the line's workers or records changed since the preview
        return render_template("marketplace/wage_import.html", line=line, month=month,
                               result=result, payload=None)
    rows = result.rows
    with conflicts_as_409():
        problems = wage_import.save_all(rows, line, month, current_user, visible(Placement))
    if problems:
        db.session.rollback()
        for problem in problems:
            flash(problem, "danger")
        return redirect(url_for("marketplace.wage_grid", line_id=line.id, month=f"{month:%Y-%m}"))
    audit.record("import", entity="wage_month", entity_id=line.id,
                 detail=f"{month:%Y-%m}: {len(rows)} rows")
    with conflicts_as_409():
        db.session.commit()
    wage_import.forget_upload(token)
    flash(ngettext("%(count)s wage row imported.", "%(count)s wage rows imported.", len(rows),
                   count=len(rows)), "success")
    return redirect(url_for("marketplace.wage_grid", line_id=line.id, month=f"{month:%Y-%m}"))
