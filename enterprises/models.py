"""Enterprises (state branches, SMEs, facility services) and their production lines."""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        SmallInteger, String, Text, and_, case, false, text)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from facilities.models import Facility, Lease
from reference.codes import (ENTERPRISE_KINDS, ENTERPRISE_STATUSES, LINE_STATUSES, SKILL_LEVELS,
                             sql_in)
from reference.models import MinimumWage, Occupation, Region
from timeutil import utcnow

STATE_PARENTS = {"enbek": "«Еңбек»", "enbek_oskemen": "«Еңбек-Өскемен»"}


class Enterprise(db.Model):
    """An employer: a branch of РГП «Еңбек», an SME, or a facility's own service."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    bin: Mapped[str] = mapped_column(String(12), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    parent: Mapped[str | None] = mapped_column(String(20))
    # The facility a branch or facility service works in; SMEs reach facilities by leases.
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="approved")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    facility: Mapped[Facility | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(ENTERPRISE_KINDS)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(ENTERPRISE_STATUSES)}", name="status"),
        CheckConstraint("length(bin) = 12", name="bin_length"),
        CheckConstraint(
            f"(kind = 'state_branch' AND parent IN {sql_in(STATE_PARENTS)}) "
            "OR (kind <> 'state_branch' AND parent IS NULL)", name="parent_of_branch"),
        CheckConstraint("kind <> 'facility_service' OR facility_id IS NOT NULL",
                        name="service_has_facility"),
        Index("uq_enterprise_service_per_facility", "facility_id", unique=True,
              sqlite_where=text("kind = 'facility_service'"),
              postgresql_where=text("kind = 'facility_service'")),
    )


class ProductionLine(db.Model):
    """A posting: work an enterprise offers, inside a facility or outside in a region."""

    __tablename__ = "production_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    lease_id: Mapped[int | None] = mapped_column(ForeignKey("lease.id"), index=True)
    headcount: Mapped[int] = mapped_column(Integer)
    # Placements holding a place (not ended), kept by the database's triggers on placement
    # (marketplace/models.py) for every write path; the application never writes it.
    places_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hours_per_week: Mapped[int] = mapped_column(SmallInteger, default=40)
    wage_kzt: Mapped[int] = mapped_column(Integer)
    min_months_left: Mapped[int] = mapped_column(SmallInteger, default=0)
    involves_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_work: Mapped[bool] = mapped_column(Boolean, default=False)
    training_provided: Mapped[bool] = mapped_column(Boolean, default=False)
    # An outside line may also take people under probation supervision in its region, and
    # people released from custody within the last N months (matching.py).
    open_to_probation: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    leavers_within_months: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Every write stamps it, so other systems can pull the lines changed since a moment (api/).
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow,
                                                        onupdate=utcnow, index=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    enterprise: Mapped[Enterprise] = relationship()
    facility: Mapped[Facility | None] = relationship()
    region: Mapped[Region] = relationship()
    lease: Mapped[Lease | None] = relationship()
    occupations: Mapped[list["LineOccupation"]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="LineOccupation.occupation_code")

    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(LINE_STATUSES)}", name="status"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint("places_taken BETWEEN 0 AND headcount", name="places_within_headcount"),
        CheckConstraint("wage_kzt > 0", name="wage_positive"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 48", name="hours_range"),
        CheckConstraint("min_months_left >= 0", name="min_months_nonnegative"),
        CheckConstraint("facility_id IS NOT NULL OR outside_work", name="outside_line_flagged"),
        CheckConstraint("facility_id IS NULL OR (NOT open_to_probation"
                        " AND leavers_within_months IS NULL)", name="outside_groups_outside"),
        CheckConstraint("leavers_within_months IS NULL OR leavers_within_months BETWEEN 1 AND 60",
                        name="leavers_months_range"),
        CheckConstraint("status = 'draft' OR opened_on IS NOT NULL", name="opened_has_date"),
        CheckConstraint("closed_on IS NULL OR (opened_on IS NOT NULL AND closed_on >= opened_on)",
                        name="dates_in_order"),
        Index("ix_line_facility_status", "facility_id", "status"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @hybrid_property
    def free_places(self):
        """Places no placement holds: the headcount minus the places taken."""
        return self.headcount - self.places_taken

    @classmethod
    def below_minimum_wage(cls, year):
        """SQL: the line is not closed and pays less than the minimum wage of ``year``.

        The one home of DESIGN.md section 4's rule: such a line is flagged wherever lines are
        listed, takes no new placement and cannot be reopened until its wage is raised.
        ``wage_shortfall_kzt`` says the same of a line already loaded.
        """
        return and_(cls.status != "closed", cls.wage_kzt < MinimumWage.of(year))

    @classmethod
    def wage_shortfall(cls, year):
        """SQL: the tenge a flagged line's wage lacks to reach the minimum wage of ``year``
        (0 for a line not flagged)."""
        return case((cls.below_minimum_wage(year), MinimumWage.of(year) - cls.wage_kzt),
                    else_=0)

    def wage_shortfall_kzt(self, minimum_kzt):
        """Return the tenge the wage lacks to reach ``minimum_kzt`` (0 when it does or the
        line is closed): ``below_minimum_wage`` for a loaded line and a known minimum."""
        if self.status == "closed" or not minimum_kzt or self.wage_kzt >= minimum_kzt:
            return 0
        return minimum_kzt - self.wage_kzt

    @property
    def label(self):
        """Return the line as people tell lines apart: title — enterprise."""
        return f"{self.title} — {self.enterprise.name}"

    @property
    def is_outside(self):
        """Say whether the line works outside any facility."""
        return self.facility_id is None

    @classmethod
    def open_to_free(cls):
        """SQL: the line takes people outside custody (on probation or recently released)."""
        return and_(cls.facility_id.is_(None),
                    (cls.open_to_probation.is_(True)) | cls.leavers_within_months.is_not(None))


class LineOccupation(db.Model):
    """An occupation a line requires, with the minimum level it accepts."""

    __tablename__ = "line_occupation"
    line_id: Mapped[int] = mapped_column(ForeignKey("production_line.id"), primary_key=True)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupation.code"), primary_key=True)
    min_level: Mapped[str] = mapped_column(String(10), default="trainee")

    line: Mapped[ProductionLine] = relationship(back_populates="occupations")
    occupation: Mapped[Occupation] = relationship()

    __table_args__ = (CheckConstraint(f"min_level IN {sql_in(SKILL_LEVELS)}", name="min_level"),)
