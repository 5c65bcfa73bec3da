"""Monthly wage records for every placement, written by one INSERT ... SELECT.

Amounts come from the wage agreed in the month (the placement's wage history: the old wage of
the first change after the month, else its present wage), pro rata for partial months; about
4 % of full-norm months are paid below the minimum wage on purpose, and so are the months on
the few lines left below it (demo/country.py); deductions by kind are whole percentages, and credited is accrued minus
deductions exactly. "Random" variation is a hash of the placement id and the month, so the
records are deterministic and need no Python loop over a million rows.
"""
from calendar import monthrange
from datetime import timedelta

from sqlalchemy import literal_column, text

from timeutil import overlaps

from . import catalogue as c


def months(today):
    """Return the first days of the months from WAGES_FROM to the last full month before today."""
    first, found = c.WAGES_FROM, []
    while True:
        following = (first.replace(year=first.year + 1, month=1) if first.month == 12
                     else first.replace(month=first.month + 1))
        if following > today:
            return found
        found.append(first)
        first = following


def _working_days(first):
    days = monthrange(first.year, first.month)[1]
    return sum(1 for n in range(days) if (first + timedelta(days=n)).weekday() < 5)


def _literal_date(value, postgres):
    return f"DATE '{value.isoformat()}'" if postgres else f"'{value.isoformat()}'"


def _literal_time(value, postgres):
    stamp = f"{value.isoformat()} 10:00:00"
    return f"TIMESTAMP '{stamp}'" if postgres else f"'{stamp}.000000'"


def _day_of(column, postgres):
    if postgres:
        return f"CAST(EXTRACT(DAY FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%d', {column}) AS INTEGER)"


def insert_wages(session, today, wages, first_placement_id):
    """Insert the wage records of placements with id > first_placement_id; return the count."""
    postgres = session.get_bind().dialect.name == "postgresql"
    values = []
    for index, first in enumerate(months(today)):
        days = monthrange(first.year, first.month)[1]
        work = _working_days(first)
        minimum = wages.get(first.year) or max(wages.values())
        values.append(
            f"({index}, {_literal_date(first, postgres)}, "
            f"{_literal_date(first.replace(day=days), postgres)}, {days}, {work}, {work * 8}, "
            f"{minimum}, {_literal_time(first.replace(day=days) + timedelta(days=5), postgres)})")
    if not values:
        return 0
    started, ended = _day_of("p.started_on", postgres), _day_of("p.ended_on", postgres)
    # A placement's months: those it shares a day with, by the one rule of every period.
    in_month = overlaps(*map(literal_column, ("p.started_on", "p.ended_on", "m.month",
                                              "m.month_end")))
    in_month = in_month.compile(dialect=session.get_bind().dialect)
    # MATERIALIZED: inlined, each CTE would make SQLite recompute every expression many times.
    sql = f"""
INSERT INTO wage_record (placement_id, month, days_worked, hours_worked, norm_hours, norm_met,
                         accrued_kzt, deduction_upkeep_kzt, deduction_alimony_kzt,
                         deduction_damages_kzt, deduction_tax_kzt, deduction_other_kzt,
                         credited_kzt, entered_at, version_id)
WITH months (idx, month, month_end, days, work_days, norm_hours, min_wage, entered_at) AS (
  VALUES {", ".join(values)}
),
spans AS MATERIALIZED (
  SELECT p.id AS placement_id, p.person_id, m.month, m.days, m.work_days, m.norm_hours,
         m.min_wage, m.entered_at,
         ((p.id % 1000) * 7919 + m.idx * 104729) % 1000 AS h,
         ((p.id % 997) * 31 + m.idx * 17) % 100 AS h2,
         CASE WHEN p.started_on > m.month THEN {started} ELSE 1 END AS first_day,
         CASE WHEN p.ended_on IS NOT NULL AND p.ended_on <= m.month_end THEN {ended} - 1
              ELSE m.days END AS last_day,
         COALESCE((SELECT c.old_wage_kzt FROM placement_wage_change c
                   WHERE c.placement_id = p.id AND c.effective_on > m.month
                   ORDER BY c.effective_on LIMIT 1), p.wage_kzt) AS base
  FROM placement p
  JOIN months m ON {in_month}
  WHERE p.id > {int(first_placement_id)}
),
worked AS MATERIALIZED (
  SELECT s.*,
         ((s.last_day - s.first_day + 1) * s.work_days + s.days - 1) / s.days AS presence,
         CASE WHEN s.last_day - s.first_day + 1 = s.days AND s.h % 10 <> 0 THEN 1 ELSE 0 END
           AS full_month
  FROM spans s
),
paid AS MATERIALIZED (
  SELECT w.*,
         CASE WHEN w.full_month = 0 AND w.h % 10 = 0 AND w.presence > 2 THEN w.presence - 2
              ELSE w.presence END AS days_worked,
         CASE WHEN w.full_month = 1 AND w.h2 < 4
                   AND w.base > w.min_wage * (85 + w.h % 14) / 100
              THEN w.min_wage * (85 + w.h % 14) / 100
              WHEN w.full_month = 1 THEN w.base
              ELSE w.base * (CASE WHEN w.full_month = 0 AND w.h % 10 = 0 AND w.presence > 2
                                  THEN w.presence - 2 ELSE w.presence END) / w.work_days
         END AS accrued
  FROM worked w
),
deducted AS (
  SELECT q.*,
         q.accrued * 25 / 100 AS upkeep,
         CASE WHEN q.person_id % 7 = 3 THEN q.accrued * 25 / 100 ELSE 0 END AS alimony,
         CASE WHEN q.person_id % 11 = 5 THEN q.accrued * 15 / 100 ELSE 0 END AS damages,
         q.accrued * 10 / 100 AS tax,
         CASE WHEN q.h % 50 = 7 THEN q.accrued * 2 / 100 ELSE 0 END AS other
  FROM paid q
)
SELECT placement_id, month, days_worked, days_worked * 8, norm_hours, full_month = 1,
       accrued, upkeep, alimony, damages, tax, other,
       accrued - upkeep - alimony - damages - tax - other, entered_at, 1
FROM deducted
ORDER BY placement_id, month
"""
    result = session.execute(text(sql))
    return result.rowcount

