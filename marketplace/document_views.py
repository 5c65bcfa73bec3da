"""Routes of the printed documents (marketplace/documents.py): PDF in Kazakh or Russian."""
from flask import request

from accounts import audit
from accounts.permissions import get_or_404, roles, visible
from enterprises.models import ProductionLine
from extensions import db
from inmates.models import Person
from timeutil import today

from . import documents, wage_entry
from .blueprint import bp
from .models import Placement
from .wage_views import WAGE_ROLES


def _answer(kind, entity_id, template, filename, **context):
    lang = documents.language()
    data = documents.render_pdf(template, lang, labels=wage_entry.LABELS, **context)
    audit.record("export", entity=kind, entity_id=entity_id, detail=f"pdf {lang}")
    db.session.commit()
    return documents.pdf_response(data, f"{filename}-{lang}.pdf")


@bp.route("/placements/<int:placement_id>/order.pdf")
@roles("admin", "inspector")
def placement_order(placement_id):
    """The placement order of one placement, to print and sign."""
    placement = get_or_404(Placement, placement_id)
    person = get_or_404(Person, placement.person_id)
    return _answer("placement_order", placement.id, "documents/placement_order.html",
                   f"placement-order-{placement.id}", placement=placement, person=person,
                   facility=person.facility, enterprise=placement.line.enterprise)


@bp.route("/people/<int:person_id>/work-record.pdf")
@roles("admin", "inspector")
def work_record(person_id):
    """A person's work record: placements, monthly pay, deductions, credited, totals."""
    person = get_or_404(Person, person_id)
    context = documents.work_record(person)
    enterprise = context["history"][0].line.enterprise if context["history"] else None
    return _answer("work_record", person.id, "documents/work_record.html",
                   f"work-record-{person.file_number}", facility=person.facility,
                   enterprise=enterprise, **context)


@bp.route("/lines/<int:line_id>/wages/payroll.pdf")
@roles(*WAGE_ROLES)
def payroll_sheet(line_id):
    """A line's payroll sheet for a month, with a column to sign."""
    line = get_or_404(ProductionLine, line_id)
    month = wage_entry.shown_month(wage_entry.parse_month(request.args.get("month"), today()))
    context = documents.payroll(line, month, visible(Placement))
    facility = line.facility or (context["rows"][0].placement.person.facility
                                 if context["rows"] else None)
    return _answer("payroll_sheet", line.id, "documents/payroll.html",
                   f"payroll-line{line.id}-{month:%Y-%m}", facility=facility,
                   enterprise=line.enterprise, **context)
