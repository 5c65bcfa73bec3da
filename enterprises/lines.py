"""Production lines: create, edit (optimistic locking), open, pause, close; lists with counts.

A line's places: ``ProductionLine.places_taken`` (kept by the database) and
``ProductionLine.free_places``. Changing the headcount takes the line's lock (``lock_line``),
the same lock a placement takes.
"""
from collections import namedtuple
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from extensions import db
from facilities.models import Facility, Lease, ProductionSpace
from reference.codes import LINE_CLOSING_REASONS, SKILL_LEVELS
from reference.models import Occupation, Region
from reference.norms import hours_problem
from reference.services import minimum_wage
from timeutil import not_yet, today
from web.errors import InputError
from web.formatting import day as format_day
from web.formatting import money

from .models import Enterprise, LineOccupation, ProductionLine
from .services import require_approved
from .signals import headcount_lowering, line_closing, line_wage_raised

SITE_KINDS = ("state_branch", "facility_service")


class LineConflict(Exception):
    """The line changed since the form was loaded."""


@dataclass
class LineInput:
    """What a user may set on a line (never its enterprise, status or dates)."""

    title: str
    headcount: int
    wage_kzt: int
    facility_id: int | None = None
    region_id: int | None = None
    lease_id: int | None = None
    description: str | None = None
    occupations: list = field(default_factory=list)  # [(code, min_level), ...]
    hours_per_week: int = 40
    min_months_left: int = 0
    involves_minors: bool = False
    outside_work: bool = False
    training_provided: bool = False
    open_to_probation: bool = False
    leavers_within_months: int | None = None


def active_leases(enterprise_id):
    """Return the enterprise's active leases with their spaces and facilities."""
    return db.session.scalars(
        select(Lease).where(Lease.enterprise_id == enterprise_id, Lease.status == "active")
        .options(joinedload(Lease.space).joinedload(ProductionSpace.facility))
        .order_by(Lease.id)).all()


def site_facility_ids(enterprise):
    """Return the facilities an enterprise may place a line in."""
    ids = set(db.session.scalars(
        select(ProductionSpace.facility_id).join(Lease, Lease.space_id == ProductionSpace.id)
        .where(Lease.enterprise_id == enterprise.id, Lease.status == "active")))
    if enterprise.kind in SITE_KINDS and enterprise.facility_id:
        ids.add(enterprise.facility_id)
    return ids


def lock_line(line_id):
    """Lock a line's row until the transaction ends, so changes to its places queue up.

    Placing someone and changing the headcount both take it; the database's own checks
    refuse whatever would still exceed the headcount. PostgreSQL locks the row (SELECT ...
    FOR UPDATE). SQLite has no row locks: a no-op UPDATE takes the database's single write
    lock instead, which serialises writers the same way (a competing writer waits for the
    busy timeout, then sees the committed rows).
    """
    if db.session.get_bind().dialect.name != "postgresql":
        table = ProductionLine.__table__
        db.session.execute(update(table).where(table.c.id == line_id).values(id=table.c.id))
    return db.session.scalars(
        select(ProductionLine).where(ProductionLine.id == line_id).with_for_update()
        .execution_options(populate_existing=True)).first()


class WageFloor(namedtuple("WageFloor", "year amount_kzt")):
    """The minimum wage of a year (``amount_kzt`` None when none is set), as pages show it."""

    def shortfall_kzt(self, line):
        """Return the tenge a line's wage lacks to reach this minimum (0 when it does)."""
        return line.wage_shortfall_kzt(self.amount_kzt)


def wage_floor(on=None):
    """Return the minimum wage in force on a day (today by default): lines are held to it."""
    year = (on or today()).year
    return WageFloor(year, minimum_wage(year))


def wage_problem(wage_kzt, year):
    """Return the translated refusal of a wage below the year's minimum, or None.

    It names the year, the minimum wage and the missing amount, so the owner knows how far
    to raise the wage.
    """
    floor = minimum_wage(year)
    if floor is not None and wage_kzt is not None and wage_kzt < floor:
        return _("The wage is below the %(year)s minimum wage of %(amount)s by %(missing)s.",
                 year=year, amount=money(floor), missing=money(floor - wage_kzt))
    return None


