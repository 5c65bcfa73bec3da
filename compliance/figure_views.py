"""Routes for the compliance figures (analysts) and the evidence pack download."""
import io
from datetime import date

from flask import render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from enterprises.models import Enterprise
from extensions import db
from facilities.models import Facility
from inmates.models import Person
from marketplace.models import Placement
from reference.models import Region
from timeutil import today
from web.forms import apply_input_errors
from web.query import query_int

from . import evidence, figures
from .blueprint import bp
from .codes import reason_labels
from .forms import EvidenceForm, FiguresForm


def _region_id():
    """Return the region the figures cover: a regional analyst's own, else the one asked."""
    if current_user.role == "analyst" and current_user.region_id:
        return current_user.region_id
    asked = query_int("region")
    return asked if asked and db.session.get(Region, asked) else None


def _period():
    """Return the form and the period it asks for: from 1 January to today unless the
    analyst chose other days; a refused date shows its message and falls back."""
    form = FiguresForm(request.args)
    form.validate()
    value = (lambda field: field.data if not field.errors else None)  # noqa: E731
    last = value(form.last_on) or today()
    first = value(form.first_on) or date(last.year, 1, 1)
    if first > last:
        form.last_on.errors = list(form.last_on.errors) + [
            _("The period ends before it starts.")]
        first = date(last.year, 1, 1)
    return form, first, last


@bp.route("/figures")
@roles("admin", "analyst")
def figures_page():
    """Show consent, safety, hours and injury figures by facility and enterprise for the
    period chosen, and the reasons the able-bodied without work are without work."""
    form, first, last = _period()
    region_id = _region_id()
    suppress = current_user.role == "analyst"
    by_facility = figures.table("facility", first, last, region_id)
    by_enterprise = figures.table("enterprise", first, last, region_id)
    audit.record("view", entity="compliance_figures", entity_id=region_id,
                 detail=f"{first}..{last}")
    db.session.commit()
    return render_template(
        "compliance/figures.html", form=form, first=first, last=last,
        by_facility=figures.shown(by_facility, suppress),
        by_enterprise=figures.shown(by_enterprise, suppress),
        total=figures.shown([figures.totals(by_facility)], suppress)[0],
        reasons=figures.reason_rows(last, suppress, region_id=region_id),
        reason_labels=reason_labels(), definitions=figures.DEFINITIONS,
        regions=db.session.scalars(select(Region).order_by(Region.code)).all(),
        region_id=region_id)


def _evidence_form():
    form = EvidenceForm(request.args, meta={"csrf": False})
    form.enterprise_id.choices = [("", "—")] + [
        (e.id, e.name) for e in db.session.scalars(
            select(Enterprise).where(visible(Enterprise)).order_by(Enterprise.name))]
    form.facility_id.choices = [("", "—")] + [
        (f.id, f.label) for f in db.session.scalars(
            select(Facility).where(visible(Facility)).order_by(Facility.code))]
    return form


@bp.route("/evidence")
@roles("admin", "analyst", "inspector", "owner")
def evidence_pack():
    """Download the evidence pack of an enterprise or facility for a period (ZIP of an XLSX
    and a PDF summary); an owner gets its own, an inspector its facility's, an analyst the
    summary figures only."""
    form = _evidence_form()
    if current_user.role == "owner":
        form.enterprise_id.data, form.facility_id.data = current_user.enterprise_id, None
    elif current_user.role == "inspector":
        form.facility_id.data = current_user.facility_id
    if "first_on" not in request.args or not form.validate():
        return render_template("compliance/evidence.html", form=form), (
            422 if "first_on" in request.args else 200)
    first, last = form.first_on.data, form.last_on.data
    if last < first:
        apply_input_errors(form, {"last_on": _("The period ends before it starts.")})
        return render_template("compliance/evidence.html", form=form), 422
    if form.enterprise_id.data:
        title = get_or_404(Enterprise, form.enterprise_id.data).name
    elif form.facility_id.data:
        title = get_or_404(Facility, form.facility_id.data).label
    else:
        apply_input_errors(form, {"enterprise_id": _("Choose an enterprise or a facility.")})
        return render_template("compliance/evidence.html", form=form), 422
    personal = current_user.role != "analyst"
    # Analysts see aggregates only: their pack counts placements without naming anyone.
    scope = visible(Placement) if personal else figures_scope()
    placements = evidence.placements_in(scope, first, last, form.enterprise_id.data,
                                        form.facility_id.data)
    content = evidence.pack(title, first, last, form.lang.data, placements, personal)
    audit.record("export", entity="evidence_pack",
                 entity_id=form.enterprise_id.data or form.facility_id.data,
                 detail=f"{first}..{last}")
    db.session.commit()
    response = send_file(io.BytesIO(content), mimetype="application/zip",
                         as_attachment=True, download_name=f"evidence-{first}-{last}.zip")
    response.headers["Cache-Control"] = "no-store"
    return response


def figures_scope():
    """SQL: the placements an analyst's aggregates count (their region's, or all)."""
    region_id = _region_id()
    if region_id is None:
        return Placement.id.isnot(None)
    return Placement.person_id.in_(select(Person.id).join(
        Facility, Facility.id == Person.facility_id).where(Facility.region_id == region_id))
