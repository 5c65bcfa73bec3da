"""Administrators: manage users and read or export the audit log."""
import csv
import io
from datetime import date, datetime, time, timedelta

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from enterprises.models import Enterprise
from extensions import db
from facilities.models import Facility
from reference.codes import ROLES
from reference.models import Region
from reference.services import probation_service_choices
from tabular import export, neutralise
from timeutil import utcnow

from . import audit, list_exports, services
from .blueprint import bp
from .forms import AuditFilterForm, NewUserForm, ResetPasswordForm, UserForm
from .models import AuditEvent, User
from .permissions import get_or_404, roles

PER_PAGE = 50
EXPORT_BATCH = 1000


def _page_number():
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


def _scope_choices(form):
    """Fill the facility and region lists of a user form."""
    facilities = db.session.scalars(select(Facility).order_by(Facility.code))
    form.facility_id.choices = [("", "—")] + [(f.id, f"{f.code} · {f.name}") for f in facilities]
    regions = db.session.scalars(select(Region).order_by(Region.code))
    form.region_id.choices = [("", _("Whole country"))] + [(r.id, f"{r.code} · {r.name}")
                                                           for r in regions]
    form.probation_service_id.choices = probation_service_choices("—")


def _scope_from_form(form):
    """Return the scope columns chosen in a user form, or None after adding field errors.

    The facility and region lists only accept their own choices (validated by the form).
    """
    role = form.role.data
    facility_id, region_id, enterprise_id = form.facility_id.data, form.region_id.data, None
    if role == "owner":
        if not form.enterprise_bin.data:
            form.enterprise_bin.errors.append(_("A business owner needs the enterprise's BIN."))
            return None
        enterprise_id = db.session.scalar(
            select(Enterprise.id).where(Enterprise.bin == form.enterprise_bin.data))
        if enterprise_id is None:
            form.enterprise_bin.errors.append(_("No enterprise has this BIN."))
            return None
    if role == "inspector" and facility_id is None:
        form.facility_id.errors.append(_("An inspector needs a facility."))
        return None
    if role == "probation_officer" and form.probation_service_id.data is None:
        form.probation_service_id.errors.append(_("A probation officer needs a probation service."))
        return None
    return services.scope_for_role(role, facility_id=facility_id, enterprise_id=enterprise_id,
                                   region_id=region_id,
                                   probation_service_id=form.probation_service_id.data)


