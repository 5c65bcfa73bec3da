"""Penal facilities and their production spaces."""
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from i18n import Named
from reference.codes import SECURITY_LEVELS, SPACE_KINDS, sql_in
from reference.models import Region


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
