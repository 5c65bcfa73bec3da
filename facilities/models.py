"""Penal facilities, their production spaces and the leases of that space."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (DDL, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        Numeric, String, Text, and_, event, func, select)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from extensions import db
from i18n import Named
from reference.codes import LEASE_STATUSES, SECURITY_LEVELS, SPACE_KINDS, sql_in
from reference.models import Region
from timeutil import covers, stored_range, utcnow


class Facility(Named, db.Model):
    """An institution of the penal system (учреждение / мекеме)."""

    __tablename__ = "facility"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    security_level: Mapped[str] = mapped_column(String(10))
    is_pre_trial: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region] = relationship()

    __table_args__ = (
        CheckConstraint(f"security_level IN {sql_in(SECURITY_LEVELS)}", name="security_level"),
    )

    @property
    def label(self):
        """Return the facility as people tell facilities apart: code · name."""
        return f"{self.code} · {self.name}"


class ProductionSpace(db.Model):
    """A workshop, warehouse, yard or farm land inside a facility."""

    __tablename__ = "production_space"
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 1))
    power_kw: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    facility: Mapped[Facility] = relationship()

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(SPACE_KINDS)}", name="kind"),
        CheckConstraint("area_m2 > 0", name="area_positive"),
        CheckConstraint("power_kw IS NULL OR power_kw >= 0", name="power_nonnegative"),
    )
    __mapper_args__ = {"version_id_col": version_id}


class Lease(db.Model):
    """An enterprise's lease of part or all of a production space.

    A lease holds its area while its status is 'active' (``holds_area``): from approval
    until it is ended, whatever its dates. It is active on D (``active_on``) when it was
    approved (status 'active' or 'ended'), started on or before D and had not ended by D.
    """

    __tablename__ = "lease"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("production_space.id"), index=True)
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 1))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    purpose: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    # The enterprise is named, not imported: enterprises build on facilities, not back.
    enterprise = relationship("Enterprise")
    space: Mapped[ProductionSpace] = relationship()

    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(LEASE_STATUSES)}", name="status"),
        CheckConstraint("area_m2 > 0", name="area_positive"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        # The area leased on a date is counted by these dates: no year 0001 or 9999.
        CheckConstraint(stored_range("starts_on", "ends_on"), name="dates_in_range"),
        Index("ix_lease_space_status", "space_id", "status"),
    )

    @classmethod
    def holds_area(cls):
        """SQL: the lease takes its area out of the space's free area now."""
        return cls.status == "active"

    @classmethod
    def active_on(cls, day):
        """SQL: the lease was in force on ``day`` (approved, started, not yet ended)."""
        return and_(cls.status.in_(("active", "ended")), covers(cls.starts_on, cls.ends_on, day))


# Free area = area - the leases holding area (DESIGN.md section 4), one SQL expression that
# every page, search and statistic reads; the triggers below make the database refuse any
# write that would take it below zero.
ProductionSpace.leased_m2 = column_property(
    select(func.coalesce(func.sum(Lease.area_m2), 0))
    .where(Lease.space_id == ProductionSpace.id, Lease.holds_area())
    .correlate_except(Lease).scalar_subquery())
ProductionSpace.free_m2 = column_property(ProductionSpace.area_m2 - ProductionSpace.leased_m2)


LEASE_TRIGGERS = {
    # No two active leases may together exceed a space's area, whatever writes them; the
    # space's row is locked first, so concurrent approvals and a shrinking of the space
    # queue up and each sees the others' committed leases.
    "postgresql": [
        """
        CREATE FUNCTION lease_area_within_space() RETURNS trigger AS $$
        DECLARE
            checked_space integer;
            space_area numeric;
            held numeric;
        BEGIN
            -- NEW is a lease or a space: each branch names only its own table's columns.
            IF TG_TABLE_NAME = 'lease' THEN
                checked_space := NEW.space_id;
                SELECT area_m2 INTO space_area FROM production_space
                    WHERE id = checked_space FOR UPDATE;
            ELSE
                checked_space := NEW.id;
                space_area := NEW.area_m2;
            END IF;
            SELECT coalesce(sum(area_m2), 0) INTO held FROM lease
                WHERE space_id = checked_space AND status = 'active';
            IF held > space_area THEN
                RAISE EXCEPTION 'active leases exceed the area of production space %', checked_space
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'lease_area_within_space';
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER lease_area_within_space AFTER INSERT OR UPDATE OF status, area_m2, space_id
        ON lease FOR EACH ROW WHEN (NEW.status = 'active')
        EXECUTE FUNCTION lease_area_within_space()
        """,
        """
        CREATE TRIGGER space_area_covers_leases AFTER UPDATE OF area_m2 ON production_space
        FOR EACH ROW WHEN (NEW.area_m2 < OLD.area_m2)
        EXECUTE FUNCTION lease_area_within_space()
        """,
    ],
    # SQLite runs one writer at a time, so a check inside the writing statement suffices.
    # Areas are NUMERIC (stored as REAL there): sums are rounded to the column's tenths.
    "sqlite": [
        """
        CREATE TRIGGER lease_area_within_space_insert AFTER INSERT ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
        """,
        """
        CREATE TRIGGER lease_area_within_space_update
        AFTER UPDATE OF status, area_m2, space_id ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
        """,
        """
        CREATE TRIGGER space_area_covers_leases AFTER UPDATE OF area_m2 ON production_space
        WHEN round((SELECT coalesce(sum(area_m2), 0) FROM lease
            WHERE space_id = NEW.id AND status = 'active'), 1) > NEW.area_m2
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
        """,
    ],
}

for _dialect, _statements in LEASE_TRIGGERS.items():
    for _statement in _statements:
        event.listen(Lease.__table__, "after_create", DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect))
event.listen(Lease.__table__, "before_drop", DDL(
    "DROP FUNCTION IF EXISTS lease_area_within_space() CASCADE").execute_if(dialect="postgresql"))
