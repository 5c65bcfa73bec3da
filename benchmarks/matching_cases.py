"""Benchmark cases of matching people to lines and of places on a line: ranking the
candidates for a line, filling a facility, placing one person, saving one line.

Each case takes a Context (benchmarks/context.py) and returns a timing.Row.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sqlalchemy import delete, insert, select, update

import timeutil
import marketplace.fill as fill_module
from enterprises.lines import LineInput, save_line
from enterprises.models import ProductionLine
from extensions import db
from facilities.models import Facility
from marketplace.matching import ranked
from marketplace.models import Placement
from marketplace.placements import start_placement
from marketplace.views import CANDIDATES_PER_PAGE

from . import sqlcapture
from .context import _reset, _row


# --- matching -------------------------------------------------------------------------------

def candidates(ctx):
    """Rank candidates for one line of the 1,500-person synthetic facility: the first page
    of the candidates page (ranked in SQL, reasons for that page alone)."""
    operation = "rank candidates for one line"
    line_id = ctx.synthetic["line_ids"][0]

    def product():
        return ranked(db.session.get(ProductionLine, line_id), ctx.on,
                      limit=CANDIDATES_PER_PAGE)

    _reset()
    with sqlcapture.captured() as statements:
        found = product()[0]
    _reset()
    limit = sqlcapture.replay(sqlcapture.main_statements(statements))
    return _row(ctx, operation, 0.050, product, limit, teardown=_reset,
                extra=f"{found} candidates of {ctx.synthetic['people']}, a page of "
                f"{CANDIDATES_PER_PAGE}; limit = the same SQL alone")


def fill(ctx):
    """Propose the optimal assignment of the synthetic facility's idle people to its vacancies."""
    operation = "fill a facility"
    facility_id = ctx.synthetic["facility_id"]

    def product():
        return fill_module.proposals(db.session.get(Facility, facility_id), ctx.on)

    # Catch the product's own score matrix once, so the limit solves exactly that problem.
    seen = {}
    original = fill_module.assign

    def spy(gains, capacities):
        seen["gains"], seen["capacities"] = gains, capacities
        return original(gains, capacities)

    fill_module.assign = spy
    try:
        _reset()
        proposed = len(product())
    finally:
        fill_module.assign = original
    _reset()
    gains, capacities = seen["gains"], seen["capacities"]
    cost = -gains[:, np.repeat(np.arange(len(capacities)), capacities)]

    def limit():
        linear_sum_assignment(cost)

    return _row(ctx, operation, 0.250, product, limit, teardown=_reset,
                extra=f"{cost.shape[0]} people × {cost.shape[1]} vacancies, {proposed} proposed; "
                      "limit = linear_sum_assignment on the same matrix")


# --- capacity (places on a line) ------------------------------------------------------------

def place_one(ctx):
    """Place one idle person on an open line of the synthetic facility, as the place view
    does: start_placement (line lock, rules again, lowest free place, insert in a savepoint,
    the database's capacity triggers) and the commit."""
    operation = "place one person"
    line_id = ctx.synthetic["line_ids"][0]
    on = timeutil.today()  # placements start now, whatever date the statistics are read for
    _reset()
    line = db.session.get(ProductionLine, line_id)
    wage_kzt = line.wage_kzt
    # A fresh idle person for every run, product and limit alike.
    people = iter([c.person_id for c in ranked(line, on, limit=2 * (ctx.warmup + ctx.runs))[1]])
    state = {}

    def next_person():
        _reset()
        state["person_id"] = next(people)

    def product():
        placement = start_placement(state["person_id"], line_id, on)
        db.session.commit()
        state["placement_id"] = placement.id

    def bare_insert():
        state["placement_id"] = db.session.execute(insert(Placement.__table__).values(
            person_id=state["person_id"], line_id=line_id, slot=state["slot"], started_on=on,
            wage_kzt=wage_kzt)).inserted_primary_key[0]
        db.session.commit()

    def limit_setup():
        next_person()
        taken = set(db.session.scalars(select(Placement.slot).where(
            Placement.line_id == line_id, Placement.holds_place())))
        state["slot"] = min(set(range(1, line.headcount + 1)) - taken)
        _reset()

    def remove():
        db.session.execute(delete(Placement).where(Placement.id == state.pop("placement_id")))
        db.session.commit()

    return _row(ctx, operation, None, product, bare_insert, setup=next_person, teardown=remove,
                limit_setup=limit_setup, limit_teardown=remove,
                extra="a fresh idle person each run, the placement deleted after it; "
                      "limit = the bare INSERT of the same placement row + commit")


def save_one_line(ctx):
    """Save an existing line from its edit form, as the edit view does: save_line (line
    lock, version check, every field checked, occupations) and the commit."""
    operation = "save one line"
    line_id = ctx.synthetic["line_ids"][1]
    _reset()
    line = db.session.get(ProductionLine, line_id)
    title = line.title
    data = dict(headcount=line.headcount, wage_kzt=line.wage_kzt, facility_id=line.facility_id,
                region_id=line.region_id, lease_id=line.lease_id,
                description=line.description, hours_per_week=line.hours_per_week,
                min_months_left=line.min_months_left, involves_minors=line.involves_minors,
                outside_work=line.outside_work, training_provided=line.training_provided,
                occupations=[(o.occupation_code, o.min_level) for o in line.occupations])
    runs = iter(range(10 ** 6))
    state = {}

    def load():
        # What the view has loaded before it calls the service: the line and its enterprise.
        _reset()
        state["line"] = db.session.get(ProductionLine, line_id)
        state["enterprise"] = state["line"].enterprise
        state["title"] = title if next(runs) % 2 else f"{title} ·"  # a real change each run

    def product():
        save_line(state["line"], state["enterprise"], LineInput(title=state["title"], **data))
        db.session.commit()

    table = ProductionLine.__table__

    def bare_update():
        db.session.execute(update(table).where(table.c.id == line_id)
                           .values(title=state["title"]))
        db.session.commit()

    def restore():
        db.session.execute(update(table).where(table.c.id == line_id).values(title=title))
        db.session.commit()

    try:
        return _row(ctx, operation, None, product, bare_update, setup=load,
                    limit_setup=load, teardown=_reset,
                    extra="the title changes each run; limit = the bare UPDATE of the line's "
                          "row + commit")
    finally:
        restore()
