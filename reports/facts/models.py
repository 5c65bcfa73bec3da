"""The stored daily facts and the log of back-dated writes that makes them stale.

- ``fact_day``: one row per stored day; ``fresh`` once its facts match the data.
- ``fact_people``: per day, facility, gender, age band and employer kind of the placement
  (NULL for the not employed): in custody, able-bodied, employed.
- ``fact_enterprise``: per day, facility and enterprise: persons in custody there placed with
  it (able-bodied or not), of them employed, its active leases of the facility's spaces and
  their area.
- ``fact_wage_month``, ``fact_wage``: per wage month, facility (the person's, on the
  record's reference day) and employer kind, the wage figures' sums and the persons paid
  (each person once a month, where their last record of the month lies).
- ``fact_stale``: every write to what the facts count (stays, placements, leases, wage
  records, minimum wages, a person's
  able-bodied, gender or birth date, an enterprise's kind, a line's enterprise, a space's
  facility) on or before the database's today appends the earliest day it changes. The
  watermark is the earliest day of this log: no fact on or after it is served.

The log is written by database triggers, so no write path (services, imports, corrections,
bulk SQL, a psql session) can get around it. It is append-only: writers never update a
shared row, so they do not queue behind each other, and a rebuild takes exactly the rows
it deletes (``DELETE ... RETURNING``): a write not yet committed when a rebuild reads keeps
its row and makes the day stale again.
"""
from datetime import date, datetime

from sqlalchemy import DDL, BigInteger, Boolean, Date, DateTime, Index, Integer, Numeric, String, event
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import STORED_FROM, utcnow


class FactDay(db.Model):
    """A day whose facts are stored (fresh, or waiting for a rebuild)."""

    __tablename__ = "fact_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    fresh: Mapped[bool] = mapped_column(Boolean, default=False)
    built_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FactPeople(db.Model):
    """Persons in custody on a day in one breakdown cell of one facility."""

    __tablename__ = "fact_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    facility_id: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(20))
    in_custody: Mapped[int] = mapped_column(Integer)
    able_bodied: Mapped[int] = mapped_column(Integer)
    employed: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_fact_people_day_facility", "day", "facility_id"),)


class FactEnterprise(db.Model):
    """One enterprise at one facility on a day: its workers there and its leases there."""

    __tablename__ = "fact_enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    facility_id: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    placed: Mapped[int] = mapped_column(Integer)
    employed: Mapped[int] = mapped_column(Integer)
    leases: Mapped[int] = mapped_column(Integer)
    leased_m2: Mapped[float] = mapped_column(Numeric(14, 1))

    __table_args__ = (Index("ix_fact_enterprise_day_facility", "day", "facility_id"),)


class FactWageMonth(db.Model):
    """A wage month whose facts are stored (``month`` is its first day)."""

    __tablename__ = "fact_wage_month"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    fresh: Mapped[bool] = mapped_column(Boolean, default=False)
    built_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FactWage(db.Model):
    """The wage figures of one month at one facility, for one employer kind: the records
    placed there by ``marketplace.wages.record_facilities`` (the person's facility on the
    record's reference day), whose persons paid are the records that count their person, so
    any scope's figures are the sums of its facilities' rows."""

    __tablename__ = "fact_wage"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    facility_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    accrued_kzt: Mapped[int] = mapped_column(BigInteger)
    persons: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    full_norm: Mapped[int] = mapped_column(Integer)
    below_minimum: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_fact_wage_month_facility", "month", "facility_id"),)


class FactStale(db.Model):
    """A write changed the figures from ``day`` on (appended by triggers only)."""

    __tablename__ = "fact_stale"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)


# Tables whose rows are periods: (table, start, end, columns whose change moves the whole
# period). A change of the end alone changes the figures from the earlier of the two ends.
PERIODS = (
    ("stay", "started_on", "ended_on", ("person_id", "facility_id", "started_on")),
    ("placement", "started_on", "ended_on", ("person_id", "line_id", "started_on")),
    ("lease", "starts_on", "ends_on",
     ("enterprise_id", "space_id", "area_m2", "status", "starts_on")),
)
# Wage records change their month (its first day; a wage month is stale when a logged day
# falls on or before its last day); a minimum wage changes its year's months.
MONTHS = (
    ("wage_record", "month", ("placement_id", "month", "accrued_kzt", "norm_met")),
)
YEARS = ("minimum_wage", "year", ("amount_kzt",))
# Rows that change the facts of every day a related period covers: (table, columns, SQL of
# the earliest such day, with NEW for the row).
EVERY_DAY = (
    ("person", ("able_bodied", "gender", "birth_on"),
     "(SELECT min(started_on) FROM stay WHERE person_id = NEW.id)"),
    ("enterprise", ("kind",), f"'{STORED_FROM.isoformat()}'"),
    ("production_line", ("enterprise_id",),
     "(SELECT min(started_on) FROM placement WHERE line_id = NEW.id)"),
    ("production_space", ("facility_id",),
     "(SELECT min(starts_on) FROM lease WHERE space_id = NEW.id)"),
)


