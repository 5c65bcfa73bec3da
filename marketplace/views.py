"""Routes of the marketplace: candidates, requests, sites and pay below the minimum wage."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts import audit
from accounts.permissions import ALL_ROLES, get_or_404, roles, visible
from enterprises.lines import wage_floor
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from inmates.services import pseudonym
from reference.services import minimum_wage, occupation_choices, region_choices
from timeutil import today
from web.errors import InputError, conflict
from web.forms import flash_errors
from web.pagination import page_ranked, paginate
from web.query import page_number, query_int

from . import matching, services
from .blueprint import bp
from .forms import DecideForm, PlaceForm, RequestForm, SitesForm
from .models import CandidateRequest, Placement
from .placements import PlacementConflict, start_placement
from .sites import find_sites

CANDIDATES_PER_PAGE = 50
# How many candidates the API answers with; the pages page through all of them.
OWNER_CANDIDATES_SHOWN = 50
INSPECTOR_CANDIDATES_SHOWN = 200
BELOW_MINIMUM_SHOWN = 500


@bp.route("/lines/<int:line_id>/candidates")
@roles("admin", "inspector", "owner", "probation_officer")
def candidates(line_id):
    """Rank the candidates for a line: by name for inspectors, pseudonymously for owners."""
    line = get_or_404(ProductionLine, line_id)
    on = today()
    if current_user.role == "owner":
        return _owner_candidates(line, on)
    transfer = request.args.get("mode") == "transfer"
    return _inspector_candidates(line, on, transfer,
                                 PlaceForm(formdata=None, mode="transfer" if transfer else ""))


def _ranked_page(line, on, transfer=False, person_filter=None):
    """Rank the line's candidates and return (one page of them, the site's pool, exclusions).

    The counts of people each rule leaves out are always given, not only when nobody is left.
    """
    page = page_ranked(lambda limit, offset: matching.ranked(
        line, on, transfer, person_filter, limit=limit, offset=offset),
        page_number(), CANDIDATES_PER_PAGE)
    pool, excluded = matching.exclusions(line, on, transfer, person_filter)
    return page, pool, excluded


def _inspector_candidates(line, on, transfer, form, refused=None):
    """Render the ranked candidates; ``refused`` is (person id, messages) of a place form
    sent back, shown next to that row's start date."""
    page, pool, excluded = _ranked_page(line, on, transfer, visible(Person))
    if refused and refused[0] not in {c.person_id for c in page.items}:
        flash_errors({"started_on": refused[1]})  # no row to show it beside
    audit.record("view", entity="line_candidates", entity_id=line.id)
    db.session.commit()
    return render_template("marketplace/candidates.html", line=line, page=page,
                           candidates=page.items, total=page.total,
                           pool=pool, excluded=excluded, transfer=transfer, form=form,
                           refused=refused, floor=wage_floor(), groups=matching.GROUPS)


def _owner_candidates(line, on):
    page, pool, excluded = _ranked_page(line, on)
    ranked = page.items
    profiles = services.profiles(line, [c.person_id for c in ranked], on)
    asked = set(db.session.scalars(select(CandidateRequest.person_id).where(
        CandidateRequest.line_id == line.id, CandidateRequest.status == "requested")))
    rows = [{"token": services.token(line.id, c.person_id), "score": c.score,
             "reasons": c.reasons, "profile": profiles[c.person_id],
             "asked": c.person_id in asked} for c in ranked]
    return render_template("marketplace/candidates_owner.html", line=line, rows=rows, page=page,
                           total=page.total, pool=pool, excluded=excluded,
                           form=RequestForm(formdata=None), floor=wage_floor())


@bp.route("/lines/<int:line_id>/place", methods=["POST"])
@roles("admin", "inspector", "probation_officer")
def place(line_id):
    """Place a person from the candidate list on a line."""
    line = get_or_404(ProductionLine, line_id)
    form = PlaceForm()
    transfer = form.mode.data == "transfer"
    if not form.validate_on_submit():
        if form.person_id.errors or "csrf_token" in form.errors:
            flash_errors(form)
            return redirect(url_for("marketplace.candidates", line_id=line.id))
        person = get_or_404(Person, form.person_id.data)
        return _inspector_candidates(line, today(), transfer, form,
                                     (person.id, form.started_on.errors)), 422
    person = get_or_404(Person, form.person_id.data)
    try:
        placement = start_placement(person.id, line.id, form.started_on.data, transfer=transfer)
    except InputError as error:
        db.session.rollback()
        return _inspector_candidates(line, today(), transfer, form,
                                     (person.id, [error.errors["started_on"]])), 422
    except PlacementConflict as error:
        # A rule of the line or the person refused it (full, consent, wage): say which,
        # beside the person's row, as for a refused date.
        db.session.rollback()
        return _inspector_candidates(line, today(), transfer, form,
                                     (person.id, [error.message])), 409
    audit.record("create", entity="placement", entity_id=placement.id)
    db.session.commit()
    flash(_("%(person)s placed on %(line)s.", person=person.full_name, line=line.label), "success")
    return redirect(url_for("marketplace.candidates", line_id=line.id))


