"""Reference data: regions, facilities, occupations and the minimum wage by year."""
from sqlalchemy import select

from accounts.permissions import ALL_ROLES, roles, scoped
from extensions import db
from facilities.models import Facility
from reference.models import MinimumWage, Occupation, Region

from .blueprint import bp
from .paging import paginated
from .schemas import (FacilityQuery, FacilitySchema, MinimumWageSchema, OccupationQuery,
                      OccupationSchema, RegionSchema)


@bp.route("/regions", tags=["reference"])
@roles(*ALL_ROLES)
@bp.response(200, RegionSchema(many=True))
def regions():
    """List the regions (ISO 3166-2:KZ)."""
    return db.session.scalars(select(Region).order_by(Region.code)).all()


@bp.route("/facilities", tags=["reference"])
@roles(*ALL_ROLES)
@bp.arguments(FacilityQuery, location="query", as_kwargs=True)
@bp.response(200, FacilitySchema(many=True))
@paginated(bp)
def facilities(region=None):
    """List the facilities the token's user may see."""
    query = scoped(Facility).order_by(Facility.code, Facility.id)
    if region:
        query = query.where(Facility.region_id == region)
    return query


@bp.route("/occupations", tags=["reference"])
@roles(*ALL_ROLES)
@bp.arguments(OccupationQuery, location="query", as_kwargs=True)
@bp.response(200, OccupationSchema(many=True))
@paginated(bp)
def occupations(code=None):
    """List the occupations (ISCO-08 unit groups), optionally by the first digits of a code."""
    query = select(Occupation).order_by(Occupation.code)
    if code:
        query = query.where(Occupation.code.like(f"{code}%"))
    return query


@bp.route("/minimum-wages", tags=["reference"])
@roles(*ALL_ROLES)
@bp.response(200, MinimumWageSchema(many=True))
def minimum_wages():
    """List the minimum monthly wage of each year."""
    return db.session.scalars(select(MinimumWage).order_by(MinimumWage.year)).all()
