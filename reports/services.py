"""Reports for a user: the scope they may see, the figures, and small-cell suppression.

Disclosure control (DESIGN.md section 6, reports/disclosure.py): statistics shown to
analysts, and every export whoever makes it, hide counts of 1 to 4 people and the further
cells that would give them away by subtraction. Administrators and inspectors see real values
on the dashboard.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from accounts.permissions import scoped
from extensions import db
from facilities.models import Facility
from reference.models import Region
from timeutil import today
from web.cache import keep, kept_value, remembered

from . import disclosure, facts
from . import statistics as st
from .lattice import lattice, wage_lattice
from .paragraph import paragraphs
from .probation import probation_figures
from .signals import report_sections

SUPPRESSED = disclosure.SUPPRESSED


def scope_for(user, region_id=None, facility_id=None, security_level=None, employer_kind=None):
    """Return the Scope a user asked for, narrowed to what the user may see.

    A regional analyst always gets their region, an inspector always their facility, whatever
    the URL says; a facility outside the allowed region is dropped.
    """
    if user.role == "inspector":
        return st.Scope(facility_id=user.facility_id, security_level=security_level,
                        employer_kind=employer_kind)
    if user.role == "analyst" and user.region_id:
        region_id = user.region_id
    if facility_id:
        facility = db.session.get(Facility, facility_id)
        if facility is None or (region_id and facility.region_id != region_id):
            facility_id = None
    return st.Scope(region_id=region_id, facility_id=facility_id,
                    security_level=security_level or None, employer_kind=employer_kind or None)


def choices_for(user):
    """Return the regions and facilities the user may pick in the filter."""
    facilities = scoped(Facility, user).order_by(Facility.code)
    if user.role == "inspector":
        facilities = facilities.where(Facility.id == user.facility_id)
        regions = select(Region).where(Region.id.in_(
            select(Facility.region_id).where(Facility.id == user.facility_id)))
    elif user.role == "analyst" and user.region_id:
        regions = select(Region).where(Region.id == user.region_id)
    else:
        regions = select(Region)
    return (db.session.scalars(regions.order_by(Region.code)).all(),
            db.session.scalars(facilities).all())


def suppresses(user, exporting=False):
    """Say whether small cells are hidden for this user (always in exports)."""
    return exporting or user.role == "analyst"


@dataclass
class Report:
    """The figures of one date and scope, as a user may see them."""

    on: date
    since: date | None
    scope: st.Scope
    stats: st.Statistics
    previous: dict | None
    suppressed: bool
    headline: dict
    breakdowns: dict
    enterprises: dict
    new_this_year: dict
    wages: list
    series: list
    paragraphs: dict
    region: Region | None
    facility: Facility | None
    probation: dict | None = None  # people on probation, kept apart (reports/probation.py)
    sections: list = field(default_factory=list)
    recent: bool = False  # a dashboard's: its figures may come from the shared cache

    def shared(self, name, compute):
        """Return ``compute()``, a figure of this report's date, scope and suppression that
        another package adds (``report_sections``), shared through the cache as the report's
        own figures are when ``recent``."""
        return _shared((name, self.on, self.scope, self.suppressed), compute, self.recent)

    @property
    def latest_wages(self):
        """Return the wage month shown for the date: the last complete month on or before it,
        the wage table's last row (reports/definitions.py, "Wages: month")."""
        return (self.wages or [None])[-1]

    def change(self, key):
        """Return the change of a headline figure since the earlier date (None if hidden)."""
        if not self.previous:
            return None
        now, then = self.headline.get(key), self.previous.get(key)
        if not isinstance(now, (int, float)) or not isinstance(then, (int, float)):
            return None
        return now - then


def recent_statistics(on, scope, months):
    """Return the figures for a date and scope from the cache every worker shares, computing
    them when the data changed since (web/cache.py) or STATISTICS_CACHE_SECONDS passed.

    A national dashboard costs about a second of SQL; without this every page view of every
    analyst pays it again (benchmarks/RESULTS.md, load). Exports always compute afresh.
    """
    if not current_app.config.get("STATISTICS_CACHE_SECONDS", 0):
        return facts.statistics(on, scope, months=months)
    return remembered(("statistics", db.engine.url.render_as_string(), on, scope, months),
                      lambda: facts.statistics(on, scope, months=months))


def _shared(parts, compute, recent):
    """Compute, or for dashboards (``recent``) share through the cache every worker reads."""
    if not recent or not current_app.config.get("STATISTICS_CACHE_SECONDS", 0):
        return compute()
    return remembered((*parts, db.engine.url.render_as_string()), compute)


def disclosure_lattice(on, recent=False):
    """Return the disclosure lattice of a date (reports/disclosure.py): the hidden cells every
    workbook of the date shares (``day_lattices``)."""
    return day_lattices([on], recent)[on]


def day_lattices(days, recent=False):
    """Return {day: its disclosure lattice} for some days (a date, its series' month ends):
    one grouped read of their cells and the suppression over each, so a month end is hidden
    in every series as in that day's own workbooks.

    A day read from its stored facts has one lattice until they are built again, so it is
    kept under the day and the facts' build time, exports included; the others are computed
    afresh, or for dashboards shared through the cache (as ``recent_statistics``)."""
    return _shared(("day-lattices", tuple(days)), lambda: _day_lattices(days), recent)


def _day_lattices(days):
    return _kept_lattices("facts-lattice", days, facts.built_at, lambda days: {
        day: lattice(rows) for day, rows in facts.facility_cells_of(days).items()})


