"""The personal account and the hours and rest flags of wage records.

A wage record's credited pay reaches the person's account on the last day of its month;
the share kept for release (``reference.norms.savings_percent_on`` of that month) is kept
in ``WageCheck.savings_kzt`` when the record is saved. Balance on D = credits on or before D
− payments on or before D; savings on D = the release shares of those credits; the person
may be paid out at most the balance less the savings.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from extensions import db
from marketplace.models import Placement, WageRecord
from marketplace.wage_entry import days_covered, span_in_month
from reference.norms import hours_norm, savings_percent_on
from timeutil import month_end, month_start, today
from web.errors import InputError

from .models import AccountPayment, Injury, WageCheck


def hours_category(person):
    """Return the statutory hours category of a person: reduced for disability group I or II."""
    return "reduced" if person.disability_group in (1, 2) else "general"


def _weekdays(first, last):
    return sum(1 for n in range((last - first).days + 1)
               if (first + timedelta(days=n)).weekday() < 5)


def weekdays_covered(placement, month):
    """Return the weekdays (Monday to Friday) of the month the placement covers."""
    return _weekdays(*span_in_month(placement, month))


def statutory_hours(placement, month):
    """Return the statutory hours of the days a placement covers in a month: its weekdays
    times the category's weekly norm over five."""
    week, _provisional = hours_norm(month.year, hours_category(placement.person))
    return round(weekdays_covered(placement, month) * week / 5)


def lost_time_pay(placements, month, agreed):
    """Return {placement_id: {"lost_time_kzt": pay}} for the placements with days lost to
    injuries dated in the month, in one grouped query.

    Lost-time pay = the agreed monthly wage × days lost / the month's weekdays, the days lost
    capped at the weekdays the placement covers in the month (an injury's days count in the
    month it is dated in).
    """
    if not placements:
        return {}
    by_id = {p.id: p for p in placements}
    lost = db.session.execute(
        select(Injury.placement_id, func.sum(Injury.days_lost))
        .where(Injury.placement_id.in_(by_id), Injury.days_lost > 0,
               Injury.occurred_on.between(month, month_end(month)))
        .group_by(Injury.placement_id)).all()
    working = _weekdays(month, month_end(month))
    pay = {}
    for placement_id, days in lost:
        days = min(int(days), weekdays_covered(by_id[placement_id], month))
        amount = agreed.get(placement_id, 0) * days // working if working else 0
        if amount:
            pay[placement_id] = {"lost_time_kzt": amount}
    return pay


def no_rest_day(days_worked, covered):
    """Say whether the days worked leave fewer than one rest day in every seven covered."""
    return days_worked > covered - covered // 7


def check_record(record, placement, month):
    """Keep the overtime and rest flags and the release share of a saved wage record."""
    check = db.session.get(WageCheck, record.id) or WageCheck(wage_record_id=record.id)
    check.statutory_hours = statutory_hours(placement, month)
    check.overtime = record.hours_worked > check.statutory_hours
    check.no_rest_day = no_rest_day(record.days_worked, days_covered(placement, month))
    percent, _provisional = savings_percent_on(month)
    check.savings_kzt = record.credited_kzt * percent // 100
    db.session.add(check)
    db.session.flush()
    return check


def _credited_before(person_id, day):
    """Sum the credits and release shares of the person's months ended on or before ``day``."""
    cutoff = month_start(day + timedelta(days=1))
    return db.session.execute(
        select(func.coalesce(func.sum(WageRecord.credited_kzt), 0),
               func.coalesce(func.sum(WageCheck.savings_kzt), 0))
        .join(Placement, Placement.id == WageRecord.placement_id)
        .outerjoin(WageCheck, WageCheck.wage_record_id == WageRecord.id)
        .where(Placement.person_id == person_id, WageRecord.month < cutoff)).one()


def _paid(person_id, day=None):
    query = select(func.coalesce(func.sum(AccountPayment.amount_kzt), 0)).where(
        AccountPayment.person_id == person_id)
    if day is not None:
        query = query.where(AccountPayment.paid_on <= day)
    return db.session.scalar(query)


def account_on(person_id, day=None):
    """Return the person's account on a day (today by default): credits, payments, balance,
    savings and what may be paid out."""
    day = day or today()
    credits, savings = _credited_before(person_id, day)
    paid = _paid(person_id, day)
    balance = credits - paid
    return {"on": day, "credits_kzt": credits, "paid_kzt": paid, "balance_kzt": balance,
            "savings_kzt": savings, "available_kzt": max(balance - savings, 0)}


def pay_out(person, paid_on, amount_kzt, purpose, user):
    """Pay an amount out of a person's account; refuse more than may be paid out on that
    day (with every later payment counted too), or a day to come."""
    if paid_on > today():
        raise InputError({"paid_on": _("A payment is dated on a day that has come.")})
    credits, savings = _credited_before(person.id, paid_on)
    available = credits - savings - _paid(person.id)
    if amount_kzt > available:
        raise InputError({"amount_kzt": _(
            "At most %(amount)s ₸ may be paid out on that day: the rest is the release "
            "savings or already paid.", amount=max(available, 0))})
    payment = AccountPayment(person_id=person.id, paid_on=paid_on, amount_kzt=amount_kzt,
                             purpose=purpose.strip(), entered_by_id=user.id)
    db.session.add(payment)
    db.session.flush()
    return payment


def payments_of(person_id):
    """Return the person's payments out, newest first."""
    return db.session.scalars(select(AccountPayment).where(AccountPayment.person_id == person_id)
                              .order_by(AccountPayment.paid_on.desc(),
                                        AccountPayment.id.desc())).all()
