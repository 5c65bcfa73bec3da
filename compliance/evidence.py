"""The evidence pack of an enterprise or a facility for a period: one ZIP holding an XLSX
listing every placement and wage month with each rule break marked, and a PDF summary in
Kazakh or Russian.

The placements are those of the scope (``visible(Placement)``) active on at least one day of
the period; an analyst's pack holds the summary figures only.
"""
import io
import zipfile
from collections import defaultdict

import xlsxwriter
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from weasyprint import HTML

from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from marketplace.models import Placement, WageRecord
from reference.models import MinimumWage
from reference.norms import cap_errors
from tabular import neutralise
from timeutil import overlaps

from .models import Consent, Injury, Pause, SafetyBriefing, WageCheck
from .services import needs_consent

KINDS = ("upkeep", "alimony", "damages", "tax", "other")
MONTH_BREAKS = {"below_minimum": _l("below the minimum wage"), "overtime": _l("overtime"),
                "no_rest": _l("no weekly rest day"), "caps_broken": _l("deduction cap broken")}


def placements_in(scope_clause, first, last, enterprise_id=None, facility_id=None):
    """Return the placements of the scope active in the period, for an enterprise's lines or
    for a facility (its lines, or its people)."""
    query = (select(Placement).join(ProductionLine, ProductionLine.id == Placement.line_id)
             .options(joinedload(Placement.person), joinedload(Placement.line)
                      .joinedload(ProductionLine.enterprise))
             .where(scope_clause, overlaps(Placement.started_on, Placement.ended_on, first, last)))
    if enterprise_id is not None:
        query = query.where(ProductionLine.enterprise_id == enterprise_id)
    if facility_id is not None:
        query = query.where((ProductionLine.facility_id == facility_id)
                            | Placement.person_id.in_(select(Person.id).where(
                                Person.facility_id == facility_id)))
    return db.session.scalars(query.order_by(Placement.started_on, Placement.id)).unique().all()


def _by(model, column, ids):
    rows = defaultdict(list)
    if ids:
        for row in db.session.scalars(select(model).where(column.in_(ids))):
            rows[getattr(row, column.key)].append(row)
    return rows


def build(placements, first, last):
    """Return the pack's rows: one per placement and one per wage month, each with breaks."""
    ids = [p.id for p in placements]
    people = {p.person_id for p in placements}
    consents = _by(Consent, Consent.person_id, people)
    briefings = _by(SafetyBriefing, SafetyBriefing.person_id, people)
    injuries = _by(Injury, Injury.placement_id, ids)
    pauses = _by(Pause, Pause.placement_id, ids)
    minimum = dict(db.session.execute(select(MinimumWage.year, MinimumWage.amount_kzt)).all())
    records = defaultdict(list)
    if ids:
        for record, check in db.session.execute(
                select(WageRecord, WageCheck).outerjoin(
                    WageCheck, WageCheck.wage_record_id == WageRecord.id)
                .where(WageRecord.placement_id.in_(ids),
                       WageRecord.month.between(first.replace(day=1), last))
                .order_by(WageRecord.month)):
            records[record.placement_id].append((record, check))
    rows, months = [], []
    for p in placements:
        consent = next((c for c in consents[p.person_id] if c.line_id == p.line_id), None)
        briefing = next((b for b in briefings[p.person_id] if b.line_id == p.line_id
                         and b.briefed_on <= p.started_on), None)
        breaks = []
        if needs_consent(p.line) and (consent is None or consent.taken_on > p.started_on):
            breaks.append(_("no consent before the start"))
        if consent is not None and consent.late:
            breaks.append(_("consent recorded late"))
        if briefing is None:
            breaks.append(_("no safety briefing"))
        lost = sum(i.days_lost for i in injuries[p.id])
        for record, check in records[p.id]:
            floor = minimum.get(record.month.year)
            month_breaks = []
            if floor and record.norm_met and record.accrued_kzt < floor:
                month_breaks.append("below_minimum")
            if check is not None and check.overtime:
                month_breaks.append("overtime")
            if check is not None and check.no_rest_day:
                month_breaks.append("no_rest")
            capped = cap_errors({k: getattr(record, f"deduction_{k}_kzt") for k in KINDS},
                                record.accrued_kzt, record.month)
            if capped:
                month_breaks.append("caps_broken")
            months.append({"placement": p, "record": record, "check": check, "minimum": floor,
                           "breaks": month_breaks})
            if month_breaks:
                breaks.append(_("%(month)s: %(what)s", month=f"{record.month:%Y-%m}",
                                what=", ".join(str(MONTH_BREAKS[b]) for b in month_breaks)))
        rows.append({"placement": p, "consent": consent, "briefing": briefing,
                     "injuries": len(injuries[p.id]), "days_lost": lost,
                     "pauses": len(pauses[p.id]), "breaks": breaks,
                     "credited_kzt": sum(r.credited_kzt for r, _c in records[p.id])})
    return rows, months


