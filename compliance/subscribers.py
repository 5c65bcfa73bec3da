"""What compliance does when the marketplace starts placements and saves wages, and what it
shows on a person's page.

Connected once, when this module is imported (the app factory imports it); receivers run in
the sender's transaction and flush.
"""
from inmates.signals import person_page
from marketplace.signals import placement_starting, wage_saved

from . import ledger, services


@placement_starting.connect
def refuse_start_without_consent(line, person_id, started_on):
    """Refuse a placement needing consent that has none in force on its first day."""
    return services.consent_refusal(person_id, line, started_on)


@wage_saved.connect
def flag_hours_and_keep_savings(record, placement, month):
    """Flag overtime and a missing rest day, and keep the release share of the credit."""
    return ledger.check_record(record, placement, month)


@person_page.connect
def show_compliance_on_person_page(person):
    """Show consent, safety, pauses, reasons and the account on the person's record."""
    return {"template": "compliance/_person_section.html", "person_id": person.id,
            "records": services.records_of(person.id), "account": ledger.account_on(person.id)}
