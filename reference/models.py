"""Regions, occupations (ISCO-08), security levels, minimum wage by year and the regions'
probation services."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from i18n import Named, current_language


class Region(Named, db.Model):
    """An oblast or city of republican significance (ISO 3166-2:KZ)."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    __table_args__ = (CheckConstraint("code LIKE 'KZ-__'", name="code_format"),)


class ProbationService(Named, db.Model):
    """A region's probation service (служба пробации / пробация қызметі): keeps the records
    of the people under supervision in the region. One per region."""

    __tablename__ = "probation_service"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    region: Mapped[Region] = relationship()


class Occupation(db.Model):
    """An ISCO-08 unit group."""

    __tablename__ = "occupation"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    title_kk: Mapped[str] = mapped_column(String(200))
    title_ru: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))

    __table_args__ = (CheckConstraint("length(code) = 4", name="code_length"),)

    @property
    def title(self):
        """Return the title in the current language."""
        return getattr(self, f"title_{current_language()}", None) or self.title_ru


class MinimumWage(db.Model):
    """The statutory monthly minimum wage (МЗП) of a year, in tenge."""

    __tablename__ = "minimum_wage"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount_kzt: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("amount_kzt > 0", name="amount_positive"),
        CheckConstraint("year BETWEEN 1995 AND 2100", name="year_range"),
    )

    @classmethod
    def of(cls, year):
        """SQL: the minimum wage of ``year`` (a value or a column), NULL when none is set."""
        return select(cls.amount_kzt).where(cls.year == year).scalar_subquery()