def summary(rows, months):
    """Return the pack's summary counts."""
    return {"placements": len(rows),
            "without_consent": sum(1 for r in rows if needs_consent(r["placement"].line)
                                   and r["consent"] is None),
            "without_briefing": sum(1 for r in rows if r["briefing"] is None),
            "injuries": sum(r["injuries"] for r in rows),
            "days_lost": sum(r["days_lost"] for r in rows),
            "months": len(months),
            "overtime": sum(1 for m in months if m["check"] is not None and m["check"].overtime),
            "no_rest": sum(1 for m in months if m["check"] is not None and m["check"].no_rest_day),
            "below_minimum": sum(1 for m in months if "below_minimum" in m["breaks"]),
            "caps_broken": sum(1 for m in months if "caps_broken" in m["breaks"]),
            "credited_kzt": sum(r["credited_kzt"] for r in rows),
            "with_breaks": sum(1 for r in rows if r["breaks"])}


def _xlsx(rows, months, totals, personal):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Summary"))
    for n, (key, value) in enumerate(totals.items()):
        sheet.write(n, 0, key, bold)
        sheet.write(n, 1, value)
    if personal:
        sheet = book.add_worksheet(_("Placements"))
        head = [_("File number"), _("Full name"), _("Line"), _("Start date"), _("End date"),
                _("Consent taken on"), _("Safety briefing"), _("Agreed wage, ₸"), _("Injuries"),
                _("Days lost"), _("Pauses"), _("Credited, ₸"), _("Rule breaks")]
        sheet.write_row(0, 0, head, bold)
        for n, r in enumerate(rows, start=1):
            p = r["placement"]
            sheet.write_row(n, 0, [neutralise(v) for v in (
                p.person.file_number, p.person.full_name, p.line.label, str(p.started_on),
                str(p.ended_on or ""), str(r["consent"].taken_on) if r["consent"] else "",
                str(r["briefing"].briefed_on) if r["briefing"] else "", p.wage_kzt,
                r["injuries"], r["days_lost"], r["pauses"], r["credited_kzt"],
                "; ".join(r["breaks"]))])
        sheet = book.add_worksheet(_("Wage months"))
        head = [_("File number"), _("Month"), _("Accrued, ₸"), _("Minimum wage, ₸"),
                _("Hours worked"), _("Statutory hours"), _("Days worked"),
                _("Of which lost-time pay, ₸"), *[_("Deduction: %(kind)s", kind=k) for k in KINDS],
                _("Credited, ₸"), _("Rule breaks")]
        sheet.write_row(0, 0, head, bold)
        for n, m in enumerate(months, start=1):
            record, check = m["record"], m["check"]
            sheet.write_row(n, 0, [neutralise(v) for v in (
                m["placement"].person.file_number, f"{record.month:%Y-%m}", record.accrued_kzt,
                m["minimum"] or "", record.hours_worked,
                check.statutory_hours if check else "", record.days_worked,
                record.lost_time_kzt, *[getattr(record, f"deduction_{k}_kzt") for k in KINDS],
                record.credited_kzt, "; ".join(str(MONTH_BREAKS[b]) for b in m["breaks"]))])
    book.close()
    return buffer.getvalue()


def pack(title, first, last, lang, placements, personal=True):
    """Return the ZIP of the pack: evidence.xlsx and summary.pdf (in ``lang``)."""
    with force_locale(lang):
        rows, months = build(placements, first, last)
        totals = summary(rows, months)
        labelled = {_("Placements"): totals["placements"],
                    _("Without consent"): totals["without_consent"],
                    _("Without a safety briefing"): totals["without_briefing"],
                    _("Injuries"): totals["injuries"], _("Days lost"): totals["days_lost"],
                    _("Wage months"): totals["months"], _("Overtime months"): totals["overtime"],
                    _("Months without a weekly rest day"): totals["no_rest"],
                    _("Months below the minimum wage"): totals["below_minimum"],
                    _("Months breaking a deduction cap"): totals["caps_broken"],
                    _("Credited, ₸"): totals["credited_kzt"],
                    _("Placements with a rule break"): totals["with_breaks"]}
        workbook = _xlsx(rows, months, labelled, personal)
        html = render_template("compliance/evidence_summary.html", title=title, first=first,
                               last=last, totals=labelled,
                               rows=rows if personal else [], lang=lang)
        pdf = HTML(string=html).write_pdf()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence.xlsx", workbook)
        archive.writestr("summary.pdf", pdf)
    return buffer.getvalue()
