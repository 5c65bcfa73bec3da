"""People on probation employed through the system: a figure kept apart from custody.

Definition (instant, on a date D; shown beside the figure and exported with it):

- on probation = distinct persons with a probation supervision active on D (started on or
  before D, not ended on or before D), in the region of the probation service keeping it;
- employed through the system = of those, persons with a placement active on D (same
  boundary rule), counted once, under the placement with the highest id;
- by region: the probation service's region; by line: the line of that placement.

Includes people sentenced without custody and people released who passed to probation.
Excludes everyone in custody on D: they are counted by the employment rate of DESIGN.md
section 7 (statistics.py) and never here; there is no rate, since the probation service
registers everyone it supervises, able to work or not. The scope's facility, security level
and employer kind do not apply; a region scope keeps that region only.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from marketplace.employment import probation_employment_on
from reference.models import Region

DEFINITION = _l(
    "People on probation: persons under probation supervision on the date, by the region of "
    "the probation service; employed: of them, persons with a placement active on the date, "
    "counted once. People in custody are never counted here, and this figure never enters "
    "the employment rate.")


def probation_figures(on, region_id=None):
    """Return the probation figure on ``on``: totals, by region and by line, in two grouped
    queries. {"on_probation", "employed", "regions": [...], "lines": [...]}."""
    rows = probation_employment_on(on)
    if region_id:
        rows = rows.where(rows.selected_columns.region_id == region_id)
    pop = rows.subquery("probation")
    by_region = db.session.execute(
        select(Region.code, Region.name_kk, Region.name_ru, Region.name_en,
               func.count().label("on_probation"),
               func.coalesce(func.sum(pop.c.employed), 0).label("employed"))
        .join(Region, Region.id == pop.c.region_id)
        .group_by(Region.code, Region.name_kk, Region.name_ru, Region.name_en)
        .order_by(Region.code)).all()
    by_line = db.session.execute(
        select(ProductionLine.id, ProductionLine.title, Enterprise.name.label("enterprise"),
               Region.code, func.count().label("employed"))
        .select_from(pop)
        .join(ProductionLine, ProductionLine.id == pop.c.line_id)
        .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
        .join(Region, Region.id == ProductionLine.region_id)
        .group_by(ProductionLine.id, ProductionLine.title, Enterprise.name, Region.code)
        .order_by(Region.code, ProductionLine.title)).all()
    regions = [dict(row._mapping, key=row.code) for row in by_region]
    return {"on_probation": sum(r["on_probation"] for r in regions),
            "employed": sum(int(r["employed"]) for r in regions),
            "regions": regions, "lines": [dict(row._mapping) for row in by_line]}
