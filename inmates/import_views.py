"""Roster import pages: the template, upload and preview, confirmation."""
import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts.permissions import own_facility_id, roles, workable_facilities
from extensions import db
from tabular import TableError

from . import imports
from .blueprint import bp
from .forms import ConfirmImportForm, ImportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/import/template")
@roles("admin", "inspector")
def import_template():
    """Download the roster template with headers in the user's language."""
    data = imports.template(workable_facilities())
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name="roster-template.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import", methods=["GET", "POST"])
@roles("admin", "inspector")
def import_upload():
    """Upload a roster file and show every bad row, or what saving would do."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = imports.check_upload(upload.read(), upload.filename, own_facility_id())
        except TableError as error:
            form.file.errors = list(form.file.errors or []) + [error.message]
        else:
            token = (imports.keep(result, current_user.id, upload.filename, own_facility_id())
                     if result.ok else None)
            return render_template("inmates/import_preview.html", result=result, token=token,
                                   confirm=ConfirmImportForm(token=token),
                                   filename=upload.filename, preview=imports.preview(result))
    return render_template("inmates/import.html", form=form, example=imports.instructions())


@bp.route("/import/confirm", methods=["POST"])
@roles("admin", "inspector")
def import_confirm():
    """Save a previewed upload: every row or none."""
    form = ConfirmImportForm()
    kept = (imports.take(form.token.data, current_user.id, own_facility_id())
            if form.validate_on_submit() else None)
    if kept is None:
        flash(_("This upload has expired or is not yours; upload the file again."), "warning")
        return redirect(url_for("inmates.import_upload"))
    try:
        result = imports.save_kept(kept, current_user.id)
    except IntegrityError:
        db.session.rollback()
        flash(_("Someone changed these people meanwhile; nothing was saved. Upload the file "
                "again."), "danger")
        return redirect(url_for("inmates.import_upload"))
    if not result.ok:  # the database changed since the preview
        return render_template("inmates/import_preview.html", result=result, token=None,
                               confirm=None, filename=kept.filename,
                               preview=imports.preview(result))
    imports.forget(form.token.data)
    flash(_("Saved: %(created)s new, %(updated)s updated, %(same)s unchanged.",
            created=len(result.creates), updated=len(result.updates), same=result.unchanged),
          "success")
    return redirect(url_for("marketplace.roster"))
