"""Placements of persons on lines, candidate requests and monthly wage records."""
from datetime import date, datetime

from sqlalchemy import (DDL, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        SmallInteger, String, Text, UniqueConstraint, and_, event, text)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from reference.codes import END_REASONS, sql_in
from reference.models import MinimumWage
from timeutil import SQL_UTCNOW, covers, stored_range, utcnow

# A placement holds its place and its person until it ends (Placement.holds_place).
HOLDS_PLACE = text("ended_on IS NULL")


class Placement(db.Model):
    """A person working on a line from ``started_on`` up to, not including, ``ended_on``.

    Two rules, each with one home here:

    - ``holds_place()``: not ended. Such a placement holds one of the line's places and its
      person, even before its first day; capacity and "one at a time" count these.
    - ``active_on(D)``: the person works on D (started on or before D, not ended by D);
      "employed", a line's workers and every statistic count these.

    ``slot`` numbers the line's places 1..headcount. The database itself refuses a second
    placement holding a person or a slot (partial unique indexes) and a slot beyond the
    line's headcount (triggers below), so no invariant depends on Python under concurrent
    requests.
    """

    __tablename__ = "placement"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("production_line.id"), index=True)
    slot: Mapped[int] = mapped_column(SmallInteger)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(12))
    wage_kzt: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Every write stamps it, so other systems can pull the placements changed since (api/).
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow,
                                                        onupdate=utcnow, index=True)

    person: Mapped[Person] = relationship()
    line: Mapped[ProductionLine] = relationship()

    __table_args__ = (
        CheckConstraint("slot >= 1", name="slot_positive"),
        CheckConstraint("wage_kzt > 0", name="wage_positive"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_in_order"),
        CheckConstraint("(ended_on IS NULL) = (end_reason IS NULL)", name="end_reason_with_end"),
        CheckConstraint(f"end_reason IS NULL OR end_reason IN {sql_in(END_REASONS)}",
                        name="end_reason"),
        # Employment statistics count placements by these dates: no year 0001 or 9999.
        CheckConstraint(stored_range("started_on", "ended_on"), name="dates_in_range"),
        Index("uq_placement_active_person", "person_id", unique=True,
              sqlite_where=HOLDS_PLACE, postgresql_where=HOLDS_PLACE),
        Index("uq_placement_active_slot", "line_id", "slot", unique=True,
              sqlite_where=HOLDS_PLACE, postgresql_where=HOLDS_PLACE),
        # Covering index for statistics on a date: the range test and both join keys.
        Index("ix_placement_dates", "started_on", "ended_on", "person_id", "line_id"),
    )

    @hybrid_method
    def holds_place(self):
        """The placement has not ended, so it holds its place and its person (SQL on the
        class, a truth value on a placement)."""
        return self.ended_on is None

    @holds_place.expression
    def holds_place(cls):
        return cls.ended_on.is_(None)

    @hybrid_method
    def active_on(self, day):
        """The person works on this placement on ``day``: from its start, before its end
        (SQL on the class, a truth value on a placement)."""
        return self.started_on <= day and (self.holds_place() or day < self.ended_on)

    @active_on.expression
    def active_on(cls, day):
        return covers(cls.started_on, cls.ended_on, day)

    @classmethod
    def below_minimum_wage(cls, year):
        """SQL: the placement holds its place at an agreed wage below the minimum wage of
        ``year`` (``wage_shortfall_kzt`` says the same of a loaded placement)."""
        return and_(cls.holds_place(), cls.wage_kzt < MinimumWage.of(year))

    def wage_shortfall_kzt(self, minimum_kzt):
        """Return the tenge the agreed wage lacks to reach ``minimum_kzt`` (0 when it does or
        the placement has ended)."""
        if not self.holds_place() or not minimum_kzt or self.wage_kzt >= minimum_kzt:
            return 0
        return minimum_kzt - self.wage_kzt


class PlacementWageChange(db.Model):
    """A change of a placement's agreed monthly wage, from ``effective_on``.

    ``Placement.wage_kzt`` is the wage agreed now; these rows keep every earlier one, so the
    wage agreed on any day can be told (``placements.agreed_wages_on``). Never deleted.
    """

    __tablename__ = "placement_wage_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"))
    old_wage_kzt: Mapped[int] = mapped_column(Integer)
    new_wage_kzt: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    # None when the system made the change (the demo data's yearly raises).
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    placement: Mapped[Placement] = relationship()
    changed_by = relationship("User")

    __table_args__ = (
        CheckConstraint("old_wage_kzt > 0 AND new_wage_kzt > 0", name="wages_positive"),
        CheckConstraint("old_wage_kzt <> new_wage_kzt", name="wage_changes"),
        Index("ix_placement_wage_change_placement", "placement_id", "effective_on"),
    )


