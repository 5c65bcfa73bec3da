"""The roster: a facility's people with their skills and work, filters and today's counts."""
from flask import render_template, request

from accounts.permissions import own_facility_id, roles, visible, workable_facilities
from inmates.models import Person
from reference.codes import SKILL_LEVELS
from reference.services import occupation_choices
from tabular import export
from timeutil import today
from web.pagination import paginate
from web.query import page_number, query_choice, query_int, query_text, sort_order

from . import employment, list_exports
from . import roster as roster_service
from .blueprint import bp

YES_NO = {"yes": True, "no": False}
STATUSES = ("in_custody", "released", "all")


def roster_filter():
    """Read the roster's filters from the query string."""
    occupation = request.args.get("occupation", "")[:4]
    return roster_service.RosterFilter(
        facility_id=own_facility_id() or query_int("facility"), term=query_text("q", 80),
        able_bodied=YES_NO.get(request.args.get("able")),
        employed=YES_NO.get(request.args.get("employed")),
        occupation=occupation if occupation.isdigit() else None,
        level=query_choice("level", SKILL_LEVELS),
        min_months=query_int("months"),
        restriction=query_choice("restriction", roster_service.RESTRICTIONS),
        status=query_choice("status", STATUSES) or "in_custody")


@bp.route("/roster")
@roles("admin", "inspector")
def roster():
    """List the people of a facility with search, filters, sorting and today's counts."""
    wanted = roster_filter()
    status = wanted.status
    if wanted.status == "all":
        wanted.status = None
    on = today()
    query = roster_service.roster_query(visible(Person), wanted, on)
    query = query.order_by(*sort_order(roster_service.sort_columns(), "name"),
                           Person.first_name, Person.id)
    if export.wanted():
        return export.respond("roster", list_exports.ROSTER, query)
    page = paginate(roster_service.with_skills(query), page_number(), per_page=roster_service.PER_PAGE, scalars=False)
    return render_template("marketplace/roster.html", page=page, wanted=wanted, status=status,
                           counts=employment.counts(on, wanted.facility_id), today=on,
                           facilities=workable_facilities(),
                           occupations=occupation_choices())
