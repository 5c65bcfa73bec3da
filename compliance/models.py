"""Consent, safety briefings, injuries, pauses, reasons for not working, the personal account
and the overtime and rest flags of wage records.

Every row belongs to a person or a placement, so who may see it follows from them
(``accounts.permissions.get_or_404(Person | Placement, ...)``). Nothing is deleted: a consent
is withdrawn, a pause ends, a reason is followed by a newer one.
"""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        SmallInteger, String, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from marketplace.models import Placement, WageRecord
from reference.codes import sql_in
from timeutil import stored_range, utcnow

from .codes import INJURY_SEVERITIES, NOT_WORKING_REASONS, PAUSE_KINDS

OPEN_PAUSE = text("ended_on IS NULL")


class Consent(db.Model):
    """A person's consent to work on a line, taken on a day by a named official.

    ``late`` marks a consent recorded for a placement that had already started. A scanned
    document, when there is one, lives under the instance folder (``document_name``), never
    under static/.
    """

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("production_line.id"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    taken_by: Mapped[str] = mapped_column(String(200))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    document_name: Mapped[str | None] = mapped_column(String(80))
    document_type: Mapped[str | None] = mapped_column(String(40))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    line: Mapped[ProductionLine] = relationship()

    __table_args__ = (
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= taken_on",
                        name="withdrawn_after_taken"),
        CheckConstraint(stored_range("taken_on", "withdrawn_on"), name="dates_in_range"),
        CheckConstraint("length(taken_by) > 0", name="taken_by_given"),
    )


class SafetyBriefing(db.Model):
    """A safety briefing of a person for the work of a line, before the first day."""

    __tablename__ = "safety_briefing"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("production_line.id"), index=True)
    briefed_on: Mapped[date] = mapped_column(Date)
    briefed_by: Mapped[str] = mapped_column(String(200))
    kind_of_work: Mapped[str] = mapped_column(String(200))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(stored_range("briefed_on"), name="dates_in_range"),
        CheckConstraint("length(briefed_by) > 0 AND length(kind_of_work) > 0",
                        name="fields_given"),
    )


class Injury(db.Model):
    """An injury at work on a placement, dated within it."""

    __tablename__ = "injury"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    severity: Mapped[str] = mapped_column(String(10))
    days_lost: Mapped[int] = mapped_column(SmallInteger, default=0)
    cause: Mapped[str] = mapped_column(String(500))
    measures: Mapped[str] = mapped_column(String(500))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    placement: Mapped[Placement] = relationship()

    __table_args__ = (
        CheckConstraint(f"severity IN {sql_in(INJURY_SEVERITIES)}", name="severity"),
        CheckConstraint("days_lost BETWEEN 0 AND 366", name="days_lost_range"),
        CheckConstraint(stored_range("occurred_on"), name="dates_in_range"),
    )


class Pause(db.Model):
    """A pause of a placement from ``started_on`` up to, not including, ``ended_on``.

    The placement keeps its place throughout. Pauses of one placement never overlap: the
    service locks the placement's line before checking, and at most one pause is open.
    """

    __tablename__ = "placement_pause"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(PAUSE_KINDS)}", name="kind"),
        CheckConstraint("ended_on IS NULL OR ended_on > started_on", name="dates_in_order"),
        CheckConstraint(stored_range("started_on", "ended_on"), name="dates_in_range"),
        Index("uq_placement_pause_open", "placement_id", unique=True,
              sqlite_where=OPEN_PAUSE, postgresql_where=OPEN_PAUSE),
    )


class NotWorkingReason(db.Model):
    """Why an able-bodied person is without work, from ``since_on`` until a newer reason."""

    __tablename__ = "not_working_reason"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    since_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"reason IN {sql_in(NOT_WORKING_REASONS)}", name="reason"),
        CheckConstraint(stored_range("since_on"), name="dates_in_range"),
        Index("ix_not_working_reason_person_since", "person_id", "since_on"),
    )


class AccountPayment(db.Model):
    """A payment out of a person's personal account, on a day, for a purpose."""

    __tablename__ = "account_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_kzt: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(200))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("amount_kzt > 0", name="amount_positive"),
        CheckConstraint("length(purpose) > 0", name="purpose_given"),
        CheckConstraint(stored_range("paid_on"), name="dates_in_range"),
    )


class WageCheck(db.Model):
    """What a saved wage record says about hours and rest, against the statutory norm of its
    month (kept when the record is saved, so figures count it in SQL)."""

    __tablename__ = "wage_check"
    wage_record_id: Mapped[int] = mapped_column(ForeignKey("wage_record.id"), primary_key=True,
                                                autoincrement=False)
    statutory_hours: Mapped[int] = mapped_column(SmallInteger)
    overtime: Mapped[bool] = mapped_column(Boolean)
    no_rest_day: Mapped[bool] = mapped_column(Boolean)
    savings_kzt: Mapped[int] = mapped_column(Integer, default=0)

    record: Mapped[WageRecord] = relationship()

    __table_args__ = (CheckConstraint("savings_kzt >= 0", name="savings_nonnegative"),)


__all__ = ["Consent", "SafetyBriefing", "Injury", "Pause", "NotWorkingReason", "AccountPayment",
           "WageCheck", "Person"]
