"""Reference data: regions, occupations and minimum wage, and the occupation picker."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.permissions import ALL_ROLES, roles
from extensions import db

from . import services
from .blueprint import bp
from .forms import MinimumWageForm, OccupationForm
from .models import MinimumWage, Occupation, Region


@bp.route("/occupations.json")
@roles(*ALL_ROLES)
def occupations_json():
    """Return occupations matching ?q= in any language, for the picker."""
    found = services.search_occupations(request.args.get("q", "")[:60])
    return {"results": [{"code": o.code, "title": o.title,
                         "label": f"{o.code} · {o.title}"} for o in found]}


@bp.route("/")
@roles("admin")
def index():
    """Show regions, minimum wages and the occupation list with search."""
    term = request.args.get("q", "")[:60]
    return render_template(
        "reference/index.html",
        regions=db.session.scalars(select(Region).order_by(Region.code)).all(),
        wages=db.session.scalars(select(MinimumWage).order_by(MinimumWage.year)).all(),
        occupations=services.search_occupations(term, limit=500), term=term,
        wage_form=MinimumWageForm())


@bp.route("/minimum-wage", methods=["POST"])
@roles("admin")
def minimum_wage_save():
    """Set the minimum wage of a year."""
    form = MinimumWageForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            for error in errors:
                flash(f"{getattr(form, field).label.text}: {error}", "danger")
        return redirect(url_for("reference.index"))
    changed = services.set_minimum_wage(form.year.data, form.amount_kzt.data)
    audit.record("update" if changed == "updated" else "create", entity="minimum_wage",
                 entity_id=form.year.data)
    db.session.commit()
    flash(_("Minimum wage for %(year)s saved.", year=form.year.data), "success")
    return redirect(url_for("reference.index"))


@bp.route("/occupations/<code>", methods=["GET", "POST"])
@roles("admin")
def occupation_edit(code):
    """Correct the kk/ru/en titles of an occupation."""
    occupation = db.session.get(Occupation, code)
    if occupation is None:
        abort(404)
    form = OccupationForm(obj=occupation)
    if form.validate_on_submit():
        form.populate_obj(occupation)
        audit.record("update", entity="occupation", entity_id=code)
        db.session.commit()
        flash(_("Occupation %(code)s saved.", code=code), "success")
        return redirect(url_for("reference.index", q=code))
    return render_template("reference/occupation_edit.html", form=form, occupation=occupation)
