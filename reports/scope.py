"""The scope of a figure and the building blocks every statistic shares (see statistics.py)."""
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select

from enterprises.models import Enterprise, ProductionLine
from facilities.models import Facility
from marketplace.employment import rate

EMPLOYER_KINDS = ("state_branch", "sme", "facility_service")

# (key, lowest age in years); a band runs up to the next band's lowest age.
AGE_BANDS = (("under_18", 0), ("18_24", 18), ("25_34", 25), ("35_44", 35), ("45_54", 45),
             ("55_plus", 55))

BREAKDOWNS = ("region", "facility", "security_level", "employer_kind", "gender", "age_band")

@dataclass(frozen=True)
class Scope:
    """Which part of the country a figure covers; None means no restriction."""

    region_id: int | None = None
    facility_id: int | None = None
    security_level: str | None = None
    employer_kind: str | None = None

    @property
    def is_local(self):
        """Say whether the scope is one region or one facility (cells may identify people)."""
        return bool(self.region_id or self.facility_id)

    def narrowed(self, **values):
        """Return a copy with some fields replaced."""
        return replace(self, **values)

@dataclass
class Statistics:
    """All figures for one date and scope."""

    on: date
    scope: Scope
    headline: dict
    breakdowns: dict = field(default_factory=dict)
    enterprises: dict = field(default_factory=dict)
    wages: list = field(default_factory=list)
    series: list = field(default_factory=list)

def facility_scope(scope, facility, facility_id=None):
    """Conditions of the scope on a facility table (or a subquery's columns, with the
    facility's id column given as ``facility_id``)."""
    conditions = []
    if scope.region_id:
        conditions.append(facility.region_id == scope.region_id)
    if scope.facility_id:
        conditions.append((facility.id if facility_id is None else facility_id)
                          == scope.facility_id)
    if scope.security_level:
        conditions.append(facility.security_level == scope.security_level)
    return conditions

def line_in_scope(scope):
    """Conditions placing a production line in the scope (outside lines by their region)."""
    conditions = []
    if scope.region_id:
        conditions.append(ProductionLine.region_id == scope.region_id)
    if scope.facility_id:
        conditions.append(ProductionLine.facility_id == scope.facility_id)
    if scope.security_level:
        conditions.append(ProductionLine.facility_id.in_(
            select(Facility.id).where(Facility.security_level == scope.security_level)))
    if scope.employer_kind:
        conditions.append(ProductionLine.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.kind == scope.employer_kind)))
    return conditions

def with_rate(row, **extra):
    """Turn a result row of counts into a dict with the rate."""
    values = dict(extra, in_custody=int(row.in_custody), able_bodied=int(row.able_bodied),
                  employed=int(row.employed))
    values["rate"] = rate(values["employed"], values["able_bodied"])
    return values

def as_date(value):
    """SQLite hands a literal date back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