@bp.route("/users")
@roles("admin")
def users():
    """List users with search, role and status filters."""
    query = request.args.get("q", "")[:60]
    role = request.args.get("role", "") if request.args.get("role") in ROLES else ""
    status = request.args.get("status", "") if request.args.get("status") in (
        "active", "inactive") else ""
    if export.wanted():
        return export.respond("users", list_exports.USERS, services.search_users(query, role, status))
    page = db.paginate(services.search_users(query, role, status), page=_page_number(),
                       per_page=PER_PAGE, error_out=False)
    return render_template("accounts/users.html", page=page, query=query, role=role,
                           status=status, roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
@roles("admin")
def user_new():
    """Create a user with a role, a scope and a first password."""
    form = NewUserForm()
    _scope_choices(form)
    if form.validate_on_submit():
        scope = _scope_from_form(form)
        if scope is not None:
            if services.find_user(form.login.data):
                form.login.errors.append(_("This login is taken."))
            else:
                try:
                    user = services.create_checked_user(
                        form.login.data, form.new_password.data, form.role.data,
                        full_name=form.full_name.data or "", language=form.language.data, **scope)
                except services.PasswordRejected as rejected:
                    form.new_password.errors.extend(rejected.problems)
                except IntegrityError:
                    db.session.rollback()
                    form.login.errors.append(_("This login is taken."))
                else:
                    audit.record("create", entity="user", entity_id=user.id,
                                 detail=f"role={user.role}")
                    db.session.commit()
                    flash(_("The user has been created."), "success")
                    return redirect(url_for("accounts.user_edit", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=None), \
        400 if request.method == "POST" else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def user_edit(user_id):
    """Change a user's role, scope, name and language."""
    user = get_or_404(User, user_id)
    form = UserForm(obj=user)
    if request.method == "GET" and user.enterprise is not None:
        form.enterprise_bin.data = user.enterprise.bin
    _scope_choices(form)
    if form.validate_on_submit():
        scope = _scope_from_form(form)
        if scope is not None and user.id == current_user.id and form.role.data != user.role:
            form.role.errors.append(_("You cannot change your own role."))
        elif scope is not None:
            changed = services.update_user(user, form.role.data, form.full_name.data,
                                           form.language.data, **scope)
            audit.record("update", entity="user", entity_id=user.id,
                         detail=f"role={user.role}" + (";sessions_ended" if changed else ""))
            db.session.commit()
            flash(_("%(login)s has been saved.", login=user.login), "success")
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=user,
                           password_form=ResetPasswordForm()), \
        400 if request.method == "POST" else 200


def _set_enabled(user_id, enabled):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate or reactivate yourself."), "danger")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    services.set_enabled(user, enabled)
    audit.record("end" if not enabled else "update", entity="user", entity_id=user.id,
                 detail="deactivated" if not enabled else "reactivated")
    db.session.commit()
    flash(_("%(login)s has been deactivated; their sessions have ended.", login=user.login)
          if not enabled else _("%(login)s has been reactivated.", login=user.login), "success")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles("admin")
def user_deactivate(user_id):
    """Deactivate a user and end every session of theirs."""
    return _set_enabled(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles("admin")
def user_reactivate(user_id):
    """Let a deactivated user log in again."""
    return _set_enabled(user_id, True)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles("admin")
def user_password(user_id):
    """Set a new password for a user and end every session of theirs."""
    user = get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.new_password.data)
        except services.PasswordRejected as rejected:
            form.new_password.errors.extend(rejected.problems)
        else:
            audit.record("update", entity="user", entity_id=user.id, detail="password_reset")
            db.session.commit()
            flash(_("The password has been reset; the user's sessions have ended."), "success")
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    user_form = UserForm(obj=user)
    if user.enterprise is not None:
        user_form.enterprise_bin.data = user.enterprise.bin
    _scope_choices(user_form)
    return render_template("accounts/user_form.html", form=user_form, user=user,
                           password_form=form), 400


def _audit_query(form):
    """Return the filtered select of audit events, newest first."""
    statement = select(AuditEvent)
    if form.login.data:
        statement = statement.where(AuditEvent.login == services.normal_login(form.login.data))
    if form.action.data:
        statement = statement.where(AuditEvent.action == form.action.data.strip())
    if form.entity.data:
        statement = statement.where(AuditEvent.entity == form.entity.data.strip())
    if form.date_from.data:
        statement = statement.where(AuditEvent.at >= datetime.combine(form.date_from.data, time()))
    if form.date_to.data and form.date_to.data < date.max:  # the day after 9999-12-31 is none
        statement = statement.where(
            AuditEvent.at < datetime.combine(form.date_to.data + timedelta(days=1), time()))
    return statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _audit_filters():
    form = AuditFilterForm(request.args)
    form.validate()  # invalid filters are shown next to their field and ignored
    for name in ("action", "date_from", "date_to"):
        if getattr(form, name).errors:
            getattr(form, name).data = None
    return form


@bp.route("/audit", endpoint="audit")
@roles("admin")
def audit_log():
    """List audit events with filters by user, action, record type and dates."""
    form = _audit_filters()
    page = db.paginate(_audit_query(form), page=_page_number(), per_page=PER_PAGE,
                       error_out=False)
    return render_template("accounts/audit.html", form=form, page=page)


AUDIT_COLUMNS = ("at", "login", "action", "entity", "entity_id", "ip", "outcome", "detail")


@bp.route("/audit.csv")
@roles("admin")
def audit_csv():
    """Export the filtered audit log as CSV; the export is itself audited."""
    form = _audit_filters()
    statement = _audit_query(form)
    audit.record("export", entity="audit_event")
    db.session.commit()

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_COLUMNS)
        events = db.session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))
        for number, event in enumerate(events, 1):
            writer.writerow([neutralise(event.at.isoformat(sep=" ", timespec="seconds"))] + [
                neutralise(getattr(event, name)) for name in AUDIT_COLUMNS[1:]])
            if number % EXPORT_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(stream_with_context(rows()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})
