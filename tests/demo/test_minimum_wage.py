"""The demo data follows the minimum wage: lines and agreed wages rise with it, wage records
agree with the agreed wages, and only a few open lines are left below it on purpose."""
from datetime import date

from sqlalchemy import func, select, text

from enterprises.models import ProductionLine
from extensions import db
from marketplace import services
from marketplace.models import Placement
from timeutil import today


# The wage agreed in a wage record's month: the old wage of the placement's first change
# after the month began, else its present wage.
AGREED_IN_MONTH = """COALESCE((SELECT c.old_wage_kzt FROM placement_wage_change c
    WHERE c.placement_id = p.id AND c.effective_on > w.month
    ORDER BY c.effective_on LIMIT 1), p.wage_kzt)"""
YEAR_OF = "CAST(SUBSTR(CAST({} AS VARCHAR(10)), 1, 4) AS INTEGER)"


def scalar(sql, **params):
    return db.session.execute(text(sql), params).scalar()


def last_rise():
    """The latest year up to today in which the minimum wage rose."""
    wages = dict(db.session.execute(text("SELECT year, amount_kzt FROM minimum_wage")).all())
    return next(y for y in range(today().year, min(wages), -1)
                if wages.get(y, 0) > wages.get(y - 1, wages.get(y, 0)))


def test_only_a_few_open_lines_are_below_this_years_minimum_and_take_nobody(demo_app):
    year = today().year
    flagged = db.session.scalars(select(ProductionLine).where(
        ProductionLine.status == "open", ProductionLine.below_minimum_wage(year))).all()
    assert 3 <= len(flagged) <= 6
    assert db.session.scalar(select(func.count(ProductionLine.id)).where(
        ProductionLine.status == "open")) > 700
    # Left below on purpose when the minimum wage last rose: nobody placed on them since.
    rise = date(last_rise(), 1, 1)
    ids = [line.id for line in flagged]
    assert db.session.scalar(select(func.count(Placement.id)).where(
        Placement.line_id.in_(ids), Placement.started_on >= rise)) == 0
    # One of them at each demo inspector's facility, so the flag can be seen.
    inspectors = set(db.session.execute(text(
        "SELECT facility_id FROM app_user WHERE role = 'inspector'")).scalars())
    assert inspectors <= {line.facility_id for line in flagged}
    # The active placements below the minimum wage are those left on these lines.
    below = db.session.scalars(select(Placement).where(Placement.below_minimum_wage(year))).all()
    assert {p.line_id for p in below} <= set(ids)
    assert services.below_minimum_counts(year) == {"lines": len(flagged),
                                                   "placements": len(below)}


def test_agreed_wages_start_at_or_above_the_minimum_and_follow_the_line(demo_app):
    started_below = f"""
        SELECT COUNT(*) FROM placement p JOIN minimum_wage m ON m.year = {YEAR_OF.format(
            'p.started_on')}
        WHERE COALESCE((SELECT c.old_wage_kzt FROM placement_wage_change c
                        WHERE c.placement_id = p.id ORDER BY c.effective_on LIMIT 1),
                       p.wage_kzt) < m.amount_kzt"""
    assert scalar(started_below) == 0
    assert scalar("SELECT COUNT(*) FROM placement_wage_change") > 1000
    assert scalar("""SELECT COUNT(*) FROM placement_wage_change c JOIN placement p
                     ON p.id = c.placement_id
                     WHERE c.new_wage_kzt <= c.old_wage_kzt OR c.effective_on <= p.started_on
                        OR (p.ended_on IS NOT NULL AND c.effective_on >= p.ended_on)""") == 0
    # A chain: each change starts from the wage the previous one set; the last is today's.
    assert scalar("""SELECT COUNT(*) FROM placement_wage_change a JOIN placement_wage_change b
                     ON b.placement_id = a.placement_id AND b.effective_on = (
                       SELECT MIN(c.effective_on) FROM placement_wage_change c
                       WHERE c.placement_id = a.placement_id AND c.effective_on > a.effective_on)
                     WHERE b.old_wage_kzt <> a.new_wage_kzt""") == 0
    assert scalar("""SELECT COUNT(*) FROM placement_wage_change a JOIN placement p
                     ON p.id = a.placement_id
                     WHERE a.effective_on = (SELECT MAX(c.effective_on)
                                             FROM placement_wage_change c
                                             WHERE c.placement_id = a.placement_id)
                       AND a.new_wage_kzt <> p.wage_kzt""") == 0
    # Active placements on lines at or above the minimum wage are paid at least the line's wage.
    assert db.session.scalar(select(func.count()).select_from(Placement).join(ProductionLine)
                             .where(Placement.holds_place(),
                                    Placement.wage_kzt < ProductionLine.wage_kzt)) == 0


def test_wage_records_agree_with_the_wage_agreed_in_their_month(demo_app):
    rows = db.session.execute(text(f"""
        SELECT SUM(CASE WHEN w.norm_met AND w.accrued_kzt <> {AGREED_IN_MONTH}
                             AND w.accrued_kzt >= m.amount_kzt THEN 1 ELSE 0 END),
               SUM(CASE WHEN w.accrued_kzt > {AGREED_IN_MONTH} THEN 1 ELSE 0 END),
               SUM(CASE WHEN w.norm_met AND w.accrued_kzt = {AGREED_IN_MONTH} THEN 1 ELSE 0 END),
               COUNT(*)
        FROM wage_record w JOIN placement p ON p.id = w.placement_id
        JOIN minimum_wage m ON m.year = {YEAR_OF.format('w.month')}""")).one()
    other_than_agreed, above_agreed, at_agreed, total = rows
    # A full-norm month pays the agreed wage, except the few paid below the minimum wage
    # on purpose; no month pays more than the wage agreed.
    assert other_than_agreed == 0 and above_agreed == 0
    assert at_agreed > 0.6 * total
