"""Printed documents as PDF (WeasyPrint, from HTML templates in templates/documents/), in
Kazakh or Russian: a placement order, a person's work record, a line's monthly payroll sheet.

Each carries the facility's and the enterprise's details. The figures come from the saved
wage records; totals are summed by the database.
"""
from flask import Response, render_template, request
from flask_babel import force_locale
from sqlalchemy import func, select
from weasyprint import HTML

from extensions import db
from i18n import current_language
from timeutil import today

from . import wage_entry, wages
from .models import WageRecord
from .placements import placements_of

LANGUAGES = ("kk", "ru")
MONEY = ("accrued_kzt", *(f"deduction_{kind}_kzt" for kind in wage_entry.DEDUCTIONS),
         "credited_kzt")


def language():
    """Return the document's language: ?lang=kk|ru, else kk for a Kazakh-speaking user, else ru."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return "kk" if current_language() == "kk" else "ru"


def render_pdf(template, lang, **context):
    """Render an HTML template in a language and return the PDF bytes."""
    with force_locale(lang):
        html = render_template(template, lang=lang, printed_on=today(), **context)
    return HTML(string=html, base_url=request.host_url).write_pdf()


def pdf_response(data, filename):
    """Answer a PDF download under a server-chosen name, never cached."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def totals(placement_ids, month=None):
    """Return {money field: sum} over the wage records of some placements (and one month)."""
    if not placement_ids:
        return dict.fromkeys(MONEY, 0)
    query = select(*(func.coalesce(func.sum(getattr(WageRecord, f)), 0) for f in MONEY)).where(
        WageRecord.placement_id.in_(placement_ids))
    if month is not None:
        query = query.where(WageRecord.month == month)
    return dict(zip(MONEY, db.session.execute(query).one()))


def work_record(person):
    """Return the context of a person's work record: placements with their monthly records."""
    history = placements_of(person_id=person.id)
    records = {}
    for record, _below in wages.records_with_flags([p.id for p in history]):
        records.setdefault(record.placement_id, []).append(record)
    for items in records.values():
        items.sort(key=lambda r: r.month)
    return {"person": person, "history": history, "records": records,
            "totals": totals([p.id for p in history]), "money": MONEY,
            "per_placement": {p.id: totals([p.id]) for p in history}}


def payroll(line, month, scope):
    """Return the context of a line's payroll sheet for a month."""
    rows = wages.grid(line.id, month, scope)
    return {"line": line, "month": month, "rows": rows, "money": MONEY,
            "totals": totals([row.placement.id for row in rows], month)}
