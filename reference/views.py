"""Reference data: regions, occupations and minimum wage, and the occupation picker."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.permissions import ALL_ROLES, roles
from extensions import db
from timeutil import today
from web.formatting import money

from . import services
from .blueprint import bp
from .forms import MinimumWageForm, OccupationForm
from .models import MinimumWage, Occupation, Region
from .signals import minimum_wage_set


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
    """Set the minimum wage of a year; for this year or a later one, say how many lines and
    active placements it leaves below it (they are listed for their owners and inspectors)."""
    form = MinimumWageForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            for error in errors:
                flash(f"{getattr(form, field).label.text}: {error}", "danger")
        return redirect(url_for("reference.index"))
    year, amount = form.year.data, form.amount_kzt.data
    changed = services.set_minimum_wage(year, amount)
    audit.record("update" if changed == "updated" else "create", entity="minimum_wage",
                 entity_id=year)
    # A past year's figure no longer holds any line: only this year's and later ones count.
    left = {"lines": 0, "placements": 0}
    if year >= today().year:
        for _receiver, counts in minimum_wage_set.send(year, amount_kzt=amount):
            for key, count in (counts or {}).items():
                left[key] = left.get(key, 0) + count
    db.session.commit()
    flash(_("Minimum wage for %(year)s saved.", year=year), "success")
    if year >= today().year:
        flash(_("The %(year)s minimum wage of %(amount)s leaves below it lines: %(lines)s, "
                "active placements: %(placements)s. Their owners and inspectors see them on "
                "the page \"Below the minimum wage\".", year=year, amount=money(amount),
                lines=left["lines"], placements=left["placements"]),
              "warning" if left["lines"] or left["placements"] else "info")
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