def _postgresql():
    statements = []
    for table, start, end, keys in PERIODS:
        old = ", ".join(f"OLD.{key}" for key in keys)
        new = ", ".join(f"NEW.{key}" for key in keys)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'INSERT' THEN changed := NEW.{start};
            ELSIF TG_OP = 'DELETE' THEN changed := OLD.{start};
            ELSIF ({old}) IS DISTINCT FROM ({new}) THEN
                changed := LEAST(OLD.{start}, NEW.{start});
            ELSIF OLD.{end} IS DISTINCT FROM NEW.{end} THEN
                changed := LEAST(OLD.{end}, NEW.{end});
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    for table, month, keys in MONTHS:
        old = ", ".join(f"OLD.{key}" for key in keys)
        new = ", ".join(f"NEW.{key}" for key in keys)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'INSERT' THEN changed := NEW.{month};
            ELSIF TG_OP = 'DELETE' THEN changed := OLD.{month};
            ELSIF ({old}) IS DISTINCT FROM ({new}) THEN
                changed := LEAST(OLD.{month}, NEW.{month});
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    table, year, keys = YEARS
    statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := make_date(OLD.{year}, 1, 1);
            ELSIF TG_OP = 'UPDATE' THEN changed := make_date(LEAST(OLD.{year}, NEW.{year}), 1, 1);
            ELSE changed := make_date(NEW.{year}, 1, 1);
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    for table, columns, earliest in EVERY_DAY:
        old = ", ".join(f"OLD.{column}" for column in columns)
        new = ", ".join(f"NEW.{column}" for column in columns)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            changed := {earliest};
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER UPDATE OF {", ".join(columns)} ON {table}
        FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}))
        EXECUTE FUNCTION fact_stale_{table}()
        """]
    return statements


def _sqlite():
    statements = []
    log = "INSERT INTO fact_stale (day) SELECT changed FROM (SELECT {} AS changed) " \
          "WHERE changed <= date('now');"
    for table, start, end, keys in PERIODS:
        moved = " OR ".join(f"OLD.{key} IS NOT NEW.{key}" for key in keys)
        changed = (f"CASE WHEN {moved} THEN min(OLD.{start}, NEW.{start}) "
                   f"WHEN OLD.{end} IS NOT NEW.{end} THEN "
                   f"coalesce(min(OLD.{end}, NEW.{end}), OLD.{end}, NEW.{end}) END")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {log.format(f'NEW.{start}')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {log.format(changed)} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {log.format(f'OLD.{start}')} END",
        ]
    for table, month, keys in MONTHS:
        moved = " OR ".join(f"OLD.{key} IS NOT NEW.{key}" for key in keys)
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {log.format(f'NEW.{month}')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
            f"WHEN {moved} BEGIN {log.format(f'min(OLD.{month}, NEW.{month})')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {log.format(f'OLD.{month}')} END",
        ]
    table, year, keys = YEARS
    first = "printf('%04d-01-01', {})"
    statements += [
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
        f"BEGIN {log.format(first.format(f'NEW.{year}'))} END",
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
        f"BEGIN {log.format(first.format(f'min(OLD.{year}, NEW.{year})'))} END",
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
        f"BEGIN {log.format(first.format(f'OLD.{year}'))} END",
    ]
    for table, columns, earliest in EVERY_DAY:
        moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {moved} BEGIN {log.format(earliest)} END")
    return statements


def drop_statements(dialect):
    """Return the statements that drop the triggers (and PostgreSQL's functions)."""
    counted = [p[0] for p in PERIODS] + [m[0] for m in MONTHS] + [YEARS[0]]
    tables = counted + [e[0] for e in EVERY_DAY]
    if dialect == "postgresql":
        return [f"DROP FUNCTION IF EXISTS fact_stale_{table}() CASCADE" for table in tables]
    names = [f"fact_stale_{table}_{op}" for table in counted
             for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names + [
        f"fact_stale_{e[0]}" for e in EVERY_DAY]]


STALE_TRIGGERS = {"postgresql": _postgresql(), "sqlite": _sqlite()}

# Created by db.create_all once every table is there (they watch other packages' tables);
# "or replace" / "if not exists", since create_all runs again on a database that has them.
for _dialect, _statements in STALE_TRIGGERS.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create",
                     DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect))
for _statement in drop_statements("postgresql"):
    event.listen(db.metadata, "before_drop", DDL(_statement).execute_if(dialect="postgresql"))