def opening_problem(line, year):
    """Return the translated refusal to open a line paying below the year's minimum, or None."""
    floor = minimum_wage(year)
    missing = line.wage_shortfall_kzt(floor)
    if missing:
        return _("The line cannot open while its wage of %(wage)s is below the %(year)s "
                 "minimum wage of %(amount)s: raise it by %(missing)s first.",
                 wage=money(line.wage_kzt), year=year, amount=money(floor),
                 missing=money(missing))
    return None


def _check_site(enterprise, data, errors):
    """Validate where the line works; return (facility, region_id, lease)."""
    if data.facility_id is None:
        region = db.session.get(Region, data.region_id) if data.region_id else None
        if region is None:
            errors["region_id"] = _("Choose the region of a line that works outside a facility.")
        if data.lease_id:
            errors["lease_id"] = _("A line outside a facility is not linked to a lease.")
        return None, data.region_id, None
    facility = db.session.get(Facility, data.facility_id)
    if facility is None or facility.id not in site_facility_ids(enterprise):
        errors["facility_id"] = _("The enterprise holds no active lease in this facility and "
                                  "does not work there, so a line cannot be placed there.")
        return None, None, None
    if data.open_to_probation or data.leavers_within_months:
        errors["open_to_probation"] = _("Only a line outside a facility can take people on "
                                        "probation or recently released.")
    lease = None
    if data.lease_id:
        lease = db.session.get(Lease, data.lease_id)
        if (lease is None or lease.enterprise_id != enterprise.id or lease.status != "active"
                or lease.space.facility_id != facility.id):
            errors["lease_id"] = _("Choose one of the enterprise's active leases in this facility.")
            lease = None
    return facility, facility.region_id, lease


def _check_occupations(rows, errors):
    """Return [(code, level)] without blanks; refuse unknown, repeated or missing codes."""
    chosen = [(code.strip(), level) for code, level in rows if code and code.strip()]
    codes = [code for code, _level in chosen]
    known = set(db.session.scalars(select(Occupation.code).where(Occupation.code.in_(codes))))
    if not chosen:
        errors["occupations"] = _("Choose at least one occupation.")
    elif set(codes) - known:
        errors["occupations"] = _("Unknown occupation code: %(codes)s.",
                                  codes=", ".join(sorted(set(codes) - known)))
    elif len(set(codes)) != len(codes):
        errors["occupations"] = _("Each occupation can be listed once.")
    elif any(level not in SKILL_LEVELS for _code, level in chosen):
        errors["occupations"] = _("Choose a level for each occupation.")
    return chosen


def _lower_headcount(line, headcount):
    """Write a lower headcount in a savepoint; answer the database's refusal (placements
    holding more places, or a place beyond it) as bad input, with nothing written."""
    try:
        with db.session.begin_nested():
            line.headcount = headcount
    except IntegrityError as error:
        db.session.refresh(line)
        if line.places_taken > headcount:
            message = _("The line has %(count)d places taken; the headcount cannot be lower.",
                        count=line.places_taken)
        else:
            message = _("The places on this line changed at the same moment. Reload the page "
                        "and try again.")
        raise InputError({"headcount": message}) from error


