"""Persons serving sentences, their stays in facilities and their skills."""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        SmallInteger, String, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from facilities.models import Facility
from reference.codes import (CUSTODY_STATUSES, EDUCATION_LEVELS, END_REASONS, GENDERS, SKILL_LEVELS,
                             SUPERVISION_KINDS, sql_in)
from reference.models import Occupation, ProbationService
from timeutil import covers, stored_range, utcnow


class Person(db.Model):
    """An inmate (осуждённый / сотталған), or a person under probation supervision; never
    deleted, only released, transferred or passed to probation.

    A person sentenced without custody is registered by a probation service directly and has
    no facility, admission or release date; everyone else keeps them as their history.
    """

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_number: Mapped[str] = mapped_column(String(30), unique=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    patronymic: Mapped[str | None] = mapped_column(String(80))
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    birth_on: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"), index=True)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    expected_release_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    custody_status: Mapped[str] = mapped_column(String(12), default="in_custody")
    able_bodied: Mapped[bool] = mapped_column(Boolean, default=True)
    disability_group: Mapped[int | None] = mapped_column(SmallInteger)
    education_level: Mapped[str] = mapped_column(String(20), default="general_secondary")
    no_work_with_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    no_outside_work: Mapped[bool] = mapped_column(Boolean, default=False)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    facility: Mapped[Facility | None] = relationship()
    skills: Mapped[list["Skill"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Skill.occupation_code")

    __table_args__ = (
        CheckConstraint(f"gender IN {sql_in(GENDERS)}", name="gender"),
        CheckConstraint(f"custody_status IN {sql_in(CUSTODY_STATUSES)}", name="custody_status"),
        CheckConstraint(f"education_level IN {sql_in(EDUCATION_LEVELS)}", name="education_level"),
        CheckConstraint("expected_release_on >= admitted_on", name="release_after_admission"),
        CheckConstraint("released_on IS NULL OR released_on >= admitted_on", name="released_after_admission"),
        CheckConstraint("admitted_on > birth_on", name="admitted_after_birth"),
        CheckConstraint("disability_group IS NULL OR disability_group BETWEEN 1 AND 3", name="disability_group"),
        CheckConstraint("iin IS NULL OR length(iin) = 12", name="iin_length"),
        # Only people free of custody may lack a facility (those sentenced without custody).
        CheckConstraint("custody_status IN ('on_probation', 'released') OR (facility_id IS NOT NULL"
                        " AND admitted_on IS NOT NULL AND expected_release_on IS NOT NULL)",
                        name="facility_unless_free"),
        Index("ix_person_facility_status", "facility_id", "custody_status"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def full_name(self):
        """Return surname, name and patronymic as one string."""
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class Stay(db.Model):
    """A period a person spent in one facility; the history behind custody statistics.

    A stay covers the days from ``started_on`` up to, but not including, ``ended_on``:
    a person released or transferred on D is no longer counted at the facility on D.
    """

    __tablename__ = "stay"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(12))

    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_in_order"),
        CheckConstraint("end_reason IS NULL OR end_reason IN ('released', 'transferred')",
                        name="end_reason"),
        # Custody statistics count stays by these dates: year 0001 or 9999 never gets in.
        CheckConstraint(stored_range("started_on", "ended_on"), name="dates_in_range"),
        Index("uq_stay_open_per_person", "person_id", unique=True,
              sqlite_where=text("ended_on IS NULL"), postgresql_where=text("ended_on IS NULL")),
        # Covering index for statistics on a date: the range test and both join keys.
        Index("ix_stay_dates", "started_on", "ended_on", "person_id", "facility_id"),
        # A person's stays, and for a facility's figures each person's stay on the day and
        # its facility, from the index alone (migration 0018).
        Index("ix_stay_person_period", "person_id", "started_on", "ended_on", "facility_id"),
    )

    @classmethod
    def is_open(cls):
        """SQL: the stay has not ended (the person is at this facility now)."""
        return cls.ended_on.is_(None)

    @classmethod
    def active_on(cls, day):
        """SQL: the person was at this facility on ``day`` (in custody there)."""
        return covers(cls.started_on, cls.ended_on, day)


class Supervision(db.Model):
    """A period of probation supervision of a person by a region's probation service.

    The court sets the end (``ends_on``); ``ended_on`` is the day it actually ended (NULL
    while it runs). Like a stay, it covers [started_on, ended_on). The court's restrictions
    are kept here: ``barred_group`` is an ISCO-08 sub-major group (2 digits) whose work the
    person may not do; a ban on work with minors is the person's own flag.
    """

    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("probation_service.id"), index=True)
    kind: Mapped[str] = mapped_column(String(14))
    started_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    barred_group: Mapped[str | None] = mapped_column(String(2))
    restrictions_note: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person] = relationship()
    service: Mapped[ProbationService] = relationship()

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(SUPERVISION_KINDS)}", name="kind"),
        CheckConstraint("ends_on > started_on", name="ends_after_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_in_order"),
        CheckConstraint(stored_range("started_on", "ends_on", "ended_on"), name="dates_in_range"),
        CheckConstraint("barred_group IS NULL OR length(barred_group) = 2", name="barred_group"),
        Index("uq_supervision_open_per_person", "person_id", unique=True,
              sqlite_where=text("ended_on IS NULL"), postgresql_where=text("ended_on IS NULL")),
    )

    @classmethod
    def is_open(cls):
        """SQL: the supervision has not ended."""
        return cls.ended_on.is_(None)

    @classmethod
    def active_on(cls, day):
        """SQL: the person was under this supervision on ``day``."""
        return covers(cls.started_on, cls.ended_on, day)


class Skill(db.Model):
    """A person's occupation with level, experience and certification."""

    __tablename__ = "skill"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupation.code"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    years_experience: Mapped[int] = mapped_column(SmallInteger, default=0)
    certified: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="skills")
    occupation: Mapped[Occupation] = relationship()

    __table_args__ = (
        UniqueConstraint("person_id", "occupation_code", name="uq_skill_person_occupation"),
        CheckConstraint(f"level IN {sql_in(SKILL_LEVELS)}", name="level"),
        CheckConstraint("years_experience BETWEEN 0 AND 60", name="years_range"),
    )


class PersonChange(db.Model):
    """One corrected field of a person: the history that the audit log must not hold.

    The audit log says who changed which fields; the values themselves are personal data
    and stay here, next to the person, readable only by those who may see the person.
    A correction of a release or transfer keeps the reason given for it.
    """

    __tablename__ = "person_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(400))
    new_value: Mapped[str | None] = mapped_column(String(400))
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# END_REASONS is re-exported for forms that end stays and placements together.
__all__ = ["Person", "Stay", "Supervision", "Skill", "PersonChange", "END_REASONS"]
