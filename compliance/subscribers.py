"""What compliance does when the marketplace starts placements and saves wages, and what it
shows on a person's page.

Connected once, when this module is imported (the app factory imports it); receivers run in
the sender's transaction and flush.
"""
from flask_babel import lazy_gettext as _l

from inmates.signals import person_page
from marketplace.signals import placement_starting, wage_prefill, wage_saved
from reports.signals import report_sections

from . import figures, ledger, services
from .codes import reason_labels


@placement_starting.connect
def refuse_start_without_consent(line, person_id, started_on):
    """Refuse a placement needing consent that has none in force on its first day."""
    return services.consent_refusal(person_id, line, started_on)


@wage_saved.connect
def flag_hours_and_keep_savings(record, placement, month):
    """Flag overtime and a missing rest day, and keep the release share of the credit."""
    return ledger.check_record(record, placement, month)


@wage_prefill.connect
def prefill_lost_time_pay(month, placements, agreed):
    """Pre-fill the pay for days lost to an injury at work in the month."""
    return ledger.lost_time_pay(placements, month, agreed)


@person_page.connect
def show_compliance_on_person_page(person):
    """Show consent, safety, pauses, reasons and the account on the person's record."""
    return {"template": "compliance/_person_section.html", "person_id": person.id,
            "records": services.records_of(person.id), "account": ledger.account_on(person.id),
            "audit": services.audit_of(person.id), "audit_labels": services.AUDITED}


@report_sections.connect
def reasons_for_not_working(report):
    """Add why the able-bodied without work are without work to the dashboard and export,
    in the report's scope and on its date (compliance/figures.py defines the figure); the
    texts are lazy, so an export writes them in its own language."""
    scope = report.scope
    labels = reason_labels()
    counted = report.shared("reasons-for-not-working", lambda: figures.reason_rows(
        report.on, report.suppressed, region_id=scope.region_id, facility_id=scope.facility_id,
        security_level=scope.security_level))
    rows = [dict(row, label=labels[row["key"]]) for row in counted]
    return {"name": "not_working",
            "title": _l("Why the able-bodied without work are without work"),
            "columns": [("label", _l("Reason for not working"), "text"),
                        ("persons", _l("Persons"), "int"), ("share", _l("Share"), "pct")],
            "rows": rows,
            "definitions": [figures.DEFINITIONS["reasons_on_date"]] + (
                [_l("Counts of fewer than 5 people are shown as <5.")] if report.suppressed
                else [])}