def save_line(line, enterprise, data, publish=False, expected_version=None, user=None):
    """Create (line None) or change a line after checking every field; return the line.

    The wage is held to this year's minimum wage, whenever the line opened (a line's wage for
    a full month is never below the minimum wage of that month's year). Raising the wage of a
    line raises its workers' agreed wages with it (``line_wage_raised``, by ``user``).
    """
    require_approved(enterprise)
    if line is not None:
        version = line.version_id
        line = lock_line(line.id)
        if str(expected_version if expected_version is not None else version) \
                != str(line.version_id):
            raise LineConflict()
    errors = {}
    facility, region_id, lease = _check_site(enterprise, data, errors)
    occupations = _check_occupations(data.occupations, errors)
    status = line.status if line is not None else ("open" if publish else "draft")
    opened_on = line.opened_on if line is not None and line.opened_on else (
        today() if status == "open" else None)
    problem = wage_problem(data.wage_kzt, today().year)
    if problem:
        errors["wage_kzt"] = problem
    problem = hours_problem(data.hours_per_week, today().year)
    if problem:
        errors["hours_per_week"] = problem
    if line is not None:
        if data.headcount is not None and data.headcount < line.places_taken:
            errors["headcount"] = _("The line has %(count)d places taken; the headcount "
                                    "cannot be lower.", count=line.places_taken)
        if line.status == "closed":
            errors["title"] = _("A closed line cannot be changed.")
    if errors:
        raise InputError(errors)
    if line is None:
        line = ProductionLine(enterprise_id=enterprise.id, status=status, opened_on=opened_on)
        db.session.add(line)
    line.title = data.title.strip()
    line.description = (data.description or "").strip() or None
    line.facility_id = facility.id if facility is not None else None
    line.region_id = region_id
    line.lease_id = lease.id if lease is not None else None
    if line.id is not None and data.headcount < line.headcount:
        # Under the line's lock: places beyond the new headcount move onto free ones.
        headcount_lowering.send(line, headcount=data.headcount)
        _lower_headcount(line, data.headcount)
    line.headcount = data.headcount
    line.hours_per_week = data.hours_per_week
    if line.id is not None and data.wage_kzt > line.wage_kzt:
        # Under the line's lock: the agreed wages of its workers follow the raise.
        line_wage_raised.send(line, old_kzt=line.wage_kzt, new_kzt=data.wage_kzt, on=today(),
                              user=user)
    line.wage_kzt = data.wage_kzt
    line.min_months_left = data.min_months_left
    line.involves_minors = bool(data.involves_minors)
    line.outside_work = bool(data.outside_work) or facility is None
    line.training_provided = bool(data.training_provided)
    line.open_to_probation = bool(data.open_to_probation) and facility is None
    line.leavers_within_months = data.leavers_within_months if facility is None else None
    wanted = dict(occupations)
    line.occupations = [o for o in line.occupations if o.occupation_code in wanted]
    for row in line.occupations:
        row.min_level = wanted.pop(row.occupation_code)
    line.occupations.extend(LineOccupation(occupation_code=code, min_level=level)
                            for code, level in wanted.items())
    db.session.flush()
    return line


def open_line(line):
    """Open a draft or reopen a paused line, at this year's wage floor; a draft opens today."""
    require_approved(line.enterprise)
    if line.status not in ("draft", "paused"):
        raise InputError({"action": _("Only a draft or paused line can be opened.")})
    problem = opening_problem(line, today().year)
    if problem:
        raise InputError({"action": problem})
    if line.status == "draft":
        line.opened_on = today()
    line.status = "open"
    db.session.flush()
    return line


def pause_line(line):
    """Stop taking candidates for an open line for a while."""
    if line.status != "open":
        raise InputError({"action": _("Only an open line can be paused.")})
    line.status = "paused"
    db.session.flush()
    return line


def close_line(line, ended_on, reason):
    """Close a line; its subscribers (the marketplace) end its placements in the same
    transaction. Return how many placements ended."""
    if line.status == "closed":
        raise InputError({"ended_on": _("The line is already closed.")})
    if reason not in LINE_CLOSING_REASONS:  # true of every worker at once
        raise InputError({"end_reason": _("Choose a reason.")})
    if line.opened_on is not None and ended_on < line.opened_on:
        raise InputError({"ended_on": _("The line cannot close before it opened (%(day)s).",
                                         day=format_day(line.opened_on))})
    if not_yet(ended_on):
        raise InputError({"ended_on": _("The closing date cannot be in the future.")})
    ended = sum(count or 0 for _receiver, count in
                line_closing.send(line, ended_on=ended_on, reason=reason))
    line.opened_on = line.opened_on or ended_on
    line.status = "closed"
    line.closed_on = ended_on
    db.session.flush()
    return ended


def lines_query(visible_clause, term=None, status=None, facility_id=None, occupation=None,
                enterprise_id=None):
    """Return a select of lines with search and filters, their enterprise, site and region
    loaded."""
    query = (select(ProductionLine)
             .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
             .where(visible_clause)
             .options(joinedload(ProductionLine.enterprise), joinedload(ProductionLine.facility),
                      joinedload(ProductionLine.region)))
    if term:
        like = f"%{term.lower()}%"
        query = query.where(or_(func.lower(ProductionLine.title).like(like),
                                func.lower(Enterprise.name).like(like)))
    if status:
        query = query.where(ProductionLine.status == status)
    if facility_id:
        query = query.where(ProductionLine.facility_id == facility_id)
    if enterprise_id:
        query = query.where(ProductionLine.enterprise_id == enterprise_id)
    if occupation:
        query = query.where(ProductionLine.id.in_(select(LineOccupation.line_id).where(
            LineOccupation.occupation_code.like(f"{occupation}%"))))
    return query
