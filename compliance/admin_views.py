"""Routes for administrators: statutory hours, deduction caps and the release savings share."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.permissions import roles
from extensions import db
from reference.norms import (CAP_KINDS, DEFAULT_CAPS_PERCENT, DEFAULT_HOURS,
                             DEFAULT_SAVINGS_PERCENT, HOURS_CATEGORIES, PROVISIONAL_NOTE,
                             DeductionCap, HoursNorm, SavingsShare)

from .blueprint import bp
from .forms import CapForm, HoursForm, SavingsForm

# The page holds the three forms, and two of them have a percent and a day: each form's
# fields are named (and their ids made) with its own prefix, "savings-percent".
FORMS = {"cap": CapForm, "hours": HoursForm, "savings": SavingsForm}


def _page(posted=None, form=None, status=200):
    forms = {name: (form if name == posted else cls(formdata=None, prefix=name))
             for name, cls in FORMS.items()}
    return render_template(
        "compliance/norms.html", forms=forms, note=PROVISIONAL_NOTE,
        caps=db.session.scalars(select(DeductionCap).order_by(DeductionCap.kind,
                                                              DeductionCap.effective_on)).all(),
        hours=db.session.scalars(select(HoursNorm).order_by(HoursNorm.year)).all(),
        shares=db.session.scalars(select(SavingsShare).order_by(SavingsShare.effective_on)).all(),
        default_caps=DEFAULT_CAPS_PERCENT, default_hours=DEFAULT_HOURS,
        default_savings=DEFAULT_SAVINGS_PERCENT, cap_kinds=CAP_KINDS,
        categories=HOURS_CATEGORIES), status


@bp.route("/norms")
@roles("admin")
def norms():
    """Show the statutory hours, the deduction caps and the savings share, with their dates."""
    return _page()


def _save(name, build, field):
    form = FORMS[name](prefix=name)
    if form.validate_on_submit():
        row = build(form)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            getattr(form, field).errors = [_("A value is already set for this date.")]
            return _page(name, form, 422)
        audit.record("create", entity=row.__tablename__, entity_id=row.id)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("compliance.norms"))
    return _page(name, form, 422)


@bp.route("/norms/caps", methods=["POST"])
@roles("admin")
def cap_new():
    """Set a deduction cap from a day."""
    return _save("cap", lambda f: DeductionCap(kind=f.kind.data, percent=f.percent.data,
                                               effective_on=f.effective_on.data,
                                               set_by_id=current_user.id), "effective_on")


@bp.route("/norms/hours", methods=["POST"])
@roles("admin")
def hours_new():
    """Set the statutory working week of a category from a year."""
    return _save("hours", lambda f: HoursNorm(year=f.year.data, category=f.category.data,
                                              hours_per_week=f.hours_per_week.data,
                                              set_by_id=current_user.id), "year")


@bp.route("/norms/savings", methods=["POST"])
@roles("admin")
def savings_new():
    """Set the release savings share from a day."""
    return _save("savings", lambda f: SavingsShare(percent=f.percent.data,
                                                   effective_on=f.effective_on.data,
                                                   set_by_id=current_user.id), "effective_on")