@bp.route("/lines/<int:line_id>/request", methods=["POST"])
@roles("owner")
def request_candidate(line_id):
    """Ask for a pseudonymous candidate of one's own line: the facility's inspector decides for
    a person in custody, the region's probation officer for a person on probation."""
    line = get_or_404(ProductionLine, line_id)
    form = RequestForm()
    person_id = (services.resolve_token(line, form.token.data, today())
                 if form.validate_on_submit() else None)
    if person_id is None:
        flash(_("This candidate is no longer available."), "warning")
        return redirect(url_for("marketplace.candidates", line_id=line.id))
    try:
        asked = services.request_candidate(line, person_id, current_user)
    except PlacementConflict as error:
        flash(str(error.message), "warning")
        return redirect(url_for("marketplace.candidates", line_id=line.id))
    audit.record("create", entity="candidate_request", entity_id=asked.id)
    db.session.commit()
    if db.session.get(Person, person_id).custody_status == "on_probation":
        flash(_("Your request was sent to the probation service."), "success")
    else:
        flash(_("Your request was sent to the facility's inspector."), "success")
    return redirect(url_for("marketplace.candidates", line_id=line.id))


@bp.route("/requests")
@roles("admin", "inspector", "owner", "probation_officer")
def requests():
    """List candidate requests: the queue of the inspector (people in custody at the facility)
    or of the probation officer (the service's clients), or an owner's requests and outcomes."""
    return _requests_page(DecideForm(formdata=None))


def _requests_page(form, refused=None):
    """Render the requests; ``refused`` is (request id, messages) of a decision sent back,
    shown next to that row's start date."""
    status = request.args.get("status", "requested" if current_user.role != "owner" else "")
    status = status if status in ("requested", "accepted", "declined", "withdrawn") else ""
    page = paginate(services.requests_query(visible(CandidateRequest), status or None),
                    page_number(), scalars=False)
    rows = [asked for asked, _line in page.items]
    if current_user.role == "owner":
        labels = {r.id: pseudonym(r.person_id, r.line_id) for r in rows}
        people = {}
    else:
        labels = {}
        people = {p.id: p for p in db.session.scalars(select(Person).where(
            Person.id.in_([r.person_id for r in rows]), visible(Person)))}
    if refused and refused[0] not in {r.id for r in rows}:
        flash_errors({"started_on": refused[1]})  # no row to show it beside
    return render_template("marketplace/requests.html", page=page, rows=rows, labels=labels,
                           people=people, status=status, form=form, refused=refused)


@bp.route("/requests/<int:request_id>/decide", methods=["POST"])
@roles("admin", "inspector", "probation_officer")
def request_decide(request_id):
    """Accept a candidate request (placing the person) or decline it with a reason."""
    asked = get_or_404(CandidateRequest, request_id)
    form = DecideForm()
    accept = request.form.get("decision") == "accept"
    if not form.validate_on_submit() and form.started_on.errors and accept:
        return _requests_page(form, (asked.id, form.started_on.errors)), 422
    if form.errors or (not accept and not (form.reason.data or "").strip()):
        flash(_("Give the start date to accept, or a reason to decline."), "danger")
        return redirect(url_for("marketplace.requests"))
    try:
        if accept:
            placement = services.accept_request(asked, current_user,
                                                form.started_on.data or today())
            audit.record("create", entity="placement", entity_id=placement.id)
        else:
            services.decline_request(asked, current_user, form.reason.data.strip())
    except InputError as error:
        db.session.rollback()
        return _requests_page(form, (asked.id, [error.errors["started_on"]])), 422
    except PlacementConflict as error:
        conflict(error.message)
    audit.record("update", entity="candidate_request", entity_id=asked.id,
                 detail="accepted" if accept else "declined")
    db.session.commit()
    person = db.session.get(Person, asked.person_id)
    names = {"person": person.full_name, "line": asked.line.label}
    flash(_("Request for %(person)s accepted: placed on %(line)s.", **names) if accept
          else _("Request for %(person)s on %(line)s declined.", **names), "success")
    return redirect(url_for("marketplace.requests"))


@bp.route("/sites")
@roles("admin", "inspector", "owner")
def sites():
    """Rank facilities by free floor space and idle people fitting a planned line."""
    form = SitesForm(request.args)
    form.region_id.choices = [(0, _("Any region"))] + region_choices()
    occupations = occupation_choices(blank="—")
    for select_field in form.occupation:
        select_field.choices = occupations
    results = None
    if request.args and form.validate():
        results = find_sites(form.codes(), form.area_m2.data, form.kind.data,
                             region_id=form.region_id.data or None)
    return render_template("marketplace/sites.html", form=form, results=results)


@bp.route("/below-minimum-wage")
@roles(*ALL_ROLES)
def below_minimum():
    """List the lines and active placements in scope paying below a year's minimum wage.

    This year by default; a later year whose minimum wage is already set may be asked for
    (``?year=``), so owners can raise wages before a new minimum wage comes into force.
    """
    this_year = today().year
    year = query_int("year")
    if year is None or year < this_year or minimum_wage(year) is None:
        year = this_year
    lines = db.session.execute(services.lines_below_minimum(visible(ProductionLine), year)
                               .limit(BELOW_MINIMUM_SHOWN)).all()
    placements = db.session.execute(services.placements_below_minimum(visible(Placement), year)
                                    .limit(BELOW_MINIMUM_SHOWN)).all()
    counts = services.below_minimum_counts(year, visible(ProductionLine), visible(Placement))
    later = [y for y in (this_year + 1,) if y != year and minimum_wage(y) is not None]
    return render_template("marketplace/below_minimum.html", floor=wage_floor(date(year, 1, 1)),
                           lines=lines, placements=placements, counts=counts,
                           this_year=this_year, later=later,
                           may_see_people=current_user.role != "analyst")