class PlacementChange(db.Model):
    """One corrected field of a placement (its end, its place), with the reason for it.

    Ending a placement is not a correction; changing that end afterwards is, and the old
    and new values stay here beside the audit event that says who did it.
    """

    __tablename__ = "placement_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(400))
    new_value: Mapped[str | None] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)


class CandidateRequest(db.Model):
    """A business owner's request for a candidate, decided by the facility's inspector (a
    person in custody) or the probation officer of the person's service (a person on
    probation): each sees the requests of the people in its scope (accounts/scopes.py)."""

    __tablename__ = "candidate_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("production_line.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    line: Mapped[ProductionLine] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('requested', 'accepted', 'declined', 'withdrawn')",
                        name="status"),
        Index("uq_candidate_request_open", "line_id", "person_id", unique=True,
              sqlite_where=text("status = 'requested'"),
              postgresql_where=text("status = 'requested'")),
    )


class WageRecord(db.Model):
    """One month of work and pay on one placement; credited + deductions = accrued."""

    __tablename__ = "wage_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    days_worked: Mapped[int] = mapped_column(SmallInteger)
    hours_worked: Mapped[int] = mapped_column(SmallInteger)
    norm_hours: Mapped[int] = mapped_column(SmallInteger)
    norm_met: Mapped[bool] = mapped_column(Boolean)
    accrued_kzt: Mapped[int] = mapped_column(Integer)
    # Pay for days lost to an injury at work (part of accrued).
    lost_time_kzt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deduction_upkeep_kzt: Mapped[int] = mapped_column(Integer, default=0)
    deduction_alimony_kzt: Mapped[int] = mapped_column(Integer, default=0)
    deduction_damages_kzt: Mapped[int] = mapped_column(Integer, default=0)
    deduction_tax_kzt: Mapped[int] = mapped_column(Integer, default=0)
    deduction_other_kzt: Mapped[int] = mapped_column(Integer, default=0)
    credited_kzt: Mapped[int] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    # Every write stamps it, so other systems can pull the records changed since (api/).
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow,
                                                        onupdate=utcnow, index=True)

    placement: Mapped[Placement] = relationship()

    __table_args__ = (
        UniqueConstraint("placement_id", "month", name="uq_wage_record_placement_month"),
        # covers the monthly wage figures: they are read from the index alone
        Index("ix_wage_record_month_cover", "month", "placement_id", "norm_met", "accrued_kzt"),
        CheckConstraint("days_worked BETWEEN 0 AND 31", name="days_range"),
        CheckConstraint("hours_worked BETWEEN 0 AND 400", name="hours_range"),
        CheckConstraint("norm_hours BETWEEN 1 AND 400", name="norm_range"),
        CheckConstraint("accrued_kzt >= 0 AND credited_kzt >= 0", name="amounts_nonnegative"),
        CheckConstraint("lost_time_kzt BETWEEN 0 AND accrued_kzt", name="lost_time_within_accrued"),
        CheckConstraint(
            "deduction_upkeep_kzt >= 0 AND deduction_alimony_kzt >= 0 AND "
            "deduction_damages_kzt >= 0 AND deduction_tax_kzt >= 0 AND deduction_other_kzt >= 0",
            name="deductions_nonnegative"),
        # The wage figures are grouped by month: no year 0001 or 9999.
        CheckConstraint(stored_range("month"), name="month_in_range"),
        CheckConstraint(
            "credited_kzt + deduction_upkeep_kzt + deduction_alimony_kzt + deduction_damages_kzt"
            " + deduction_tax_kzt + deduction_other_kzt = accrued_kzt", name="balance"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def deductions_kzt(self):
        """Return the sum of all deductions."""
        return (self.deduction_upkeep_kzt + self.deduction_alimony_kzt + self.deduction_damages_kzt
                + self.deduction_tax_kzt + self.deduction_other_kzt)


# The places a line's placements hold, kept in production_line.places_taken (whose CHECK
# keeps it within the headcount), and no held slot beyond the headcount. The line's row is
# written (PostgreSQL: locked) before the check, so a placement and a lowering of the
# headcount on the same line queue up and the later one sees the earlier one's rows.
# Writing places_taken stamps the line's updated_at too: its places changed (api/ changes).
PLACEMENT_TRIGGERS = {
    "postgresql": [
        """
        CREATE FUNCTION placement_holds_place() RETURNS trigger AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_on IS NULL THEN
                UPDATE production_line SET places_taken = places_taken - 1, updated_at = {now}
                    WHERE id = OLD.line_id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_on IS NULL THEN
                UPDATE production_line SET places_taken = places_taken + 1, updated_at = {now}
                    WHERE id = NEW.line_id;
                IF NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id) THEN
                    RAISE EXCEPTION 'place % is beyond the headcount of line %', NEW.slot, NEW.line_id
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_slot_within_headcount';
                END IF;
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER placement_holds_place
        AFTER INSERT OR UPDATE OF ended_on, line_id, slot OR DELETE ON placement
        FOR EACH ROW EXECUTE FUNCTION placement_holds_place()
        """,
        """
        CREATE FUNCTION line_headcount_covers_slots() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM placement WHERE line_id = NEW.id AND ended_on IS NULL
                       AND slot > NEW.headcount) THEN
                RAISE EXCEPTION 'line % has places beyond a headcount of %', NEW.id, NEW.headcount
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_slot_within_headcount';
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER line_headcount_covers_slots AFTER UPDATE OF headcount ON production_line
        FOR EACH ROW WHEN (NEW.headcount < OLD.headcount)
        EXECUTE FUNCTION line_headcount_covers_slots()
        """,
    ],
    # SQLite runs one writer at a time: the checks need no locks.
    "sqlite": [
        """
        CREATE TRIGGER placement_holds_place_insert AFTER INSERT ON placement
        WHEN NEW.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken + 1, updated_at = {now}
            WHERE id = NEW.line_id;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
        """,
        """
        CREATE TRIGGER placement_holds_place_update
        AFTER UPDATE OF ended_on, line_id, slot ON placement
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1, updated_at = {now}
            WHERE id = OLD.line_id AND OLD.ended_on IS NULL;
            UPDATE production_line SET places_taken = places_taken + 1, updated_at = {now}
            WHERE id = NEW.line_id AND NEW.ended_on IS NULL;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.ended_on IS NULL
              AND NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
        """,
        """
        CREATE TRIGGER placement_holds_place_delete AFTER DELETE ON placement
        WHEN OLD.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1, updated_at = {now}
            WHERE id = OLD.line_id;
        END
        """,
        """
        CREATE TRIGGER line_headcount_covers_slots AFTER UPDATE OF headcount ON production_line
        WHEN EXISTS (SELECT 1 FROM placement WHERE line_id = NEW.id AND ended_on IS NULL
                     AND slot > NEW.headcount)
        BEGIN
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: places beyond the headcount');
        END
        """,
    ],
}

for _dialect, _statements in PLACEMENT_TRIGGERS.items():
    for _statement in _statements:
        _statement = _statement.replace("{now}", SQL_UTCNOW[_dialect])
        event.listen(Placement.__table__, "after_create",
                     DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect))
event.listen(Placement.__table__, "before_drop", DDL(
    "DROP FUNCTION IF EXISTS placement_holds_place() CASCADE; "
    "DROP FUNCTION IF EXISTS line_headcount_covers_slots() CASCADE").execute_if(dialect="postgresql"))
