"""The optimal fill of one line from every group it takes: people in custody at its site
and, on an outside line open to them, people on probation and recent leavers."""
from flask import render_template, request

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from enterprises.lines import wage_floor
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from timeutil import today
from web.forms import flash_errors
from web.query import parse_id

from . import fill as filling
from . import matching
from .blueprint import bp
from .forms import LineFillForm

ACCEPTED_SHOWN = 1000  # more than any line's headcount


@bp.route("/lines/<int:line_id>/fill", methods=["GET", "POST"])
@roles("admin", "inspector", "probation_officer")
def line_fill(line_id):
    """Propose the best people in the user's scope for a line's free places; place the ones
    accepted (all of them or some), each through the safe placement service."""
    line = get_or_404(ProductionLine, line_id)
    people = visible(Person)
    form = LineFillForm(formdata=request.form if request.method == "POST" else None)
    results, status = [], 200
    if request.method == "POST":
        if form.validate():
            accepted = [parse_id(value) for value in
                        request.form.getlist("accept")[:ACCEPTED_SHOWN]]
            results = filling.place_line_proposals(
                line, [person_id for person_id in accepted if person_id],
                form.started_on.data, person_filter=people)
            for outcome in results:
                if outcome.placement_id:
                    audit.record("create", entity="placement", entity_id=outcome.placement_id,
                                 detail="line fill")
            db.session.commit()
            db.session.refresh(line)
        else:
            if "csrf_token" in form.errors:
                flash_errors({"csrf_token": form.errors["csrf_token"]})
            status = 422
    proposals = filling.line_proposals(line, today(), person_filter=people)
    audit.record("view", entity="line_candidates", entity_id=line.id, detail="fill")
    db.session.commit()
    return render_template("marketplace/line_fill.html", line=line, form=form, results=results,
                           proposals=proposals, groups=matching.GROUPS,
                           floor=wage_floor()), status