def _kept_lattices(kind, periods, built_at, compute):
    """Return {period: its lattice}: kept under the period and its facts' build time for the
    periods read from stored facts (they stay the same until built again), computed for the
    others."""
    if not current_app.config.get("STATISTICS_CACHE_SECONDS", 0):
        return compute(periods)
    url = db.engine.url.render_as_string()
    stored = {period: (kind, url, period, built) for period, built in built_at(periods).items()}
    found = {period: held for period, parts in stored.items()
             if (held := kept_value(parts)) is not None}
    missing = [period for period in periods if period not in found]
    for period, held in (compute(missing) if missing else {}).items():
        found[period] = held
        if period in stored:
            keep(stored[period], held)
    return {period: found[period] for period in periods}


def wage_lattices(months, recent=False):
    """Return {month: its wage lattice} (reports.lattice.wage_lattice) for the wage table's
    months: one pattern per month across every workbook showing it. One grouped read of the
    months' cells; a month read from its stored facts keeps its lattice until they are built
    again, and dashboards share them through the cache (as ``day_lattices``)."""
    return _shared(("wage-lattices", tuple(months)), lambda: _kept_lattices(
        "facts-wage-lattice", months, facts.months_built_at, lambda months: {
            month: wage_lattice(rows)
            for month, rows in facts.wage_cells(months).items()}), recent)


def protected(stats, recent=False):
    """Return ``disclosure.protect(stats, ...)`` with the lattices of its date, of its
    series' month ends and of its wage months."""
    days = [row["on"] for row in stats.series if row["on"] != stats.on]
    months = [row["month"] for row in stats.wages]
    return disclosure.protect(stats, disclosure_lattice(stats.on, recent),
                              month_ends=day_lattices(days, recent) if days else None,
                              wage_months=wage_lattices(months, recent) if months else None)


def build_report(on=None, scope=st.Scope(), since=None, suppress=False, months=12, recent=False):
    """Compute every figure for a date and scope, suppressed if asked.

    ``recent`` lets the figures come from the last minute's computation (dashboards only).
    """
    on = on or today()
    # A closed day is read from the stored daily facts (reports/facts), today live.
    stats = (recent_statistics(on, scope, months) if recent
             else facts.statistics(on, scope, months=months))
    previous = facts.headline(since, scope) if since else None
    region = db.session.get(Region, scope.region_id) if scope.region_id else None
    facility = db.session.get(Facility, scope.facility_id) if scope.facility_id else None
    if suppress:
        headline, breakdowns, enterprises, wages, series = protected(stats, recent)
    else:
        headline, breakdowns, enterprises = stats.headline, stats.breakdowns, stats.enterprises
        wages, series = stats.wages, stats.series
    place = facility or region
    texts = paragraphs(stats, place_kk=place.name_kk if place else None,
                       place_ru=place.name_ru if place else None,
                       shown=(headline, breakdowns, enterprises) if suppress else None)
    previous_shown = previous
    if suppress and previous:
        previous_shown = disclosure.protect(
            st.Statistics(on=since, scope=scope, headline=previous),
            disclosure_lattice(since, recent))[0]
    report = Report(
        on=on, since=since, scope=scope, stats=stats, previous=previous_shown, suppressed=suppress,
        headline=headline, breakdowns=breakdowns, enterprises=enterprises,
        new_this_year={"enterprises": enterprises["new_enterprises"],
                       "employed": enterprises["new_employed"]},
        wages=wages, series=series, paragraphs=texts, region=region, facility=facility,
        probation=_shared(("probation", on, scope, suppress),
                          lambda: _probation(on, scope, suppress), recent),
        recent=recent)
    # Figures of the packages built on reports (reasons for not working, compliance/).
    report.sections = [section for _receiver, section in report_sections.send(report) if section]
    return report


def suppress_rows(rows, keys=disclosure.PEOPLE, derived=("rate",)):
    """Return the rows of a table of counts of persons as they may be shown
    (disclosure.protect_rows: small counts and the cells that would give them away)."""
    return disclosure.protect_rows(rows, keys, derived)


def _probation(on, scope, suppress):
    """The probation figure of the report: every cell is about people, so suppressed
    exactly where the custody figures are."""
    figures = probation_figures(on, scope.region_id)
    if not suppress:
        return figures
    keys = ("on_probation", "employed")
    totals = suppress_rows([figures], keys, ())[0] if scope.is_local else dict(figures)
    totals["regions"] = suppress_rows(figures["regions"], keys, ())
    totals["lines"] = suppress_rows(figures["lines"], ("employed",), ())
    return totals


def home_figures(user, on=None):
    """Return the headline figures of today in the user's scope for the home page, as the
    dashboard shows them (None for roles that read no statistics)."""
    if user.role not in ("admin", "analyst", "inspector"):
        return None
    scope = scope_for(user)
    on = on or today()
    figures = st.headline(on, scope)
    if suppresses(user):
        figures = disclosure.protect(st.Statistics(on=on, scope=scope, headline=figures),
                                     disclosure_lattice(on, recent=True))[0]
    return figures


def file_stem(report):
    """Return a server-chosen file name stem: employment_<date>[_<scope parts>]."""
    parts = ["employment", report.on.isoformat()]
    if report.region is not None:
        parts.append(report.region.code)
    if report.facility is not None:
        parts.append("".join(ch for ch in report.facility.code if ch.isalnum() or ch in "-"))
    for value in (report.scope.security_level, report.scope.employer_kind):
        if value:
            parts.append(value)
    return "_".join(parts)
