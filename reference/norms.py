"""Statutory norms set by administrators: weekly hours, deduction caps and the release
savings share, each with the day it takes effect.

Until an administrator sets a value, the defaults below apply. They are placeholders, marked
``provisional`` wherever they are shown: to be confirmed against the Penal Enforcement Code
of the Republic of Kazakhstan before anyone relies on them.
"""
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, SmallInteger,
                        String, UniqueConstraint, select)
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import utcnow

from .codes import DEDUCTION_KINDS, sql_in

HOURS_CATEGORIES = {
    "general": _l("General"),
    # Labour Code: reduced working time for workers with disability group I or II.
    "reduced": _l("Reduced (disability group I or II)"),
}
CAP_KINDS = {**DEDUCTION_KINDS, "total": _l("All deductions together")}

# Placeholders, to be confirmed against the Penal Enforcement Code.
DEFAULT_HOURS = {"general": 40, "reduced": 36}
DEFAULT_CAPS_PERCENT = {"upkeep": 50, "alimony": 50, "damages": 50, "tax": 100, "other": 20,
                        "total": 75}
DEFAULT_SAVINGS_PERCENT = 10
PROVISIONAL_NOTE = _l("To be confirmed against the Penal Enforcement Code.")


class HoursNorm(db.Model):
    """The statutory working week of a category of workers, from a year on."""

    __tablename__ = "hours_norm"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(12))
    hours_per_week: Mapped[int] = mapped_column(SmallInteger)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("year", "category", name="uq_hours_norm_year_category"),
        CheckConstraint(f"category IN {sql_in(HOURS_CATEGORIES)}", name="category"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 48", name="hours_range"),
        CheckConstraint("year BETWEEN 1995 AND 2100", name="year_range"),
    )


class DeductionCap(db.Model):
    """The most a kind of deduction (or all together) may take of accrued pay, in percent,
    from ``effective_on``."""

    __tablename__ = "deduction_cap"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    percent: Mapped[int] = mapped_column(SmallInteger)
    effective_on: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "effective_on", name="uq_deduction_cap_kind_effective_on"),
        CheckConstraint(f"kind IN {sql_in(CAP_KINDS)}", name="kind"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
    )


class SavingsShare(db.Model):
    """The share of each credit to a personal account kept for release, from ``effective_on``."""

    __tablename__ = "savings_share"
    id: Mapped[int] = mapped_column(primary_key=True)
    percent: Mapped[int] = mapped_column(SmallInteger)
    effective_on: Mapped[date] = mapped_column(Date, unique=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),)


def hours_norm(year, category="general"):
    """Return (hours per week, provisional?) of a category in a year: the latest year set on
    or before it, else the placeholder default."""
    row = db.session.execute(
        select(HoursNorm.hours_per_week, HoursNorm.provisional)
        .where(HoursNorm.category == category, HoursNorm.year <= year)
        .order_by(HoursNorm.year.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (DEFAULT_HOURS[category], True)


def caps_on(day):
    """Return {kind: (percent, effective_on or None, provisional?)} in force on ``day``."""
    caps = {kind: (percent, None, True) for kind, percent in DEFAULT_CAPS_PERCENT.items()}
    rows = db.session.execute(
        select(DeductionCap.kind, DeductionCap.percent, DeductionCap.effective_on,
               DeductionCap.provisional)
        .where(DeductionCap.effective_on <= day)
        .order_by(DeductionCap.kind, DeductionCap.effective_on)).all()
    for kind, percent, effective_on, provisional in rows:  # the latest comes last and wins
        caps[kind] = (percent, effective_on, provisional)
    return caps


def cap_kzt(percent, accrued_kzt):
    """Return the tenge a cap of ``percent`` allows out of ``accrued_kzt`` (rounded down)."""
    return accrued_kzt * percent // 100


def savings_percent_on(day):
    """Return (percent, provisional?) of each credit kept for release on ``day``."""
    row = db.session.execute(
        select(SavingsShare.percent, SavingsShare.provisional)
        .where(SavingsShare.effective_on <= day)
        .order_by(SavingsShare.effective_on.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (DEFAULT_SAVINGS_PERCENT, True)


def hours_problem(hours_per_week, year):
    """Return why a line cannot work ``hours_per_week`` in ``year`` (over the general
    statutory week), or None."""
    norm, _provisional = hours_norm(year)
    if hours_per_week is not None and hours_per_week > norm:
        return gettext("The statutory working week in %(year)s is %(norm)s hours: a line may "
                       "not work %(hours)s.", year=year, norm=norm, hours=hours_per_week)
    return None


def cap_errors(deductions, accrued_kzt, day):
    """Return {kind or "total": message} for each cap the deductions break on ``day``.

    ``deductions`` maps each kind of DEDUCTION_KINDS to tenge; each message names the cap.
    """
    caps, errors = caps_on(day), {}
    for kind, amount in [*deductions.items(), ("total", sum(deductions.values()))]:
        percent = caps[kind][0]
        allowed = cap_kzt(percent, accrued_kzt)
        if amount > allowed:
            errors[kind] = gettext(
                "The cap on %(cap)s is %(percent)s%% of accrued pay (%(allowed)s ₸ here): "
                "%(amount)s ₸ breaks it.", cap=CAP_KINDS[kind], percent=percent,
                allowed=allowed, amount=amount)
    return errors
